"""Sessions, single-use emailed tokens, rate-limit counters and staff accounts."""
from __future__ import annotations

from pynamodb.attributes import (
    JSONAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
)

from .base import Gsi1, Item


# ---------------------------------------------------------------- auth
class Session(Item):
    """pk SESSION#<sha256 of token>, sk SESSION. gsi1: SUBJ#<kind>#<subject> -> the
    subject's sessions, so that a password change or a deleted user ends them all."""

    kind = UnicodeAttribute()
    subject = UnicodeAttribute()
    expires_at = NumberAttribute()
    created_at = UnicodeAttribute()
    gsi1pk = UnicodeAttribute()
    gsi1sk = UnicodeAttribute()
    ttl = NumberAttribute(null=True)  # epoch seconds; the table's TTL attribute
    by_subject = Gsi1()


class Token(Item):
    """A single-use emailed token (verify email, reset password, set password):
    pk TOKEN#<sha256 of token>, sk TOKEN. Only the hash is stored."""

    purpose = UnicodeAttribute()
    kind = UnicodeAttribute()
    subject = UnicodeAttribute()
    data = JSONAttribute(null=True)
    expires_at = NumberAttribute()
    ttl = NumberAttribute(null=True)  # epoch seconds; the table's TTL attribute


class Counter(Item):
    """Rate limiting: pk RL#<scope>#<hashed key>, sk RL. A window opens at the key's first
    event (`window_start`), not at a clock boundary. `hits` counts the slots taken in the
    window (guesses in flight + failed ones), `fails` the failed guesses; `locked_until` is a
    lock-out (see services/security.py)."""

    hits = NumberAttribute(default=0)
    fails = NumberAttribute(null=True)
    window_start = NumberAttribute(null=True)
    locked_until = NumberAttribute(null=True)
    ttl = NumberAttribute(null=True)  # epoch seconds; the table's TTL attribute


class StaffUser(Item):
    """pk STAFF#<email>, sk STAFF. Two-factor (services/mfa.py) is required of staff."""

    email = UnicodeAttribute()
    password_hash = UnicodeAttribute()
    created_at = UnicodeAttribute()
    # Two-factor sign-in (services/mfa.py), the same five attributes as VerifierUser's
    totp_secret = UnicodeAttribute(null=True)  # sealed (AES-GCM), never in clear
    totp_pending = UnicodeAttribute(null=True)  # sealed; enrolment started, not confirmed yet
    totp_last_step = NumberAttribute(null=True)  # the last time step accepted: a code works once
    recovery_hashes = UnicodeSetAttribute(null=True)  # keyed hashes of unused recovery codes
    mfa_enabled_at = UnicodeAttribute(null=True)
