"""The work queue's jobs: one per candidate result — render the Statement of Results, send the email.

Messages (services call `send_jobs`; events/work.py hands each message to `handle_message`):
- {"kind": "fanout", "jobs": [job, ...]}: sent by the importer (one per chunk of rows) and by
  the scheduled release; expanded here into one message per job (SendMessageBatch of 10), so
  the upload handler's time stays proportional to its DynamoDB writes.
- job = {"batch_id", "id_number", "result_sk", "version", "kind": "released"|"updated"}.
- account jobs (ACCOUNT_JOBS): emails whose request must not reveal whether the account exists.

Exactly once: both side effects are Powertools idempotent functions (DynamoDB persistence),
keyed by what makes the effect unique — the statement by (result, version), the email by
(ID number, result id, kind, version) — not by the SQS message id, so a duplicate job, a
re-delivered message or a retry after a crash finds the effect done. A function that raises
leaves no idempotency record behind, so it runs again next time.

Failures: a failing job raises (SQS retries it, then parks it in the DLQ; the last try counts
it on the batch as jobs_failed). SES throttling does not use up those receives: the job is sent
again with an exponential delay (up to SQS's 15 minutes), so a throttled email is delayed,
never dropped.
"""
from __future__ import annotations

import random
from typing import Any

from .. import config, resources
from ..adapters import clock, queue, storage
from ..db import models as m
from ..db.store import store
from ..domain import exams
from ..observability import logger

RELEASED, UPDATED = "released", "updated"
THROTTLE_CODES = ("Throttling", "ThrottlingException", "MaxSendingRateExceeded", "TooManyRequestsException")
BACKOFF_BASE_S = 5
BACKOFF_MAX_S = 900  # SQS's longest DelaySeconds
IDEMPOTENCY_SECONDS = 14 * 24 * 3600  # longer than a message can live in the queue and its DLQ


# ---------------------------------------------------------------- jobs
def job(batch_id: str, id_number: str, result_sk: str, version: int, notice: str | None) -> dict:
    """The job of one result version (`notice`: the email it calls for)."""
    return {"batch_id": batch_id, "id_number": id_number, "result_sk": result_sk, "version": int(version),
            "kind": notice or RELEASED}


def job_of(r: m.Result) -> dict:
    return job(r.batch_id, r.id_number, r.sk, int(r.version), r.notice)


def send_jobs(jobs: list[dict]) -> None:
    """Hand jobs to the work queue as one fan-out message (a message stays far below SQS's
    256 KB at PROGRESS_EVERY jobs)."""
    if jobs:
        queue.send(config.WORK_QUEUE, {"kind": "fanout", "jobs": jobs})


# ---------------------------------------------------------------- statements
def statement_key(r: m.Result, code: str | None = None) -> str:
    """The statement of this version with this check code (a new code, after the candidate
    turned the link off and on, is a new statement)."""
    from .check_codes import current_code

    code = code if code is not None else current_code(r)
    suffix = code.rpartition("-")[2][:8] if code else "nocode"
    return f"statements/{r.id_number}/{r.result_id}-{suffix}-v{int(r.version)}.pdf"


def statement_data(r: m.Result, code: str | None = None) -> Any:
    """What the statement shows; its QR code holds the check URL of the result's current check
    code (or of the check page, while the candidate has turned the link off)."""
    from ..domain.statement import StatementData
    from .check_codes import check_url, current_code

    code = code if code is not None else current_code(r)
    exam = exams.get_exam(r.exam_code)
    return StatementData(
        first_name=r.first_name, family_name=r.family_name, date_of_birth=r.date_of_birth,
        id_number=r.id_number, centre_number=r.centre_number, exam_code=r.exam_code,
        exam_name=exam.name if exam else r.exam_code, exam_date=r.exam_date, exam_format=r.exam_format,
        overall_score=int(r.overall_score) if r.overall_score is not None else None,
        grade=r.grade, cefr_level=r.cefr_level,
        components=[(c.name, int(c.score) if c.score is not None else None) for c in r.components or []],
        reference_number=r.reference_number,
        verification_url=check_url(code) if code else f"{config.settings().public_base_url}/CHECK".upper(),
        issued_on=(r.released_at or clock.iso())[:10], check_code=code or "",
    )


def store_statement(r: m.Result) -> str:
    """Render the statement of this version to S3 and point the result at it."""
    from ..adapters.pdf import render_statement
    from .check_codes import current_code

    code = current_code(r)
    key = statement_key(r, code)
    pdf = render_statement(statement_data(r, code))
    storage.put(config.settings().documents_bucket, key, pdf, "application/pdf")
    store().results.set_statement(r, key)
    return key


def load_released(id_number: str, result_sk: str, version: int) -> m.Result | None:
    """The result a job is about, if it is still released at that version."""
    r = store().results.get(id_number, result_sk, consistent=True)
    if r is None or r.status != "released" or int(r.version) != version:
        return None
    return r


def render_for_job(key: dict) -> dict:
    """Side effect: the statement PDF of (result, version) in S3, counted once on the batch."""
    data = key["key"]
    r = load_released(data["id_number"], data["result_sk"], data["version"])
    if r is None:
        return {"skipped": True}
    s3_key = store_statement(r)
    store().batches.add_counts(key["batch_id"], statements_generated=1)
    return {"statement_key": s3_key}


def account_for(id_number: str) -> m.CandidateAccount | None:
    return store().results.account(id_number)


def email_for_job(key: dict) -> dict:
    """Side effect: the "released"/"updated" email of (candidate, result, kind, version), once."""
    from ..adapters import email as mailer
    from . import messages

    data = key["key"]
    exam = exams.get_exam(key["exam_code"])
    name = exam.name if exam else key["exam_code"]
    build = messages.result_updated if data["kind"] == UPDATED else messages.results_released
    message_id = mailer.send(build(key["to"], key["first_name"], name, language=key.get("language")))
    store().batches.add_counts(key["batch_id"], emails_sent=1)
    return {"sent": True, "message_id": message_id}


# ---------------------------------------------------------------- the job
_effects: dict[str, Any] = {}


def effects() -> dict[str, Any]:
    """The idempotent side effects, built on first use and again when the DynamoDB client changes
    (tests switch moto contexts)."""
    from ..adapters.aws import client

    ddb = client("dynamodb")
    if _effects.get("client") is ddb:
        return _effects
    from aws_lambda_powertools.utilities.idempotency import (
        DynamoDBPersistenceLayer,
        IdempotencyConfig,
        idempotent_function,
    )

    persistence = DynamoDBPersistenceLayer(table_name=config.IDEMPOTENCY_TABLE, boto3_client=ddb)
    cfg = IdempotencyConfig(event_key_jmespath="key", raise_on_no_idempotency_key=True,
                            expires_after_seconds=IDEMPOTENCY_SECONDS)
    _effects.clear()
    _effects.update(
        client=ddb, config=cfg,
        render=idempotent_function(data_keyword_argument="key", persistence_store=persistence, config=cfg,
                                   key_prefix="statement")(render_for_job),
        email=idempotent_function(data_keyword_argument="key", persistence_store=persistence, config=cfg,
                                  key_prefix="result-email")(email_for_job),
    )
    return _effects


def run_job(job: dict, fx: dict[str, Any]) -> None:
    """Render (once per version), then email the registered candidate (once per kind+version)."""
    key = {"id_number": job["id_number"], "result_sk": job["result_sk"], "version": int(job["version"])}
    rendered = fx["render"](key={"key": key, "batch_id": job["batch_id"]})
    if rendered.get("skipped"):
        return  # no longer released at this version: a newer job carries the newer version
    account = account_for(job["id_number"])
    if account is None:
        return  # not registered: the results are there when they register
    results = store().results
    _id, exam_date, exam_code = results.key_of_job(job["id_number"], job["result_sk"])
    email_key = {"id_number": job["id_number"], "result_id": results.result_id((_id, exam_date, exam_code)),
                 "kind": job["kind"], "version": int(job["version"])}
    # The idempotency key is `key` alone; the rest is what the send needs, read once here (the
    # render above has just checked that this version is the released one).
    fx["email"](key={"key": email_key, "batch_id": job["batch_id"], "exam_code": exam_code,
                     "to": account.email, "first_name": account.first_name,
                     "language": getattr(account, "language", None) or "en"})


def is_throttling(err: BaseException) -> bool:
    from botocore.exceptions import ClientError

    return isinstance(err, ClientError) and err.response.get("Error", {}).get("Code") in THROTTLE_CODES


def backoff_seconds(attempt: int) -> int:
    delay = min(BACKOFF_MAX_S, BACKOFF_BASE_S * 2 ** max(0, attempt))
    return int(delay / 2 + random.uniform(0, delay / 2))  # full jitter on the upper half


def _candidate_reset(job: dict) -> None:
    from .candidates import send_password_reset

    send_password_reset(job["id_number"], job["email_hash"])


def _verifier_reset(job: dict) -> None:
    from .verifier_users import send_password_reset

    send_password_reset(job["user_id"])


def _verifier_join(job: dict) -> None:
    from .verifier_users import handle_join

    handle_join(job)


# Account emails whose request must not reveal whether the account exists: the request path
# queues a job whatever the account, and these send (or not) here.
ACCOUNT_JOBS = {"password_reset": _candidate_reset, "verifier_password_reset": _verifier_reset,
                "verifier_join": _verifier_join}


def handle_message(body: dict, receives: int, context: Any = None) -> None:
    """One message of the work queue; raises to have SQS retry it."""
    if body.get("kind") == "fanout":
        queue.send_many(config.WORK_QUEUE, body["jobs"])
        return
    if body.get("kind") in ACCOUNT_JOBS:
        ACCOUNT_JOBS[body["kind"]](body)  # a failure is retried by SQS, then parked
        return
    fx = effects()
    if context is not None:
        fx["config"].register_lambda_context(context)
    try:
        run_job(body, fx)
    except Exception as err:
        if is_throttling(err):
            attempt = int(body.get("attempt", 0)) + 1
            delay = backoff_seconds(attempt - 1)
            queue.send(config.WORK_QUEUE, {**body, "attempt": attempt}, delay_seconds=delay)
            logger().info("email throttled: job sent again later",
                          extra={"batch_id": body.get("batch_id"), "delay_s": delay, "attempt": attempt})
            return
        if receives >= resources.MAX_RECEIVE_COUNT:  # the last try: SQS parks it in the DLQ
            store().batches.add_counts(body["batch_id"], jobs_failed=1)
            logger().exception("job failed for good", extra={"batch_id": body.get("batch_id")})
        raise
