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

from typing import Any

import pytest


def _argon2_parameters(time_cost: int, memory_cost_kib: int) -> tuple[int, int]:
    """Set the password hasher's cost (chalicelib/domain/passwords.py); returns the old one."""
    from chalicelib.domain import passwords

    old = (passwords.TIME_COST, passwords.MEMORY_COST_KIB)
    passwords.TIME_COST, passwords.MEMORY_COST_KIB = time_cost, memory_cost_kib
    passwords._hasher.cache_clear()
    passwords._dummy_hash.cache_clear()
    return old


@pytest.fixture(autouse=True, scope="session")
def _cheap_password_hashing():
    """In-process tests hash passwords with argon2id at the lowest cost it allows (t=1, 8 KiB),
    as Django's own test settings do: at the production cost (t=2, 19 MiB, about 40 ms a hash or
    a check) the suite spent over a minute of CPU in argon2 alone. What is tested is the same:
    the algorithm, salts, normalisation, the dummy verification for an unknown account, and how
    many checks run. tests/unit/test_passwords.py runs at the production cost (`real_argon2`),
    and so do the local stacks of tests/e2e and tests/browser (other processes)."""
    production = _argon2_parameters(1, 8)
    yield production
    _argon2_parameters(*production)


@pytest.fixture
def real_argon2(_cheap_password_hashing):
    """The production cost of chalicelib/domain/passwords.py, for the tests of that module."""
    cheap = _argon2_parameters(*_cheap_password_hashing)
    yield
    _argon2_parameters(*cheap)


@pytest.fixture(autouse=True)
def _clock():
    from chalicelib.adapters import clock

    clock.reset()
    yield clock
    clock.reset()


class _SessionMoto:
    """One `moto.mock_aws` per test session (per xdist worker), bootstrapped once. Each test that
    asks for `aws` gets the bootstrapped resources with no data in them: items, objects, messages
    and sent mail are cleared in moto's backends (milliseconds), instead of starting moto and
    creating every resource again (about a second). If the resources are not as bootstrapped
    (a test ran its own `mock_aws`, which resets moto), they are bootstrapped again. Tests that
    do not ask for `aws` run with the mock paused (data kept), so e.g. the e2e tests' boto3
    clients reach their real moto server."""

    def __init__(self) -> None:
        self.mock: Any = None
        self.active = False

    def resume(self) -> None:
        from chalicelib.adapters import aws as aws_adapter
        from chalicelib.adapters import queue

        if self.mock is None:
            from moto import mock_aws

            from devstack import moto_speedups
            from devstack.moto_locks import install

            install()  # conditional writes atomic under threads, as on DynamoDB
            moto_speedups.apply()  # as the local stack runs moto: items written without a shape walk
            self.mock = mock_aws()
        if not self.active:
            self.mock.start(reset=False)
            self.active = True
            aws_adapter.reset_clients()
            queue.queue_url.cache_clear()
        if not self._clear():
            from devstack.bootstrap import bootstrap

            aws_adapter.reset_clients()
            queue.queue_url.cache_clear()
            bootstrap()
            self._clear()  # the s3:TestEvent that writing the bucket notification queued

    def pause(self) -> None:
        if self.active:
            self.mock.stop(remove_data=False)
            self.active = False

    def stop(self) -> None:
        if self.mock is not None and self.active:
            self.mock.stop()
            self.active = False

    @staticmethod
    def _clear() -> bool:
        """Empty every bootstrapped resource; False (and nothing cleared) when one is missing."""
        from moto.core import DEFAULT_ACCOUNT_ID
        from moto.dynamodb.models import dynamodb_backends
        from moto.s3.models import s3_backends
        from moto.ses.models import ses_backends
        from moto.sqs.models import sqs_backends

        from chalicelib import config, resources

        region = config.settings().region
        tables = dynamodb_backends[DEFAULT_ACCOUNT_ID][region].tables
        buckets = s3_backends[DEFAULT_ACCOUNT_ID]["aws"].buckets
        queues = sqs_backends[DEFAULT_ACCOUNT_ID][region].queues
        ses = ses_backends[DEFAULT_ACCOUNT_ID][region]
        wanted_queues = [*resources.QUEUES, *map(resources.dlq_name, resources.QUEUES)]
        if (any(str(t["TableName"]) not in tables for t in resources.TABLES)
                or any(b not in buckets for b in resources.BUCKETS)
                or any(q not in queues for q in wanted_queues)
                or not ses.email_identities):
            return False
        for table in tables.values():
            table.items.clear()
        for name in resources.BUCKETS:
            bucket = buckets[name]
            for _name, versions in list(bucket.keys.lists()):
                for key in versions:
                    key.dispose()
            bucket.keys.clear()
            bucket.multiparts.clear()
        for q in queues.values():
            q._messages = []
            q._pending_messages = set()
            q.deleted_messages = set()
            q.__dict__.pop("_devstack_counts", None)  # devstack.moto_speedups' cached counts
        ses.sent_messages.clear()
        ses.sent_message_count = 0
        ses.rejected_messages_count = 0
        return True


_MOTO = _SessionMoto()


@pytest.fixture(scope="session")
def _moto_session():
    yield _MOTO
    _MOTO.stop()


@pytest.fixture(autouse=True)
def _moto_paused_unless_asked(request):
    """A test that does not ask for `aws` runs without the session's mock (see _SessionMoto)."""
    if "aws" not in request.fixturenames:
        _MOTO.pause()


@pytest.fixture
def aws(_moto_session):
    """AWS played by moto in-process: every resource of the bootstrap, empty."""
    _moto_session.resume()
    yield


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


# The longest tests start first, on both workers. `make test` runs `pytest -n 2 --dist worksteal`:
# xdist gives the first half of this order to one worker and the second half to the other, and a
# worker that runs dry takes the tail of the other's queue. So the long tests (marked slow: the
# fault injection, and the fuzz, marked here; then the browser journeys, 10-90 s each; then the
# end-to-end tests) are dealt alternately to the head of each half, and the rest (seconds each)
# fill in behind them and are what gets taken at the end.
_LONG = ("tests/e2e/test_fuzz.py::",)
_ORDER = ("tests/browser/", "tests/e2e/")


def _rank(item: pytest.Item) -> int:
    if item.get_closest_marker("slow") is not None:
        return 0
    return next((n for n, prefix in enumerate(_ORDER, start=1) if item.nodeid.startswith(prefix)),
                len(_ORDER) + 1)


def pytest_collection_modifyitems(config, items):  # type: ignore[no-untyped-def]
    for item in items:
        if item.nodeid.startswith(_LONG):
            item.add_marker(pytest.mark.slow)
    items.sort(key=_rank)
    long = [item for item in items if _rank(item) <= len(_ORDER)]
    rest = items[len(long):]
    first, second = long[0::2], long[1::2]
    split = max(0, len(items) // 2 - len(first))
    items[:] = first + rest[:split] + second + rest[split:]


# tests/infra need aws-cdk-lib, which lives in infra/.venv (`make infra-test`), not in .venv.
import importlib.util  # noqa: E402

collect_ignore = [] if importlib.util.find_spec("aws_cdk") else ["infra"]
