"""PynamoDB models: the only place that knows DynamoDB's shape.

Single-table design on `config.MAIN_TABLE`: every entity builds its own keys from the
prefixes below; two generic GSIs (gsi1, gsi2) serve the access patterns named on each
model. Nothing on a request path scans the table.
"""
from __future__ import annotations

from pynamodb.attributes import (
    BooleanAttribute,
    JSONAttribute,
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    UnicodeAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from .. import config

# Key prefixes
CAND = "CAND#"
ENTRY = "ENTRY#"
RESULT = "RESULT#"
ACCOUNT = "ACCOUNT"
SESSION = "SESSION#"
SUBJECT = "SUBJ#"
TOKEN = "TOKEN#"
RATE = "RL#"
STAFF = "STAFF#"
BATCH = "BATCH#"
BATCHES = "BATCHES"


class _Meta:
    table_name = config.MAIN_TABLE
    region = config.settings().region
    host = config.settings().endpoint_url
    billing_mode = "PAY_PER_REQUEST"
    max_retry_attempts = 5


class Gsi1(GlobalSecondaryIndex):
    class Meta:
        index_name = "gsi1"
        projection = AllProjection()

    gsi1pk = UnicodeAttribute(hash_key=True)
    gsi1sk = UnicodeAttribute(range_key=True)


class Gsi2(GlobalSecondaryIndex):
    class Meta:
        index_name = "gsi2"
        projection = AllProjection()

    gsi2pk = UnicodeAttribute(hash_key=True)
    gsi2sk = UnicodeAttribute(range_key=True)


class Item(Model):
    Meta = _Meta  # type: ignore[assignment]
    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)


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

    @staticmethod
    def keys(id_number: str) -> tuple[str, str]:
        return CAND + id_number, ACCOUNT


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
    """Rate limiting: pk RL#<scope>#<key>[#<window>], sk RL."""

    hits = NumberAttribute(default=0)
    locked_until = NumberAttribute(null=True)
    ttl = NumberAttribute(null=True)  # epoch seconds; the table's TTL attribute


class StaffUser(Item):
    """pk STAFF#<email>, sk STAFF."""

    email = UnicodeAttribute()
    password_hash = UnicodeAttribute()
    created_at = UnicodeAttribute()


# ---------------------------------------------------------------- batches
class RowError(MapAttribute):
    row = NumberAttribute()
    field = UnicodeAttribute()
    message = UnicodeAttribute()


class Batch(Item):
    """pk BATCH#<id>, sk BATCH. gsi1: BATCHES / <created_at>#<id> lists batches newest first."""

    batch_id = UnicodeAttribute()
    kind = UnicodeAttribute()
    filename = UnicodeAttribute()
    s3_key = UnicodeAttribute()
    etag = UnicodeAttribute(null=True)
    lease_until = NumberAttribute(null=True)
    status = UnicodeAttribute()
    message = UnicodeAttribute(null=True)
    rows_total = NumberAttribute(default=0)
    rows_ok = NumberAttribute(default=0)
    rows_failed = NumberAttribute(default=0)
    rows_unchanged = NumberAttribute(default=0)
    errors = ListAttribute(of=RowError, default=list)
    error_report_key = UnicodeAttribute(null=True)
    jobs_total = NumberAttribute(default=0)
    jobs_failed = NumberAttribute(default=0)
    emails_sent = NumberAttribute(default=0)
    statements_generated = NumberAttribute(default=0)
    created_at = UnicodeAttribute()
    created_by = UnicodeAttribute(null=True)
    completed_at = UnicodeAttribute(null=True)
    gsi1pk = UnicodeAttribute()
    gsi1sk = UnicodeAttribute()
    listing = Gsi1()


# ---------------------------------------------------------------- results
class Component(MapAttribute):
    name = UnicodeAttribute()
    score = NumberAttribute(null=True)


class Result(Item):
    """A result of one sitting: pk CAND#<id>, sk RESULT#<exam_date>#<exam_code> (beside its
    ENTRY#). Candidate details are copied from the entry so that a statement or a verifier's
    view needs this one item.

    gsi1: REF#<reference_number> / RESULT, the verifier's look-up by reference number.
    gsi2 (sparse, only while held): HELD / <release_at ISO>#<pk>#<sk>, what the scheduled
    release reads; the attributes are removed when the result is released.
    """

    id_number = UnicodeAttribute()
    first_name = UnicodeAttribute()
    family_name = UnicodeAttribute()
    date_of_birth = UnicodeAttribute()
    centre_number = UnicodeAttribute()
    exam_code = UnicodeAttribute()
    exam_date = UnicodeAttribute()
    exam_format = UnicodeAttribute()
    reference_number = UnicodeAttribute()
    overall_score = NumberAttribute(null=True)
    grade = UnicodeAttribute(null=True)
    cefr_level = UnicodeAttribute(null=True)
    components = ListAttribute(of=Component, default=list)
    photo_key = UnicodeAttribute(null=True)
    status = UnicodeAttribute()  # held | released
    release_at = UnicodeAttribute(null=True)  # ISO 8601 UTC; None = at once
    released_at = UnicodeAttribute(null=True)
    version = NumberAttribute(default=1)  # +1 on each correction
    content_hash = UnicodeAttribute()  # of the scored fields: an identical re-upload changes nothing
    statement_key = UnicodeAttribute(null=True)  # S3 key of the current Statement of Results PDF
    batch_id = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    gsi1pk = UnicodeAttribute()
    gsi1sk = UnicodeAttribute()
    gsi2pk = UnicodeAttribute(null=True)
    gsi2sk = UnicodeAttribute(null=True)
    by_reference = Gsi1()
    held = Gsi2()

    @staticmethod
    def keys(id_number: str, exam_date: str, exam_code: str) -> tuple[str, str]:
        return CAND + id_number, f"{RESULT}{exam_date}#{exam_code}"

    @property
    def result_id(self) -> str:
        return result_id(self.exam_code, self.exam_date)


REF = "REF#"
