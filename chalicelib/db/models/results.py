"""Results of a sitting, and reference-number claims (one result per reference number)."""
from __future__ import annotations

from pynamodb.attributes import (
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    UnicodeAttribute,
)

from .base import Gsi1, Gsi2, Item
from .candidates import result_id
from .keys import CAND, HELD, HELD_SHARDS, REF, RESULT


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
    # Withdrawn by the exam board (services/withdrawal.py): shown as withdrawn everywhere; a
    # results file does not correct a withdrawn result (db/repos/results.py keeps it so).
    withdrawn_at = UnicodeAttribute(null=True)
    withdrawn_reason = UnicodeAttribute(null=True)
    withdrawn_by = UnicodeAttribute(null=True)

    @staticmethod
    def keys(id_number: str, exam_date: str, exam_code: str) -> tuple[str, str]:
        return CAND + id_number, f"{RESULT}{exam_date}#{exam_code}"

    @property
    def result_id(self) -> str:
        return result_id(self.exam_code, self.exam_date)


# ---------------------------------------------------------------- reference numbers


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
