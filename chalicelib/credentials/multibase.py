"""Multibase / multicodec pieces of Data Integrity: base58btc ("z") for keys and signatures,
base64url without padding ("u") for a status list's bitstring."""
from __future__ import annotations

import base64

_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
ED25519_PUB = b"\xed\x01"  # multicodec ed25519-pub (varint 0xed)


def b58encode(data: bytes) -> str:
    n = int.from_bytes(data, "big")
    out = []
    while n:
        n, rem = divmod(n, 58)
        out.append(_ALPHABET[rem])
    zeros = len(data) - len(data.lstrip(b"\0"))
    return "1" * zeros + "".join(reversed(out))


def b58decode(text: str) -> bytes:
    n = 0
    for ch in text:
        n = n * 58 + _ALPHABET.index(ch)
    zeros = len(text) - len(text.lstrip("1"))
    body = n.to_bytes((n.bit_length() + 7) // 8, "big") if n else b""
    return b"\0" * zeros + body


def z(data: bytes) -> str:
    """Multibase base58btc."""
    return "z" + b58encode(data)


def unz(text: str) -> bytes:
    if not text.startswith("z"):
        raise ValueError("not a base58btc multibase value")
    return b58decode(text[1:])


def u(data: bytes) -> str:
    """Multibase base64url, no padding."""
    return "u" + base64.urlsafe_b64encode(data).decode().rstrip("=")


def unu(text: str) -> bytes:
    if not text.startswith("u"):
        raise ValueError("not a base64url multibase value")
    body = text[1:]
    return base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))


def ed25519_multikey(public_key: bytes) -> str:
    """A raw 32-byte Ed25519 public key as a Multikey `publicKeyMultibase`."""
    if len(public_key) != 32:
        raise ValueError("an Ed25519 public key is 32 bytes")
    return z(ED25519_PUB + public_key)


def ed25519_from_multikey(value: str) -> bytes:
    raw = unz(value)
    if not raw.startswith(ED25519_PUB) or len(raw) != 34:
        raise ValueError("not an Ed25519 Multikey")
    return raw[2:]
