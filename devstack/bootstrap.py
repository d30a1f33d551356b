"""Create every AWS resource of `chalicelib.resources` in moto (server or `mock_aws`).

`bootstrap()` is what the local stack runs at start and what test fixtures can call under
`moto.mock_aws`. It is idempotent: running it twice changes nothing the second time (no
second S3 test event either, as the notification is only written when it differs).
"""
from __future__ import annotations

import json
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from chalicelib import config, resources

log = logging.getLogger("devstack.bootstrap")

# Visibility timeouts (seconds) per queue; `VISIBILITY_TIMEOUT_SECONDS` overrides them all
# (the e2e tests use a short one so that a failed message comes back quickly).
DEFAULT_VISIBILITY_TIMEOUTS = {config.UPLOADS_QUEUE: 30, config.WORK_QUEUE: 60, config.WEBHOOK_QUEUE: 60}
DLQ_RETENTION_SECONDS = 14 * 24 * 3600
NOTIFICATION_ID = "incoming-batch-files-to-uploads"


@dataclass
class BootstrapResult:
    tables: list[str] = field(default_factory=list)
    buckets: list[str] = field(default_factory=list)
    queue_urls: dict[str, str] = field(default_factory=dict)  # name -> url (DLQs included)
    sender_identities: list[str] = field(default_factory=list)


def visibility_timeout(queue: str) -> int:
    override = os.environ.get("VISIBILITY_TIMEOUT_SECONDS")
    if override:
        return int(override)
    return DEFAULT_VISIBILITY_TIMEOUTS.get(queue, 30)


def _clients(session_or_clients: Any) -> dict[str, Any]:
    """A boto3 Session, a mapping of service -> client, or None (a default Session)."""
    if isinstance(session_or_clients, Mapping):
        missing = {"dynamodb", "s3", "sqs", "ses"} - set(session_or_clients)
        if missing:
            raise ValueError(f"bootstrap needs clients for {sorted(missing)}")
        return dict(session_or_clients)
    import boto3

    session = session_or_clients if session_or_clients is not None else boto3.session.Session()
    region = session.region_name or config.settings().region
    endpoint = config.settings().endpoint_url or os.environ.get("AWS_ENDPOINT_URL") or None
    return {
        name: session.client(name, region_name=region, endpoint_url=endpoint)
        for name in ("dynamodb", "s3", "sqs", "ses")
    }


def _error_code(exc: Exception) -> str:
    return str(getattr(exc, "response", {}).get("Error", {}).get("Code", ""))


# ------------------------------------------------------------------ DynamoDB
def create_tables(dynamodb: Any) -> list[str]:
    existing: set[str] = set()
    for page in dynamodb.get_paginator("list_tables").paginate():
        existing.update(page.get("TableNames", []))
    names = []
    for spec in resources.TABLES:
        name = str(spec["TableName"])
        names.append(name)
        if name not in existing:
            try:
                dynamodb.create_table(**spec)
            except Exception as exc:  # a concurrent bootstrap created it meanwhile
                if _error_code(exc) != "ResourceInUseException":
                    raise
            dynamodb.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 1})
        ttl_attribute = resources.TTL_ATTRIBUTES.get(name)
        if ttl_attribute:
            current = dynamodb.describe_time_to_live(TableName=name).get("TimeToLiveDescription", {})
            if current.get("TimeToLiveStatus") not in ("ENABLED", "ENABLING"):
                dynamodb.update_time_to_live(
                    TableName=name,
                    TimeToLiveSpecification={"Enabled": True, "AttributeName": ttl_attribute},
                )
    return names


# ------------------------------------------------------------------ S3
def create_buckets(s3: Any, region: str) -> list[str]:
    for bucket in resources.BUCKETS:
        kwargs: dict[str, Any] = {"Bucket": bucket}
        if region != "us-east-1":
            kwargs["CreateBucketConfiguration"] = {"LocationConstraint": region}
        try:
            s3.create_bucket(**kwargs)
        except Exception as exc:
            if _error_code(exc) not in ("BucketAlreadyOwnedByYou", "BucketAlreadyExists"):
                raise
    return list(resources.BUCKETS)


# ------------------------------------------------------------------ SQS
def _queue_url(sqs: Any, name: str) -> str | None:
    try:
        return str(sqs.get_queue_url(QueueName=name)["QueueUrl"])
    except Exception as exc:
        if _error_code(exc) in ("AWS.SimpleQueueService.NonExistentQueue", "QueueDoesNotExist"):
            return None
        raise


def queue_arn(sqs: Any, url: str) -> str:
    attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]
    return str(attrs["QueueArn"])


def ensure_queue(sqs: Any, name: str, attributes: dict[str, str]) -> str:
    """Create the queue with these attributes, or set them on the existing one."""
    url = _queue_url(sqs, name)
    if url is None:
        return str(sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"])
    if attributes:
        sqs.set_queue_attributes(QueueUrl=url, Attributes=attributes)
    return url


def create_queue_with_dlq(
    sqs: Any,
    name: str,
    visibility_timeout_seconds: int = 30,
    max_receive_count: int = resources.MAX_RECEIVE_COUNT,
) -> tuple[str, str]:
    """The queue and its dead-letter queue (`resources.dlq_name`): returns (url, dlq_url)."""
    dlq_url = ensure_queue(
        sqs, resources.dlq_name(name), {"MessageRetentionPeriod": str(DLQ_RETENTION_SECONDS)}
    )
    redrive = {"deadLetterTargetArn": queue_arn(sqs, dlq_url), "maxReceiveCount": str(max_receive_count)}
    url = ensure_queue(
        sqs,
        name,
        {"VisibilityTimeout": str(visibility_timeout_seconds), "RedrivePolicy": json.dumps(redrive)},
    )
    return url, dlq_url


def create_queues(sqs: Any) -> dict[str, str]:
    urls: dict[str, str] = {}
    for name in resources.QUEUES:
        url, dlq_url = create_queue_with_dlq(sqs, name, visibility_timeout(name))
        urls[name] = url
        urls[resources.dlq_name(name)] = dlq_url
    return urls


def connect_batch_bucket_to_uploads(s3: Any, sqs: Any, uploads_url: str, region: str) -> None:
    """S3 ObjectCreated:* under `incoming/` of the batch bucket -> the uploads queue."""
    bucket = config.BATCH_BUCKET
    arn = queue_arn(sqs, uploads_url)
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "AllowBatchBucketNotifications",
                "Effect": "Allow",
                "Principal": {"Service": "s3.amazonaws.com"},
                "Action": "sqs:SendMessage",
                "Resource": arn,
                "Condition": {"ArnLike": {"aws:SourceArn": f"arn:aws:s3:::{bucket}"}},
            }
        ],
    }
    sqs.set_queue_attributes(QueueUrl=uploads_url, Attributes={"Policy": json.dumps(policy)})
    wanted = {
        "Id": NOTIFICATION_ID,
        "QueueArn": arn,
        "Events": ["s3:ObjectCreated:*"],
        "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": resources.INCOMING_PREFIX}]}},
    }
    current = s3.get_bucket_notification_configuration(Bucket=bucket)
    for existing in current.get("QueueConfigurations", []):
        rules = existing.get("Filter", {}).get("Key", {}).get("FilterRules", [])
        if (
            existing.get("QueueArn") == arn
            and existing.get("Events") == wanted["Events"]
            and [(r["Name"].lower(), r["Value"]) for r in rules] == [("prefix", resources.INCOMING_PREFIX)]
        ):
            return  # already in place: writing it again would only enqueue another s3:TestEvent
    s3.put_bucket_notification_configuration(
        Bucket=bucket, NotificationConfiguration={"QueueConfigurations": [wanted]}
    )


# ------------------------------------------------------------------ SES
def verify_sender(ses: Any) -> list[str]:
    sender = config.settings().sender_email
    domain = sender.rsplit("@", 1)[-1]
    ses.verify_email_identity(EmailAddress=sender)
    ses.verify_domain_identity(Domain=domain)
    return [sender, domain]


def bootstrap(session_or_clients: Any = None) -> BootstrapResult:
    """Create tables (with TTL), buckets, queues with DLQs, the S3->SQS notification and the
    SES sender identity. Accepts a boto3 Session, a mapping {"dynamodb","s3","sqs","ses"} of
    clients, or None (a default Session using the environment, e.g. under `mock_aws`)."""
    clients = _clients(session_or_clients)
    region = clients["s3"].meta.region_name or config.settings().region
    result = BootstrapResult()
    result.tables = create_tables(clients["dynamodb"])
    result.buckets = create_buckets(clients["s3"], region)
    result.queue_urls = create_queues(clients["sqs"])
    connect_batch_bucket_to_uploads(
        clients["s3"], clients["sqs"], result.queue_urls[config.UPLOADS_QUEUE], region
    )
    result.sender_identities = verify_sender(clients["ses"])
    log.info("bootstrap done: %d tables, %d buckets, %d queues", len(result.tables),
             len(result.buckets), len(result.queue_urls))
    return result
