"""A candidate's partition, pk CAND#<id_number>: exam entries (sk ENTRY#<date>#<exam>, from the
board's entries file), the account (sk ACCOUNT) and the look-up settings (sk LOOKUP: the result
ids that organisations may not look up by reference number + date of birth)."""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from ...domain.text import words
from .. import models as m
from ..table import Table

A = m.CandidateAccount
# what an entries row says (not which batch wrote it, nor when)
ENTRY_CONTENT = ("first_name", "family_name", "date_of_birth", "centre_number", "exam_code", "exam_date",
                 "exam_format", "secret_hash")
L = m.LookupSettings


class Candidates:
    def __init__(self, table: Table) -> None:
        self.t = table

    # ------------------------------------------------------------ entries
    def entries(self, id_number: str) -> list[m.Entry]:
        """The candidate's entries, oldest sitting first."""
        out: list[m.Entry] = []
        start: dict | None = None
        while True:
            page = self.t.query(m.Entry, m.CAND + id_number, m.Entry.sk.startswith(m.ENTRY), start=start)
            out += page.items
            start = page.last_evaluated_key
            if not start:
                return out

    @staticmethod
    def new_entry(id_number: str, exam_date: str, exam_code: str, **fields: Any) -> m.Entry:
        """An entry, not written yet (see `save_entries`); on its exam centre's index (gsi1)."""
        centre = fields.get("centre_number")
        if centre:
            fields.setdefault("gsi1pk", m.CENTRE_CANDIDATES + centre)
            fields.setdefault("gsi1sk", f"{exam_date}#{id_number}#{exam_code}")
            fields.setdefault("name_key", " ".join(words(f"{fields.get('first_name', '')} "
                                                         f"{fields.get('family_name', '')}")))
        return m.Entry(*m.Entry.keys(id_number, exam_date, exam_code), id_number=id_number,
                       exam_date=exam_date, exam_code=exam_code, **fields)

    def unchanged_entries(self, entries: Sequence[m.Entry], batch_id: str) -> set[tuple[str, str]]:
        """The keys (pk, sk) of those `entries` stored already with the same content by another
        batch (an entries file uploaded twice): one batch read per 100."""
        stored = {(e.pk, e.sk): e for e in self.t.batch_get(m.Entry, [(e.pk, e.sk) for e in entries])}
        same = set()
        for e in entries:
            old = stored.get((e.pk, e.sk))
            if old is not None and old.batch_id != batch_id and all(
                    getattr(old, f) == getattr(e, f) for f in ENTRY_CONTENT):
                same.add((e.pk, e.sk))
        return same

    def save_entries(self, entries: Iterable[m.Entry]) -> None:
        """Write entries (a new version of an entry replaces the old one)."""
        self.t.batch_write(puts=list(entries))

    # ------------------------------------------------------------ the account
    def account(self, id_number: str) -> m.CandidateAccount | None:
        return self.t.get(A, *A.keys(id_number))

    def create_account(self, id_number: str, **fields: Any) -> m.CandidateAccount | None:
        """The new account, or None when the ID number has one already (a conditional put)."""
        item = A(*A.keys(id_number), id_number=id_number, **fields)
        return item if self.t.put(item, condition=A.pk.does_not_exist()) else None

    def remove_account(self, id_number: str) -> None:
        """Delete the account (email, password, profile): an exam centre's reset. The candidate's
        entries, results, shares and look-up settings are other items and stay."""
        self.t.delete(A(*A.keys(id_number)))

    def update(self, account: m.CandidateAccount, **values: Any) -> None:
        """Set attributes of the account (email, email_verified, country, ...); `account` is
        refreshed with the stored values."""
        if values:
            self.t.update(account, [getattr(A, name).set(value) for name, value in values.items()])

    def replace_password(self, account: m.CandidateAccount, new_hash: str) -> bool:
        """Set a new password hash on condition that the stored one is still `account`'s: of two
        changes made from the same password, one wins (False for the other)."""
        return self.t.update(account, [A.password_hash.set(new_hash)],
                             condition=A.password_hash == account.password_hash)

    # ------------------------------------------------------------ look-up settings
    def lookup_off(self, id_number: str) -> set[str]:
        item = self.t.get(L, *L.keys(id_number))
        return set(item.off or ()) if item is not None else set()

    def set_lookup(self, id_number: str, result_id: str, enabled: bool) -> None:
        """One atomic set add/delete on the LOOKUP item."""
        action = L.off.delete({result_id}) if enabled else L.off.add({result_id})
        self.t.update(L(*L.keys(id_number)), [action])
