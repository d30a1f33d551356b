"""Benchmarks: `make bench` runs every module (bench/__main__.py)."""
from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from typing import Any

# The in-process AWS every moto-backed bench runs against: fake credentials, and the settings the
# app refuses to start without (the pepper is the local stack's and tests' development one).
MOTO_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SECURITY_TOKEN": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "eu-west-1",
    "POWERTOOLS_METRICS_NAMESPACE": "ExamResults",
    "POWERTOOLS_TRACE_DISABLED": "1",
    "POWERTOOLS_LOG_LEVEL": "WARNING",
    "SENDER_EMAIL": "results@exam-board.example",
    "PUBLIC_BASE_URL": "https://results.example",
    "SECRET_PEPPER": "bench-development-pepper-not-for-production",
}


def use_moto_env() -> None:
    """Point this process at in-process moto: call before the app's modules are imported."""
    os.environ.update(MOTO_ENV)
    os.environ.setdefault("STAGE", "test")
    os.environ.pop("AWS_PROFILE", None)
    os.environ.pop("AWS_ENDPOINT_URL", None)


@contextlib.contextmanager
def moto_app() -> Iterator[tuple[Any, Any]]:
    """The app under in-process moto with every resource of the bootstrap: (the `app` module, a
    chalice.test Client of it). Clients cached by the app are dropped on the way in and out."""
    from moto import mock_aws

    with mock_aws():
        from chalice.test import Client

        from chalicelib.adapters import aws as aws_adapter
        from devstack.bootstrap import bootstrap

        aws_adapter.reset_clients()
        bootstrap()
        import app as app_module

        try:
            with Client(app_module.app) as client:
                yield app_module, client
        finally:
            aws_adapter.reset_clients()
