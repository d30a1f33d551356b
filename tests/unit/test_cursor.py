"""The one cursor encoder: opaque, authenticated, bound to its listing."""
from __future__ import annotations

import base64

import pytest

from chalicelib.db.paging import decode_cursor, encode_cursor
from chalicelib.domain.errors import ValidationError

KEY = {"pk": {"S": "SHARE#abc"}, "sk": {"S": "SHARE"}, "gsi1pk": {"S": "ORGSHARES#org-4711"},
       "gsi1sk": {"S": "2026-06-14T10:00:00.000000Z#abc"}}


def test_round_trip_and_nothing_readable():
    cursor = encode_cursor("org-shares:o1", KEY)
    assert cursor and decode_cursor("org-shares:o1", cursor) == KEY
    raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
    # (strings of 5+ bytes: a shorter one turns up in random ciphertext now and then)
    assert b"SHARE" not in raw and b"ORGSHARES" not in raw and b"org-4711" not in raw
    assert encode_cursor("org-shares:o1", None) is None and decode_cursor("org-shares:o1", None) is None


@pytest.mark.parametrize("bad", ["x", "AAAA", "not a cursor!", "A" * 3000,
                                 base64.urlsafe_b64encode(b'{"pk": {"S": "CAND#SIR094701"}}').decode()])
def test_made_up_cursors_are_refused(bad):
    with pytest.raises(ValidationError):
        decode_cursor("org-shares:o1", bad)


def test_a_cursor_of_another_list_or_edited_is_refused():
    cursor = encode_cursor("org-shares:o1", KEY)
    assert cursor
    with pytest.raises(ValidationError):
        decode_cursor("org-shares:o2", cursor)
    edited = cursor[:-2] + ("A" if cursor[-2] != "A" else "B") + cursor[-1]
    with pytest.raises(ValidationError):
        decode_cursor("org-shares:o1", edited)
