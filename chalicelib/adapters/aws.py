"""boto3 clients, built on first use and cached (no client at import time).

Throttling is retried by botocore's adaptive retry mode with backoff; what still fails
surfaces to the caller, and the SQS redelivery takes over from there."""
from __future__ import annotations

from functools import cache
from typing import Any

from .. import config


@cache
def client(service: str) -> Any:
    import boto3
    from botocore.config import Config

    s = config.settings()
    cfg = Config(retries={"mode": "adaptive", "max_attempts": 8}, signature_version="s3v4"
                 if service == "s3" else None)
    session: Any = boto3.session.Session()
    return session.client(service, region_name=s.region, endpoint_url=s.endpoint_url,
                                          config=cfg)


def reset_clients() -> None:
    """For tests that switch between moto modes."""
    client.cache_clear()
