"""Identifiers that sort by creation time (chalicelib/adapters/ids.py)."""
from __future__ import annotations

from chalicelib.adapters import clock, ids


def test_ids_made_in_one_millisecond_sort_in_the_order_they_were_made(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: 1_790_000_000.123)  # the clock stands still
    made = [ids.sortable_id() for _ in range(1000)]
    assert made == sorted(made) and len(set(made)) == 1000
    assert {len(i) for i in made} == {22} and all(int(i, 16) >= 0 for i in made)


def test_later_ids_sort_after_earlier_ones_and_a_given_time_is_used_as_it_is(monkeypatch):
    first = ids.sortable_id()
    clock.advance(0.002)
    assert ids.sortable_id() > first
    assert ids.sortable_id(1_000.0).startswith(f"{1_000_000:012x}")
    assert ids.sortable_id(1_000.0) != ids.sortable_id(1_000.0)
