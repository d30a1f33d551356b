"""Release the held results whose time has come (every 5 minutes), then fan out their emails.

A result is first marked RELEASING (released, still indexed), its job is sent, then the mark
goes: a run that dies in between leaves it for the next run to send again (idempotent jobs).
"""
from __future__ import annotations

from collections.abc import Callable

from ..adapters import clock
from ..db.store import store
from ..observability import logger
from .deliver import job_of, send_jobs

RELEASE_PAGE = 100


def release_due(time_left_ms: Callable[[], int] = lambda: 900_000) -> int:
    results, batches = store().results, store().batches
    released = 0
    for lane in results.release_lanes():
        now = clock.iso()
        while time_left_ms() > 30_000:
            page = results.due(lane, now, RELEASE_PAGE)
            if not page:
                break
            ready = [r for r in page if results.mark_releasing(r, clock.iso())]
            send_jobs([job_of(r) for r in ready])
            by_batch: dict[str, int] = {}
            for r in ready:
                results.unindex(r)
                by_batch[r.batch_id] = by_batch.get(r.batch_id, 0) + 1
            for batch_id, count in by_batch.items():
                batches.add_counts(batch_id, jobs_total=count)
            released += len(ready)
    if released:
        logger().info("held results released", extra={"released": released})
    return released
