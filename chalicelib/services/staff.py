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
    user = get_or_none(m.StaffUser, m.STAFF + key, "STAFF")
    sec.check_password("staff-login", key, user.password_hash if user else None, password,
                       Unauthenticated(BAD_LOGIN))
    return sec.create_session("staff", key, hours=8)
