"""The audit trail of every read of a candidate's result by an organisation.

One item per read: pk AUDIT#<org_id>, sk <at>#<audit_id> (an organisation's reads in time
order); gsi1 AUDITRESULT#<result pk>#<result sk> (who read one result). `how` says which
door: detail, search, statement, download_pdf, download_csv, download_again_pdf/csv,
api_shares, api_results, photo (a signed test-day photo URL handed out). A search without a
match is recorded too (`record_miss`: how search_miss / api_results_miss, no result, the
reference number tried only as a keyed hash, indexed under gsi1 AUDITREF#<hash>), so a brute
force leaves a trail. `actor` is user:<user_id> or key:<key_id>."""
from __future__ import annotations

from collections.abc import Iterable

from ..adapters import clock
from ..adapters.ids import random_id
from ..db import models as m
from ..db.store import store
from . import security as sec

Read = tuple[str, str, str | None]  # result pk, result sk, share_id


def record(org_id: str, actor: str, how: str, reads: Iterable[Read]) -> int:
    return store().audit.record(org_id, actor, how, clock.iso(), ((random_id(), r) for r in reads))


def ref_hash(reference_number: str) -> str:
    return sec.keyed_hash("audit-reference", reference_number.strip().upper())


def record_miss(org_id: str, actor: str, how: str, reference_number: str) -> None:
    """A search that matched nothing: who, which organisation, when, which door, and the
    reference number as a keyed hash (never in clear)."""
    store().audit.record_miss(org_id, actor, how, clock.iso(), random_id(), ref_hash(reference_number))


def view(e: m.AuditEvent) -> dict:
    return {"audit_id": e.audit_id, "org_id": e.org_id, "actor": e.actor, "how": e.how,
            "result_pk": e.result_pk, "result_sk": e.result_sk, "share_id": e.share_id,
            "ref_hash": e.ref_hash, "at": e.at}


def for_org(org_id: str, limit: int = 200) -> list[dict]:
    return [view(e) for e in store().audit.of_org(org_id, limit)]


def for_result(result_pk: str, result_sk: str, limit: int = 200) -> list[dict]:
    return [view(e) for e in store().audit.of_result(result_pk, result_sk, limit)]


def for_reference(reference_number: str, limit: int = 200) -> list[dict]:
    """Who searched for this reference number without a match."""
    return [view(e) for e in store().audit.of_reference(ref_hash(reference_number), limit)]
