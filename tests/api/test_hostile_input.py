"""Bodies that are valid JSON but not valid text, or too deeply nested to parse: a 400
validation_error on every route, never a 500; and a password check that never raises."""
from __future__ import annotations

import json

import pytest

from .verifier_kit import PASSWORD, STAFF_EMAIL, make_candidate

SURROGATE = "\\ud800" * 8  # as it appears in the JSON text: a lone surrogate, not Unicode


def raw(fields: dict, password_field: str = "password") -> bytes:
    text = json.dumps({**fields, password_field: "PLACEHOLDER"})
    return text.replace("PLACEHOLDER", SURROGATE).encode()


@pytest.fixture
def accounts(api):
    from chalicelib.services.staff import ensure_staff_account

    make_candidate()
    ensure_staff_account(STAFF_EMAIL, PASSWORD)


LOGINS = [
    ("/candidates/login", {"id_number": "SIR094701"}),
    ("/candidates/login", {"id_number": "QQQ111111"}),
    ("/staff/login", {"email": STAFF_EMAIL}),
    ("/staff/login", {"email": "nobody@exam-board.example"}),
    ("/verifiers/login", {"email": "nobody@uni-north.ac.uk"}),
]


@pytest.mark.parametrize(("path", "fields"), LOGINS)
def test_a_lone_surrogate_in_a_password_is_a_400_known_or_unknown(api, accounts, path, fields):
    r = api.call("POST", path, raw=raw(fields))
    assert r.status == 400 and r.json["error"] == "validation_error"
    assert r.json["fields"] == {"body": "not valid Unicode text"}


def test_a_lone_surrogate_in_registration_is_a_400(api):
    body = {"id_number": "SIR094701", "secret_number": "4821", "email": "zoe@example.org",
            "country": "PL", "first_language": "prefer_not_to_say", "accept_terms": True,
            "marketing_opt_in": False}
    r = api.call("POST", "/candidates/register", raw=raw(body))
    assert r.status == 400 and r.json["error"] == "validation_error"
    # in a key too
    r = api.call("POST", "/candidates/register", raw=b'{"\\udc00": 1}')
    assert r.status == 400 and r.json["error"] == "validation_error"


@pytest.mark.parametrize("body", [b"[" * 100_000 + b"]" * 100_000, b'{"a":' * 40_000 + b"1" + b"}" * 40_000,
                                  b"[" * 5_000 + b"]" * 5_000],
                         ids=["100k brackets", "40k objects", "5k brackets"])
def test_deeply_nested_brackets_are_a_400(api, body):
    r = api.call("POST", "/candidates/login", raw=body)
    assert r.status == 400 and r.json["error"] == "validation_error"


def test_verification_never_raises_and_still_spends_the_time(monkeypatch):
    from chalicelib.domain import passwords

    lone = "\ud800" * 8
    stored = passwords.hash_password("a fine pass phrase")
    assert passwords.verify_password(stored, lone) is False
    calls = []
    real = passwords._hasher()
    monkeypatch.setattr(passwords, "_hasher", lambda: type("H", (), {
        "verify": lambda self, h, p: calls.append(p) or real.verify(h, p)})())
    passwords.burn_verify_time(lone)  # no exception
    assert len(calls) == 1  # the argon2 verification ran: same time as any other password
