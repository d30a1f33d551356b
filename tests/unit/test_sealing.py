"""One sealer (adapters/sealing.py) for cursors, TOTP secrets at rest and a centre's reissued
Confirmation of Entry: opaque, authenticated, bound to its purpose and its context."""
from __future__ import annotations

import base64

import pytest

from chalicelib.adapters import sealing


def test_a_sealed_value_opens_for_its_purpose_and_context_only() -> None:
    sealed = sealing.seal(sealing.SECRET_AT_REST, b"JBSWY3DPEHPK3PXP", "user-1")
    assert b"JBSWY3DPEHPK3PXP" not in base64.urlsafe_b64decode(sealed + "=" * (-len(sealed) % 4))
    assert sealing.unseal(sealing.SECRET_AT_REST, sealed, "user-1") == b"JBSWY3DPEHPK3PXP"
    with pytest.raises(ValueError):
        sealing.unseal(sealing.SECRET_AT_REST, sealed, "user-2")  # another account's
    with pytest.raises(ValueError):
        sealing.unseal(sealing.CURSOR, sealed, "user-1")  # another purpose's key


def test_the_same_value_sealed_twice_differs() -> None:
    assert sealing.seal(sealing.CURSOR, b"k", "list") != sealing.seal(sealing.CURSOR, b"k", "list")


@pytest.mark.parametrize("bad", ["", "abc", "!!!!", "A" * 40, 42, None])
def test_anything_else_is_a_value_error(bad: object) -> None:
    with pytest.raises(ValueError):
        sealing.unseal(sealing.CURSOR, bad, "list")  # type: ignore[arg-type]


def test_an_edited_value_does_not_open() -> None:
    sealed = sealing.seal(sealing.CURSOR, b'{"pk":"x"}', "list")
    raw = bytearray(base64.urlsafe_b64decode(sealed + "=" * (-len(sealed) % 4)))
    raw[-1] ^= 1
    edited = base64.urlsafe_b64encode(bytes(raw)).decode().rstrip("=")
    with pytest.raises(ValueError):
        sealing.unseal(sealing.CURSOR, edited, "list")


def test_totp_secrets_stored_before_the_sealers_were_one_still_open() -> None:
    """services/mfa.py sealed them itself: the same key label, padded base64."""
    import hashlib
    import hmac
    import os

    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    from chalicelib import config

    key = hmac.new(config.settings().secret_pepper.encode(), b"totp-secret-seal-v1", hashlib.sha256).digest()
    nonce = os.urandom(12)
    sealed = AESGCM(key).encrypt(nonce, b"JBSWY3DP", b"ana@example.org")
    stored = base64.urlsafe_b64encode(nonce + sealed).decode()
    assert sealing.unseal(sealing.SECRET_AT_REST, stored, "ana@example.org") == b"JBSWY3DP"
