"""Shared fixtures. In-process tests run the Chalice app under `moto.mock_aws`, with the
resources created by the same bootstrap the local stack uses."""
from __future__ import annotations

import os

# Before anything imports boto3 or the app: fake credentials, no real endpoint.
os.environ.update({
    "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_SECURITY_TOKEN": "testing",
    "AWS_SESSION_TOKEN": "testing", "AWS_DEFAULT_REGION": "eu-west-1", "STAGE": "test",
    "POWERTOOLS_METRICS_NAMESPACE": "ExamResults", "POWERTOOLS_TRACE_DISABLED": "1",
    "SENDER_EMAIL": "results@exam-board.example", "PUBLIC_BASE_URL": "https://results.example",
    # chalicelib has no default pepper (on AWS it is a Secrets Manager secret): a test value.
    "SECRET_PEPPER": "test-pepper-not-for-production",
})
os.environ.pop("SECRET_PEPPER_NAME", None)
os.environ.pop("AWS_ENDPOINT_URL", None)
os.environ.pop("AWS_PROFILE", None)

import pytest


@pytest.fixture(autouse=True)
def _clock():
    from chalicelib.adapters import clock

    clock.reset()
    yield clock
    clock.reset()


@pytest.fixture
def aws():
    from moto import mock_aws

    from chalicelib.adapters import aws as aws_adapter
    from chalicelib.adapters import queue
    from devstack.moto_locks import install

    install()  # conditional writes atomic under threads, as on DynamoDB
    with mock_aws():
        aws_adapter.reset_clients()
        queue.queue_url.cache_clear()
        from devstack.bootstrap import bootstrap

        bootstrap()
        yield
        aws_adapter.reset_clients()
        queue.queue_url.cache_clear()


@pytest.fixture
def memory_store():
    """Services over the in-memory table (chalicelib/db/memory.py) instead of DynamoDB: for
    service tests whose subject is not DynamoDB. Yields the table (its `items` and `calls`)."""
    from chalicelib.db.memory import MemoryTable
    from chalicelib.db.table import use_table

    t = MemoryTable()
    use_table(t)
    yield t
    use_table(None)


# tests/infra need aws-cdk-lib, which lives in infra/.venv (`make infra-test`), not in .venv.
import importlib.util  # noqa: E402

collect_ignore = [] if importlib.util.find_spec("aws_cdk") else ["infra"]
