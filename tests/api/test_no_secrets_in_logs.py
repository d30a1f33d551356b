"""No password, secret number, token or email address in any log line."""
from __future__ import annotations

import io
import logging

from tests.leaks import shows

from .conftest import entry_row, token_in


def test_a_whole_candidate_journey_logs_no_secret(api, entries, outbox, caplog, monkeypatch):
    # Given the service's log stream, formatted as in production, and every other logger at
    # the production level (INFO; DEBUG is botocore dumping whole requests)
    from chalicelib.observability import SERVICE, logger

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logger().registered_formatter)
    logging.getLogger(SERVICE).addHandler(handler)
    caplog.set_level(logging.INFO)
    password, secret, email = "violet-harbour-lantern", "4821", "zoe.secret@example.org"
    # Given an entry, and an SES that fails once (so the error path logs too)
    entries(entry_row(secret=secret))
    from chalicelib.adapters import email as mailer

    real_send = mailer.send
    calls = {"n": 0}

    def flaky(mail):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError(f"SES refused the message to {mail.to}")
        return real_send(mail)

    monkeypatch.setattr(mailer, "send", flaky)
    # When the candidate registers, fails and succeeds to log in, resets the password
    body = {"id_number": "SIR094701", "secret_number": "0000", "email": email, "password": password,
            "country": "PL", "first_language": "pl", "accept_terms": True, "marketing_opt_in": False}
    api.post("/candidates/register", body)
    api.post("/candidates/register", {**body, "secret_number": secret})
    api.post("/candidates/login", {"id_number": "SIR094701", "password": "wrong-" + password})
    token = api.post("/candidates/login", {"id_number": "SIR094701", "password": password}).json["token"]
    api.get("/candidates/me", token=token)
    api.post("/candidates/password-reset", {"id_number": "SIR094701", "email": email})
    reset = token_in(next(m for m in outbox(email) if "Reset" in m["Subject"]))
    api.post("/candidates/password-reset/confirm", {"token": reset, "new_password": "another-long-one-2"})
    api.call("POST", "/candidates/login", raw=b'{"password": "' + password.encode() + b'"')  # bad JSON
    # Then nothing secret was logged, though something was
    logging.getLogger(SERVICE).removeHandler(handler)
    logged = stream.getvalue() + "\n".join(r.getMessage() for r in caplog.records)
    assert "email not sent" in logged  # the failure was logged...
    for secret_value in (password, email, token, reset, "another-long-one-2"):
        assert secret_value not in logged, secret_value  # ...without the address
    assert not shows(logged, secret)  # the Secret number: 4 digits, which random ids may hold
