"""The caller of an organisation's request: the user behind a verifier session, and its
organisation (`Actor`), loaded from the session's principal."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..db import models as m
from ..db.store import store
from ..domain.errors import Forbidden, Unauthenticated

if TYPE_CHECKING:
    from .security import Principal


@dataclass(frozen=True)
class Actor:
    user: m.VerifierUser
    org: m.Organisation
    session_key: str

    @property
    def user_id(self) -> str:
        return self.user.user_id

    @property
    def org_id(self) -> str:
        return self.org.org_id

    @property
    def is_primary(self) -> bool:
        return self.user.role == "primary"

    @property
    def audit_actor(self) -> str:
        return f"user:{self.user.user_id}"

    def require_primary(self) -> None:
        if not self.is_primary:
            raise Forbidden("Only the organisation's Primary User can do this.")


def actor(principal: Principal) -> Actor:
    """The organisation user behind a verifier session (two GetItems): an active user of an
    approved organisation, or 401."""
    db = store()
    user = db.verifier_users.get(principal.subject)
    if user is None or user.status != "active":
        raise Unauthenticated("The session has ended. Log in again.")
    org = db.organisations.get(user.org_id)
    if org is None or org.status != "approved":
        raise Unauthenticated("The session has ended. Log in again.")
    return Actor(user, org, principal.session_key)
