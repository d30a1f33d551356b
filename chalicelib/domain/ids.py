"""Identifier rules from API.md: ID number, secret number, reference number.

Pure functions, standard library only. Each `check_*`/`normalise_*` returns the value to store or
look up, or raises `ValidationError` with a message a person can act on.
"""
from __future__ import annotations

import re
import unicodedata

from chalicelib.domain.errors import ValidationError

ID_NUMBER_RE = re.compile(r"[A-Z]{3}[0-9]{6}")
ID_NUMBER_MESSAGE = "must be 3 letters and 6 digits, e.g. SIR094701"
SECRET_NUMBER_MESSAGE = "must be exactly 4 digits, e.g. 0427"
REFERENCE_NUMBER_MESSAGE = "must be 8 to 40 characters (letters, digits or symbols, no spaces)"

REFERENCE_MIN_LENGTH = 8
REFERENCE_MAX_LENGTH = 40

# Characters a person may type inside an ID number that carry no meaning: spaces, tabs and dashes.
_SEPARATORS_RE = re.compile(r"[\s\-\u2010\u2011\u2012\u2013\u2014\u2212_.]+")
# Look-alikes, fixed only where the other kind of character is expected.
_IN_LETTERS = str.maketrans({"0": "O", "1": "I"})
_IN_DIGITS = str.maketrans({"O": "0", "I": "1", "L": "1"})
# Anything longer than this is not a mistyped ID number; don't bother cleaning it.
_MAX_RAW_ID_LENGTH = 64


def normalise_id_number(raw: object, field: str = "id_number") -> str:
    """Return the canonical ID number (e.g. ``SIR094701``) for what a person typed.

    Steps, in order (API.md, Identifiers):
    1. NFKC-normalise (full-width letters and digits become ASCII), trim, upper-case.
    2. Drop separators a person might type inside: spaces, hyphens/dashes, underscores, dots
       (``"SIR 094-701"``).
    3. Fix look-alikes by position: in the first 3 characters (letters) ``0``→``O`` and ``1``→``I``;
       in the last 6 (digits) ``O``→``0`` and ``I``/``L``→``1``. Nothing else is guessed: an ``L``
       in the letter part stays an ``L``.
    4. The result must be ``^[A-Z]{3}[0-9]{6}$``, else `ValidationError` on `field`.
    """
    if not isinstance(raw, str) or len(raw) > _MAX_RAW_ID_LENGTH:
        raise ValidationError({field: ID_NUMBER_MESSAGE})
    text = unicodedata.normalize("NFKC", raw).strip().upper()
    text = _SEPARATORS_RE.sub("", text)
    if len(text) == 9:
        text = text[:3].translate(_IN_LETTERS) + text[3:].translate(_IN_DIGITS)
    if not ID_NUMBER_RE.fullmatch(text):
        raise ValidationError({field: ID_NUMBER_MESSAGE})
    return text


def is_id_number(raw: object) -> bool:
    """True when `raw` normalises to a valid ID number."""
    try:
        normalise_id_number(raw)
    except ValidationError:
        return False
    return True


def check_secret_number(raw: object, field: str = "secret_number") -> str:
    """Return the secret number: exactly 4 ASCII digits after trimming (leading zeros kept).

    A JSON number is accepted when it is already 4 digits long (``1234``); ``427`` is refused
    because its leading zero is lost and the person should send ``"0427"``.
    """
    if isinstance(raw, int) and not isinstance(raw, bool):
        raw = str(raw)
    if not isinstance(raw, str) or len(raw) > _MAX_RAW_ID_LENGTH:
        raise ValidationError({field: SECRET_NUMBER_MESSAGE})
    text = unicodedata.normalize("NFKC", raw).strip()
    if len(text) != 4 or not all("0" <= ch <= "9" for ch in text):
        raise ValidationError({field: SECRET_NUMBER_MESSAGE})
    return text


def check_reference_number(raw: object, field: str = "reference_number") -> str:
    """Return the reference number, trimmed and upper-cased: the one form it is stored in (a
    results file's value goes through here) and looked up by (search, machine API), so a
    reference is matched without regard to case (API.md Clarifications v1.1).

    Rules: 8 to 40 characters, each printable ASCII other than the space (``!`` to ``~``).
    """
    if not isinstance(raw, str) or len(raw) > 4 * REFERENCE_MAX_LENGTH:
        raise ValidationError({field: REFERENCE_NUMBER_MESSAGE})
    text = raw.strip().upper()
    if not REFERENCE_MIN_LENGTH <= len(text) <= REFERENCE_MAX_LENGTH:
        raise ValidationError({field: REFERENCE_NUMBER_MESSAGE})
    if not all("!" <= ch <= "~" for ch in text):
        raise ValidationError({field: REFERENCE_NUMBER_MESSAGE})
    return text
