"""Rate-limit counters: one item per (scope, key), pk RL#<scope>#<hashed key>, sk RL. The key
comes here already hashed (a keyed hash made by services/security.py: never an ID number or an
email). Every write is conditional and atomic on the item, and answers with its outcome; the
policy (when to retry, when to lock) is security.py's.

Attributes: `window_start` (the window opens at the key's first event), `hits` (slots taken in
the window: guesses in flight + failed ones), `fails` (failed guesses), `locked_until`."""
from __future__ import annotations

from dataclasses import dataclass

from .. import models as m
from ..table import Table

C = m.Counter


def counter_pk(scope: str, hashed_key: str) -> str:
    return f"{m.RATE}{scope}#{hashed_key}"


@dataclass(frozen=True)
class Slot:
    """A slot taken in one window of one counter."""

    scope: str
    key: str
    window_start: float


@dataclass(frozen=True)
class State:
    """A counter as read (consistently): what a refused slot is told to wait for."""

    hits: int
    window_start: float | None
    locked_until: float | None


def _not_locked(now: float):  # type: ignore[no-untyped-def]
    return C.locked_until.does_not_exist() | (C.locked_until <= now)


class Counters:
    def __init__(self, table: Table) -> None:
        self.t = table

    def _item(self, scope: str, key: str) -> m.Counter:
        return C(counter_pk(scope, key), "RL")

    def take(self, scope: str, key: str, *, limit: int, window: int, now: float) -> Slot | None:
        """One more hit in the open window, if it has a free slot and the key is not locked."""
        item = self._item(scope, key)
        ok = self.t.update(item, [C.hits.add(1)],
                           condition=(C.window_start > now - window) & (C.hits < limit) & _not_locked(now))
        return Slot(scope, key, item.window_start) if ok and item.window_start is not None else None

    def state(self, scope: str, key: str) -> State | None:
        item = self.t.get(C, counter_pk(scope, key), "RL", consistent=True)
        if item is None:
            return None
        return State(int(item.hits or 0), item.window_start, item.locked_until)

    def open_window(self, scope: str, key: str, *, window: int, now: float) -> Slot | None:
        """A new window holding this first hit, on condition that none is open and the key is
        not locked (of two requests opening one at once, one wins; None for the other)."""
        fresh = C(counter_pk(scope, key), "RL", hits=1, fails=0, window_start=now, ttl=int(now + window + 60))
        over = C.window_start.does_not_exist() | (C.window_start <= now - window)
        ok = self.t.put(fresh, condition=C.pk.does_not_exist() | (over & _not_locked(now)))
        return Slot(scope, key, now) if ok else None

    def fail(self, slot: Slot) -> int | None:
        """Count a failure in the slot's window: the window's failures now, or None when that
        window was replaced meanwhile (then nothing is counted)."""
        item = self._item(slot.scope, slot.key)
        if not self.t.update(item, [C.fails.add(1)], condition=C.window_start == slot.window_start):
            return None
        return int(item.fails or 0)

    def lock(self, slot: Slot, until: float) -> bool:
        """Lock the key until `until`, if the slot's window is still the open one."""
        return self.t.update(self._item(slot.scope, slot.key),
                             [C.locked_until.set(until), C.ttl.set(int(until) + 60)],
                             condition=C.window_start == slot.window_start)

    def give_back(self, slot: Slot) -> bool:
        """Return the slot to its window (not to a later one; never below zero)."""
        return self.t.update(self._item(slot.scope, slot.key), [C.hits.add(-1)],
                             condition=(C.window_start == slot.window_start) & (C.hits > 0))

    def clear(self, scope: str, key: str) -> None:
        """End the key's window and lock-out."""
        self.t.delete(self._item(scope, key))
