"""SQS "work": one job per candidate — render the Statement of Results, send the email.

Messages:
- {"kind": "fanout", "jobs": [job, ...]}: sent by the upload handler (one per chunk of rows) and
  by the scheduled release; expanded here into one message per job (SendMessageBatch of 10).
  This keeps the upload handler's time proportional to its DynamoDB writes: on AWS 100,000
  jobs are 10,000 SendMessageBatch calls (minutes in one Lambda); split into fan-out messages
  they are sent by many worker invocations at once.
- job = {"batch_id", "id_number", "result_sk", "version", "kind": "released"|"updated"}.

Exactly once: both side effects are Powertools idempotent functions (DynamoDB persistence),
keyed by what makes the effect unique — the statement by (result, version), the email by
(ID number, result id, kind, version) — not by the SQS message id, so a duplicate job, a
re-delivered message or a retry after a crash finds the effect done. A function that raises
leaves no idempotency record behind (Powertools deletes it), so it runs again next time.

Failures: the BatchProcessor reports failed records (batchItemFailures); SQS retries them and
after resources.MAX_RECEIVE_COUNT receives parks them in the DLQ — the final failure is counted
on the batch as jobs_failed. SES throttling does not use up those receives: the job is sent
again with an exponential delay (up to SQS's 15 minutes) and the message is done, so a
throttled email is delayed, never dropped.
"""
from __future__ import annotations

import json
import random
from typing import Any

from .. import config, resources
from ..observability import lambda_handler

THROTTLE_CODES = ("Throttling", "ThrottlingException", "MaxSendingRateExceeded", "TooManyRequestsException")
BACKOFF_BASE_S = 5
BACKOFF_MAX_S = 900  # SQS's longest DelaySeconds
IDEMPOTENCY_SECONDS = 14 * 24 * 3600  # longer than a message can live in the queue and its DLQ

_effects: dict[str, Any] = {}


def _candidate_reset(job: dict) -> None:
    from ..services.candidates import send_password_reset

    send_password_reset(job["id_number"], job["email_hash"])


def _verifier_reset(job: dict) -> None:
    from ..services.verifier_users import send_password_reset

    send_password_reset(job["user_id"])


def _verifier_join(job: dict) -> None:
    from ..services.verifier_users import handle_join

    handle_join(job)


# Account emails whose request must not reveal whether the account exists: the request path
# queues a job whatever the account, and these send (or not) here.
ACCOUNT_JOBS = {"password_reset": _candidate_reset, "verifier_password_reset": _verifier_reset,
                "verifier_join": _verifier_join}


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

    from ..services import results

    persistence = DynamoDBPersistenceLayer(table_name=config.IDEMPOTENCY_TABLE, boto3_client=ddb)
    cfg = IdempotencyConfig(event_key_jmespath="key", raise_on_no_idempotency_key=True,
                            expires_after_seconds=IDEMPOTENCY_SECONDS)
    _effects.clear()
    _effects.update(
        client=ddb, config=cfg,
        render=idempotent_function(data_keyword_argument="key", persistence_store=persistence, config=cfg,
                                   key_prefix="statement")(results.render_for_job),
        email=idempotent_function(data_keyword_argument="key", persistence_store=persistence, config=cfg,
                                  key_prefix="result-email")(results.email_for_job),
    )
    return _effects


def is_throttling(err: BaseException) -> bool:
    from botocore.exceptions import ClientError

    return isinstance(err, ClientError) and err.response.get("Error", {}).get("Code") in THROTTLE_CODES


def backoff_seconds(attempt: int) -> int:
    delay = min(BACKOFF_MAX_S, BACKOFF_BASE_S * 2 ** max(0, attempt))
    return int(delay / 2 + random.uniform(0, delay / 2))  # full jitter on the upper half


def run_job(job: dict, fx: dict[str, Any]) -> None:
    """Render (once per version), then email the registered candidate (once per kind+version)."""
    from ..services import results

    key = {"id_number": job["id_number"], "result_sk": job["result_sk"], "version": int(job["version"])}
    rendered = fx["render"](key={"key": key, "batch_id": job["batch_id"]})
    if rendered.get("skipped"):
        return  # no longer released at this version: a newer job carries the newer version
    account = results.account_for(job["id_number"])
    if account is None:
        return  # not registered: the results are there when they register
    exam_date, _, exam_code = job["result_sk"].removeprefix(results.m.RESULT).partition("#")
    email_key = {"id_number": job["id_number"], "result_id": results.m.result_id(exam_code, exam_date),
                 "kind": job["kind"], "version": int(job["version"])}
    # The idempotency key is `key` alone; the rest is what the send needs, read once here (the
    # render above has just checked that this version is the released one).
    fx["email"](key={"key": email_key, "batch_id": job["batch_id"], "exam_code": exam_code,
                     "to": account.email, "first_name": account.first_name})


@lambda_handler  # each log line carries the request id
def handle(event: dict, context: Any) -> dict:
    from aws_lambda_powertools.utilities.batch import (
        BatchProcessor,
        EventType,
        process_partial_response,
    )

    from ..adapters import queue
    from ..db import models as m
    from ..observability import logger

    fx = effects()
    if context is not None:
        fx["config"].register_lambda_context(context)

    def record_handler(record: Any) -> None:
        body = json.loads(record.body)
        if body.get("kind") == "fanout":
            queue.send_many(config.WORK_QUEUE, body["jobs"])
            return
        if body.get("kind") in ACCOUNT_JOBS:
            ACCOUNT_JOBS[body["kind"]](body)  # a failure is retried by SQS, then parked
            return
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
            receives = int(record.attributes.approximate_receive_count or 1)
            if receives >= resources.MAX_RECEIVE_COUNT:  # the last try: SQS parks it in the DLQ
                m.Batch(m.BATCH + body["batch_id"], "BATCH").update(actions=[m.Batch.jobs_failed.add(1)])
                logger().exception("job failed for good", extra={"batch_id": body.get("batch_id")})
            raise

    processor = BatchProcessor(event_type=EventType.SQS)
    return dict(process_partial_response(event=event, record_handler=record_handler, processor=processor,
                                         context=context))
