"""Batches of entries and results files, with their progress and bad rows."""
from __future__ import annotations

from pynamodb.attributes import (
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    UnicodeAttribute,
)

from .base import Gsi1, Item


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
