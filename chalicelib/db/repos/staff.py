"""Exam board staff accounts: pk STAFF#<email, lower-case>, sk STAFF."""
from __future__ import annotations

from .. import models as m
from ..table import Table


class Staff:
    def __init__(self, table: Table) -> None:
        self.t = table

    def get(self, email: str) -> m.StaffUser | None:
        return self.t.get(m.StaffUser, m.STAFF + email, "STAFF")

    def put(self, email: str, password_hash: str, created_at: str, *, totp_secret: str | None = None,
            mfa_enabled_at: str | None = None) -> m.StaffUser:
        """Create the account, or replace it whole (its two-factor state with it)."""
        user = m.StaffUser(m.STAFF + email, "STAFF", email=email, password_hash=password_hash,
                           created_at=created_at, totp_secret=totp_secret, mfa_enabled_at=mfa_enabled_at)
        self.t.put(user)
        return user
