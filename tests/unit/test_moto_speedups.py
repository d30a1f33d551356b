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


def _serialize_get_item(item: dict) -> dict:
    """A GetItem response through moto's JSON serializer, as moto's DynamoDB handler writes it."""
    from moto.core.serialize import JSONSerializer, XFormedAttributePicker
    from moto.core.utils import get_service_model

    operation = get_service_model("dynamodb").operation_model("GetItem")
    serializer = JSONSerializer(operation_model=operation, value_picker=XFormedAttributePicker())
    return json.loads(serializer.serialize({"Item": item})["body"])


def _attribute_values():
    from hypothesis import strategies as st

    text = st.text(max_size=8)
    numbers = st.integers(-10**6, 10**6).map(str)
    leaves = st.one_of(
        st.builds(lambda v: {"S": v}, text), st.builds(lambda v: {"N": v}, numbers),
        st.builds(lambda v: {"B": v}, st.binary(max_size=8)),
        st.builds(lambda v: {"SS": v}, st.lists(text, min_size=1, max_size=3, unique=True)),
        st.builds(lambda v: {"NS": v}, st.lists(numbers, min_size=1, max_size=3, unique=True)),
        st.builds(lambda v: {"BS": v}, st.lists(st.binary(max_size=4), min_size=1, max_size=3, unique=True)),
        st.just({"NULL": True}), st.builds(lambda v: {"BOOL": v}, st.booleans()))
    return st.recursive(leaves, lambda inner: st.one_of(
        # (names of at least one character, as DynamoDB's; moto's serializer loses a map's level at "")
        st.builds(lambda v: {"M": v}, st.dictionaries(text.filter(bool), inner, max_size=3)),
        st.builds(lambda v: {"L": v}, st.lists(inner, max_size=3))), max_leaves=8)


def test_dynamodb_items_are_written_as_moto_s_own_serializer_writes_them():
    from unittest import mock

    from hypothesis import given, settings
    from hypothesis import strategies as st

    from devstack import moto_speedups

    moto_speedups.apply()

    @settings(max_examples=300, deadline=None, database=None)
    @given(item=st.dictionaries(st.text(min_size=1, max_size=6), _attribute_values(), max_size=4))
    def same(item: dict) -> None:
        fast = _serialize_get_item(item)
        with mock.patch.object(moto_speedups, "_attribute_value", lambda value, b64: None):
            generic = _serialize_get_item(item)  # every value through moto's own serializer
        assert fast == generic

    same()


def test_an_unexpected_value_goes_to_moto_s_serializer():
    from devstack.moto_speedups import _attribute_value

    assert _attribute_value({"S": "a", "X": 1}, str) is None
    assert _attribute_value({"M": {"a": "not an attribute value"}}, str) is None
    assert _attribute_value("text", str) is None
    assert _attribute_value({"L": [{"S": "a"}, {"N": 1}]}, str) == {"L": [{"S": "a"}, {"N": "1"}]}
