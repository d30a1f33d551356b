"""Time, in one place, so tests can move it."""
from __future__ import annotations

import time
from datetime import UTC, datetime

_offset = 0.0


def now() -> float:
    return time.time() + _offset


def utcnow() -> datetime:
    return datetime.fromtimestamp(now(), tz=UTC)


def iso(ts: float | None = None) -> str:
    """ISO 8601 UTC with Z, to the second."""
    dt = datetime.fromtimestamp(now() if ts is None else ts, tz=UTC)
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


def advance(seconds: float) -> None:
    """Tests only: move the clock forward."""
    global _offset
    _offset += seconds


def reset() -> None:
    global _offset
    _offset = 0.0
