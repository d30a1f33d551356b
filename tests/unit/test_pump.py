"""The local event pump (`devstack.pump`), in-process under `moto.mock_aws`, with a
throwaway Chalice app: Lambda's SQS semantics (whole-batch failure, ReportBatchItemFailures,
retries, DLQ redrive) and the scheduled handlers."""
from __future__ import annotations

import json
import types
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from chalice import Chalice, Rate
from moto import mock_aws

from chalicelib import resources
from devstack import pump
from devstack.bootstrap import create_queue_with_dlq

SINGLE = "pump-test-single"
BATCH = "pump-test-batch"


def make_app() -> tuple[types.SimpleNamespace, dict[str, list[Any]]]:
    """A module-like object holding a tiny Chalice app, and what its handlers saw."""
    seen: dict[str, list[Any]] = {"single": [], "batch": [], "batch_sizes": [], "records": [],
                                  "scheduled": [], "contexts": []}
    app = Chalice(app_name="pump-test")

    @app.on_sqs_message(queue=SINGLE, batch_size=1)
    def on_single(event):  # type: ignore[no-untyped-def]
        for record in event:
            seen["single"].append(record.body)
            if record.body == "bad":
                raise RuntimeError("this one always fails")

    @app.on_sqs_message(queue=BATCH, batch_size=10)
    def on_batch(event):  # type: ignore[no-untyped-def]
        raw = event.to_dict()["Records"]
        seen["batch_sizes"].append(len(raw))
        seen["records"].extend(raw)
        seen["contexts"].append(event.context)
        failures = []
        for record in raw:
            seen["batch"].append(record["body"])
            if record["body"] == "bad":
                failures.append({"itemIdentifier": record["messageId"]})
        return {"batchItemFailures": failures}

    @app.schedule(Rate(5, unit=Rate.MINUTES))
    def every_five(event):  # type: ignore[no-untyped-def]
        seen["scheduled"].append(event.to_dict())

    module = types.SimpleNamespace(app=app, on_single=on_single, on_batch=on_batch, every_five=every_five)
    return module, seen


@pytest.fixture
def sqs() -> Iterator[Any]:
    with mock_aws():
        client = boto3.client("sqs", region_name="eu-west-1")
        for name in (SINGLE, BATCH):
            create_queue_with_dlq(client, name, visibility_timeout_seconds=30)
        yield client


def url(sqs: Any, name: str) -> str:
    return str(sqs.get_queue_url(QueueName=name)["QueueUrl"])


def bodies(sqs: Any, name: str) -> list[str]:
    got = sqs.receive_message(QueueUrl=url(sqs, name), MaxNumberOfMessages=10, WaitTimeSeconds=0)
    return sorted(m["Body"] for m in got.get("Messages", []))


def test_discovers_sqs_and_schedule_handlers() -> None:
    module, _ = make_app()

    found = pump.discover(module, "eu-west-1")

    assert {(b.name, b.queue, b.batch_size) for b in found.sqs} == {
        ("on_single", SINGLE, 1), ("on_batch", BATCH, 10)}
    assert [(s.name, s.period_seconds) for s in found.schedules] == [("every_five", 300.0)]


def test_a_raising_handler_is_retried_then_the_message_goes_to_the_dlq(sqs: Any) -> None:
    # Given a handler that raises on the body "bad"
    module, seen = make_app()
    sqs.send_message(QueueUrl=url(sqs, SINGLE), MessageBody="ok")
    sqs.send_message(QueueUrl=url(sqs, SINGLE), MessageBody="bad")

    # When the pump drains the queues
    invocations = pump.drain(module, sqs)

    # Then "ok" ran once, "bad" MAX_RECEIVE_COUNT times, and "bad" is parked in the DLQ
    assert seen["single"].count("ok") == 1
    assert seen["single"].count("bad") == resources.MAX_RECEIVE_COUNT
    assert invocations == 1 + resources.MAX_RECEIVE_COUNT
    assert bodies(sqs, SINGLE) == []
    assert bodies(sqs, resources.dlq_name(SINGLE)) == ["bad"]


def test_batch_item_failures_keep_only_the_failed_messages(sqs: Any) -> None:
    # Given one batch of three where the handler reports only "bad" as failed
    module, seen = make_app()
    sqs.send_message_batch(QueueUrl=url(sqs, BATCH), Entries=[
        {"Id": str(i), "MessageBody": body} for i, body in enumerate(["ok1", "bad", "ok2"])])

    # When
    pump.drain(module, sqs)

    # Then the good ones were handled once (not redelivered), the bad one retried into the DLQ
    assert seen["batch_sizes"][0] == 3
    assert seen["batch"].count("ok1") == 1
    assert seen["batch"].count("ok2") == 1
    assert seen["batch"].count("bad") == resources.MAX_RECEIVE_COUNT
    assert bodies(sqs, BATCH) == []
    assert bodies(sqs, resources.dlq_name(BATCH)) == ["bad"]


def test_an_unknown_item_identifier_fails_the_whole_batch() -> None:
    assert pump.failed_ids({"batchItemFailures": [{"itemIdentifier": "nope"}]}, ["a", "b"]) == {"a", "b"}
    assert pump.failed_ids({"batchItemFailures": []}, ["a"]) == set()
    assert pump.failed_ids(None, ["a"]) == set()


def test_the_event_and_context_have_lambdas_shape(sqs: Any) -> None:
    module, seen = make_app()
    sqs.send_message(QueueUrl=url(sqs, BATCH), MessageBody=json.dumps({"k": 1}), MessageAttributes={
        "kind": {"DataType": "String", "StringValue": "entries"},
        "blob": {"DataType": "Binary", "BinaryValue": b"\x00\x01"},
    })

    pump.drain(module, sqs)

    record = seen["records"][0]
    assert record["eventSource"] == "aws:sqs"
    assert record["eventSourceARN"].endswith(f":{BATCH}")
    assert record["awsRegion"] == "eu-west-1"
    assert json.loads(record["body"]) == {"k": 1}
    assert record["attributes"]["ApproximateReceiveCount"] == "1"
    assert record["md5OfBody"] and record["receiptHandle"] and record["messageId"]
    assert record["messageAttributes"]["kind"]["stringValue"] == "entries"
    assert record["messageAttributes"]["kind"]["dataType"] == "String"
    assert record["messageAttributes"]["blob"]["binaryValue"] == "AAE="
    context = seen["contexts"][0]
    assert context.function_name.endswith("on_batch")
    assert context.invoked_function_arn.startswith("arn:aws:lambda:")
    assert context.memory_limit_in_mb > 0 and context.aws_request_id
    assert context.get_remaining_time_in_millis() > 0


def test_receive_count_grows_on_each_retry(sqs: Any) -> None:
    module, seen = make_app()
    sqs.send_message(QueueUrl=url(sqs, BATCH), MessageBody="bad")

    pump.drain(module, sqs)

    counts = [int(r["attributes"]["ApproximateReceiveCount"]) for r in seen["records"]]
    assert counts == list(range(1, resources.MAX_RECEIVE_COUNT + 1))


def test_drain_returns_zero_when_nothing_is_queued(sqs: Any) -> None:
    module, _ = make_app()
    assert pump.drain(module, sqs) == 0


def test_run_schedules_calls_each_scheduled_handler_once() -> None:
    module, seen = make_app()

    assert pump.run_schedules(module) == 1

    (event,) = seen["scheduled"]
    assert event["detail-type"] == "Scheduled Event"
    assert event["source"] == "aws.events"
    assert event["time"].endswith("Z") and event["resources"] and event["detail"] == {}


@pytest.mark.parametrize(("expression", "period"), [
    ("rate(1 minute)", 60.0), ("rate(2 hours)", 7200.0), ("rate(1 day)", 86400.0),
    (Rate(5, unit=Rate.MINUTES), 300.0), ("cron(0 6 * * ? *)", None)])
def test_schedule_period(expression: Any, period: float | None) -> None:
    assert pump.schedule_period(expression) == period


def test_cron_matches() -> None:
    import datetime as dt

    monday_6 = dt.datetime(2025, 6, 16, 6, 0, tzinfo=dt.UTC)
    assert pump.cron_matches("cron(0 6 * * ? *)", monday_6)
    assert not pump.cron_matches("cron(0 7 * * ? *)", monday_6)
    assert pump.cron_matches("cron(0 6 ? * MON *)", monday_6)
    assert not pump.cron_matches("cron(0 6 ? * SUN *)", monday_6)
    assert pump.cron_matches("cron(0/15 6 ? * 2 *)", monday_6)


def test_bootstrap_is_idempotent() -> None:
    # The pump relies on the queues, DLQs and the S3 -> SQS wiring that bootstrap creates.
    from chalicelib import config
    from devstack.bootstrap import bootstrap

    with mock_aws():
        first = bootstrap()
        second = bootstrap()

        assert first.queue_urls == second.queue_urls
        sqs = boto3.client("sqs", region_name="eu-west-1")
        s3 = boto3.client("s3", region_name="eu-west-1")
        uploads = url(sqs, config.UPLOADS_QUEUE)
        redrive = json.loads(sqs.get_queue_attributes(
            QueueUrl=uploads, AttributeNames=["RedrivePolicy"])["Attributes"]["RedrivePolicy"])
        assert int(redrive["maxReceiveCount"]) == resources.MAX_RECEIVE_COUNT
        wiring = s3.get_bucket_notification_configuration(Bucket=config.BATCH_BUCKET)
        assert len(wiring["QueueConfigurations"]) == 1
        # moto enqueues one s3:TestEvent per configuration written: only one, not two
        got = sqs.receive_message(QueueUrl=uploads, MaxNumberOfMessages=10)
        assert [json.loads(m["Body"]).get("Event") for m in got.get("Messages", [])] == ["s3:TestEvent"]


def test_a_failed_message_received_again_meanwhile_does_not_stop_the_drain():
    """A round longer than the visibility timeout: the failed message was received again, so its
    old receipt handle is invalid; making it visible is then moot, not an error."""
    from types import SimpleNamespace

    import pytest
    from botocore.exceptions import ClientError

    from devstack.pump import _make_visible

    def failing(code):
        def change_message_visibility(**_):
            raise ClientError({"Error": {"Code": code, "Message": "x"}}, "ChangeMessageVisibility")
        return SimpleNamespace(change_message_visibility=change_message_visibility)

    q = SimpleNamespace(url="https://sqs/q")
    _make_visible(failing("ReceiptHandleIsInvalid"), q, {"ReceiptHandle": "old"})
    with pytest.raises(ClientError):
        _make_visible(failing("AccessDenied"), q, {"ReceiptHandle": "old"})
