"""Two-factor state on an account, whichever model it is (StaffUser or VerifierUser: both carry
totp_secret, totp_pending, totp_last_step, recovery_hashes, mfa_enabled_at). Every write that
makes a code single-use is conditional and answers whether it won; the account object is
refreshed with the stored values."""
from __future__ import annotations

from typing import Any

from .. import models as m
from ..table import Table

User = Any  # m.StaffUser | m.VerifierUser


class Mfa:
    def __init__(self, table: Table) -> None:
        self.t = table

    def use_step(self, user: User, step: int) -> bool:
        """Store `step` as the last one used, unless it (or a later one) was used already."""
        model = type(user)
        return self.t.update(user, [model.totp_last_step.set(step)],
                             condition=model.totp_last_step.does_not_exist() | (model.totp_last_step < step))

    def use_recovery_code(self, user: User, hashed: str) -> bool:
        """Remove one recovery code's hash, if it is still there: a code works once."""
        model = type(user)
        return self.t.update(user, [model.recovery_hashes.delete({hashed})],
                             condition=model.recovery_hashes.contains(hashed))

    def start(self, user: User, sealed_secret: str) -> None:
        """A new secret, pending until a code of it is confirmed."""
        self.t.update(user, [type(user).totp_pending.set(sealed_secret)])

    def enable(self, user: User, sealed_pending: str, step: int, recovery_hashes: set[str], at: str) -> bool:
        """The pending secret becomes the account's, on condition that it is still the pending
        one (an enrolment restarted meanwhile wins: False)."""
        model = type(user)
        return self.t.update(user, [
            model.totp_secret.set(sealed_pending), model.totp_pending.remove(),
            model.totp_last_step.set(step), model.recovery_hashes.set(recovery_hashes),
            model.mfa_enabled_at.set(at)], condition=model.totp_pending == sealed_pending)

    def disable(self, user: User) -> None:
        model = type(user)
        self.t.update(user, [model.totp_secret.remove(), model.totp_pending.remove(),
                             model.totp_last_step.remove(), model.recovery_hashes.remove(),
                             model.mfa_enabled_at.remove()])

    def require_for_org(self, org: m.Organisation, required: bool) -> None:
        self.t.update(org, [m.Organisation.mfa_required.set(required)])
