"""The audit trail: one AuditEvent per read of a result by an organisation.

pk AUDIT#<org_id>, sk <at>#<audit_id> (an organisation's reads in time order).
gsi1 (`by_result`): AUDITRESULT#<result pk>#<result sk> / <at>#<audit_id> (who read one
result); for a search without a match AUDITREF#<ref_hash> / <at>#<audit_id> (who tried one
reference number).
"""
from __future__ import annotations

from collections.abc import Iterable

from .. import models as m
from ..table import Table

Read = tuple[str, str, str | None]  # result pk, result sk, share_id


class Audit:
    def __init__(self, table: Table) -> None:
        self.t = table

    def record(self, org_id: str, actor: str, how: str, at: str, reads: Iterable[tuple[str, Read]]) -> int:
        """One event per (audit_id, read), written in batches; returns how many."""
        events = [m.AuditEvent(m.AUDIT + org_id, f"{at}#{audit_id}", audit_id=audit_id, org_id=org_id,
                               actor=actor, how=how, result_pk=pk, result_sk=sk, share_id=share_id, at=at,
                               gsi1pk=f"{m.AUDIT_RESULT}{pk}#{sk}", gsi1sk=f"{at}#{audit_id}")
                  for audit_id, (pk, sk, share_id) in reads]
        if events:
            self.t.batch_write(puts=events)
        return len(events)

    def record_miss(self, org_id: str, actor: str, how: str, at: str, audit_id: str, ref_hash: str) -> None:
        self.t.put(m.AuditEvent(m.AUDIT + org_id, f"{at}#{audit_id}", audit_id=audit_id, org_id=org_id,
                                actor=actor, how=how, ref_hash=ref_hash, at=at, gsi1pk=m.AUDIT_REF + ref_hash,
                                gsi1sk=f"{at}#{audit_id}"))

    def of_org(self, org_id: str, limit: int) -> list[m.AuditEvent]:
        return self.t.query(m.AuditEvent, m.AUDIT + org_id, limit=limit).items

    def of_result(self, result_pk: str, result_sk: str, limit: int) -> list[m.AuditEvent]:
        hash_key = f"{m.AUDIT_RESULT}{result_pk}#{result_sk}"
        return self.t.query(m.AuditEvent.by_result, hash_key, limit=limit).items

    def of_reference(self, ref_hash: str, limit: int) -> list[m.AuditEvent]:
        return self.t.query(m.AuditEvent.by_result, m.AUDIT_REF + ref_hash, limit=limit).items
