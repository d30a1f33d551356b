"""boto3 clients, built on first use and cached (no client at import time).

Every client comes from one botocore session: a session loads the endpoint rules and each
service's model from disk when it makes its first client, about 0.1-0.2 s of a cold start per
session, so one session per client (boto3's default for `boto3.session.Session().client`) paid
that for every service. Making clients from a session is not thread-safe: it is done under a lock;
the clients themselves are.

Throttling is retried by botocore's adaptive retry mode with backoff; what still fails
surfaces to the caller, and the SQS redelivery takes over from there."""
from __future__ import annotations

import threading
from functools import cache
from typing import Any

from .. import config

_LOCK = threading.Lock()


@cache
def session() -> Any:
    """The one boto3 session of this process (see the module's docstring); boto3's, not a bare
    botocore session, for what boto3 adds to clients (e.g. S3's upload_fileobj)."""
    import boto3

    return boto3.session.Session()


def new_client(service: str, extra: Any = None) -> Any:
    """A new client of `service` for this deployment's region and endpoint; `extra` is a
    botocore Config merged over the defaults (adaptive retries)."""
    from botocore.config import Config

    s = config.settings()
    cfg = Config(retries={"mode": "adaptive", "max_attempts": 8}, signature_version="s3v4"
                 if service == "s3" else None)
    if extra is not None:
        cfg = cfg.merge(extra)
    with _LOCK:
        return session().client(service, region_name=s.region, endpoint_url=s.endpoint_url, config=cfg)


@cache
def client(service: str) -> Any:
    return new_client(service)


def reset_clients() -> None:
    """For tests that switch between moto modes."""
    client.cache_clear()
