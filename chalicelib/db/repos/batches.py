"""Batch files: pk BATCH#<id>, sk BATCH; gsi1 BATCHES / <created_at>#<id> lists them newest first.

Every counter of a batch (rows_*, jobs_*, emails_sent, statements_generated) changes through
`add_counts`, an atomic ADD: the importer, the scheduled release and the delivery worker each
add what they did, whichever runs first.
"""
from __future__ import annotations

from typing import Any

from .. import models as m
from ..paging import Page, decode_cursor, encode_cursor
from ..table import Table

B = m.Batch
COUNTERS = ("rows_total", "rows_ok", "rows_failed", "rows_unchanged", "jobs_total", "jobs_failed",
            "emails_sent", "statements_generated")
LISTING = "batches"


def _ref(batch_id: str) -> m.Batch:
    return B(m.BATCH + batch_id, "BATCH")


class Batches:
    def __init__(self, table: Table) -> None:
        self.t = table

    def create(self, batch_id: str, kind: str, filename: str, s3_key: str, created_at: str,
               created_by: str, only_new: bool = False) -> bool:
        """A batch awaiting its upload; with `only_new`, False when it exists already."""
        item = B(m.BATCH + batch_id, "BATCH", batch_id=batch_id, kind=kind, filename=filename, s3_key=s3_key,
                 status="awaiting_upload", created_at=created_at, created_by=created_by,
                 gsi1pk=m.BATCHES, gsi1sk=f"{created_at}#{batch_id}")
        return self.t.put(item, B.pk.does_not_exist() if only_new else None)

    def get(self, batch_id: str, consistent: bool = False) -> m.Batch | None:
        return self.t.get(B, m.BATCH + batch_id, "BATCH", consistent)

    def page(self, limit: int, cursor: str | None) -> Page[m.Batch]:
        got = self.t.query(B.listing, m.BATCHES, forward=False, limit=limit,
                           start=decode_cursor(LISTING, cursor))
        return Page(got.items, encode_cursor(LISTING, got.last_evaluated_key))

    def claim(self, batch: m.Batch, etag: str, lease_until: int, now: int) -> bool:
        """Take the batch for processing this object version: if it awaits its upload, is another
        version, or its holder's lease ran out. Its counters start again from zero (every row
        write is idempotent: a takeover processes the file again)."""
        fresh = B.status == "awaiting_upload"
        other_version = B.etag != etag
        lease_over = (B.status == "processing") & (B.lease_until < now)
        actions: list[Any] = [B.status.set("processing"), B.etag.set(etag), B.lease_until.set(lease_until),
                              B.message.remove(), B.completed_at.remove()]
        actions += [getattr(B, name).set(0) for name in ("rows_total", "rows_ok", "rows_failed",
                                                         "rows_unchanged", "jobs_total")]
        return self.t.update(batch, actions, fresh | other_version | B.etag.does_not_exist() | lease_over)

    def add_counts(self, batch_id: str, **deltas: int) -> None:
        """Add to the batch's counters (names from COUNTERS; a delta may be negative)."""
        actions = [getattr(B, name).add(delta) for name, delta in deltas.items()
                   if delta and name in COUNTERS]
        unknown = set(deltas) - set(COUNTERS)
        if unknown:
            raise ValueError(f"not a batch counter: {sorted(unknown)}")
        if actions:
            self.t.update(_ref(batch_id), actions)

    def set_state(self, batch_id: str, status: str | None = None, *, errors: list[tuple[int, str, str]] | None
                  = None, message: str | None = None, error_report_key: str | None = None,
                  completed_at: str | None = None) -> None:
        """The batch's status and what it shows besides counters (the first row errors, a
        message, the error report, when it completed)."""
        actions: list[Any] = []
        if status is not None:
            actions.append(B.status.set(status))
        if errors is not None:
            actions.append(B.errors.set([m.RowError(row=n, field=f, message=msg) for n, f, msg in errors]))
        for attr, value in ((B.message, message), (B.error_report_key, error_report_key),
                            (B.completed_at, completed_at)):
            if value is not None:
                actions.append(attr.set(value))
        if actions:
            self.t.update(_ref(batch_id), actions)
