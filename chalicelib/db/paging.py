"""Pages of a query, and the one cursor encoder of the service.

A cursor is DynamoDB's `LastEvaluatedKey`, sealed with AES-256-GCM under a key derived from the
service key: opaque (a client cannot read the table's keys in it), authenticated (a made-up or
edited cursor is refused before DynamoDB sees it) and bound to its listing (the listing's name
and scope, e.g. ``org-shares:<org_id>``, are the additional authenticated data: a cursor of one
organisation's list is no cursor of another's). Anything that does not open is a 400
``validation_error`` on ``cursor``.

Only the standard library at import time; `cryptography` is imported when a cursor is made or
opened (cold start).
"""
from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from ..adapters import sealing
from ..domain.errors import ValidationError

T = TypeVar("T")

MAX_CURSOR_CHARS = 2048
BAD_CURSOR = ValidationError({"cursor": "is not a cursor this service gave out for this list"})


def encode_cursor(listing: str, key: dict | None) -> str | None:
    """Seal a start key (`LastEvaluatedKey`, as DynamoDB or PynamoDB gives it) for `listing`."""
    if not key:
        return None
    plain = json.dumps(key, separators=(",", ":"), sort_keys=True).encode()
    return sealing.seal(sealing.CURSOR, plain, listing)


def decode_cursor(listing: str, cursor: str | None) -> dict | None:
    """The start key sealed in `cursor` for `listing`; None for no cursor; 400 for any other."""
    if not cursor:
        return None
    if not isinstance(cursor, str) or len(cursor) > MAX_CURSOR_CHARS:
        raise BAD_CURSOR
    try:
        key = json.loads(sealing.unseal(sealing.CURSOR, cursor, listing))
        if not isinstance(key, dict) or not key:
            raise ValueError
        return key
    except (ValueError, TypeError):
        raise BAD_CURSOR from None


def key_of(item: Any, *names: str) -> dict:
    """The start key DynamoDB would give for `item` in a listing keyed by `names`."""
    return {name: {"S": getattr(item, name)} for name in names}


@dataclass
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None


def page_of(listing: str, results: Any, convert: Callable[[Any], T]) -> Page[T]:
    """A page from a PynamoDB ResultIterator (a query made with `limit` and the start key from
    `decode_cursor(listing, ...)`): its items converted, and the cursor of the next page."""
    items = [convert(row) for row in results]
    return Page(items, encode_cursor(listing, results.last_evaluated_key))
