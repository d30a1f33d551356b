"""Check codes: the code printed on a Statement of Results (reference number + a random token),
which anyone can check at /check/<code> (services/check_codes.py)."""
from __future__ import annotations

from pynamodb.attributes import BooleanAttribute, NumberAttribute, UnicodeAttribute

from .base import Item
from .keys import CAND

CHECK = "CHECK#"
CHECK_LINK = "CHECKLINK#"


class CheckCode(Item):
    """pk CHECK#<token>, sk CHECK: one check token ever issued, the result it names (`id_number`,
    `result_sk`), its reference number and the result `version` it was issued for (a code of an
    older version than the result's is superseded by a correction). `off`: the candidate turned
    this link off (it then answers as any unknown code). Never deleted: an old code keeps
    answering "superseded"."""

    id_number = UnicodeAttribute()
    result_sk = UnicodeAttribute()
    reference_number = UnicodeAttribute()
    version = NumberAttribute()
    off = BooleanAttribute(default=False)
    created_at = UnicodeAttribute()

    @staticmethod
    def keys(token: str) -> tuple[str, str]:
        return CHECK + token, "CHECK"


class CheckLink(Item):
    """pk CAND#<id>, sk CHECKLINK#<result sk>: the result's current check token and the version
    it was issued for, or `off` when the candidate turned the link off. Apart from the Result
    item, which a corrected results file replaces whole."""

    token = UnicodeAttribute(null=True)
    version = NumberAttribute(null=True)
    off = BooleanAttribute(default=False)

    @staticmethod
    def keys(id_number: str, result_sk: str) -> tuple[str, str]:
        return CAND + id_number, CHECK_LINK + result_sk
