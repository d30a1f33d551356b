"""Issued credentials, their status lists and the signing keys (models/credentials.py).
Every read is a Get or a Query on one partition; every write is atomic on one item."""
from __future__ import annotations

from dataclasses import dataclass

from .. import models as m
from ..table import Table

Issue = m.CredentialIssue
SL = m.StatusList


@dataclass(frozen=True)
class ListState:
    """A status list as read: its revoked indexes (within the list), revision, signed copy."""

    revoked: frozenset[int]
    rev: int
    signed: str | None
    signed_rev: int | None


def _list_sk(number: int) -> str:
    return f"LIST#{number:06d}"


class Credentials:
    def __init__(self, table: Table) -> None:
        self.t = table

    # ------------------------------------------------------------ issued credentials
    def issue(self, id_number: str, exam_date: str, exam_code: str, version: int,
              consistent: bool = False) -> m.CredentialIssue | None:
        return self.t.get(Issue, *Issue.keys(id_number, exam_date, exam_code, version), consistent)

    def issues_of(self, id_number: str, exam_date: str, exam_code: str) -> list[m.CredentialIssue]:
        """Every version's credential of one result, oldest version first."""
        pk, _ = Issue.keys(id_number, exam_date, exam_code, 0)
        return self.t.query(Issue, pk, Issue.sk.startswith(f"{exam_date}#{exam_code}#")).items

    def add_issue(self, id_number: str, exam_date: str, exam_code: str, version: int, *,
                  credential_id: str, status_index: int, valid_from: str, salt: str) -> bool:
        """Record the version's credential, unless one is recorded already (then False)."""
        item = Issue(*Issue.keys(id_number, exam_date, exam_code, version), credential_id=credential_id,
                     status_index=status_index, valid_from=valid_from, salt=salt)
        return self.t.put(item, condition=Issue.pk.does_not_exist())

    def mark_revoked(self, issue: m.CredentialIssue, now: str) -> None:
        self.t.update(issue, [Issue.revoked_at.set(now)], condition=Issue.revoked_at.does_not_exist())

    # ------------------------------------------------------------ status lists
    def allocate_index(self) -> int:
        """The next free status index (0, 1, 2, ...): one atomic ADD, never the same twice."""
        item = SL(m.VC_STATUS, "NEXT")
        self.t.update(item, [SL.next_index.add(1)])
        return int(item.next_index or 0) - 1

    def allocated(self) -> int:
        """How many indexes have been handed out."""
        item = self.t.get(SL, m.VC_STATUS, "NEXT")
        return int(item.next_index or 0) if item is not None else 0

    def revoke(self, number: int, index: int) -> ListState:
        """Set one bit of list `number` (an atomic set add; again is harmless) and count a new
        revision: the state right after this change, whatever else happens at the same time."""
        item = SL(m.VC_STATUS, _list_sk(number))
        self.t.update(item, [SL.revoked.add({index}), SL.rev.add(1)])
        return _state(item)

    def status_list(self, number: int) -> ListState | None:
        item = self.t.get(SL, m.VC_STATUS, _list_sk(number), consistent=True)
        return _state(item) if item is not None else None

    def save_signed(self, number: int, rev: int, signed: str) -> bool:
        """Keep the signed list of revision `rev`, unless a later revision's is kept already."""
        item = SL(m.VC_STATUS, _list_sk(number))
        return self.t.update(item, [SL.signed.set(signed), SL.signed_rev.set(rev)],
                             condition=SL.signed_rev.does_not_exist() | (SL.signed_rev < rev))

    # ------------------------------------------------------------ signing keys
    def keys(self) -> dict[str, str]:
        """{key name: publicKeyMultibase} of every key recorded."""
        return {k.sk: k.public_key_multibase for k in self.t.query(m.SigningKey, m.VC_KEYS).items}

    def add_key(self, name: str, public_key_multibase: str, now: str) -> bool:
        return self.t.put(m.SigningKey(m.VC_KEYS, name, public_key_multibase=public_key_multibase,
                                       added_at=now), condition=m.SigningKey.pk.does_not_exist())


def _state(item: m.StatusList) -> ListState:
    return ListState(frozenset(int(i) for i in (item.revoked or ())), int(item.rev or 0), item.signed,
                     None if item.signed_rev is None else int(item.signed_rev))
