"""Signed credentials (chalicelib/credentials): what was issued, the status lists, the keys.

- CredentialIssue: pk VC#<id_number>, sk <exam_date>#<exam_code>#<version, 6 digits>: the
  credential of one version of a result, issued once and served the same ever after (same id,
  validFrom, status index and salt). A correction is a new version: a new item, the same
  `credential_id`. Its own partition, beside nothing else of the candidate's.
- StatusList: pk VCSTATUS, sk NEXT (the index allocator: `next_index`, ADD 1 per credential)
  or LIST#<number, 6 digits> (one list of LIST_SIZE indexes: the revoked indexes as a number
  set, `rev` +1 on each change, and the signed BitstringStatusListCredential of revision
  `signed_rev`).
- SigningKey: pk VCKEYS, sk <key name>: every key that has signed, with its public key (the
  DID document lists them all).
"""
from __future__ import annotations

from pynamodb.attributes import NumberAttribute, NumberSetAttribute, UnicodeAttribute

from .base import Item

__all__ = ["VC", "VC_KEYS", "VC_STATUS", "CredentialIssue", "SigningKey", "StatusList"]

VC = "VC#"
VC_STATUS = "VCSTATUS"
VC_KEYS = "VCKEYS"


class CredentialIssue(Item):
    credential_id = UnicodeAttribute()
    status_index = NumberAttribute()  # the global index: list = index // LIST_SIZE
    valid_from = UnicodeAttribute()
    salt = UnicodeAttribute()  # of the date of birth's identityHash
    revoked_at = UnicodeAttribute(null=True)

    @staticmethod
    def keys(id_number: str, exam_date: str, exam_code: str, version: int) -> tuple[str, str]:
        return VC + id_number, f"{exam_date}#{exam_code}#{version:06d}"

    @property
    def version(self) -> int:
        return int(self.sk.rsplit("#", 1)[1])


class StatusList(Item):
    next_index = NumberAttribute(null=True)  # NEXT only
    revoked = NumberSetAttribute(null=True)
    rev = NumberAttribute(null=True)
    signed = UnicodeAttribute(null=True)  # JSON of the signed credential
    signed_rev = NumberAttribute(null=True)


class SigningKey(Item):
    public_key_multibase = UnicodeAttribute()
    added_at = UnicodeAttribute()
