"""devstack.moto_speedups: moto's SQS without a pass over the whole queue per message (what
stalled a 20,000-candidate release on the local stack), and with the same behaviour."""
from __future__ import annotations

import json

import pytest


@pytest.fixture
def sqs():
    import boto3
    from moto import mock_aws

    from devstack import moto_speedups

    moto_speedups.apply()
    with mock_aws():
        client = boto3.client("sqs", region_name="eu-west-1")
        yield client, client.create_queue(QueueName="q", Attributes={"VisibilityTimeout": "30"})["QueueUrl"]


def _send(client, url, n):
    for start in range(0, n, 10):
        client.send_message_batch(QueueUrl=url, Entries=[
            {"Id": str(i), "MessageBody": json.dumps(start + i)} for i in range(min(10, n - start))])


def test_sending_and_receiving_do_not_walk_the_queue_per_message(sqs, monkeypatch):
    from moto.sqs.models import Message

    client, url = sqs
    _send(client, url, 300)
    visits = {"n": 0}
    real = Message.visible

    def counting(self):
        visits["n"] += 1
        return real.fget(self)

    monkeypatch.setattr(Message, "visible", property(counting))
    _send(client, url, 10)
    [_ for _ in client.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]]
    # moto alone: 10 sends + 10 received messages, each computing the queue's attributes
    # (three passes over 310 messages): thousands of visits. Now: a handful.
    assert visits["n"] <= 20


def test_the_queue_still_behaves_like_sqs(sqs):
    client, url = sqs
    _send(client, url, 25)
    seen = []
    while True:
        got = client.receive_message(QueueUrl=url, MaxNumberOfMessages=10,
                                     VisibilityTimeout=30).get("Messages", [])
        if not got:
            break
        seen += [json.loads(m["Body"]) for m in got]
        client.delete_message_batch(QueueUrl=url, Entries=[
            {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(got[:-1])])
    assert sorted(seen) == list(range(25))  # each once: received ones are invisible
    attrs = client.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    counts = (attrs["ApproximateNumberOfMessages"], attrs["ApproximateNumberOfMessagesNotVisible"])
    assert counts == ("0", "3")
    # a deleted message's handle may be deleted again; an unknown one is refused
    [m] = client.receive_message(QueueUrl=url, VisibilityTimeout=0).get("Messages", []) or [None]
    assert m is None  # the 3 undeleted ones are still invisible
    with pytest.raises(client.exceptions.ReceiptHandleIsInvalid):
        client.delete_message(QueueUrl=url, ReceiptHandle="not-a-handle")
