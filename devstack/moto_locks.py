"""DynamoDB applies each write to its item atomically: a conditional update or put is checked
and applied as one step, whatever the concurrency. moto's backend (5.x) reads, checks and
writes without a lock, so threads (moto's server is threaded, and tests run threads) can all
pass the same condition and lose each other's updates. `install()` puts one lock around the
backend's item operations, which models DynamoDB's per-item atomicity (coarser, never weaker).
Local stack and tests only: never imported on Lambda."""
from __future__ import annotations

import functools
import threading
from typing import Any

_LOCK = threading.RLock()
_METHODS = ("put_item", "get_item", "update_item", "delete_item", "transact_write_items", "query", "scan")


def install() -> None:
    from moto.dynamodb.models import DynamoDBBackend

    for name in _METHODS:
        original = getattr(DynamoDBBackend, name)
        if getattr(original, "_item_locked", False):
            continue

        def locked(*args: Any, _original: Any = original, **kwargs: Any) -> Any:
            with _LOCK:
                return _original(*args, **kwargs)

        functools.update_wrapper(locked, original)
        locked._item_locked = True  # type: ignore[attr-defined]
        setattr(DynamoDBBackend, name, locked)
