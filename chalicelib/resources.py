"""The AWS resources the service needs, declared once.

`devstack` creates these in moto at start; `infra/` declares the same on AWS; the
test fixtures create them under `moto.mock_aws`. Keep the three in step by using this spec.
"""
from __future__ import annotations

from . import config

# Single-table design: every entity builds its own keys (see chalicelib/db/keys.py).
MAIN_TABLE_SPEC = {
    "TableName": config.MAIN_TABLE,
    "BillingMode": "PAY_PER_REQUEST",
    "AttributeDefinitions": [
        {"AttributeName": n, "AttributeType": "S"}
        for n in ("pk", "sk", "gsi1pk", "gsi1sk", "gsi2pk", "gsi2sk")
    ],
    "KeySchema": [
        {"AttributeName": "pk", "KeyType": "HASH"},
        {"AttributeName": "sk", "KeyType": "RANGE"},
    ],
    "GlobalSecondaryIndexes": [
        {
            "IndexName": name,
            "KeySchema": [
                {"AttributeName": f"{name}pk", "KeyType": "HASH"},
                {"AttributeName": f"{name}sk", "KeyType": "RANGE"},
            ],
            "Projection": {"ProjectionType": "ALL"},
        }
        for name in ("gsi1", "gsi2")
    ],
}
MAIN_TABLE_TTL_ATTRIBUTE = "ttl"

# Powertools idempotency persistence (its default key attribute is "id").
IDEMPOTENCY_TABLE_SPEC = {
    "TableName": config.IDEMPOTENCY_TABLE,
    "BillingMode": "PAY_PER_REQUEST",
    "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
    "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
}
IDEMPOTENCY_TTL_ATTRIBUTE = "expiration"

TABLES = [MAIN_TABLE_SPEC, IDEMPOTENCY_TABLE_SPEC]
TTL_ATTRIBUTES = {
    config.MAIN_TABLE: MAIN_TABLE_TTL_ATTRIBUTE,
    config.IDEMPOTENCY_TABLE: IDEMPOTENCY_TTL_ATTRIBUTE,
}

BUCKETS = [config.BATCH_BUCKET, config.DOCUMENTS_BUCKET]

# Each work queue has a dead-letter queue; a message that fails this many times is parked.
MAX_RECEIVE_COUNT = 5
QUEUES = [config.UPLOADS_QUEUE, config.WORK_QUEUE, config.WEBHOOK_QUEUE]


def dlq_name(queue: str) -> str:
    return f"{queue}-dlq"


# S3 -> SQS: files under this prefix of the batch bucket notify the uploads queue; a file of each
# kind of batch (services/batches.py) goes under incoming/<kind>/.
INCOMING_PREFIX = "incoming/"
BATCH_KINDS = ("entries", "results", "centres")

# The documents bucket: test day photos live under this prefix (put there by the exam board; a
# results row names one in `photo_key`). Statements and error reports live elsewhere in the same
# bucket, so a photo key must be under this prefix, checked on ingest and again before signing.
PHOTOS_PREFIX = "photos/"


def is_photo_key(key: str) -> bool:
    """A key under PHOTOS_PREFIX naming an object: no empty, "." or ".." segment (a client that
    normalises the URL path would ask for another key), no backslash or control character."""
    if not key.startswith(PHOTOS_PREFIX) or "\\" in key or not key.isprintable():
        return False
    return all(part not in ("", ".", "..") for part in key[len(PHOTOS_PREFIX):].split("/"))
