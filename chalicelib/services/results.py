"""The results file, and what follows from it: statements, emails, held releases.

Ingest (`ResultsImporter`, registered for batch kind "results"): each row is checked on its
own (`validate_row`); every `PROGRESS_EVERY` rows the buffered rows are checked against the
table in three BatchGets (the entries, the existing results, the reference-number claims) and
written in one batch write (results + claims). Memory stays flat: nothing is kept across
chunks; duplicates across chunks are found in the table, where the earlier chunk already is.

- no entry for (ID, exam, date)           -> a row error
- reference number held by another result -> a row error (unique across candidates)
- same content as the stored result       -> rows_unchanged, no job (a file uploaded twice)
- different content                       -> a correction: version + 1, the reference number
                                             kept, an "updated" email
- the same content written by this batch  -> a retry after a crash: the job is sent again
                                             (the worker's idempotency makes that harmless)

Fan-out: for results released now, one job per candidate on the work queue. The upload
handler sends them as one "fanout" message per chunk; the worker expands it into the jobs
(in batches of ten). See `events/work.py` for why.

Held results (`release_at` in the future) are in the sparse HELD index and get no job until
`release_due` releases them.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from .. import config
from ..adapters import clock, queue, storage
from ..db import models as m
from ..db.repo import condition_failed, get_or_none
from ..domain import exams
from ..domain.errors import NotFound, ValidationError
from ..domain.ids import check_reference_number, normalise_id_number
from ..observability import logger
from .batches import importer
from .entries import parse_date

COLUMNS = ["id_number", "exam_code", "exam_date", "reference_number", "overall_score", "grade", "cefr_level"]
COMPONENT = "component:"
RELEASED, UPDATED = "released", "updated"
ENTRY_FIELDS = ["pk", "sk", "first_name", "family_name", "date_of_birth", "centre_number", "exam_format"]
RESULT_FIELDS = ["pk", "sk", "reference_number", "version", "content_hash", "status", "release_at",
                 "released_at", "batch_id", "notice"]
RELEASE_PAGE = 100


# ---------------------------------------------------------------- one row
def parse_release_at(value: str) -> str | None:
    """ISO 8601 -> 'YYYY-MM-DDTHH:MM:SSZ' (UTC; a time without zone is UTC). Raises ValueError."""
    dt = datetime.fromisoformat(value.replace("z", "Z"))
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def validate_row(row: dict[str, str]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """A clean result row, or every problem of the row as (field, message)."""
    problems: list[tuple[str, str]] = []
    clean: dict[str, Any] = {}
    try:
        clean["id_number"] = normalise_id_number(row["id_number"])
    except ValidationError as err:
        problems.append(("id_number", (err.fields or {}).get("id_number", err.message)))
    try:
        clean["reference_number"] = check_reference_number(row["reference_number"])
    except ValidationError as err:
        problems.append(("reference_number", (err.fields or {}).get("reference_number", err.message)))
    exam_date = parse_date(row["exam_date"], "exam_date", problems)
    clean["exam_date"] = exam_date.isoformat() if exam_date else ""
    code = row["exam_code"].strip().upper()
    exam = exams.get_exam(code)
    clean["exam_code"] = code
    given: dict[str, object] = {k[len(COMPONENT):].strip(): v for k, v in row.items()
                                if k.startswith(COMPONENT) and v != ""}
    checked = exams.check_result(code, row["overall_score"], row["grade"], row["cefr_level"], given)
    problems += list(checked.items())
    release = (row.get("release_at") or "").strip()
    clean["release_at"] = None
    if release:
        try:
            clean["release_at"] = parse_release_at(release)
        except ValueError:
            problems.append(("release_at", "must be an ISO 8601 time, e.g. 2026-08-01T09:00:00Z"))
    photo = (row.get("photo_key") or "").strip()
    if len(photo) > 512:
        problems.append(("photo_key", "must be at most 512 characters"))
    clean["photo_key"] = photo or None
    if problems or exam is None:
        return clean, problems
    clean["overall_score"] = int(row["overall_score"]) if row["overall_score"].strip() else None
    clean["grade"] = exams.canonical_grade(exam, row["grade"])
    clean["cefr_level"] = exams.canonical_cefr(row["cefr_level"]) if row["cefr_level"].strip() else None
    scores = {name.casefold(): int(str(v)) for name, v in given.items()}
    if exam.components is not None:
        clean["components"] = [(c, scores.get(c.casefold())) for c in exam.components]
    else:
        clean["components"] = [(name, scores[name.casefold()]) for name in given]
    return clean, problems


def content_hash(clean: dict[str, Any]) -> str:
    """Of what the candidate sees: an identical re-upload has the same hash."""
    scored = [clean["overall_score"], clean["grade"], clean["cefr_level"], clean["components"],
              clean["photo_key"]]
    return hashlib.sha256(json.dumps(scored, separators=(",", ":")).encode()).hexdigest()[:32]


def job(batch_id: str, r: m.Result) -> dict:
    return {"batch_id": batch_id, "id_number": r.pk[len(m.CAND):], "result_sk": r.sk,
            "version": int(r.version), "kind": r.notice or RELEASED}


def send_jobs(jobs: list[dict]) -> None:
    """Hand jobs to the work queue as one fan-out message (the worker sends one job per
    candidate from it); a message stays far below SQS's 256 KB at PROGRESS_EVERY jobs."""
    if jobs:
        queue.send(config.WORK_QUEUE, {"kind": "fanout", "jobs": jobs})


# ---------------------------------------------------------------- the importer
@importer("results")
class ResultsImporter:
    required = COLUMNS

    def __init__(self, batch: m.Batch) -> None:
        self.batch = batch
        self.pending: list[tuple[int, dict[str, Any]]] = []
        self.now_ts = clock.now()
        self.now = clock.iso(self.now_ts)
        self.unchanged = 0
        self.jobs = 0
        self.held = 0

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
        late: list[tuple[int, str, str]] = []
        # Duplicates inside the chunk (across chunks the table tells).
        seen_key: dict[tuple[str, str], int] = {}
        seen_ref: dict[str, int] = {}
        rows: list[tuple[int, dict[str, Any], str, str]] = []
        for n, c in chunk:
            pk, sk = m.Result.keys(c["id_number"], c["exam_date"], c["exam_code"])
            if (pk, sk) in seen_key:
                first = seen_key[pk, sk]
                late.append((n, "id_number", f"the same candidate, exam and date are on row {first}"))
                continue
            if c["reference_number"] in seen_ref:
                late.append((n, "reference_number", f"the same reference number is on row "
                                                    f"{seen_ref[c['reference_number']]}"))
                continue
            seen_key[pk, sk] = n
            seen_ref[c["reference_number"]] = n
            rows.append((n, c, pk, sk))

        entry_keys = [(pk, m.ENTRY + sk[len(m.RESULT):]) for _, _, pk, sk in rows]
        entries = {(e.pk, e.sk): e for e in m.Entry.batch_get(entry_keys, attributes_to_get=ENTRY_FIELDS)}
        existing = {(r.pk, r.sk): r for r in m.Result.batch_get([(pk, sk) for _, _, pk, sk in rows],
                                                                attributes_to_get=RESULT_FIELDS)}
        claims = {c.pk: c.owner for c in m.RefClaim.batch_get(
            [m.RefClaim.keys(c["reference_number"]) for _, c, _, _ in rows])}

        writes: list[m.Result | m.RefClaim] = []
        jobs: list[dict] = []
        for (n, c, pk, sk), entry_key in zip(rows, entry_keys):
            entry = entries.get(entry_key)
            if entry is None:
                late.append((n, "id_number", "there is no entry for this candidate, exam and date: "
                                             "load the entries file first"))
                continue
            owner = f"{pk}|{sk}"
            old = existing.get((pk, sk))
            digest = content_hash(c)
            if old is None:
                ref = c["reference_number"]
                claimed = claims.get(m.RefClaim.keys(ref)[0])
                if claimed is not None and claimed != owner:
                    late.append((n, "reference_number", "is already the reference number of another result"))
                    continue
                version, notice, released_at = 1, RELEASED, None
                writes.append(m.RefClaim(*m.RefClaim.keys(ref), owner=owner))
            else:
                ref = old.reference_number  # a correction keeps its reference number
                if old.content_hash == digest:
                    if old.batch_id == self.batch.batch_id:  # our own write: a retry after a crash
                        if old.status == "released":
                            jobs.append(job(self.batch.batch_id, old))
                    elif old.status == "held" and old.release_at != c["release_at"]:
                        item = self._item(pk, sk, c, entry, ref, int(old.version), old.notice or RELEASED,
                                          digest, None)
                        writes.append(item)
                        if item.status == "released":  # moved to now or the past
                            jobs.append(job(self.batch.batch_id, item))
                    else:
                        self.unchanged += 1
                    continue
                version = int(old.version) + 1
                if old.status == "released":  # a correction of a released result applies at once
                    notice, released_at, c = UPDATED, old.released_at, {**c, "release_at": None}
                else:
                    notice, released_at = old.notice or RELEASED, None
            item = self._item(pk, sk, c, entry, ref, version, notice, digest, released_at)
            writes.append(item)
            if item.status == "released":
                jobs.append(job(self.batch.batch_id, item))
            else:
                self.held += 1
        if writes:
            with m.Result.batch_write() as writer:  # RefClaim items too: one table (not Item: its
                # connection, made from its own schema without indexes, would be inherited)
                for w in writes:
                    writer.save(w)
        send_jobs(jobs)  # after the writes: a job never points at a result not stored yet
        self.jobs += len(jobs)
        return late

    def _item(self, pk: str, sk: str, c: dict[str, Any], entry: m.Entry, ref: str, version: int,
              notice: str, digest: str, released_at: str | None) -> m.Result:
        held = c["release_at"] is not None and c["release_at"] > self.now
        r = m.Result(
            pk, sk, id_number=c["id_number"], first_name=entry.first_name, family_name=entry.family_name,
            date_of_birth=entry.date_of_birth, centre_number=entry.centre_number, exam_code=c["exam_code"],
            exam_date=c["exam_date"], exam_format=entry.exam_format, reference_number=ref,
            overall_score=c["overall_score"], grade=c["grade"], cefr_level=c["cefr_level"],
            components=[m.Component(name=name, score=score) for name, score in c["components"]],
            photo_key=c["photo_key"], status="held" if held else "released", release_at=c["release_at"],
            released_at=None if held else (released_at or self.now), version=version, content_hash=digest,
            batch_id=self.batch.batch_id, updated_at=self.now, gsi1pk=m.REF + ref, gsi1sk="RESULT",
            notice=notice,
        )
        if held:
            r.gsi2pk, r.gsi2sk = m.HELD, f"{c['release_at']}#{pk}#{sk}"
        return r


# ---------------------------------------------------------------- held results
def release_due(time_left_ms: Callable[[], int] = lambda: 900_000) -> int:
    """Release every held result whose time has come, then fan out its emails. A result is
    first marked RELEASING (released, still indexed), its job is sent, then the mark goes:
    a run that dies in between leaves it for the next run to send again (idempotent jobs)."""
    R = m.Result
    released = 0
    for marker in (m.RELEASING, m.HELD):
        bound = f"{clock.iso()}#~"
        while time_left_ms() > 30_000:
            page = list(R.held.query(marker, R.gsi2sk <= bound, limit=RELEASE_PAGE))
            if not page:
                break
            ready: list[m.Result] = []
            for r in page:
                if marker == m.HELD:
                    now = clock.iso()
                    try:
                        r.update(actions=[R.status.set("released"), R.released_at.set(now),
                                          R.gsi2pk.set(m.RELEASING)],
                                 condition=(R.status == "held") & (R.version == r.version))
                    except Exception as err:
                        if not condition_failed(err):
                            raise
                        continue
                ready.append(r)
            by_batch: dict[str, int] = {}
            send_jobs([job(r.batch_id, r) for r in ready])
            for r in ready:
                r.update(actions=[R.gsi2pk.remove(), R.gsi2sk.remove()])
                by_batch[r.batch_id] = by_batch.get(r.batch_id, 0) + 1
            for batch_id, count in by_batch.items():
                m.Batch(m.BATCH + batch_id, "BATCH").update(actions=[m.Batch.jobs_total.add(count)])
            released += len(ready)
    if released:
        logger().info("held results released", extra={"released": released})
    return released


# ---------------------------------------------------------------- statements
def statement_key(r: m.Result) -> str:
    return f"statements/{r.id_number}/{r.result_id}-v{int(r.version)}.pdf"


def statement_data(r: m.Result) -> Any:
    from ..adapters.pdf import StatementData
    from .messages import link

    exam = exams.get_exam(r.exam_code)
    return StatementData(
        first_name=r.first_name, family_name=r.family_name, date_of_birth=r.date_of_birth,
        id_number=r.id_number, centre_number=r.centre_number, exam_code=r.exam_code,
        exam_name=exam.name if exam else r.exam_code, exam_date=r.exam_date, exam_format=r.exam_format,
        overall_score=int(r.overall_score) if r.overall_score is not None else None,
        grade=r.grade, cefr_level=r.cefr_level,
        components=[(c.name, int(c.score) if c.score is not None else None) for c in r.components or []],
        reference_number=r.reference_number,
        verification_url=link("/verify", reference_number=r.reference_number),
        issued_on=(r.released_at or clock.iso())[:10],
    )


def store_statement(r: m.Result) -> str:
    """Render the statement of this version to S3 and point the result at it."""
    from ..adapters.pdf import render_statement

    key = statement_key(r)
    pdf = render_statement(statement_data(r))
    storage.put(config.settings().documents_bucket, key, pdf, "application/pdf")
    try:
        r.update(actions=[m.Result.statement_key.set(key)], condition=m.Result.version == r.version)
    except Exception as err:
        if not condition_failed(err):
            raise
    return key


def load_released(id_number: str, result_sk: str, version: int) -> m.Result | None:
    """The result a job is about, if it is still released at that version."""
    try:
        r = m.Result.get(m.CAND + id_number, result_sk, consistent_read=True)
    except m.Result.DoesNotExist:
        return None
    if r.status != "released" or int(r.version) != version:
        return None
    return r


def render_for_job(key: dict) -> dict:
    """Side effect: the statement PDF of (result, version) in S3, counted once on the batch."""
    data = key["key"]
    r = load_released(data["id_number"], data["result_sk"], data["version"])
    if r is None:
        return {"skipped": True}
    s3_key = store_statement(r)
    m.Batch(m.BATCH + key["batch_id"], "BATCH").update(actions=[m.Batch.statements_generated.add(1)])
    return {"statement_key": s3_key}


def account_for(id_number: str) -> m.CandidateAccount | None:
    return get_or_none(m.CandidateAccount, *m.CandidateAccount.keys(id_number))


def email_for_job(key: dict) -> dict:
    """Side effect: the "released"/"updated" email of (candidate, result, kind, version), once."""
    from ..adapters import email as mailer
    from . import messages

    data = key["key"]
    exam = exams.get_exam(key["exam_code"])
    name = exam.name if exam else key["exam_code"]
    build = messages.result_updated if data["kind"] == UPDATED else messages.results_released
    message_id = mailer.send(build(key["to"], key["first_name"], name))
    m.Batch(m.BATCH + key["batch_id"], "BATCH").update(actions=[m.Batch.emails_sent.add(1)])
    return {"sent": True, "message_id": message_id}


# ---------------------------------------------------------------- candidates
def candidate_results(id_number: str) -> list[m.Result]:
    return list(m.Result.query(m.CAND + id_number, m.Result.sk.startswith(m.RESULT)))


def result_view(r: m.Result) -> dict:
    exam = exams.get_exam(r.exam_code)
    return {
        "result_id": r.result_id, "exam_code": r.exam_code, "exam_name": exam.name if exam else r.exam_code,
        "exam_date": r.exam_date, "exam_format": r.exam_format, "status": "released",
        "overall_score": int(r.overall_score) if r.overall_score is not None else None,
        "grade": r.grade, "cefr_level": r.cefr_level,
        "components": [{"name": c.name, "score": int(c.score) if c.score is not None else None}
                       for c in r.components or []],
        "reference_number": r.reference_number, "released_at": r.released_at,
    }


def statement_url(id_number: str, rid: str) -> str:
    """A short-lived URL of the candidate's statement (rendered now if it is missing)."""
    parsed = m.parse_result_id(rid)
    r = get_or_none(m.Result, *m.Result.keys(id_number, parsed[1], parsed[0])) if parsed else None
    if r is None or r.status != "released":
        raise NotFound("There is no released result with that id on your account.")
    bucket = config.settings().documents_bucket
    key = r.statement_key
    if key != statement_key(r) or not storage.exists(bucket, key):
        key = store_statement(r)
    return storage.download_url(bucket, key, f"statement-{r.reference_number}.pdf")
