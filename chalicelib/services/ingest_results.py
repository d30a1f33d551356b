"""Ingest a results file (batch kind "results", listed in batches.importers()).

Each row is checked on its own (domain/results_rows.py); every PROGRESS_EVERY rows the
buffered rows are checked against the table in two bulk reads (the entries, the existing
results) and written, each write conditional (db/repos/results.py). Memory stays flat: nothing
is kept across chunks; duplicates across chunks are found in the table.

- no entry for (ID, exam, date)           -> a row error
- reference number held by another result -> a row error (unique across candidates)
- same content as the stored result       -> rows_unchanged, no job (a file uploaded twice)
- different content                       -> a correction: version + 1, the reference number
                                             kept, an "updated" email
- the same content written by this batch  -> a retry after a crash: the job is sent again
                                             (the worker's idempotency makes that harmless)

Files processed at the same time are serialised per row by the writes' conditions: the
reference-number claim is put only if the number is free or already this result's; a new
result only if absent; a replaced one only if its version, status, content hash and release
time are still those read. A row whose write fails its condition lost a race: it is read again
(consistently) and decided again, as if the files had come one after the other. After ROUNDS
losses in a row it is a row error, never dropped silently. A claim made for a result that
another file created meanwhile with another number is given back.

Fan-out: results released now get one job each, sent as one "fanout" message per chunk (the
worker expands it: services/deliver.py). Held results get none until services/release_held.py.
"""
from __future__ import annotations

from typing import Any

from ..adapters import clock
from ..db import models as m
from ..db.repos.results import Key, Stored, Write
from ..db.store import store
from ..domain.results_rows import COLUMNS, content_hash, validate_row
from ..observability import logger
from .deliver import RELEASED, UPDATED, job, send_jobs

ROUNDS = 4  # a row is read and decided again at most this many times when it loses a race


class _Row:
    __slots__ = ("c", "claimed", "entry", "key", "n")

    def __init__(self, n: int, c: dict[str, Any], key: Key) -> None:
        self.n, self.c, self.key = n, c, key
        self.entry: Any = None
        self.claimed: str | None = None  # a reference number whose claim this row created


class _Put:
    __slots__ = ("claim", "held", "job", "refused", "row", "supersedes", "write")

    def __init__(self, row: _Row, write: Write, job: dict | None, held: bool,
                 claim: str | None = None) -> None:
        self.row, self.write, self.job, self.held = row, write, job, held
        self.claim, self.refused = claim, False
        self.supersedes: int | None = None  # the released version a correction replaces


class ResultsImporter:
    required = COLUMNS

    def __init__(self, batch: m.Batch) -> None:
        self.batch_id = batch.batch_id
        self.pending: list[tuple[int, dict[str, Any]]] = []
        self.now = clock.iso(clock.now())
        self.unchanged = self.jobs = self.held = 0

    def row(self, n: int, row: dict[str, str]) -> list[tuple[str, str]]:
        clean, problems = validate_row(row)
        if problems:
            return problems
        self.pending.append((n, clean))
        return []

    def counts(self) -> dict[str, int]:
        return {"rows_unchanged": self.unchanged, "jobs_total": self.jobs}

    def finish(self, batch: m.Batch) -> None:
        logger().info("results ingested", extra={"batch_id": batch.batch_id, "jobs": self.jobs,
                                                 "held": self.held, "unchanged": self.unchanged})

    def flush(self) -> list[tuple[int, str, str]]:
        chunk, self.pending = self.pending, []
        if not chunk:
            return []
        results = store().results
        late: list[tuple[int, str, str]] = []
        seen_key: dict[Key, int] = {}  # duplicates inside the chunk (across chunks the table tells)
        seen_ref: dict[str, int] = {}
        rows: list[_Row] = []
        for n, c in chunk:
            key = (c["id_number"], c["exam_date"], c["exam_code"])
            if key in seen_key:
                late.append((n, "id_number", f"the same candidate, exam and date are on row {seen_key[key]}"))
                continue
            if c["reference_number"] in seen_ref:
                late.append((n, "reference_number", f"the same reference number is on row "
                                                    f"{seen_ref[c['reference_number']]}"))
                continue
            seen_key[key] = n
            seen_ref[c["reference_number"]] = n
            rows.append(_Row(n, c, key))

        entries = results.entries_for([r.key for r in rows])
        todo: list[_Row] = []
        for r in rows:
            r.entry = entries.get(r.key)
            if r.entry is None:
                late.append((r.n, "id_number", "there is no entry for this candidate, exam and date: "
                                               "load the entries file first"))
            else:
                todo.append(r)
        jobs: list[dict] = []
        for attempt in range(ROUNDS):
            if not todo:
                break
            read = results.states([r.key for r in todo], consistent=attempt > 0)
            todo = self._write(todo, read, late, jobs)
        stale = [r for r in todo if r.claimed is not None]
        if stale:  # claims of rows given up: kept only where the result holds that number
            holds = results.states([r.key for r in stale], consistent=True)
            results.unclaim_refs([(str(r.claimed), r.key) for r in stale
                                  if (s := holds.get(r.key)) is None or s.reference_number != r.claimed])
        for r in todo:
            late.append((r.n, "id_number", "this result was changed by another file processed at the same "
                                           "time, again and again: this row was not stored; upload it again"))
        send_jobs(jobs)  # after the writes: a job never points at a result not stored yet
        self.jobs += len(jobs)
        return late

    def _write(self, rows: list[_Row], existing: dict[Key, Stored], late: list[tuple[int, str, str]],
               jobs: list[dict]) -> list[_Row]:
        """Decide each row against the result read and write it conditionally; returns the rows
        that lost a race, to be read and decided again."""
        results = store().results
        puts: list[_Put] = []
        for r in rows:
            c = r.c
            old = existing.get(r.key)
            if r.claimed is not None and old is not None and old.reference_number == r.claimed:
                r.claimed = None  # the result that exists holds the number we claimed: it is its claim
            digest = content_hash(c)
            if old is None:
                w, held = self._new(r, c, c["reference_number"], 1, RELEASED, digest, None, None)
                puts.append(_Put(r, w, None if held else self._job(r.key, 1, RELEASED), held,
                                 claim=c["reference_number"]))
                continue
            ref = old.reference_number or c["reference_number"]  # a correction keeps it
            if old.content_hash == digest:
                if old.batch_id == self.batch_id:  # our own write: a retry after a crash
                    if old.status == "released":
                        jobs.append(self._job(r.key, old.version, old.notice or RELEASED))
                elif old.status == "held" and old.release_at != c["release_at"]:
                    notice = old.notice or RELEASED
                    w, held = self._new(r, c, ref, old.version, notice, digest, None, old)
                    puts.append(_Put(r, w, None if held else self._job(r.key, old.version, notice), False))
                else:
                    self.unchanged += 1
                continue
            if old.withdrawn_at is not None:  # the board withdrew it: a file does not undo that
                late.append((r.n, "reference_number", "this result was withdrawn: it cannot be corrected"))
                continue
            if old.status == "released":  # a correction of a released result applies at once
                notice, released_at, c = UPDATED, old.released_at, {**c, "release_at": None}
            else:
                notice, released_at = old.notice or RELEASED, None
            w, held = self._new(r, c, ref, old.version + 1, notice, digest, released_at, old)
            put = _Put(r, w, None if held else self._job(r.key, old.version + 1, notice), held)
            put.supersedes = old.version if old.status == "released" else None
            puts.append(put)

        # A claim of ours whose result another file created meanwhile with another reference
        # number (which a result keeps for ever): given back.
        stale = [r for r in rows if r.claimed is not None]
        results.unclaim_refs([(str(r.claimed), r.key) for r in stale])
        for r in stale:
            r.claimed = None
        # Claims first, then the results whose claim holds.
        claiming = [p for p in puts if p.claim is not None]
        for p, got in zip(claiming, results.claim_refs([(str(p.claim), p.row.key) for p in claiming])):
            if got is None:
                p.refused = True
                late.append((p.row.n, "reference_number",
                             "is already the reference number of another result"))
            elif got == "created":
                p.row.claimed = p.claim
        puts = [p for p in puts if not p.refused]
        lost: list[_Row] = []
        superseded: list[tuple[Key, int]] = []
        for p, ok in zip(puts, results.write([p.write for p in puts])):
            if not ok:
                lost.append(p.row)  # a claim it created is given back once the result is read again
                continue
            p.row.claimed = None  # stored: the claim is its result's
            if p.supersedes is not None:
                superseded.append((p.row.key, p.supersedes))
            if p.job is not None:
                jobs.append(p.job)
            elif p.held:
                self.held += 1
        if superseded:
            from .result_events import superseded_by_file

            superseded_by_file(superseded)
        return lost

    def _new(self, r: _Row, c: dict[str, Any], ref: str, version: int, notice: str, digest: str,
             released_at: str | None, old: Stored | None) -> tuple[Write, bool]:
        held = c["release_at"] is not None and c["release_at"] > self.now
        item = store().results.item(r.key, c, r.entry, ref, version, notice, digest, self.batch_id,
                                    self.now, held, released_at)
        return Write(r.key, item, old), held

    def _job(self, key: Key, version: int, notice: str) -> dict:
        return job(self.batch_id, key[0], store().results.job_sk(key), version, notice)
