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
    UnicodeSetAttribute,
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
    gsi2 (sparse, only while held): HELD#<shard> / <release_at ISO>#<pk>#<sk>, what the scheduled
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
    # The email the current version calls for ("released" / "updated"); the worker's
    # idempotency keys on it with the version, so a re-run never sends it twice.
    notice = UnicodeAttribute(null=True)

    @staticmethod
    def keys(id_number: str, exam_date: str, exam_code: str) -> tuple[str, str]:
        return CAND + id_number, f"{RESULT}{exam_date}#{exam_code}"

    @property
    def result_id(self) -> str:
        return result_id(self.exam_code, self.exam_date)


REF = "REF#"


# ---------------------------------------------------------------- verifiers (organisations)
ORG = "ORG#"
ORG_DOMAIN = "ORGDOMAIN#"
ORG_STATUS = "ORGSTATUS#"
VUSER = "VUSER#"
VEMAIL = "VEMAIL#"
ORG_USERS = "ORGUSERS#"
NOTIFY = "NOTIFY#"
JOIN = "JOIN#"
INST_WORD = "INSTWORD#"
SHARE = "SHARE#"
ORG_SHARES = "ORGSHARES#"
CAND_SHARES = "CANDSHARES#"
AUDIT = "AUDIT#"
AUDIT_RESULT = "AUDITRESULT#"
AUDIT_REF = "AUDITREF#"
DOWNLOAD = "DL#"
TEMPLATE = "TPL#"
APIKEY = "APIKEY#"
ORG_KEYS = "ORGKEYS#"


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


class InstitutionWord(Item):
    """Search index of approved organisations' names: pk INSTWORD#<first 2 letters of a
    normalised word>, sk <word>#<org_id>; the organisation's public fields copied."""

    org_id = UnicodeAttribute()
    name = UnicodeAttribute()
    type = UnicodeAttribute()
    country = UnicodeAttribute()
    words = ListAttribute(of=UnicodeAttribute, default=list)


class Share(Item):
    """A candidate's result shared with an organisation: pk SHARE#<share_id>, sk SHARE.
    gsi1: ORGSHARES#<org_id> / <shared_at, microseconds>#<share_id> (the organisation's list,
    newest first, and the machine API, oldest first). gsi2: CANDSHARES#<id_number> / same.
    Revoking deletes the item, so the organisation loses access at once."""

    share_id = UnicodeAttribute()
    org_id = UnicodeAttribute()
    organisation_name = UnicodeAttribute()
    id_number = UnicodeAttribute()
    result_pk = UnicodeAttribute()
    result_sk = UnicodeAttribute()
    result_id = UnicodeAttribute()
    first_name = UnicodeAttribute()
    family_name = UnicodeAttribute()
    exam_code = UnicodeAttribute()
    exam_name = UnicodeAttribute()
    search = UnicodeAttribute()  # normalised "first family id_number" for ?q=
    shared_at = UnicodeAttribute()
    viewed_at = UnicodeAttribute(null=True)
    gsi1pk = UnicodeAttribute()
    gsi1sk = UnicodeAttribute()
    gsi2pk = UnicodeAttribute()
    gsi2sk = UnicodeAttribute()
    by_org = Gsi1()
    by_candidate = Gsi2()


class AuditEvent(Item):
    """A read of a result by an organisation: pk AUDIT#<org_id>, sk <at>#<audit_id>.
    gsi1: AUDITRESULT#<result pk>#<result sk> / <at>#<audit_id>, who read one result; for a
    failed search (no result) AUDITREF#<ref_hash> / <at>#<audit_id>, who tried one reference."""

    audit_id = UnicodeAttribute()
    org_id = UnicodeAttribute()
    actor = UnicodeAttribute()  # user:<user_id> | key:<key_id>
    # detail | search | statement | photo | download_pdf | download_csv | api_shares | api_results
    # | search_miss | api_results_miss
    how = UnicodeAttribute()
    result_pk = UnicodeAttribute(null=True)  # None for a miss
    result_sk = UnicodeAttribute(null=True)
    ref_hash = UnicodeAttribute(null=True)  # a miss: keyed hash of the reference number tried
    share_id = UnicodeAttribute(null=True)
    at = UnicodeAttribute()
    gsi1pk = UnicodeAttribute()
    gsi1sk = UnicodeAttribute()
    by_result = Gsi1()


class Download(Item):
    """pk ORG#<org_id>, sk DL#<download_id> (time-ordered id: newest first by sk)."""

    download_id = UnicodeAttribute()
    org_id = UnicodeAttribute()
    format = UnicodeAttribute()
    template_id = UnicodeAttribute(null=True)
    share_ids = ListAttribute(of=UnicodeAttribute, default=list)
    results = JSONAttribute(default=list)  # [[share_id, result_pk, result_sk], ...] for the audit
    s3_key = UnicodeAttribute()
    created_by = UnicodeAttribute()
    created_at = UnicodeAttribute()
    expires_at = NumberAttribute()  # the file's S3 lifecycle: 30 days
    ttl = NumberAttribute(null=True)


class Template(Item):
    """pk ORG#<org_id>, sk TPL#<template_id>."""

    template_id = UnicodeAttribute()
    name = UnicodeAttribute()
    fields = ListAttribute(of=UnicodeAttribute, default=list)
    created_at = UnicodeAttribute()


class ApiKey(Item):
    """pk APIKEY#<sha256 of the key>, sk APIKEY (the key itself is never stored).
    gsi1: ORGKEYS#<org_id> / <key_id>, the organisation's keys."""

    key_id = UnicodeAttribute()
    org_id = UnicodeAttribute()
    name = UnicodeAttribute()
    prefix = UnicodeAttribute()
    created_at = UnicodeAttribute()
    created_by = UnicodeAttribute()
    last_used_at = UnicodeAttribute(null=True)
    gsi1pk = UnicodeAttribute()
    gsi1sk = UnicodeAttribute()
    by_org = Gsi1()


# ---------------------------------------------------------------- webhooks
WEBHOOK = "WEBHOOK#"


class Webhook(Item):
    """An organisation's webhook: pk ORG#<org_id>, sk WEBHOOK#<webhook_id> (an org's webhooks
    are one query). Its signing secret is not stored: it is derived from the service key and
    the webhook id (services/webhooks.py), shown once at creation."""

    webhook_id = UnicodeAttribute()
    org_id = UnicodeAttribute()
    url = UnicodeAttribute()
    status = UnicodeAttribute(default="active")  # active | failing
    created_at = UnicodeAttribute()
    created_by = UnicodeAttribute()
    last_success_at = UnicodeAttribute(null=True)
    last_failure_at = UnicodeAttribute(null=True)
    last_error = UnicodeAttribute(null=True)
    deliveries_ok = NumberAttribute(default=0)
    deliveries_parked = NumberAttribute(default=0)  # gave up after 24 h: in the dead-letter queue

    @staticmethod
    def keys(org_id: str, webhook_id: str) -> tuple[str, str]:
        return ORG + org_id, WEBHOOK + webhook_id


# ---------------------------------------------------------------- reference numbers
HELD = "HELD"
RELEASING = "RELEASING"
# Held results are spread over this many index partitions (HELD#0..HELD#7), chosen by a stable
# hash of the candidate key: one partition key takes ~1,000 writes a second, and a big held
# release writes every one of its rows to the index twice (held, then released).
HELD_SHARDS = 8


def held_key(pk: str, marker: str = HELD) -> str:
    import zlib

    return f"{marker}#{zlib.crc32(pk.encode()) % HELD_SHARDS}"


class RefClaim(Item):
    """A reference number's owner: pk REF#<reference_number>, sk REF; `owner` is the
    "<pk>|<sk>" of the Result. Written in the same batch write as the result, checked with
    BatchGet before it, so one reference number belongs to one result."""

    owner = UnicodeAttribute()

    @staticmethod
    def keys(reference_number: str) -> tuple[str, str]:
        return REF + reference_number, "REF"
