"""Organisations (recognising organisations), their domains, users, join requests and the
institutions search index."""
from __future__ import annotations

from pynamodb.attributes import (
    BooleanAttribute,
    ListAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
)

from .base import Gsi1, Gsi2, Item


class Organisation(Item):
    """pk ORG#<org_id>, sk ORG. gsi1: ORGSTATUS#<status> / <created_at>#<org_id>, the staff's
    queue of pending (or approved, rejected) organisations."""

    org_id = UnicodeAttribute()
    name = UnicodeAttribute()
    type = UnicodeAttribute()
    website = UnicodeAttribute()
    domain = UnicodeAttribute()
    country = UnicodeAttribute()
    status = UnicodeAttribute()  # pending | approved | rejected
    reason = UnicodeAttribute(null=True)
    primary_user_id = UnicodeAttribute()
    created_at = UnicodeAttribute()
    decided_at = UnicodeAttribute(null=True)
    mfa_required = BooleanAttribute(null=True)  # the Primary User requires two-factor of every user
    gsi1pk = UnicodeAttribute()
    gsi1sk = UnicodeAttribute()
    by_status = Gsi1()


class OrgDomain(Item):
    """pk ORGDOMAIN#<domain>, sk ORGDOMAIN: one organisation per website domain."""

    org_id = UnicodeAttribute()


class VerifierUser(Item):
    """pk VUSER#<user_id>, sk VUSER. gsi1: ORGUSERS#<org_id> / <email>, the organisation's
    users. gsi2 (sparse, daily/weekly alerts only): NOTIFY#<frequency> / <org_id>#<user_id>,
    what the digest schedule reads."""

    user_id = UnicodeAttribute()
    org_id = UnicodeAttribute()
    email = UnicodeAttribute()
    first_name = UnicodeAttribute()
    family_name = UnicodeAttribute()
    job_title = UnicodeAttribute()
    role = UnicodeAttribute()  # primary | admin
    status = UnicodeAttribute()  # pending (org not approved) | invited | active
    password_hash = UnicodeAttribute(null=True)
    frequency = UnicodeAttribute(default="off")  # off | immediate | daily | weekly
    language = UnicodeAttribute(default="en")  # of the emails: the site's when registered / last changed
    digest_period = UnicodeAttribute(null=True)  # the last digest period sent, e.g. daily:2026-06-14
    digest_until = UnicodeAttribute(null=True)  # shares up to this sort key were in a digest
    created_at = UnicodeAttribute()
    # Two-factor sign-in (services/mfa.py), as on StaffUser
    totp_secret = UnicodeAttribute(null=True)
    totp_pending = UnicodeAttribute(null=True)
    totp_last_step = NumberAttribute(null=True)
    recovery_hashes = UnicodeSetAttribute(null=True)
    mfa_enabled_at = UnicodeAttribute(null=True)
    gsi1pk = UnicodeAttribute()
    gsi1sk = UnicodeAttribute()
    gsi2pk = UnicodeAttribute(null=True)
    gsi2sk = UnicodeAttribute(null=True)
    by_org = Gsi1()
    by_frequency = Gsi2()


class VerifierEmail(Item):
    """pk VEMAIL#<email, lower-case>, sk VEMAIL: login by email, one account per address."""

    user_id = UnicodeAttribute()


class JoinRequest(Item):
    """pk ORG#<org_id>, sk JOIN#<request_id> (time-ordered id)."""

    request_id = UnicodeAttribute()
    org_id = UnicodeAttribute()
    email = UnicodeAttribute()
    first_name = UnicodeAttribute()
    family_name = UnicodeAttribute()
    job_title = UnicodeAttribute()
    created_at = UnicodeAttribute()
    language = UnicodeAttribute(default="en")  # the requester's (the site's when they asked): their emails


class InstitutionWord(Item):
    """Search index of approved organisations' names: pk INSTWORD#<first 2 letters of a
    normalised word>, sk <word>#<org_id>; the organisation's public fields copied."""

    org_id = UnicodeAttribute()
    name = UnicodeAttribute()
    type = UnicodeAttribute()
    country = UnicodeAttribute()
    words = ListAttribute(of=UnicodeAttribute, default=list)
