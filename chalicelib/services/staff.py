"""Exam board staff accounts."""
from __future__ import annotations

from typing import Any

from ..adapters import clock
from ..db.store import store
from ..domain import passwords
from ..domain.errors import Unauthenticated, ValidationError
from . import mfa
from . import security as sec

BAD_LOGIN = "The email or password is not correct."
SESSION_HOURS = 8


def ensure_staff_account(email: str, password: str, totp_secret: str | None = None) -> None:
    """Create (or reset the password of) a staff account: used by the local stack and by
    the deployment's bootstrap step. Staff passwords follow the same policy. Two-factor is
    required of staff: with `totp_secret` (base32) the account is enrolled with it, without
    one (and on a reset) it enrols at its next sign-in."""
    problems = {}
    problem = passwords.password_problem(password)
    if problem:
        problems["password"] = problem
    secret_problem = mfa.check_secret(totp_secret) if totp_secret is not None else None
    if secret_problem:
        problems["totp_secret"] = secret_problem
    if problems:
        raise ValidationError(problems)
    key = email.strip().lower()
    enrolled = totp_secret is not None
    store().staff.put(key, passwords.hash_password(password), clock.iso(),
                      totp_secret=mfa.seal(totp_secret, key) if totp_secret is not None else None,
                      mfa_enabled_at=clock.iso() if enrolled else None)


def _account_of(user: Any) -> mfa.Account:
    return mfa.Account("staff", user.email, user, "staff-login", user.email, user.email,
                       session_hours=SESSION_HOURS)


def _account(key: str) -> mfa.Account | None:
    user = store().staff.get(key)
    return _account_of(user) if user is not None else None


def login(email: str, password: str) -> dict:
    """Step 1: the password. Two-factor is required of staff: a right password answers with a
    challenge (or, for an account not enrolled yet, a secret to enrol), never a session."""
    key = email.strip().lower()
    user = store().staff.get(key)
    sec.check_password("staff-login", key, user.password_hash if user else None, password,
                       Unauthenticated(BAD_LOGIN))
    assert user is not None
    return mfa.after_password(_account_of(user), must_enrol=True)


def login_mfa(mfa_token: str, code: str) -> dict:
    """Step 2: the challenge's token and a TOTP or recovery code -> the session."""
    return mfa.complete("staff", mfa_token, code, _account)
