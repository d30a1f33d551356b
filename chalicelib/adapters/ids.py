"""New identifiers and time-ordered sort keys, from the clock (adapters/clock.py, which tests
move) and the operating system's randomness."""
from __future__ import annotations

import secrets
from datetime import UTC, datetime

from . import clock


def sortable_id(ts: float | None = None) -> str:
    """A unique id that sorts by creation time (ms), e.g. for sk DL#<id>, newest first."""
    ms = int((clock.now() if ts is None else ts) * 1000)
    return f"{ms:012x}{secrets.token_hex(5)}"


def random_id() -> str:
    return secrets.token_hex(8)


def iso_us(ts: float | None = None) -> str:
    """ISO 8601 UTC to the microsecond: the sort keys of shares (monotonic per process)."""
    dt = datetime.fromtimestamp(clock.now() if ts is None else ts, tz=UTC)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
