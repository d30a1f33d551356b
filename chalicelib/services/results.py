"""The results file, and what follows from it: statements, emails, held releases.

Ingest (`ResultsImporter`, registered for batch kind "results"): each row is checked on its
own (`validate_row`); every `PROGRESS_EVERY` rows the buffered rows are checked against the
table in two BatchGets (the entries, the existing results) and written one item at a time,
each write conditional, WRITERS in flight at once. Memory stays flat: nothing is kept across
chunks; duplicates across chunks are found in the table, where the earlier chunk already is.

- no entry for (ID, exam, date)           -> a row error
- reference number held by another result -> a row error (unique across candidates)
- same content as the stored result       -> rows_unchanged, no job (a file uploaded twice)
- different content                       -> a correction: version + 1, the reference number
                                             kept, an "updated" email
- the same content written by this batch  -> a retry after a crash: the job is sent again
                                             (the worker's idempotency makes that harmless)

Files processed at the same time (Lambda runs upload handlers in parallel) are serialised per
row by the writes' conditions: the reference-number claim is put only if the number is free or
already this result's; a new result only if absent; a replaced one only if its version, status,
content hash and release time are still those read. A row whose write fails its condition lost
a race: it is read again (consistently) and decided again, as if the files had come one after
the other: the same content finds nothing changed (no second job), another content becomes the
next version (both corrections applied, each with its statement and email). After ROUNDS
losses in a row it is a row error, never dropped silently. A claim made for a result that
another file created meanwhile with another number is given back. BatchWriteItem cannot be
conditional and moto copies every table on each TransactWriteItems (unusable in tests and the
local stack), hence single conditional puts: the same write units as batch writes, ~25 times
the requests (see bench/ingest.py).

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

from .. import config, resources
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
    elif photo and not resources.is_photo_key(photo):
        problems.append(("photo_key", f"must name a photo under {resources.PHOTOS_PREFIX} in the documents "
                                      f"bucket, e.g. {resources.PHOTOS_PREFIX}SIR094701.jpg"))
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
# The importer talks to DynamoDB through the low-level client: items are built as attribute
# value dicts (the same items the Result and RefClaim models describe) and the BatchGets read
# only the attributes they need. At 100,000 rows a PynamoDB model per row (construction, then
# serialisation) and full-item reads were most of the upload handler's time.
BATCH_GET_MAX, RETRIES = 100, 8
ENTRY_COPIED = ["first_name", "family_name", "date_of_birth", "centre_number", "exam_format"]


_CLIENT: list[Any] = []  # [the adapter's client, ours made from it]


def _ddb() -> Any:
    """The adapter's DynamoDB client without client-side parameter validation (DynamoDB
    validates every request anyway; botocore's walk of each request was ~10% of the ingest).
    Made again whenever the adapter's client is (tests switch moto modes)."""
    from botocore.config import Config

    from ..adapters.aws import client

    base = client("dynamodb")
    if not _CLIENT or _CLIENT[0] is not base:
        import boto3

        session: Any = boto3.session.Session()
        fast = session.client("dynamodb", region_name=config.settings().region,
                              endpoint_url=config.settings().endpoint_url,
                              config=base.meta.config.merge(Config(parameter_validation=False)))
        _CLIENT[:] = [base, fast]
    return _CLIENT[1]


def _backoff(attempt: int) -> None:
    if attempt >= RETRIES:
        raise RuntimeError("DynamoDB left items unprocessed after retries")
    import time

    time.sleep(min(0.05 * 2 ** attempt, 2.0))


def batch_get(keys: list[tuple[str, str]], fields: list[str],
              consistent: bool = False) -> list[dict[str, Any]]:
    """The items at these keys (absent ones are left out) with only `fields`, in pages of 100.
    When no two keys of a page share a partition key, the sort key is not read back (each
    attribute read costs time): the partition key says which key an item is.

    `AttributesToGet` (DynamoDB's plain list of names; no reserved words to escape) rather
    than a ProjectionExpression: the same read for DynamoDB, but moto, which plays it locally
    and in tests, rebuilds the whole item once per expression path (~0.1 ms per attribute
    per item: most of a 100,000-row ingest) and filters a list of names for free."""
    table = config.MAIN_TABLE
    ddb = _ddb()
    out: list[dict[str, Any]] = []
    for start in range(0, len(keys), BATCH_GET_MAX):
        page = keys[start:start + BATCH_GET_MAX]
        by_pk = {pk: sk for pk, sk in page}
        wanted = [f for f in fields if f != "sk"] if len(by_pk) == len(page) else fields
        request: dict[str, Any] = {table: {
            "Keys": [{"pk": {"S": pk}, "sk": {"S": sk}} for pk, sk in page], "AttributesToGet": wanted,
            "ConsistentRead": consistent}}
        attempt = 0
        while request:
            resp = ddb.batch_get_item(RequestItems=request)
            items = resp.get("Responses", {}).get(table, [])
            if "sk" not in wanted:
                for item in items:
                    item["sk"] = {"S": by_pk[item["pk"]["S"]]}
            out.extend(items)
            request = resp.get("UnprocessedKeys") or {}
            if request:
                _backoff(attempt)
                attempt += 1
    return out


def _s(item: dict[str, Any], name: str) -> str | None:
    value = item.get(name)
    return None if value is None else value.get("S")


def _component(name: str, score: int | None) -> dict[str, Any]:
    value: dict[str, Any] = {"name": {"S": name}}
    if score is not None:
        value["score"] = {"N": str(score)}
    return {"M": value}


def _job(batch_id: str, pk: str, sk: str, version: int, notice: str | None) -> dict:
    return {"batch_id": batch_id, "id_number": pk[len(m.CAND):], "result_sk": sk, "version": version,
            "kind": notice or RELEASED}


ROUNDS = 4  # a row is read and decided again at most this many times when it loses a race
WRITERS = 16  # conditional writes in flight at once (each is one request of a few ms on AWS)
_ABSENT: dict[str, Any] = {"ConditionExpression": "attribute_not_exists(pk)"}


class _Row:
    __slots__ = ("c", "claimed", "entry", "n", "pk", "sk")

    def __init__(self, n: int, c: dict[str, Any], pk: str, sk: str) -> None:
        self.n, self.c, self.pk, self.sk = n, c, pk, sk
        self.entry: dict[str, Any] | None = None
        self.claimed: str | None = None  # a reference number whose claim this row created

    @property
    def owner(self) -> str:
        return f"{self.pk}|{self.sk}"


class _Put:
    __slots__ = ("claim", "condition", "held", "item", "job", "refused", "row")

    def __init__(self, row: _Row, item: dict[str, Any], condition: dict[str, Any], job: dict | None,
                 held: bool, claim: str | None = None) -> None:
        self.row, self.item, self.condition, self.job, self.held = row, item, condition, job, held
        self.claim, self.refused = claim, False


def _as_read(old: dict[str, Any]) -> dict[str, Any]:
    """The condition that the result is still as read: same version, status, content and
    release time (a correction, `release_due` and a moved release all change one of them)."""
    names: dict[str, str] = {}
    values: dict[str, Any] = {}
    parts: list[str] = []
    for i, field in enumerate(("version", "status", "content_hash", "release_at")):
        names[f"#f{i}"] = field
        if field in old:
            values[f":v{i}"] = old[field]
            parts.append(f"#f{i} = :v{i}")
        else:
            parts.append(f"attribute_not_exists(#f{i})")
    out: dict[str, Any] = {"ConditionExpression": " AND ".join(parts), "ExpressionAttributeNames": names}
    if values:
        out["ExpressionAttributeValues"] = values
    return out


def _failed(err: Exception) -> bool:
    from botocore.exceptions import ClientError

    return isinstance(err, ClientError) and err.response.get("Error", {}).get("Code") == \
        "ConditionalCheckFailedException"


def _put(item: dict[str, Any], condition: dict[str, Any]) -> bool:
    """Put the item if the condition holds; False when it does not."""
    try:
        _ddb().put_item(TableName=config.MAIN_TABLE, Item=item, **condition)
    except Exception as err:
        if _failed(err):
            return False
        raise
    return True


def _claim(ref: str, owner: str) -> str | None:
    """Claim a reference number for a result: "created", "ours" (already its claim) or None
    (another result holds it)."""
    try:
        old = _ddb().put_item(
            TableName=config.MAIN_TABLE,
            Item={"pk": {"S": m.REF + ref}, "sk": {"S": "REF"}, "owner": {"S": owner}},
            ConditionExpression="attribute_not_exists(pk) OR #o = :o",
            ExpressionAttributeNames={"#o": "owner"},
            ExpressionAttributeValues={":o": {"S": owner}}, ReturnValues="ALL_OLD").get("Attributes")
    except Exception as err:
        if _failed(err):
            return None
        raise
    return "ours" if old else "created"


def _unclaim(ref: str, owner: str) -> None:
    try:
        _ddb().delete_item(TableName=config.MAIN_TABLE, Key={"pk": {"S": m.REF + ref}, "sk": {"S": "REF"}},
                           ConditionExpression="#o = :o", ExpressionAttributeNames={"#o": "owner"},
                           ExpressionAttributeValues={":o": {"S": owner}})
    except Exception as err:
        if not _failed(err):
            raise


_POOL: list[Any] = []


def _parallel(fn: Callable[[Any], Any], items: list[Any]) -> list[Any]:
    """fn over the items, WRITERS at a time (the requests wait on the network, not the CPU)."""
    if len(items) <= 1:
        return [fn(i) for i in items]
    if not _POOL:
        from concurrent.futures import ThreadPoolExecutor

        _POOL.append(ThreadPoolExecutor(max_workers=WRITERS, thread_name_prefix="results-write"))
    return list(_POOL[0].map(fn, items))


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
        rows: list[_Row] = []
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
            rows.append(_Row(n, c, pk, sk))

        entry_keys = [(r.pk, m.ENTRY + r.sk[len(m.RESULT):]) for r in rows]
        entries = {(e["pk"]["S"], e["sk"]["S"]): e
                   for e in batch_get(entry_keys, ["pk", "sk", *ENTRY_COPIED])}
        todo: list[_Row] = []
        for r, entry_key in zip(rows, entry_keys):
            r.entry = entries.get(entry_key)
            if r.entry is None:
                late.append((r.n, "id_number", "there is no entry for this candidate, exam and date: "
                                               "load the entries file first"))
            else:
                todo.append(r)
        jobs: list[dict] = []
        # Every write is conditional on what was read: a reference number is claimed only if free
        # (or already this result's), a result is created only if absent and replaced only if it
        # is still the version read. A row that loses to another file processed at the same
        # time is read again and decided again, as if the files had come one after the other.
        for attempt in range(ROUNDS):
            if not todo:
                break
            existing = {(i["pk"]["S"], i["sk"]["S"]): i for i in batch_get(
                [(r.pk, r.sk) for r in todo], RESULT_FIELDS, consistent=attempt > 0)}
            todo = self._write(todo, existing, late, jobs)
        stale = [r for r in todo if r.claimed is not None]
        if stale:  # claims of rows given up: kept only where the result holds that number
            holds = {(i["pk"]["S"], i["sk"]["S"]): _s(i, "reference_number") for i in batch_get(
                [(r.pk, r.sk) for r in stale], ["pk", "sk", "reference_number"], consistent=True)}
            _parallel(lambda r: _unclaim(str(r.claimed), r.owner),
                      [r for r in stale if holds.get((r.pk, r.sk)) != r.claimed])
        for r in todo:
            late.append((r.n, "id_number", "this result was changed by another file processed at the same "
                                           "time, again and again: this row was not stored; upload it again"))
        send_jobs(jobs)  # after the writes: a job never points at a result not stored yet
        self.jobs += len(jobs)
        return late

    def _write(self, rows: list[_Row], existing: dict[tuple[str, str], dict[str, Any]],
               late: list[tuple[int, str, str]], jobs: list[dict]) -> list[_Row]:
        """Decide each row against the result read and write it conditionally; returns the rows
        that lost a race, to be read and decided again."""
        batch_id = self.batch.batch_id
        puts: list[_Put] = []
        for r in rows:
            c, pk, sk, entry = r.c, r.pk, r.sk, r.entry
            assert entry is not None
            old = existing.get((pk, sk))
            if r.claimed is not None and old is not None and _s(old, "reference_number") == r.claimed:
                r.claimed = None  # the result that exists holds the number we claimed: it is its claim
            digest = content_hash(c)
            if old is None:
                item, held = self._item(pk, sk, c, entry, c["reference_number"], 1, RELEASED, digest, None)
                job_ = None if held else _job(batch_id, pk, sk, 1, RELEASED)
                puts.append(_Put(r, item, _ABSENT, job_, held, claim=c["reference_number"]))
                continue
            ref = _s(old, "reference_number") or c["reference_number"]  # a correction keeps it
            old_version = int(old["version"]["N"])
            old_status, old_notice = _s(old, "status"), _s(old, "notice")
            if _s(old, "content_hash") == digest:
                if _s(old, "batch_id") == batch_id:  # our own write: a retry after a crash
                    if old_status == "released":
                        jobs.append(_job(batch_id, pk, sk, old_version, old_notice))
                elif old_status == "held" and _s(old, "release_at") != c["release_at"]:
                    item, held = self._item(pk, sk, c, entry, ref, old_version, old_notice or RELEASED,
                                            digest, None)
                    puts.append(_Put(r, item, _as_read(old), None if held else
                                     _job(batch_id, pk, sk, old_version, old_notice or RELEASED), False))
                else:
                    self.unchanged += 1
                continue
            version = old_version + 1
            if old_status == "released":  # a correction of a released result applies at once
                notice, released_at, c = UPDATED, _s(old, "released_at"), {**c, "release_at": None}
            else:
                notice, released_at = old_notice or RELEASED, None
            item, held = self._item(pk, sk, c, entry, ref, version, notice, digest, released_at)
            job_ = None if held else _job(batch_id, pk, sk, version, notice)
            puts.append(_Put(r, item, _as_read(old), job_, held))

        # A claim of ours whose result another file created meanwhile with another reference
        # number (which a result keeps for ever): given back.
        stale = [r for r in rows if r.claimed is not None]
        _parallel(lambda r: _unclaim(str(r.claimed), r.owner), stale)
        for r in stale:
            r.claimed = None
        # Claims first, then the results whose claim holds.
        claiming = [p for p in puts if p.claim is not None]
        for p, got in zip(claiming, _parallel(lambda p: _claim(str(p.claim), p.row.owner), claiming)):
            if got is None:
                p.refused = True
                late.append((p.row.n, "reference_number",
                             "is already the reference number of another result"))
            elif got == "created":
                p.row.claimed = p.claim
        puts = [p for p in puts if not p.refused]
        lost: list[_Row] = []
        for p, ok in zip(puts, _parallel(lambda p: _put(p.item, p.condition), puts)):
            if not ok:
                lost.append(p.row)  # a claim it created is given back once the result is read again
                continue
            p.row.claimed = None  # stored: the claim is its result's
            if p.job is not None:
                jobs.append(p.job)
            elif p.held:
                self.held += 1
        return lost

    def _item(self, pk: str, sk: str, c: dict[str, Any], entry: dict[str, Any], ref: str, version: int,
              notice: str, digest: str, released_at: str | None) -> tuple[dict[str, Any], bool]:
        """The Result item (as `m.Result` would store it) and whether it is held."""
        held = c["release_at"] is not None and c["release_at"] > self.now
        item: dict[str, Any] = {
            "pk": {"S": pk}, "sk": {"S": sk}, "id_number": {"S": c["id_number"]},
            **{name: entry[name] for name in ENTRY_COPIED},
            "exam_code": {"S": c["exam_code"]}, "exam_date": {"S": c["exam_date"]},
            "reference_number": {"S": ref},
            "components": {"L": [_component(name, score) for name, score in c["components"]]},
            "status": {"S": "held" if held else "released"}, "version": {"N": str(version)},
            "content_hash": {"S": digest}, "batch_id": {"S": self.batch.batch_id},
            "updated_at": {"S": self.now}, "gsi1pk": {"S": m.REF + ref}, "gsi1sk": {"S": "RESULT"},
            "notice": {"S": notice},
        }
        if c["overall_score"] is not None:
            item["overall_score"] = {"N": str(c["overall_score"])}
        for name in ("grade", "cefr_level", "photo_key", "release_at"):
            if c[name] is not None:
                item[name] = {"S": c[name]}
        if held:
            item["gsi2pk"], item["gsi2sk"] = {"S": m.held_key(pk)}, {"S": f"{c['release_at']}#{pk}#{sk}"}
        else:
            item["released_at"] = {"S": released_at or self.now}
        return item, held


# ---------------------------------------------------------------- held results
def release_due(time_left_ms: Callable[[], int] = lambda: 900_000) -> int:
    """Release every held result whose time has come, then fan out its emails. A result is
    first marked RELEASING (released, still indexed), its job is sent, then the mark goes:
    a run that dies in between leaves it for the next run to send again (idempotent jobs)."""
    R = m.Result
    released = 0
    shards = [(marker, shard) for marker in (m.RELEASING, m.HELD) for shard in range(m.HELD_SHARDS)]
    for marker, shard in shards:
        bound = f"{clock.iso()}#~"
        while time_left_ms() > 30_000:
            page = list(R.held.query(f"{marker}#{shard}", R.gsi2sk <= bound, limit=RELEASE_PAGE))
            if not page:
                break
            ready: list[m.Result] = []
            for r in page:
                if marker == m.HELD:
                    now = clock.iso()
                    try:
                        r.update(actions=[R.status.set("released"), R.released_at.set(now),
                                          R.gsi2pk.set(m.held_key(r.pk, m.RELEASING))],
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
    from ..domain.statement import StatementData
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
