"""The session's moto (tests/conftest.py `aws`): each test that asks for it finds every
bootstrapped resource and no data left by an earlier test, even after a test ran its own
`mock_aws` (which resets moto). The tests run in file order: the first leaves data behind."""
from __future__ import annotations

import json

from chalicelib import config, resources


def _leave_data_behind() -> None:
    from chalicelib.adapters.aws import client
    from chalicelib.adapters.queue import queue_url

    client("dynamodb").put_item(TableName=config.MAIN_TABLE, Item={"pk": {"S": "LEFT#1"}, "sk": {"S": "x"}})
    client("s3").put_object(Bucket=config.DOCUMENTS_BUCKET, Key="left/behind.txt", Body=b"x")
    client("sqs").send_message(QueueUrl=queue_url(config.WORK_QUEUE), MessageBody=json.dumps({"left": 1}))
    client("ses").send_email(Source=config.settings().sender_email,
                             Destination={"ToAddresses": ["a@b.example"]},
                             Message={"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "b"}}})


def _assert_empty_and_bootstrapped() -> None:
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.ses.models import ses_backends

    from chalicelib.adapters.aws import client
    from chalicelib.adapters.queue import queue_url

    assert client("dynamodb").scan(TableName=config.MAIN_TABLE)["Count"] == 0
    for bucket in resources.BUCKETS:
        assert client("s3").list_objects_v2(Bucket=bucket).get("KeyCount", 0) == 0
    for name in resources.QUEUES:
        got = client("sqs").receive_message(QueueUrl=queue_url(name), WaitTimeSeconds=0)
        assert got.get("Messages", []) == []
    assert ses_backends[DEFAULT_ACCOUNT_ID][config.settings().region].sent_messages == []
    # the S3 -> SQS notification is still in place
    notif = client("s3").get_bucket_notification_configuration(Bucket=config.BATCH_BUCKET)
    assert notif["QueueConfigurations"]


def test_1_a_test_leaves_data_behind(aws) -> None:
    _leave_data_behind()


def test_2_the_next_test_finds_none_of_it(aws) -> None:
    _assert_empty_and_bootstrapped()
    _leave_data_behind()


def test_3_a_test_with_its_own_mock_aws() -> None:
    from moto import mock_aws

    with mock_aws():
        pass  # moto's backends are reset on start and stop


def test_4_then_the_next_test_finds_the_resources_bootstrapped_again(aws) -> None:
    _assert_empty_and_bootstrapped()
