"""Sealed values: AES-256-GCM under a key derived from the service's pepper for one purpose.

Opaque (the holder cannot read what is inside), authenticated (an edited or made-up value does not
open) and bound to a context string, the additional authenticated data (a value sealed for one
listing, account or candidate does not open for another). Used for paging cursors
(db/paging.py), TOTP secrets at rest (services/mfa.py) and a centre's reissued Confirmation of
Entry (services/centre_actions.py).

A sealed value is URL-safe base64 of nonce + ciphertext; `unseal` takes it with or without its
`=` padding (TOTP secrets were stored with it). `cryptography` is imported on first use.
"""
from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import hmac
import os
from typing import Any

from .. import config

_NONCE = 12
# The key labels are part of what is stored: changing one makes every value sealed under it
# unreadable (a TOTP secret, a cursor a client holds).
CURSOR = b"cursor-key-v1"
SECRET_AT_REST = b"totp-secret-seal-v1"


@functools.lru_cache(maxsize=8)
def _aead(pepper: str, purpose: bytes) -> Any:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    return AESGCM(hmac.new(pepper.encode(), purpose, hashlib.sha256).digest())


def seal(purpose: bytes, plain: bytes, context: str) -> str:
    nonce = os.urandom(_NONCE)
    sealed = _aead(config.settings().secret_pepper, purpose).encrypt(nonce, plain, context.encode())
    return base64.urlsafe_b64encode(nonce + sealed).decode().rstrip("=")


def unseal(purpose: bytes, value: str, context: str) -> bytes:
    """What `seal` sealed for `purpose` and `context`; ValueError for anything else."""
    from cryptography.exceptions import InvalidTag

    if not isinstance(value, str):
        raise ValueError("not a sealed value")
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        raise ValueError("not a sealed value") from None
    if len(raw) <= _NONCE:
        raise ValueError("not a sealed value")
    try:
        return bytes(_aead(config.settings().secret_pepper, purpose).decrypt(
            raw[:_NONCE], raw[_NONCE:], context.encode()))
    except InvalidTag:
        raise ValueError("not a sealed value") from None
