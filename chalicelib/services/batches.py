"""Batch files from the exam board: the record staff see, and the ingest that fills it.

A file reaches `process_object` from S3 -> SQS (`incoming/<kind>/`, kinds: entries, results,
centres), whether it was uploaded through `POST /staff/batches` or dropped straight into the bucket.
Every row is validated; good rows are stored in batch writes, bad rows are reported (row,
field, message) in the batch record (first 100) and in a CSV error report in S3 (all).

Exactly once: a batch is claimed with a conditional write keyed by the S3 object (key +
ETag), so the same S3 event delivered twice is processed once. A claim carries a lease: if
the worker dies mid-file the message comes back and, once the lease has run out, the next
delivery takes over and starts again; every row write is idempotent, so nothing is doubled.
"""
from __future__ import annotations

import csv
import io
import re
import secrets
import tempfile
from collections.abc import Callable
from typing import Protocol
from urllib.parse import unquote_plus

from .. import config, resources
from ..adapters import clock, storage
from ..adapters.aws import client
from ..db import models as m
from ..db.store import store
from ..domain.errors import NotFound, ValidationError
from ..observability import logger
from .csvstream import NotCsv, rows

KINDS = resources.BATCH_KINDS
MAX_FILE_BYTES = 200 * 1024 * 1024
ERRORS_IN_RECORD = 100
PROGRESS_EVERY = 500
LEASE_MARGIN_S = 30
REPORT_IN_MEMORY = 1024 * 1024


class Busy(Exception):
    """Another worker holds the batch; the message is retried later."""


class Importer(Protocol):
    required: list[str]

    def row(self, n: int, row: dict[str, str]) -> list[tuple[str, str]]:
        """Validate one row and buffer it for writing; return its problems (field, message)."""

    def flush(self) -> list[tuple[int, str, str]] | None:
        """Write what is buffered. May return problems found only now, when the buffered rows
        are checked against the table (row, field, message): those rows count as failed."""

    def finish(self, batch: m.Batch) -> None:
        """After the last row: fan out follow-up work."""

    def counts(self) -> dict[str, int]:
        """Extra counters for the batch record, e.g. rows_unchanged."""


def importers() -> dict[str, Callable[[m.Batch], Importer]]:
    """The importer of each batch kind (imported here, not registered by an import)."""
    from . import entries, ingest_centres, ingest_results

    return {"entries": entries.EntriesImporter, "results": ingest_results.ResultsImporter,
            "centres": ingest_centres.CentresImporter}


# ---------------------------------------------------------------- records
def new_batch_id() -> str:
    return clock.utcnow().strftime("%Y%m%d%H%M%S") + "-" + secrets.token_hex(4)


_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


def create(kind: str, filename: str, created_by: str) -> dict:
    if kind not in KINDS:
        raise ValidationError({"kind": "must be one of: " + ", ".join(KINDS)})
    name = _SAFE.sub("_", filename.strip().rsplit("/", 1)[-1])[:120].strip("._") or "upload.csv"
    batch_id = new_batch_id()
    key = f"{resources.INCOMING_PREFIX}{kind}/{batch_id}/{name}"
    store().batches.create(batch_id, kind, name, key, clock.iso(), created_by)
    url = storage.upload_url(config.settings().batch_bucket, key)
    return {"batch_id": batch_id, "upload_url": url, "method": "PUT", "headers": {"Content-Type": "text/csv"}}


UPLOAD_FORM_SECONDS = 3600


def upload_form(redirect_url: str) -> dict:
    """The board's upload page: a presigned POST straight to the batch bucket (no file through
    Lambda). One form for both kinds: each kind is a key of its own, under a fresh folder,
    `${filename}` being the chosen file's name; S3 then sends the browser to `redirect_url` with
    `bucket` and `key` (see `uploaded`). The file then takes the same path as any file dropped
    into `incoming/` (S3 -> SQS -> on_upload)."""
    folder = secrets.token_hex(8)
    post = storage.upload_form(config.settings().batch_bucket, resources.INCOMING_PREFIX,
                               {"success_action_redirect": redirect_url}, MAX_FILE_BYTES,
                               UPLOAD_FORM_SECONDS)
    keys = {kind: f"{resources.INCOMING_PREFIX}{kind}/{folder}/${{filename}}" for kind in KINDS}
    return {"url": post["url"], "fields": post["fields"], "keys": keys}


def dropped_batch_id(key: str, etag: str) -> str:
    """The batch of a file that came into `incoming/` without POST /staff/batches: one per
    object version."""
    from .security import sha256

    return "s3-" + sha256(f"{key}\x1f{etag}")[:24]


def uploaded(bucket: str, key: str, created_by: str) -> str:
    """After the upload form's POST (S3's redirect names the bucket and key): the batch of that
    object, recorded now with who uploaded it unless its processing recorded it already.
    Returns its id."""
    kind = _kind_of(key)
    if (bucket != config.settings().batch_bucket or kind is None or key.endswith("/") or ".." in key
            or len(key) > 1024):
        raise NotFound("There is no such upload.")
    try:
        head = storage.head(bucket, key)
    except Exception:  # noqa: BLE001 - missing or unreadable: not an upload of ours
        raise NotFound("There is no such upload.") from None
    batch_id = dropped_batch_id(key, str(head.get("ETag", "")).strip('"'))
    store().batches.create(batch_id, kind, key.rsplit("/", 1)[-1], key, clock.iso(), created_by,
                           only_new=True)
    return batch_id


def view(batch: m.Batch) -> dict:
    report = None
    if batch.error_report_key:
        report = storage.download_url(config.settings().documents_bucket, batch.error_report_key,
                                      f"errors-{batch.batch_id}.csv")
    return {
        "batch_id": batch.batch_id, "kind": batch.kind, "filename": batch.filename,
        "status": batch.status, "message": batch.message, "rows_total": batch.rows_total,
        "rows_ok": batch.rows_ok, "rows_failed": batch.rows_failed,
        "rows_unchanged": batch.rows_unchanged,
        "errors": [{"row": e.row, "field": e.field, "message": e.message} for e in batch.errors or []],
        "error_report_url": report, "jobs_total": batch.jobs_total, "jobs_failed": batch.jobs_failed,
        "emails_sent": batch.emails_sent, "statements_generated": batch.statements_generated,
        "created_at": batch.created_at, "completed_at": batch.completed_at,
    }


def get(batch_id: str) -> dict:
    batch = store().batches.get(batch_id)
    if batch is None:
        raise NotFound("There is no batch with that id.")
    return view(batch)


def list_page(limit: int, cursor: str | None) -> dict:
    page = store().batches.page(limit, cursor)
    return {"batches": [view(b) for b in page.items], "next_cursor": page.next_cursor}


# ---------------------------------------------------------------- S3 events
def handle_s3_message(body: dict, remaining_ms: int) -> None:
    """One SQS message from the S3 notification (it may hold several records)."""
    if body.get("Event") == "s3:TestEvent":
        return
    for record in body.get("Records", []):
        if not str(record.get("eventName", "")).startswith("ObjectCreated"):
            continue
        s3 = record["s3"]
        key = unquote_plus(s3["object"]["key"])
        etag = str(s3["object"].get("eTag") or s3["object"].get("etag") or "").strip('"')
        process_object(s3["bucket"]["name"], key, etag, int(s3["object"].get("size") or 0), remaining_ms)


def _kind_of(key: str) -> str | None:
    for kind in KINDS:
        if key.startswith(f"{resources.INCOMING_PREFIX}{kind}/"):
            return kind
    return None


def claim(bucket: str, key: str, etag: str, remaining_ms: int) -> m.Batch | None:
    """The batch record for this object, now held by us; None when it is done already."""
    kind = _kind_of(key)
    if kind is None or key.endswith("/"):
        return None
    now = clock.now()
    lease = int(now + remaining_ms / 1000 + LEASE_MARGIN_S)
    parts = key.split("/")
    batches = store().batches
    batch = None
    if len(parts) == 4:  # incoming/<kind>/<batch_id>/<file>: made by POST /staff/batches
        batch = batches.get(parts[2])
        if batch is not None and batch.s3_key != key:
            batch = None
    if batch is None:  # dropped straight into the bucket: one batch per object version
        batch_id = dropped_batch_id(key, etag)
        batches.create(batch_id, kind, parts[-1], key, clock.iso(now), "s3", only_new=True)
        batch = batches.get(batch_id, consistent=True)
        assert batch is not None
    if not batches.claim(batch, etag, lease, int(now)):
        batch = batches.get(batch.batch_id, consistent=True)
        if batch is not None and batch.status == "processing":
            raise Busy(f"batch {batch.batch_id} is being processed by another worker") from None
        logger().info("batch already processed", extra={"batch_id": batch.batch_id if batch else None})
        return None
    return batch


def process_object(bucket: str, key: str, etag: str, size: int, remaining_ms: int = 900_000) -> str | None:
    batch = claim(bucket, key, etag, remaining_ms)
    if batch is None:
        return None
    log = logger()
    log.info("batch started", extra={"batch_id": batch.batch_id, "kind": batch.kind, "bytes": size})
    if size > MAX_FILE_BYTES:
        _fail(batch, f"The file is {size / 1e6:.0f} MB; the largest accepted is 200 MB. Split it.")
        return batch.batch_id
    try:
        _ingest(batch, bucket, key)
    except NotCsv as err:
        _fail(batch, f"The file could not be read: {err}. Nothing was stored.")
    return batch.batch_id


def _fail(batch: m.Batch, message: str) -> None:
    store().batches.set_state(batch.batch_id, "failed", message=message, completed_at=clock.iso())
    logger().info("batch failed", extra={"batch_id": batch.batch_id})


def _ingest(batch: m.Batch, bucket: str, key: str) -> None:
    imp = importers()[batch.kind](batch)
    _header, stream = rows(storage.stream_lines(bucket, key), imp.required)
    batches = store().batches
    total = ok = failed = 0
    shown: list[tuple[int, str, str]] = []
    reported: dict[str, int] = {}  # the counters as last added to the batch record
    # The error report spills to disk past 1 MB: memory stays flat however many rows fail.
    spool = tempfile.SpooledTemporaryFile(max_size=REPORT_IN_MEMORY)
    report = io.TextIOWrapper(spool, encoding="utf-8", newline="")
    report_csv = csv.writer(report)
    report_csv.writerow(["row", "field", "message"])

    def progress(status: str = "processing") -> None:
        now = {"rows_total": total, "rows_ok": ok, "rows_failed": failed, **imp.counts()}
        batches.add_counts(batch.batch_id, **{k: v - reported.get(k, 0) for k, v in now.items()})
        reported.update(now)
        batches.set_state(batch.batch_id, status, errors=shown)

    # A chunk's problems are held until its rows are flushed (a row may fail only then, when
    # checked against the table) and written in row order: the report and the record list bad
    # rows by row number, whichever check found them. Chunks come in row order.
    chunk_notes: list[tuple[int, str, str]] = []

    def note(n: int, field: str, message: str) -> None:
        chunk_notes.append((n, field, message))

    def settle(late: list[tuple[int, str, str]] | None) -> None:
        nonlocal ok, failed
        bad_rows = set()
        for n, field, message in late or []:
            bad_rows.add(n)
            note(n, field, message)
        ok -= len(bad_rows)
        failed += len(bad_rows)
        chunk_notes.sort(key=lambda problem: problem[0])  # stable: a row's own problems keep their order
        for n, field, message in chunk_notes:
            report_csv.writerow([n, field, message])
            if len(shown) < ERRORS_IN_RECORD:
                shown.append((n, field, message))
        chunk_notes.clear()

    for n, row in stream:
        total += 1
        problems = [("row", row["__width__"])] if "__width__" in row else imp.row(n, row)
        if problems:
            failed += 1
            for field, message in problems:
                note(n, field, message)
        else:
            ok += 1
        if total % PROGRESS_EVERY == 0:
            settle(imp.flush())
            progress()
    settle(imp.flush())
    if failed:
        report_key = f"reports/{batch.batch_id}/errors.csv"
        report.flush()
        spool.seek(0)
        client("s3").upload_fileobj(spool, config.settings().documents_bucket, report_key,
                                    ExtraArgs={"ContentType": "text/csv"})
        batches.set_state(batch.batch_id, error_report_key=report_key)
    report.close()
    progress()
    imp.finish(batch)
    status = "completed_with_errors" if failed else "completed"
    batches.set_state(batch.batch_id, status, completed_at=clock.iso())
    logger().info("batch done", extra={"batch_id": batch.batch_id, "rows_total": total, "rows_ok": ok,
                                       "rows_failed": failed})
