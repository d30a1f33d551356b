"""Every event handler's log lines carry the Lambda request id (Powertools'
inject_lambda_context), and importing the app still imports no Powertools (cold start)."""
from __future__ import annotations

import importlib
import io
import json
import logging
import subprocess
import sys

import pytest

HANDLERS = ["digests", "release", "uploads", "webhooks", "work"]


class Context:
    function_name = "exam-results-test-on_digests"
    function_version = "$LATEST"
    memory_limit_in_mb = 512
    aws_request_id = "req-7f3a9c"
    invoked_function_arn = "arn:aws:lambda:eu-west-1:123456789012:function:exam-results-test-on_digests"

    def get_remaining_time_in_millis(self) -> int:
        return 60_000


@pytest.mark.parametrize("name", HANDLERS)
def test_every_event_handler_injects_the_lambda_context(name: str) -> None:
    module = importlib.import_module(f"chalicelib.events.{name}")
    assert getattr(module.handle, "__wrapped__", None) is not None, f"events/{name}.py: not decorated"


def test_a_handlers_log_line_carries_the_request_id(monkeypatch) -> None:
    # Given the service's log stream, formatted as in production, and a digest run that sends 2
    from chalicelib.events import digests as handler
    from chalicelib.observability import SERVICE, logger
    from chalicelib.services import digests

    stream = io.StringIO()
    out = logging.StreamHandler(stream)
    out.setFormatter(logger().registered_formatter)
    logging.getLogger(SERVICE).addHandler(out)
    monkeypatch.setattr(digests, "run_due", lambda: {"daily": 2})
    try:
        # When the scheduled handler runs in a Lambda invocation
        assert handler.handle({}, Context()) == {"daily": 2}
    finally:
        logging.getLogger(SERVICE).removeHandler(out)
    # Then its log line names the request and the function
    (line,) = [json.loads(x) for x in stream.getvalue().splitlines() if "digests sent" in x]
    assert line["function_request_id"] == "req-7f3a9c"
    assert line["function_name"] == Context.function_name
    assert "cold_start" in line


def test_a_direct_call_without_a_context_still_runs(monkeypatch) -> None:
    from chalicelib.events import digests as handler
    from chalicelib.services import digests

    monkeypatch.setattr(digests, "run_due", lambda: {})
    assert handler.handle({}, None) == {}


def test_importing_the_app_imports_no_powertools() -> None:
    code = "import sys, app; print('aws_lambda_powertools' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
