"""Password policy and hashing.

Policy (NIST SP 800-63B style): 8 to 128 characters, counted as Unicode code points after NFKC
normalisation; any characters allowed, no composition rules; refused when it is one of the
10,000 most common passwords (case-insensitive, list in ``chalicelib/assets``) or when it
contains the account's ID number (case-insensitive).

Hashing: argon2id with the OWASP parameters (t=2, m=19456 KiB, p=1). The password is
NFKC-normalised before hashing and before verifying, so the same characters typed on
different keyboards give the same hash. argon2 is imported lazily (cold-start budget).
"""
from __future__ import annotations

import contextlib
import functools
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from argon2 import PasswordHasher

MIN_LENGTH = 8
MAX_LENGTH = 128

COMMON_PASSWORDS_PATH = Path(__file__).resolve().parent.parent / "assets" / "common-passwords.txt"

TIME_COST = 2
MEMORY_COST_KIB = 19456
PARALLELISM = 1
HASH_LEN = 32
SALT_LEN = 16


TOO_SHORT = f"Your password must be at least {MIN_LENGTH} characters long."
TOO_LONG = f"Your password must be at most {MAX_LENGTH} characters long."
TOO_COMMON = "This password is one of the most commonly used and easy to guess: please choose another."
CONTAINS_ID = "Your password must not contain your ID number."
NOT_TEXT = "Enter a password."


def _normalise(password: str) -> str:
    return unicodedata.normalize("NFKC", password)


def _secret(password: str) -> bytes:
    """What argon2 hashes: the NFKC form as UTF-8. `surrogatepass` so that text which is not
    valid Unicode (a lone surrogate from a JSON escape) is still hashed, never an exception;
    for valid text it is plain UTF-8."""
    return _normalise(password).encode("utf-8", "surrogatepass")


@functools.lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The common-password list, case-folded; read from disk once per process."""
    with COMMON_PASSWORDS_PATH.open(encoding="utf-8") as fh:
        return frozenset(line.rstrip("\r\n").casefold() for line in fh if line.rstrip("\r\n"))


def is_common_password(password: str) -> bool:
    return _normalise(password).casefold() in common_passwords()


def password_problem(password: object, *, id_number: str | None = None) -> str | None:
    """Return why `password` is refused, as a sentence for a person, or None when it is fine.

    Checked in this order: it is text, length (8..128 code points after NFKC), not a common
    password, does not contain `id_number` (case-insensitive; ignored when None/empty).
    """
    if not isinstance(password, str) or password == "":
        return NOT_TEXT
    normalised = _normalise(password)
    length = len(normalised)
    if length < MIN_LENGTH:
        return TOO_SHORT
    if length > MAX_LENGTH:
        return TOO_LONG
    folded = normalised.casefold()
    if folded in common_passwords():
        return TOO_COMMON
    if id_number:
        needle = _normalise(id_number).strip().casefold()
        if needle and needle in folded:
            return CONTAINS_ID
    return None


@functools.lru_cache(maxsize=1)
def _hasher() -> PasswordHasher:
    from argon2 import PasswordHasher, Type

    return PasswordHasher(
        time_cost=TIME_COST,
        memory_cost=MEMORY_COST_KIB,
        parallelism=PARALLELISM,
        hash_len=HASH_LEN,
        salt_len=SALT_LEN,
        type=Type.ID,
    )


@functools.lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """An argon2id hash string with the hasher's parameters and a random salt and digest:
    verifying against it costs what verifying a real account's hash costs, and nothing matches
    it. Written out rather than hashed, so that an unknown account's first check in a process
    costs one argon2 run, as a known account's does, not two. (It was a constant, which had to be
    remade by hand whenever the parameters changed.)"""
    import base64
    import secrets

    from argon2.low_level import ARGON2_VERSION

    def b64(n: int) -> str:  # PHC strings use base64 without padding
        return base64.b64encode(secrets.token_bytes(n)).decode().rstrip("=")

    return (f"$argon2id$v={ARGON2_VERSION}$m={MEMORY_COST_KIB},t={TIME_COST},p={PARALLELISM}"
            f"${b64(SALT_LEN)}${b64(HASH_LEN)}")


def hash_password(password: str) -> str:
    """Return an argon2id PHC string (``$argon2id$v=19$m=19456,t=2,p=1$...``) for `password`."""
    return _hasher().hash(_secret(password))


def verify_password(stored_hash: object, password: object) -> bool:
    """True when `password` matches `stored_hash`. Never raises for a wrong password or a bad hash.

    A missing or malformed stored hash still costs one full verification (against the dummy
    hash), so it cannot be told apart by timing from a wrong password.
    """
    from argon2.exceptions import InvalidHashError, VerificationError

    if not isinstance(password, str):
        burn_verify_time("")
        return False
    if not isinstance(stored_hash, str) or not stored_hash.startswith("$argon2"):
        burn_verify_time(password)
        return False
    try:
        return bool(_hasher().verify(stored_hash, _secret(password)))
    except (VerificationError, InvalidHashError, ValueError, TypeError):
        return False


def needs_rehash(stored_hash: object) -> bool:
    """True when `stored_hash` was made with other parameters (or is not a usable hash at all).

    Call after a successful `verify_password`; when True, store `hash_password(password)`.
    """
    from argon2.exceptions import InvalidHashError

    if not isinstance(stored_hash, str):
        return True
    try:
        return bool(_hasher().check_needs_rehash(stored_hash))
    except (InvalidHashError, ValueError, TypeError):
        return True


def burn_verify_time(password: object = "") -> None:
    """Spend the time of one verification, for an unknown account, so that it answers as slowly
    as a known one with a wrong password. Never raises: whatever the password, the time is
    spent and the caller goes on to count the failure."""
    from argon2.exceptions import VerificationError

    secret = _secret(password) if isinstance(password, str) else b""
    with contextlib.suppress(VerificationError, ValueError, TypeError):
        _hasher().verify(_dummy_hash(), secret)
