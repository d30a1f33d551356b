"""A results release of 20,000 candidates on the local stack (`python -m devstack`), end to end.

Starts the stack in a subprocess on free ports (as tests/e2e/conftest.py does), drops an entries
file and then a results file of N candidates into `incoming/` of the batch bucket, and waits
until the results batch reports every statement generated. Prints `local_release_20k_s`: the
seconds from the results file landing in S3 to the last statement (wall clock: the stack
runs moto, the API and the event pump in one process, as `make run` does).

    .venv/bin/python -m bench local_release          (RELEASE_CANDIDATES=2000 for a quick run)
"""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CANDIDATES = int(os.environ.get("RELEASE_CANDIDATES", "20000"))
CAP_S = float(os.environ.get("RELEASE_CAP_S", "3600"))  # generous: the stall was 30+ minutes
STAFF_EMAIL = "staff@exam-board.example"
STAFF_PASSWORD = "bench-Staff-password-2025!"
STAFF_TOTP_SECRET = "BENCHSTAFFTOTPSECRETONLY23456723"  # base32: the stack enrols its staff account with it
FINISHED = ("completed", "completed_with_errors", "failed")
COMPONENTS = ["Reading", "Use of English", "Writing", "Listening", "Speaking"]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _call(method: str, url: str, body: Any = None, token: str | None = None) -> Any:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, headers=headers, method=method)
    with urllib.request.urlopen(req, timeout=30) as resp:
        return json.loads(resp.read() or b"null")


def _id(i: int) -> str:
    return f"BEN{i:06d}"


def entries_csv(n: int) -> bytes:
    lines = ["id_number,secret_number,first_name,family_name,date_of_birth,centre_number,exam_code,"
             "exam_date,exam_format"]
    lines += [f"{_id(i)},{i % 10000:04d},Ana,Silva,2004-03-09,GB123,B2FIRST,2026-06-14,paper"
              for i in range(n)]
    return ("\n".join(lines) + "\n").encode()


def results_csv(n: int) -> bytes:
    lines = ["id_number,exam_code,exam_date,reference_number,overall_score,grade,cefr_level,"
             + ",".join(f"component:{c}" for c in COMPONENTS)]
    lines += [f"{_id(i)},B2FIRST,2026-06-14,SOR-BEN-{i:06d},176,B,B2,175,170,168,180,185" for i in range(n)]
    return ("\n".join(lines) + "\n").encode()


class LocalStack:
    def __init__(self, workdir: Path) -> None:
        self.port, self.moto_port = _free_port(), _free_port()
        self.log_path = workdir / "stack.log"
        env = {**os.environ, "PORT": str(self.port), "MOTO_PORT": str(self.moto_port),
               "OUTBOX_DIR": str(workdir / "outbox"), "STAFF_EMAIL": STAFF_EMAIL,
               "STAFF_PASSWORD": STAFF_PASSWORD, "STAFF_TOTP_SECRET": STAFF_TOTP_SECRET,
               "PYTHONUNBUFFERED": "1", "LOG_LEVEL": "WARNING"}
        with open(self.log_path, "wb") as log_file:
            self.proc = subprocess.Popen([sys.executable, "-m", "devstack"], cwd=ROOT, env=env,
                                         stdout=log_file, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                         start_new_session=True)
        self.base = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the local stack exited: {self.log_path.read_text()[-2000:]}")
            try:
                _call("GET", f"{self.base}/health")
                return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError("the local stack did not answer /health within 60 s")

    def s3(self) -> Any:
        import boto3

        return boto3.client("s3", endpoint_url=f"http://127.0.0.1:{self.moto_port}", region_name="eu-west-1",
                            aws_access_key_id="testing", aws_secret_access_key="testing")

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGINT)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)


_ids: dict[str, str] = {}


def _batch(stack: LocalStack, token: str, filename: str) -> dict | None:
    """The batch of a file dropped into incoming/: found once in the listing (a GSI query, which
    moto answers by reading every item), then read by id."""
    if filename in _ids:
        return dict(_call("GET", f"{stack.base}/staff/batches/{_ids[filename]}", token=token))
    page = _call("GET", f"{stack.base}/staff/batches?limit=10", token=token)
    found = next((b for b in page["batches"] if b["filename"] == filename), None)
    if found is not None:
        _ids[filename] = found["batch_id"]
    return found


def _wait(stack: LocalStack, token: str, filename: str, done: Any, what: str, started: float) -> dict:
    last_report = 0.0
    batch = None
    while True:
        try:
            batch = _batch(stack, token, filename)
        except OSError as err:  # a busy stack may drop a connection: ask again
            print(f"# {what}: {type(err).__name__}: {err}", file=sys.stderr, flush=True)
        now = time.monotonic()
        if batch is not None and done(batch):
            return batch
        if stack.proc.poll() is not None:
            raise RuntimeError(f"the local stack died: {stack.log_path.read_text()[-2000:]}")
        if now - started > CAP_S:
            raise RuntimeError(f"{what}: not done after {CAP_S:.0f} s: {batch}")
        if now - last_report >= 10:
            last_report = now
            progress = "not seen yet" if batch is None else (
                f"status {batch['status']}, rows {batch['rows_ok']}/{batch['rows_total']}, "
                f"statements {batch['statements_generated']}, emails {batch['emails_sent']}, "
                f"jobs failed {batch['jobs_failed']}")
            print(f"# {what} {now - started:6.0f} s: {progress}", file=sys.stderr, flush=True)
        time.sleep(2)


def staff_session(stack: LocalStack) -> str:
    """Staff sign in in two steps: the password, then a TOTP code (services/mfa.py)."""
    import pyotp

    first = _call("POST", f"{stack.base}/staff/login", {"email": STAFF_EMAIL, "password": STAFF_PASSWORD})
    done = _call("POST", f"{stack.base}/staff/login/mfa",
                 {"mfa_token": first["mfa_token"], "code": pyotp.TOTP(STAFF_TOTP_SECRET).now()})
    return str(done["token"])


def run() -> dict[str, float]:
    n = CANDIDATES
    with tempfile.TemporaryDirectory(prefix="bench-release-") as tmp:
        stack = LocalStack(Path(tmp))
        try:
            token = staff_session(stack)
            s3 = stack.s3()
            bucket = "exam-results-local-batches"
            started = time.monotonic()
            s3.put_object(Bucket=bucket, Key="incoming/entries/bench-entries.csv", Body=entries_csv(n))
            _wait(stack, token, "bench-entries.csv", lambda b: b["status"] in FINISHED, "entries", started)
            started = time.monotonic()
            s3.put_object(Bucket=bucket, Key="incoming/results/bench-results.csv", Body=results_csv(n))
            batch = _wait(stack, token, "bench-results.csv",
                          lambda b: b["status"] in FINISHED and (
                              b["rows_ok"] < n or b["statements_generated"] + b["jobs_failed"] >= n),
                          "results", started)
            elapsed = time.monotonic() - started
            if batch["rows_ok"] != n or batch["statements_generated"] != n:
                raise RuntimeError(f"release incomplete: {batch}")
        finally:
            stack.stop()
            kept = Path(tempfile.gettempdir()) / "bench-local-release-stack.log"
            kept.write_bytes(stack.log_path.read_bytes())
            print(f"# the stack's log: {kept}", file=sys.stderr, flush=True)
    label = f"{n // 1000}k" if n % 1000 == 0 else str(n)
    return {f"local_release_{label}_s": round(elapsed, 1)}


if __name__ == "__main__":
    for key, value in run().items():
        print(f"{key}: {value}")
