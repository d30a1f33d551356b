"""New identifiers and time-ordered sort keys, from the clock (adapters/clock.py, which tests
move) and the operating system's randomness."""
from __future__ import annotations

import secrets
import threading
from datetime import UTC, datetime

from . import clock

_last = [0, 0]  # the millisecond and the random part of this process's last sortable_id()
_last_lock = threading.Lock()


def sortable_id(ts: float | None = None) -> str:
    """A unique id that sorts by creation time (ms), e.g. for sk DL#<id>, newest first: 12 hex
    digits of milliseconds, then 10 of a random number. Two made by one process in the same
    millisecond sort in the order they were made (the second's number is the first's plus a
    random step, as ULIDs count up), where two random numbers put them in either order: a
    centre's audit listed a reset and the reissue made just before it the wrong way round."""
    ms = int((clock.now() if ts is None else ts) * 1000)
    if ts is not None:
        return f"{ms:012x}{secrets.randbits(39):010x}"
    with _last_lock:
        # 39 bits to start from: room to count up within 40 (the step keeps the next unguessable)
        number = _last[1] + 1 + secrets.randbits(16) if ms == _last[0] else secrets.randbits(39)
        _last[:] = [ms, number]
    return f"{ms:012x}{number:010x}"


def random_id() -> str:
    return secrets.token_hex(8)


def iso_us(ts: float | None = None) -> str:
    """ISO 8601 UTC to the microsecond: the sort keys of shares (monotonic per process)."""
    dt = datetime.fromtimestamp(clock.now() if ts is None else ts, tz=UTC)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
