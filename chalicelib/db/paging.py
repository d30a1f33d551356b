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

import base64
import functools
import hashlib
import hmac
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from .. import config
from ..domain.errors import ValidationError

T = TypeVar("T")

_NONCE = 12
MAX_CURSOR_CHARS = 2048
BAD_CURSOR = ValidationError({"cursor": "is not a cursor this service gave out for this list"})


@functools.lru_cache(maxsize=4)
def _aead(pepper: str) -> Any:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    key = hmac.new(pepper.encode(), b"cursor-key-v1", hashlib.sha256).digest()
    return AESGCM(key)


def _cipher() -> Any:
    return _aead(config.settings().secret_pepper)


def encode_cursor(listing: str, key: dict | None) -> str | None:
    """Seal a start key (`LastEvaluatedKey`, as DynamoDB or PynamoDB gives it) for `listing`."""
    if not key:
        return None
    plain = json.dumps(key, separators=(",", ":"), sort_keys=True).encode()
    nonce = os.urandom(_NONCE)
    sealed = _cipher().encrypt(nonce, plain, listing.encode())
    return base64.urlsafe_b64encode(nonce + sealed).decode().rstrip("=")


def decode_cursor(listing: str, cursor: str | None) -> dict | None:
    """The start key sealed in `cursor` for `listing`; None for no cursor; 400 for any other."""
    if not cursor:
        return None
    if not isinstance(cursor, str) or len(cursor) > MAX_CURSOR_CHARS:
        raise BAD_CURSOR
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        if len(raw) <= _NONCE:
            raise ValueError
        from cryptography.exceptions import InvalidTag

        try:
            plain = _cipher().decrypt(raw[:_NONCE], raw[_NONCE:], listing.encode())
        except InvalidTag:
            raise ValueError from None
        key = json.loads(plain)
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
