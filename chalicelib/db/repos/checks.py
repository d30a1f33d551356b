"""Check codes (models/checks.py), owned here:

- CheckCode: pk CHECK#<token>, sk CHECK. A look-up by code is one GetItem of its token (then
  one of the result it names); never a Scan, never an index.
- CheckLink: pk CAND#<id>, sk CHECKLINK#<result sk>: the result's current token.

A new token is written first as its CheckCode (conditional on the token being new), then made
current on the CheckLink by a conditional update on the link being as read: of two requests
giving a result a token at the same moment, one wins and the other reads the winner's.
"""
from __future__ import annotations

from typing import Any

from .. import models as m
from ..table import Table

C = m.CheckCode
L = m.CheckLink


class Checks:
    def __init__(self, table: Table) -> None:
        self.t = table

    def code(self, token: str) -> m.CheckCode | None:
        return self.t.get(C, *C.keys(token)) if token else None

    def link(self, id_number: str, result_sk: str, consistent: bool = False) -> m.CheckLink | None:
        return self.t.get(L, *L.keys(id_number, result_sk), consistent=consistent)

    def add_code(self, token: str, id_number: str, result_sk: str, reference_number: str,
                 version: int, now: str) -> bool:
        """Write a new token's record (False: the token exists already)."""
        item = C(*C.keys(token), id_number=id_number, result_sk=result_sk,
                 reference_number=reference_number, version=version, off=False, created_at=now)
        return self.t.put(item, condition=C.pk.does_not_exist())

    def set_current(self, id_number: str, result_sk: str, token: str, version: int,
                    as_read: m.CheckLink | None) -> bool:
        """Make `token` the result's current one, if the link is still as read (absent, or the
        same token and state)."""
        item = L(*L.keys(id_number, result_sk))
        if as_read is None:
            cond: Any = L.pk.does_not_exist()
        else:
            cond = (L.off == bool(as_read.off))
            cond &= L.token.does_not_exist() if as_read.token is None else L.token == as_read.token
        return self.t.update(item, [L.token.set(token), L.version.set(version), L.off.set(False)], cond)

    def turn_off(self, id_number: str, result_sk: str, as_read: m.CheckLink | None) -> bool:
        """The candidate turned the link off: no current token (the old one is turned off too)."""
        item = L(*L.keys(id_number, result_sk))
        if as_read is None:
            cond: Any = L.pk.does_not_exist()
        else:
            cond = L.token.does_not_exist() if as_read.token is None else L.token == as_read.token
        if not self.t.update(item, [L.off.set(True), L.token.remove(), L.version.remove()], cond):
            return False
        if as_read is not None and as_read.token:
            self.t.update(C(*C.keys(as_read.token)), [C.off.set(True)], C.pk.exists())
        return True

    def retire(self, token: str) -> None:
        """A token that never became current (lost a race): turned off."""
        self.t.update(C(*C.keys(token)), [C.off.set(True)], C.pk.exists())
