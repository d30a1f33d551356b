"""Invitations: a candidate asked the service to invite an organisation that is not listed yet
to register (services/invitations.py)."""
from __future__ import annotations

from pynamodb.attributes import UnicodeAttribute

from .base import Item
from .keys import CAND

INVITE = "INVITE#"
INVITED = "INVITED#"


class Invitation(Item):
    """pk INVITE#<domain>, sk CAND#<id_number>#<email>: one candidate invited the organisation
    at `domain` (its website's, the domain an organisation registers as) at `email`. When that
    organisation is approved, one Query of the domain finds every inviting candidate; `done_at`
    is set once the candidate has been told. `result_id`: the result the candidate was sharing
    (may be empty)."""

    domain = UnicodeAttribute()
    id_number = UnicodeAttribute()
    email = UnicodeAttribute()
    website = UnicodeAttribute()
    result_id = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute()
    done_at = UnicodeAttribute(null=True)

    @staticmethod
    def keys(domain: str, id_number: str, email: str) -> tuple[str, str]:
        return INVITE + domain, f"{CAND}{id_number}#{email}"


class InvitedAddress(Item):
    """pk CAND#<id_number>, sk INVITED#<email>: the candidate has invited this address (whatever
    website they gave), so that it is not sent twice."""

    domain = UnicodeAttribute()
    created_at = UnicodeAttribute()

    @staticmethod
    def keys(id_number: str, email: str) -> tuple[str, str]:
        return CAND + id_number, INVITED + email
