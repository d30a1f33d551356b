"""Exam centres (issue 13): the centre, its users, the audit of what they did for candidates,
and a candidate's reissued Secret number."""
from __future__ import annotations

from pynamodb.attributes import UnicodeAttribute

from .base import Gsi1, Item

CENTRE = "CENTRE#"
CENTRES = "CENTRES"
CUSER = "CUSER#"
CEMAIL = "CEMAIL#"
CENTRE_USERS = "CENTREUSERS#"
CENTRE_AUDIT = "CAUDIT#"
# Entries on gsi1, by the centre number of the entry: CENTRECAND#<centre> / <exam_date>#<id>#<exam>
CENTRE_CANDIDATES = "CENTRECAND#"
SECRET = "SECRET"


class Centre(Item):
    """pk CENTRE#<centre_number>, sk CENTRE. gsi1: CENTRES / <centre_number>, the staff's list."""

    centre_number = UnicodeAttribute()
    name = UnicodeAttribute()
    country = UnicodeAttribute()
    manager_user_id = UnicodeAttribute()
    created_at = UnicodeAttribute()
    created_by = UnicodeAttribute()
    gsi1pk = UnicodeAttribute()
    gsi1sk = UnicodeAttribute()
    listed = Gsi1()

    @staticmethod
    def keys(centre_number: str) -> tuple[str, str]:
        return CENTRE + centre_number, "CENTRE"


class CentreUser(Item):
    """pk CUSER#<user_id>, sk CUSER. gsi1: CENTREUSERS#<centre_number> / <email>, the centre's users."""

    user_id = UnicodeAttribute()
    centre_number = UnicodeAttribute()
    email = UnicodeAttribute()
    name = UnicodeAttribute()
    role = UnicodeAttribute()  # manager | user
    status = UnicodeAttribute()  # invited | active
    password_hash = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute()
    gsi1pk = UnicodeAttribute()
    gsi1sk = UnicodeAttribute()
    by_centre = Gsi1()

    @staticmethod
    def keys(user_id: str) -> tuple[str, str]:
        return CUSER + user_id, "CUSER"


class CentreEmail(Item):
    """pk CEMAIL#<email, lower-case>, sk CEMAIL: sign-in by email, one centre account per address."""

    user_id = UnicodeAttribute()

    @staticmethod
    def keys(email: str) -> tuple[str, str]:
        return CEMAIL + email, "CEMAIL"


class CentreAuditEvent(Item):
    """pk CAUDIT#<centre_number>, sk <at>#<event_id>: what the centre's users did for candidates
    (a Secret number reissued, an account reset), newest last."""

    event_id = UnicodeAttribute()
    centre_number = UnicodeAttribute()
    action = UnicodeAttribute()  # reissue | reset
    id_number = UnicodeAttribute()
    user_id = UnicodeAttribute()
    user_name = UnicodeAttribute()
    at = UnicodeAttribute()


class CandidateSecret(Item):
    """pk CAND#<id>, sk SECRET: a Secret number reissued by an exam centre, as a keyed hash. When
    present it is the only one registration accepts (the entries' own hashes, and a later
    entries file's, no longer count)."""

    secret_hash = UnicodeAttribute()
    issued_at = UnicodeAttribute()
    centre_number = UnicodeAttribute()

    @staticmethod
    def keys(id_number: str) -> tuple[str, str]:
        return "CAND#" + id_number, SECRET
