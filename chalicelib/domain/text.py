"""Text folding for search and comparison: case and accents do not count.

Pure functions, standard library only."""
from __future__ import annotations

import re
import unicodedata

_FOLD = str.maketrans({"ł": "l", "ø": "o", "đ": "d", "ß": "ss", "æ": "ae", "œ": "oe", "ı": "i",
                       "þ": "th", "ð": "d"})
_WORD = re.compile(r"[0-9a-z]+")


def fold(text: str) -> str:
    """Lower-case, accents stripped: 'Université' -> 'universite', 'Łódź' -> 'lodz'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return stripped.translate(_FOLD)


def words(text: str) -> list[str]:
    """The folded words (letters and digits) of `text`: "King's College" -> king, s, college."""
    return _WORD.findall(fold(text))
