"""The one helper every test uses to sign in where two-factor applies (staff always; organisation
users who turned it on or whose organisation requires it).

    session, secret = sign_in(via_api(api), "/staff/login", {"email": ..., "password": ...})
    session, _ = sign_in(via_http(requests.Session(), base), "/staff/login", creds, secret)

The first step's reply decides: a session is returned as it is; `mfa_setup_required` enrols
with the secret it carries; `mfa_required` needs `secret` (from an earlier enrolment). The
second step posts to `<path>/mfa` with a fresh code.
"""
from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from chalicelib.services.mfa import STEP_SECONDS as STEP

Post = Callable[[str, dict], tuple[int, Any]]

_last_step: dict[str, int] = {}  # secret -> the last time step this process sent a code of


def fresh_code(secret: str) -> str:
    """A code the service has not seen yet: it accepts one code per time step (30 s) and one
    step either side of now, so this takes the earliest step of those later than the last one
    this process used, and waits for the next step when all three were used."""
    from chalicelib.adapters import clock

    while True:
        now_step = int(clock.now() // STEP)
        last = _last_step.get(secret)
        candidates = [s for s in (now_step - 1, now_step, now_step + 1) if last is None or s > last]
        # The earlier step is valid only while the clock stays in this step: prefer now's.
        usable = [s for s in candidates if s >= now_step]
        if usable:
            step = usable[0]
            _last_step[secret] = step
            return _code_at(secret, step)
        time.sleep(max(0.05, (now_step + 1) * STEP - clock.now()))


def _code_at(secret: str, step: int) -> str:
    import pyotp

    return pyotp.TOTP(secret, interval=STEP).generate_otp(step)


def code(secret: str, offset: int = 0) -> str:
    """The code of the time step `offset` steps from now (the service's clock)."""
    from chalicelib.adapters import clock

    return _code_at(secret, int(clock.now() // STEP) + offset)


def wrong(secret: str) -> str:
    """A 6-digit code that is none of the three the service would accept now (a fixed one such as
    "000000" is one of them once in about 300,000 runs)."""
    valid = {code(secret, k) for k in (-1, 0, 1)}
    return next(c for c in ("123456", "654321", "111111", "999999") if c not in valid)


def start_of_a_step() -> None:
    """Moves the service's clock to just after the start of a time step, so that a test that
    builds codes from the clock has the whole step (29 s) before `code(secret)` changes."""
    from chalicelib.adapters import clock

    clock.advance(STEP - clock.now() % STEP + 0.5)


def sign_in(post: Post, path: str, credentials: dict, secret: str | None = None) -> tuple[dict, str | None]:
    """Both steps of a login: returns (the session reply, the TOTP secret)."""
    status, first = post(path, credentials)
    assert status == 200, first
    if first.get("mfa_setup_required"):
        secret = first["secret"]
    elif not first.get("mfa_required"):
        return first, secret
    assert secret, "two-factor applies: pass the secret from the enrolment"
    status, done = post(f"{path}/mfa", {"mfa_token": first["mfa_token"], "code": fresh_code(secret)})
    assert status == 200, done
    return done, secret


def via_api(api: Any) -> Post:
    """`post` for the in-process API client (tests/api/conftest.py `Api`)."""

    def post(path: str, body: dict) -> tuple[int, Any]:
        r = api.post(path, body)
        return r.status, r.json

    return post


def via_http(http: Any, base: str) -> Post:
    """`post` for a requests.Session against the local stack."""

    def post(path: str, body: dict) -> tuple[int, Any]:
        r = http.post(f"{base}{path}", json=body, timeout=10)
        return r.status_code, r.json()

    return post
