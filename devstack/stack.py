"""The embedded local stack, in one process: moto (every AWS service) on $MOTO_PORT, the
Chalice app on $PORT, the SQS/schedule event pump and the email outbox, until SIGINT/SIGTERM.

    .venv/bin/python -m devstack        (what `make run` does)

Environment: PORT (8000), MOTO_PORT (5000), AWS_DEFAULT_REGION (eu-west-1), OUTBOX_DIR
(.local/outbox), STAFF_EMAIL / STAFF_PASSWORD / STAFF_TOTP_SECRET (base32; generated and printed
when unset), SCHEDULE_SECONDS (period of every schedule), VISIBILITY_TIMEOUT_SECONDS (of every
queue), DEMO=1 (load demo batch files), LOG_LEVEL,
SECRET_PEPPER (a development pepper unless set: the app has no default).
"""
from __future__ import annotations

import errno
import functools
import importlib
import logging
import os
import signal
import socket
import sys
import threading
from pathlib import Path
from types import FrameType, ModuleType
from typing import Any

log = logging.getLogger("devstack")

HOST = "127.0.0.1"
DEFAULT_STAFF_EMAIL = "staff@exam-board.example"
DEFAULT_STAFF_PASSWORD = "local-only-Staff-2025!"
LOCAL_PEPPER = "local-development-pepper-not-for-production"
PROJECT_ROOT = Path(__file__).resolve().parents[1]


def _port(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


def _check_port_free(port: int, what: str) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((HOST, port))
        except OSError as exc:
            reason = "in use" if exc.errno == errno.EADDRINUSE else str(exc)
            message = f"error: port {port} for {what} is {reason} (set {what} to another port)"
            raise SystemExit(message) from None


def configure_environment(port: int, moto_port: int) -> None:
    """Point every AWS client at moto, with fake credentials. Must run before `app` and
    `chalicelib.config` are imported (they read the environment at import time)."""
    env = os.environ
    env["AWS_ENDPOINT_URL"] = f"http://{HOST}:{moto_port}"
    env["AWS_ACCESS_KEY_ID"] = "testing"
    env["AWS_SECRET_ACCESS_KEY"] = "testing"
    for name in ("AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_PROFILE", "AWS_DEFAULT_PROFILE"):
        env.pop(name, None)  # never a real account's credentials
    env.setdefault("AWS_DEFAULT_REGION", env.get("AWS_REGION") or "eu-west-1")
    # links in emails and on statements: this stack, unless it is reached at another address
    env.setdefault("PUBLIC_BASE_URL", f"http://{HOST}:{port}")
    env["STAGE"] = "local"
    # chalicelib has no default pepper (on AWS it is a Secrets Manager secret): a local one.
    env.setdefault("SECRET_PEPPER", LOCAL_PEPPER)
    env.pop("SECRET_PEPPER_NAME", None)
    env.setdefault("POWERTOOLS_SERVICE_NAME", "exam-results")
    env.setdefault("POWERTOOLS_TRACE_DISABLED", "true")
    env.setdefault("POWERTOOLS_METRICS_NAMESPACE", "ExamResults")


def _configure_logging() -> None:
    level = os.environ.get("LOG_LEVEL", "INFO").upper()
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s",
                        stream=sys.stdout)
    for noisy in ("werkzeug", "botocore", "boto3", "urllib3"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def redacting_handler(base: type) -> type:
    """`base` (chalice.local's request handler) with its access log line ("GET /verify-email?
    token=... HTTP/1.1" 200) passed through the service's own log redactor: no token, reference
    number, date of birth or email address reaches the terminal."""
    from chalicelib.observability import redact

    class RedactingRequestHandler(base):  # type: ignore[valid-type,misc]
        def log_message(self, format: str, *args: Any) -> None:
            line = f"{self.address_string()} - - [{self.log_date_time_string()}] {format % args}"
            sys.stderr.write(redact(line).translate(self._control_char_table) + "\n")

    return RedactingRequestHandler


class HttpServer:
    """The Chalice app served in-process by chalice.local (threaded, binary bodies decoded
    the way `chalice local` does), its access log redacted."""

    def __init__(self, app: Any, port: int) -> None:
        from chalice.config import Config
        from chalice.local import ChaliceRequestHandler, ThreadedHTTPServer, create_local_server

        ThreadedHTTPServer.request_queue_size = 128  # socketserver's backlog of 5 resets bursts

        cfg = Config.create(chalice_stage="local", app_name=app.app_name, lambda_timeout=60,
                            lambda_memory_size=128)
        from .gateway import install_local_not_found

        install_local_not_found()  # unknown paths: a 404 page for a browser, JSON for an API client
        self.server = create_local_server(app, cfg, HOST, port)
        self.server.server.RequestHandlerClass = functools.partial(
            redacting_handler(ChaliceRequestHandler), app_object=app, config=cfg)
        self._thread = threading.Thread(target=self.server.server.serve_forever, name="http", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self._thread.join(5)
        self.server.server.server_close()


def ensure_staff(email: str, password: str, totp_secret: str | None = None) -> str | None:
    """Create the staff account; returns a warning instead of failing the start."""
    try:
        from chalicelib.services.staff import ensure_staff_account
    except ImportError as exc:
        return f"staff account not created: services.staff.ensure_staff_account unavailable ({exc})"
    try:
        ensure_staff_account(email, password, totp_secret)
    except Exception as exc:  # the stack still serves everything else
        log.exception("ensure_staff_account failed")
        return f"staff account not created: {type(exc).__name__}: {exc}"
    return None


def banner(*, api: str, moto: str, outbox: Path, staff_email: str, staff_password: str,
           pump: Any, warnings: list[str], demo: bool, staff_totp: str = "") -> str:
    lines = [
        "",
        "=" * 72,
        "  exam-results local stack",
        "=" * 72,
        f"  API        {api}      (try {api}/health)",
        f"  moto (AWS) {moto}      (state: {moto}/moto-api/)",
        f"  outbox     {outbox}   (every email sent, as .eml)",
        f"  staff      {staff_email} / {staff_password}   (local only)",
        f"             two-factor: TOTP secret {staff_totp} (add it to an authenticator app)",
        "  data       all in memory: everything is gone when this process stops",
        "  handlers",
    ]
    for b in pump.bindings.sqs:
        lines.append(f"    sqs      {b.name:<24} <- {b.queue} (batch {b.batch_size})")
    for s in pump.bindings.schedules:
        lines.append(f"    schedule {s.name:<24} {pump.describe_schedule(s)}")
    for skipped in pump.bindings.skipped:
        lines.append(f"    skipped  {skipped}")
    if demo:
        from . import demo as demo_data

        lines += [
            "  demo       entries and one result loading through the pipeline; try",
            f"             ID number {demo_data.DEMO_ID_NUMBER}, "
            f"secret number {demo_data.DEMO_SECRET_NUMBER}",
        ]
    lines += [f"  WARNING    {w}" for w in warnings]
    lines += ["  Ctrl-C to stop", "=" * 72, ""]
    return "\n".join(lines)


def import_app() -> ModuleType:
    if str(PROJECT_ROOT) not in sys.path:
        sys.path.insert(0, str(PROJECT_ROOT))
    return importlib.import_module("app")


def main() -> int:
    port = _port("PORT", 8000)
    moto_port = _port("MOTO_PORT", 5000)
    _configure_logging()
    _check_port_free(moto_port, "MOTO_PORT")
    _check_port_free(port, "PORT")
    configure_environment(port, moto_port)

    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        if stop.is_set():  # a second Ctrl-C: leave now
            os._exit(130)
        stop.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)

    from moto.server import ThreadedMotoServer

    from . import moto_speedups
    from .moto_locks import install as install_item_locks

    install_item_locks()  # DynamoDB's per-item atomicity, which moto's threaded server lacks
    moto_speedups.apply()  # SQS at O(1) a message: a 20,000-candidate release finishes

    stoppers: list[tuple[str, Any]] = []
    moto_server = ThreadedMotoServer(ip_address=HOST, port=moto_port, verbose=False)
    moto_server.start()
    stoppers.append(("moto", moto_server.stop))
    try:
        import boto3

        from .bootstrap import bootstrap
        from .outbox import Outbox
        from .pump import Pump

        session = boto3.session.Session()
        bootstrap(session)

        outbox = Outbox()
        outbox.start()
        stoppers.append(("outbox", outbox.stop))

        try:
            app_module = import_app()
        except Exception:
            log.exception("could not import app.py")
            return 1

        warnings: list[str] = []
        staff_email = os.environ.get("STAFF_EMAIL") or DEFAULT_STAFF_EMAIL
        staff_password = os.environ.get("STAFF_PASSWORD") or DEFAULT_STAFF_PASSWORD
        os.environ.setdefault("STAFF_ALERT_EMAIL", staff_email)  # told of organisations to approve
        from chalicelib.services.mfa import new_secret

        staff_totp = os.environ.get("STAFF_TOTP_SECRET") or new_secret()
        warning = ensure_staff(staff_email, staff_password, staff_totp)
        if warning:
            warnings.append(warning)

        pump = Pump(app_module, sqs_client=session.client("sqs"))
        pump.start()
        stoppers.append(("pump", pump.stop))

        http = HttpServer(app_module.app, port)
        http.start()
        stoppers.append(("http", http.stop))

        demo = os.environ.get("DEMO", "") not in ("", "0", "false", "no")
        print(banner(api=f"http://{HOST}:{port}", moto=f"http://{HOST}:{moto_port}",
                     outbox=outbox.directory.resolve(), staff_email=staff_email,
                     staff_password=staff_password, pump=pump, warnings=warnings, demo=demo,
                     staff_totp=staff_totp),
              flush=True)
        if demo:
            from . import demo as demo_data

            demo_data.start(session.client("s3"), session.client("sqs"), stop)

        while not stop.wait(0.5):
            pass
        log.info("stopping")
        return 0
    finally:
        for name, stopper in reversed(stoppers):
            try:
                stopper()
            except Exception:
                log.exception("stopping %s failed", name)
        print("local stack stopped", flush=True)
