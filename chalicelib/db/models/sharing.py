"""What organisations see and keep: shares, the audit trail, downloads, templates, API keys,
webhooks."""
from __future__ import annotations

from pynamodb.attributes import (
    JSONAttribute,
    ListAttribute,
    NumberAttribute,
    UnicodeAttribute,
)

from .base import Gsi1, Gsi2, Item
from .keys import ORG, WEBHOOK


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
