"""The local stack's HTTP access log goes through the service's redactor (issue 8 item 12)."""
from __future__ import annotations

import socket
import urllib.request

import pytest

TOKEN = "w-2PSXMcB78EYj37CFn2fZNP76e0X5ne7Rxt07ivlzM"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server():
    from chalice import Chalice

    from devstack.stack import HttpServer

    app = Chalice(app_name="access-log-test")

    @app.route("/{path}")
    def anything(path: str) -> dict:
        return {"ok": True}

    http = HttpServer(app, _free_port())
    http.start()
    yield f"http://127.0.0.1:{http.server.port}"
    http.stop()


@pytest.mark.parametrize(("query", "secrets"), [
    (f"token={TOKEN}", [TOKEN]),
    ("reference_number=SOR-2026-0001234&date_of_birth=2004-03-09", ["SOR-2026-0001234", "2004-03-09"]),
    ("email=zoe.n%2Bx%40mail.example.org&x=1", ["zoe", "mail.example"]),
    ("q=zoe.n%40mail.example.org", ["zoe", "mail.example"]),
])
def test_access_log_lines_carry_no_token_reference_date_of_birth_or_email(server, capfd, query, secrets):
    with urllib.request.urlopen(f"{server}/verify-email?{query}", timeout=5) as resp:
        assert resp.status == 200
    err = capfd.readouterr().err
    [line] = [x for x in err.splitlines() if "GET /verify-email" in x]
    assert '" 200 ' in line  # still an access log line: method, path, status
    for secret in secrets:
        assert secret not in line, line
    assert "[redacted]" in line or "[email]" in line


def test_the_redactor_covers_the_query_parameters():
    from chalicelib.observability import redact

    out = redact("GET /api/v1/results?date_of_birth=2004-03-09&reference_number=SOR-1&limit=5 HTTP/1.1")
    assert out == "GET /api/v1/results?date_of_birth=[redacted]&reference_number=[redacted]&limit=5 HTTP/1.1"
