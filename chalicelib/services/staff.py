"""Exam board staff accounts."""
from __future__ import annotations

from ..adapters import clock
from ..db import models as m
from ..db.repo import get_or_none
from ..domain import passwords
from ..domain.errors import Unauthenticated, ValidationError
from . import security as sec

BAD_LOGIN = "The email or password is not correct."


def ensure_staff_account(email: str, password: str) -> None:
    """Create (or reset the password of) a staff account: used by the local stack and by
    the deployment's bootstrap step. Staff passwords follow the same policy."""
    problem = passwords.password_problem(password)
    if problem:
        raise ValidationError({"password": problem})
    key = email.strip().lower()
    m.StaffUser(m.STAFF + key, "STAFF", email=key, password_hash=passwords.hash_password(password),
                created_at=clock.iso()).save()


def login(email: str, password: str) -> dict:
    key = email.strip().lower()
    sec.ensure_not_locked("staff-login", key, "Too many attempts. Try again later.")
    user = get_or_none(m.StaffUser, m.STAFF + key, "STAFF")
    if user is None:
        passwords.burn_verify_time(password)
        ok = False
    else:
        ok = passwords.verify_password(user.password_hash, password)
    if not ok:
        sec.record_failure("staff-login", key, limit=5, window=900, lockout=900)
        raise Unauthenticated(BAD_LOGIN)
    return sec.create_session("staff", key, hours=8)
