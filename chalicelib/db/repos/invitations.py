"""Invitations to organisations not listed yet (models/invitations.py), owned here:

- Invitation: pk INVITE#<domain>, sk CAND#<id_number>#<email>. Approval of the organisation
  with that domain reads its invitations with one Query of the partition, never a Scan.
- InvitedAddress: pk CAND#<id_number>, sk INVITED#<email>: the candidate invited this address.

Both are written in one transaction, each on the condition that it is new: of two requests
inviting the same address, one records it and the other is told it was invited already.
"""
from __future__ import annotations

from collections.abc import Iterator

from .. import models as m
from ..table import Table, Tx

I = m.Invitation  # noqa: E741
A = m.InvitedAddress


class Invitations:
    def __init__(self, table: Table) -> None:
        self.t = table

    def invited(self, id_number: str, email: str) -> bool:
        """Has this candidate invited this address already?"""
        return self.t.get(A, *A.keys(id_number, email)) is not None

    def add(self, domain: str, id_number: str, email: str, website: str, result_id: str | None,
            now: str) -> bool:
        """Record the invitation (False: the candidate had invited this address already)."""
        invitation = I(*I.keys(domain, id_number, email), domain=domain, id_number=id_number,
                       email=email, website=website, result_id=result_id or None, created_at=now)
        address = A(*A.keys(id_number, email), domain=domain, created_at=now)
        tx = Tx().put(address, A.pk.does_not_exist()).put(invitation, I.pk.does_not_exist())
        return self.t.transact(tx).ok

    def open_for_domain(self, domain: str) -> Iterator[m.Invitation]:
        """The invitations of the organisation at `domain` not yet done, page by page."""
        start: dict | None = None
        while True:
            page = self.t.query(I, m.INVITE + domain, filter_condition=I.done_at.does_not_exist(),
                                start=start, page_size=100, one_request=True)
            yield from page.items
            start = page.last_evaluated_key
            if not start:
                return

    def mark_done(self, invitation: m.Invitation, now: str) -> bool:
        """Mark it done (False: it was done already, by another approval's run)."""
        item = I(invitation.pk, invitation.sk)
        return self.t.update(item, [I.done_at.set(now)], I.pk.exists() & I.done_at.does_not_exist())

    def of_candidate(self, id_number: str) -> list[m.InvitedAddress]:
        """The addresses the candidate has invited."""
        return self.t.query(A, m.CAND + id_number, A.sk.startswith(m.INVITED)).items
