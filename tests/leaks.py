"""Looking for a short secret (a 4-digit Secret number) in text that also holds random material."""
from __future__ import annotations

import re


def shows(text: str, value: str) -> bool:
    """Whether `value` appears in `text` as itself, not inside a longer run of letters, digits, `-`
    or `_`: a 4-digit number turns up by chance inside request ids, hashes and UUIDs (it did, in a
    request id of a log line), while a leak shows it on its own (`"secret_number": "4821"`)."""
    return re.search(rf"(?<![\w-]){re.escape(value)}(?![\w-])", text) is not None
