"""A candidate's entries (from the board's entries file), account and look-up setting."""
from __future__ import annotations

from pynamodb.attributes import (
    BooleanAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
)

from .base import Gsi1, Item
from .keys import ACCOUNT, CAND, ENTRY


# ---------------------------------------------------------------- candidates
class Entry(Item):
    """An exam entry from the board's entries file: pk CAND#<id>, sk ENTRY#<date>#<exam>.
    The candidate proves who they are with the Secret number on their Confirmation of
    Entry; it is stored only as a keyed hash (see services/security.py)."""

    id_number = UnicodeAttribute()
    first_name = UnicodeAttribute()
    family_name = UnicodeAttribute()
    date_of_birth = UnicodeAttribute()
    centre_number = UnicodeAttribute()
    exam_code = UnicodeAttribute()
    exam_date = UnicodeAttribute()
    exam_format = UnicodeAttribute()
    secret_hash = UnicodeAttribute()
    batch_id = UnicodeAttribute()
    created_at = UnicodeAttribute()
    # gsi1: CENTRECAND#<centre_number> / <exam_date>#<id_number>#<exam_code>, an exam centre's
    # candidates (models/centres.py); null on entries written before centres existed
    gsi1pk = UnicodeAttribute(null=True)
    gsi1sk = UnicodeAttribute(null=True)
    by_centre = Gsi1()
    name_key = UnicodeAttribute(null=True)  # the names' folded words (domain/text.py), for centres' search

    @staticmethod
    def keys(id_number: str, exam_date: str, exam_code: str) -> tuple[str, str]:
        return CAND + id_number, f"{ENTRY}{exam_date}#{exam_code}"

    @property
    def result_id(self) -> str:
        return result_id(self.exam_code, self.exam_date)


def result_id(exam_code: str, exam_date: str) -> str:
    """The id a candidate sees for one sitting: stable across corrections."""
    return f"{exam_code}-{exam_date.replace('-', '')}"


def parse_result_id(value: str) -> tuple[str, str] | None:
    code, _, day = value.rpartition("-")
    if not code or len(day) != 8 or not day.isdigit():
        return None
    return code, f"{day[:4]}-{day[4:6]}-{day[6:]}"


class LookupSettings(Item):
    """pk CAND#<id>, sk LOOKUP: the candidate's results (result ids) that organisations may not
    look up by reference number + date of birth. Apart from the Result item, which a corrected
    results file replaces whole. Shares are not affected."""

    off = UnicodeSetAttribute(null=True)

    @staticmethod
    def keys(id_number: str) -> tuple[str, str]:
        return CAND + id_number, "LOOKUP"


class CandidateAccount(Item):
    """pk CAND#<id>, sk ACCOUNT."""

    id_number = UnicodeAttribute()
    email = UnicodeAttribute()
    email_verified = BooleanAttribute(default=False)
    password_hash = UnicodeAttribute()
    first_name = UnicodeAttribute(null=True)
    family_name = UnicodeAttribute(null=True)
    country = UnicodeAttribute()
    first_language = UnicodeAttribute()
    marketing_opt_in = BooleanAttribute(default=False)
    created_at = UnicodeAttribute()
    language = UnicodeAttribute(default="en")  # of the emails: the site's when registered / last changed

    @staticmethod
    def keys(id_number: str) -> tuple[str, str]:
        return CAND + id_number, ACCOUNT
