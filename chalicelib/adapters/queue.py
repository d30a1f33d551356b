"""SQS: sending work in batches of ten."""
from __future__ import annotations

import json
from collections.abc import Iterable
from functools import cache

from .aws import client


@cache
def queue_url(name: str) -> str:
    return str(client("sqs").get_queue_url(QueueName=name)["QueueUrl"])


def send(queue: str, body: dict, delay_seconds: int = 0) -> None:
    client("sqs").send_message(QueueUrl=queue_url(queue), MessageBody=json.dumps(body),
                               DelaySeconds=delay_seconds)


def send_many(queue: str, bodies: Iterable[dict]) -> int:
    """Send in batches of 10; a batch entry SQS refuses is sent again, then raises."""
    sqs = client("sqs")
    url = queue_url(queue)
    sent = 0
    chunk: list[dict] = []

    def flush() -> None:
        nonlocal sent
        entries = [{"Id": str(i), "MessageBody": json.dumps(b)} for i, b in enumerate(chunk)]
        for _attempt in range(3):
            resp = sqs.send_message_batch(QueueUrl=url, Entries=entries)
            failed = {f["Id"] for f in resp.get("Failed", [])}
            sent += len(entries) - len(failed)
            entries = [e for e in entries if e["Id"] in failed]
            if not entries:
                break
        if entries:
            raise RuntimeError(f"SQS refused {len(entries)} messages after retries")
        chunk.clear()

    for body in bodies:
        chunk.append(body)
        if len(chunk) == 10:
            flush()
    if chunk:
        flush()
    return sent
