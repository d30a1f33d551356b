"""What else happens when a released result is withdrawn or replaced by a correction: one seam
that the withdrawal (services/withdrawal.py) and the importer (services/ingest_results.py) call,
after their write has succeeded.

- `on_result_withdrawn(result)`: every credential issued for it is revoked in the status list;
  the candidate is told by email; every organisation the result was shared with gets a
  `share.withdrawn` webhook event.
- `on_result_superseded(old, new)`: the credentials of the old version are revoked (the new
  version's credential, issued when next downloaded, keeps the same id with a new index). The
  old check code answers "superseded" by itself (services/check_codes.py compares versions)
  and the worker sends the "updated" email.

Side effects here never undo the write that caused them: each is logged when it fails."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from ..db import models as m
from ..db.store import store
from ..observability import logger


@dataclass(frozen=True)
class ResultVersion:
    """One version of a result: its candidate, its sort key, its result id and version."""

    id_number: str
    result_sk: str
    result_id: str
    version: int
    exam_date: str
    exam_code: str


def on_result_withdrawn(result: m.Result) -> None:
    from ..credentials import status_list

    _quietly(status_list.revoke_result, result, "credentials not revoked", result.result_id)
    _notify_candidate(result)
    _notify_organisations(result)


def on_result_superseded(old: ResultVersion, new: ResultVersion) -> None:
    """A results file corrected a released result: `old` is the version replaced, `new` the one
    stored (same result, version + 1). (A revocation that fails here is done again when the new
    version's credential is first issued: services/credentials.py.)"""
    from ..credentials import status_list

    _quietly(status_list.revoke_superseded, old, "superseded credentials not revoked", old.result_id)


def _quietly(action: Callable[[Any], object], arg: object, what: str, result_id: str) -> None:
    try:
        action(arg)
    except Exception:  # noqa: BLE001 - logged; never undoes the write that caused it
        logger().exception(what, extra={"result_id": result_id})


def superseded_by_file(corrected: Iterable[tuple[tuple[str, str, str], int]]) -> None:
    """The importer's call: (result key (id_number, exam_date, exam_code), the released version
    it replaced) for each correction written."""
    results = store().results
    for key, old_version in corrected:
        sk, rid = results.job_sk(key), results.result_id(key)
        try:
            on_result_superseded(ResultVersion(key[0], sk, rid, old_version, key[1], key[2]),
                                 ResultVersion(key[0], sk, rid, old_version + 1, key[1], key[2]))
        except Exception:  # noqa: BLE001
            logger().exception("result superseded: follow-up failed", extra={"result_id": rid})


def _notify_candidate(result: m.Result) -> None:
    from ..domain import exams
    from . import messages

    account = store().results.account(result.id_number)
    if account is None or not account.email:
        return
    exam = exams.get_exam(result.exam_code)
    mail = messages.result_withdrawn(account.email, account.first_name or result.first_name,
                                     exam.name if exam else result.exam_code, messages.language_of(account))
    messages.send_quietly(mail, "result_withdrawn")


def _notify_organisations(result: m.Result) -> None:
    from .webhooks import share_withdrawn

    shares = store().shares
    cursor: str | None = None
    while True:
        page = shares.page_of_candidate(result.id_number, 200, cursor)
        for s in page.items:
            if s.result_id != result.result_id:
                continue
            try:
                share_withdrawn(s.org_id, s.share_id, s.result_id, result.withdrawn_at or "")
            except Exception:  # noqa: BLE001
                logger().exception("webhook events not enqueued", extra={"share_id": s.share_id})
        cursor = page.next_cursor
        if not cursor:
            return
