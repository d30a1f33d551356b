"""The local stack itself: it starts, serves the API, wires S3 -> SQS -> handler, writes sent
mail to the outbox, and stops cleanly on Ctrl-C."""
from __future__ import annotations

import json
import os
import signal
import time
import urllib.request
import uuid
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

from .conftest import STOP_TIMEOUT_S, Stack, port_is_free, start_stack

pytestmark = pytest.mark.e2e

ENTRIES = (
    "id_number,secret_number,first_name,family_name,date_of_birth,centre_number,exam_code,exam_date,exam_format\n"
    "QRS482910,5521,Zoë,Kowalczyk,2007-02-11,PL096,B2FIRST,2025-06-14,computer\n"
)


def queue_depth(sqs: Any, name: str) -> int:
    url = sqs.get_queue_url(QueueName=name)["QueueUrl"]
    attrs = sqs.get_queue_attributes(
        QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
    )["Attributes"]
    return int(attrs["ApproximateNumberOfMessages"]) + int(attrs["ApproximateNumberOfMessagesNotVisible"])


def wait_for(predicate: Any, timeout: float, interval: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return bool(predicate())


def test_health_answers(stack: Stack) -> None:
    with urllib.request.urlopen(f"{stack.base_url}/health", timeout=5) as resp:
        assert resp.status == 200
        assert json.loads(resp.read()) == {"status": "ok"}


def test_the_banner_lists_urls_and_handlers(stack: Stack) -> None:
    out = stack.output()
    assert stack.base_url in out and stack.moto_url in out and str(stack.outbox_dir) in out
    assert "on_upload" in out
    assert "memory" in out


def test_resources_are_bootstrapped_in_moto(stack: Stack) -> None:
    sqs, s3 = stack.client("sqs"), stack.client("s3")
    uploads = sqs.get_queue_url(QueueName=stack.names["uploads_queue"])["QueueUrl"]
    attrs = sqs.get_queue_attributes(QueueUrl=uploads, AttributeNames=["All"])["Attributes"]
    redrive = json.loads(attrs["RedrivePolicy"])
    assert redrive["deadLetterTargetArn"].endswith(f"{stack.names['uploads_queue']}-dlq")
    assert int(redrive["maxReceiveCount"]) == 5
    assert attrs["VisibilityTimeout"] == "2"
    notification = s3.get_bucket_notification_configuration(Bucket=stack.names["batch_bucket"])
    (queue_config,) = notification["QueueConfigurations"]
    assert queue_config["QueueArn"] == attrs["QueueArn"]
    tables = stack.client("dynamodb").list_tables()["TableNames"]
    assert stack.names["main_table"] in tables


def test_a_file_in_incoming_entries_is_delivered_to_the_uploads_handler(stack: Stack) -> None:
    # Given the stack is idle
    sqs, s3 = stack.client("sqs"), stack.client("s3")
    queue = stack.names["uploads_queue"]
    assert wait_for(lambda: queue_depth(sqs, queue) == 0, timeout=15), stack.output()
    delivered_before = stack.output().count("handler on_upload: 1 message(s)")

    # When a batch file is put straight into the bucket
    key = f"incoming/entries/e2e-{uuid.uuid4().hex}.csv"
    s3.put_object(Bucket=stack.names["batch_bucket"], Key=key, Body=ENTRIES.encode("utf-8"))

    # Then the uploads handler received it and the message was consumed (not parked in the DLQ)
    assert wait_for(
        lambda: stack.output().count("handler on_upload: 1 message(s)") > delivered_before, timeout=15
    ), stack.output()
    assert wait_for(lambda: queue_depth(sqs, queue) == 0, timeout=20), stack.output()
    assert queue_depth(sqs, f"{queue}-dlq") == 0, stack.output()


def test_sent_mail_lands_in_the_outbox(stack: Stack) -> None:
    # Given a message with a link, sent the way the app sends (send_raw_email)
    to = f"e2e-{uuid.uuid4().hex[:8]}@example.com"
    msg = EmailMessage()
    msg["From"] = "results@exam-board.example"
    msg["To"] = to
    msg["Subject"] = "Confirm your email"
    msg.set_content(f"Open {stack.base_url}/verify?token=abc123&x=1 to confirm.")
    stack.client("ses").send_raw_email(
        Source="results@exam-board.example", Destinations=[to], RawMessage={"Data": msg.as_bytes()}
    )

    # Then it is written to the outbox as an .eml, and the token can be read from it
    (mail,) = stack.emails_to(to)
    assert mail["Subject"] == "Confirm your email"
    assert stack.token_from(mail) == "abc123"


def test_plain_send_email_is_composed_into_an_eml(stack: Stack) -> None:
    to = f"e2e-{uuid.uuid4().hex[:8]}@example.com"
    stack.client("ses").send_email(
        Source="results@exam-board.example", Destination={"ToAddresses": [to]},
        Message={"Subject": {"Data": "Plain"}, "Body": {"Text": {"Data": "Reset: https://x.example/r?token=t0k"}}},
    )

    (mail,) = stack.emails_to(to)
    assert mail["Subject"] == "Plain"
    assert stack.token_from(mail) == "t0k"


def test_ctrl_c_stops_everything_and_frees_the_ports(tmp_path: Path) -> None:
    own = start_stack(tmp_path)
    pgid = own.proc.pid

    os.killpg(pgid, signal.SIGINT)

    started = time.monotonic()
    own.proc.wait(STOP_TIMEOUT_S)
    assert time.monotonic() - started < STOP_TIMEOUT_S
    assert own.proc.returncode == 0, own.output()
    assert "local stack stopped" in own.output()
    assert wait_for(lambda: port_is_free(own.port) and port_is_free(own.moto_port), timeout=2)
    try:  # nothing left in its process group
        os.killpg(pgid, 0)
        left = True
    except ProcessLookupError:
        left = False
    assert not left
