"""End-to-end fixtures: the real local stack (`python -m devstack`) in a subprocess,
on free ports, with its own outbox directory, short visibility timeouts and schedules.

    def test_something(stack):
        requests.get(f"{stack.base_url}/health")
        (mail,) = stack.emails_to("someone@example.com")
        token = stack.token_from(mail)
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

from devstack.outbox import find_link_token, read_outbox

PROJECT_ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_S = 30
STOP_TIMEOUT_S = 10
STAFF_EMAIL = "staff@exam-board.example"
STAFF_PASSWORD = "e2e-Staff-password-2025!"
STAFF_TOTP_SECRET = "E2ETESTSTAFFTOTPSECRETONLY234567"  # base32; the stack enrols its staff account with it
# The stack runs with STAGE=local, whatever this test process uses.
STAGE = "local"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


@dataclass
class Stack:
    proc: subprocess.Popen[bytes]
    port: int
    moto_port: int
    outbox_dir: Path
    log_path: Path
    staff_email: str = STAFF_EMAIL
    staff_password: str = STAFF_PASSWORD
    staff_totp_secret: str = STAFF_TOTP_SECRET
    _staff_token: str | None = None
    names: dict[str, str] = field(default_factory=lambda: {
        "main_table": f"exam-results-{STAGE}-main",
        "batch_bucket": f"exam-results-{STAGE}-batches",
        "documents_bucket": f"exam-results-{STAGE}-documents",
        "uploads_queue": f"exam-results-{STAGE}-uploads",
        "work_queue": f"exam-results-{STAGE}-work",
    })

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def moto_url(self) -> str:
        return f"http://127.0.0.1:{self.moto_port}"

    def client(self, service: str) -> Any:
        """A boto3 client against the stack's moto."""
        import boto3

        return boto3.client(service, endpoint_url=self.moto_url, region_name="eu-west-1",
                            aws_access_key_id="testing", aws_secret_access_key="testing")

    def staff_token(self) -> str:
        """A staff session (both steps of the login, tests/two_factor.py), made once per stack:
        a TOTP code is accepted once per 30 s step, so signing in for every test would wait."""
        if self._staff_token is None:
            import requests

            from tests.two_factor import sign_in, via_http

            creds = {"email": self.staff_email, "password": self.staff_password}
            session, _ = sign_in(via_http(requests.Session(), self.base_url), "/staff/login", creds,
                                 self.staff_totp_secret)
            self._staff_token = str(session["token"])
        return self._staff_token

    def output(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def emails_to(self, address: str, timeout: float = 10, count: int = 1) -> list[EmailMessage]:
        """Mail in the outbox addressed to `address`, waiting up to `timeout` s for `count`."""
        deadline = time.monotonic() + timeout
        while True:
            found = [m for m in read_outbox(self.outbox_dir)
                     if address.lower() in " ".join(str(m.get(h, "")) for h in ("To", "Cc", "Bcc")).lower()]
            if len(found) >= count or time.monotonic() >= deadline:
                return found
            time.sleep(0.1)

    @staticmethod
    def token_from(msg: EmailMessage) -> str | None:
        return find_link_token(msg)

    def stop(self, timeout: float = STOP_TIMEOUT_S) -> int:
        """SIGINT to the process group (as Ctrl-C does), SIGKILL after `timeout` s."""
        if self.proc.poll() is None:
            _signal_group(self.proc, signal.SIGINT)
            try:
                return self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                _signal_group(self.proc, signal.SIGKILL)
                self.proc.wait(5)
        return int(self.proc.returncode)


def _signal_group(proc: subprocess.Popen[bytes], sig: int) -> None:
    try:
        os.killpg(proc.pid, sig)
    except ProcessLookupError:
        pass


def start_stack(workdir: Path, **env_overrides: str) -> Stack:
    """Start `python -m devstack` in its own process group and wait for /health."""
    workdir.mkdir(parents=True, exist_ok=True)
    port, moto_port = free_port(), free_port()
    outbox_dir = workdir / "outbox"
    log_path = workdir / "stack.log"
    env = {
        **os.environ,
        "PORT": str(port),
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
        "MOTO_PORT": str(moto_port),
        "OUTBOX_DIR": str(outbox_dir),
        "STAFF_EMAIL": STAFF_EMAIL,
        "STAFF_PASSWORD": STAFF_PASSWORD,
        "STAFF_TOTP_SECRET": STAFF_TOTP_SECRET,
        "VISIBILITY_TIMEOUT_SECONDS": "2",
        # the scheduled handlers run (their wiring is tested) but rarely: no e2e or browser test
        # waits on one, and a stack running them every 2 s spends 12 % of a core doing so
        "SCHEDULE_SECONDS": "60",
        "PYTHONUNBUFFERED": "1",
        **env_overrides,
    }
    with open(log_path, "wb") as log_file:
        proc = subprocess.Popen(
            [sys.executable, "-m", "devstack"], cwd=PROJECT_ROOT, env=env,
            stdout=log_file, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True,
        )
    stack = Stack(proc=proc, port=port, moto_port=moto_port, outbox_dir=outbox_dir, log_path=log_path)
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"the local stack exited with {proc.returncode}:\n{stack.output()}")
        try:
            with urllib.request.urlopen(f"{stack.base_url}/health", timeout=2) as resp:
                if resp.status == 200:
                    return stack
        except OSError:
            pass
        time.sleep(0.2)
    stack.stop()
    pytest.fail(f"the local stack did not answer /health within {START_TIMEOUT_S}s:\n{stack.output()}")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """A failed test against the stack shows the end of the stack's own log (its tracebacks),
    which is otherwise lost with the temporary directory."""
    outcome = yield
    report = outcome.get_result()
    running = getattr(item, "funcargs", {}).get("stack")
    if report.failed and isinstance(running, Stack):
        tail = "\n".join(running.output().splitlines()[-150:])
        report.sections.append(("local stack log (last 150 lines)", tail))


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    running = start_stack(tmp_path_factory.mktemp("stack"))
    try:
        yield running
    finally:
        running.stop()


def wait_for(fetch: Any, done: Any, timeout: float = 30) -> Any:
    """Call `fetch` until `done(value)` or the timeout; returns the last value (assert on it)."""
    deadline = time.monotonic() + timeout
    while True:
        value = fetch()
        if done(value) or time.monotonic() > deadline:
            return value
        time.sleep(0.2)
