"""Exam centres: pk CENTRE#<centre_number> / sk CENTRE (gsi1 CENTRES / <centre_number>: the staff's
list); their users pk CUSER#<user_id> / sk CUSER (gsi1 CENTREUSERS#<centre> / <email>), each address
claimed once by pk CEMAIL#<email> / sk CEMAIL; the centre's audit trail pk CAUDIT#<centre> /
sk <at>#<event_id>; a candidate's reissued Secret number pk CAND#<id> / sk SECRET.

A centre's candidates are its entries on gsi1 (CENTRECAND#<centre> / <exam_date>#<id>#<exam>,
written by the entries importer, repos/candidates.py `new_entry`): a Query, never a Scan."""
from __future__ import annotations

from typing import Any

from ...domain.domains import norm_email
from .. import models as m
from ..paging import Page, decode_cursor, encode_cursor
from ..table import Table, Tx

C = m.Centre
U = m.CentreUser
E = m.CentreEmail


class Centres:
    def __init__(self, table: Table) -> None:
        self.t = table

    # ------------------------------------------------------------ centres
    @staticmethod
    def build_user(user_id: str, centre_number: str, email: str, name: str, role: str,
                   created_at: str) -> m.CentreUser:
        return U(*U.keys(user_id), user_id=user_id, centre_number=centre_number, email=email, name=name,
                 role=role, status="invited", created_at=created_at,
                 gsi1pk=m.CENTRE_USERS + centre_number, gsi1sk=norm_email(email))

    @staticmethod
    def build_centre(centre_number: str, name: str, country: str, manager: m.CentreUser, *,
                     created_at: str, created_by: str) -> m.Centre:
        return C(*C.keys(centre_number), centre_number=centre_number, name=name, country=country,
                 manager_user_id=manager.user_id, created_at=created_at, created_by=created_by,
                 gsi1pk=m.CENTRES, gsi1sk=centre_number)

    def create(self, centre: m.Centre, manager: m.CentreUser) -> str | None:
        """The centre and its manager, all or nothing: None when done, else what was taken
        already ("centre_number" or "email")."""
        tx = (Tx().put(centre, C.pk.does_not_exist())
              .put(E(*E.keys(norm_email(manager.email)), user_id=manager.user_id), E.pk.does_not_exist())
              .put(manager, U.pk.does_not_exist()))
        outcome = self.t.transact(tx)
        if outcome.ok:
            return None
        return "centre_number" if 0 in outcome.failed else "email"

    def get(self, centre_number: str) -> m.Centre | None:
        return self.t.get(C, *C.keys(centre_number)) if centre_number else None

    def page(self, limit: int, cursor: str | None) -> Page[m.Centre]:
        listing = "centres"
        got = self.t.query(C.listed, m.CENTRES, limit=limit, start=decode_cursor(listing, cursor))
        return Page(got.items, encode_cursor(listing, got.last_evaluated_key))

    # ------------------------------------------------------------ users
    def user(self, user_id: str) -> m.CentreUser | None:
        return self.t.get(U, *U.keys(user_id)) if user_id else None

    def id_for_email(self, email: str) -> str | None:
        claim = self.t.get(E, *E.keys(norm_email(email)))
        return claim.user_id if claim is not None else None

    def users(self, centre_number: str) -> list[m.CentreUser]:
        return self.t.query(U.by_centre, m.CENTRE_USERS + centre_number).items

    def add_user(self, user: m.CentreUser) -> bool:
        """Store a new user and claim its address; False (nothing written) when it is taken."""
        tx = (Tx().put(E(*E.keys(norm_email(user.email)), user_id=user.user_id), E.pk.does_not_exist())
              .put(user, U.pk.does_not_exist()))
        return self.t.transact(tx).ok

    def remove_user(self, user: m.CentreUser) -> None:
        self.t.transact(Tx().delete(user).delete(E(*E.keys(norm_email(user.email)))))

    def set_password(self, user: m.CentreUser, password_hash: str) -> bool:
        """Set the password (and make the user active) only while the stored one is the one
        `user` was read with (of two links used at once, one wins)."""
        same = (U.password_hash == user.password_hash if user.password_hash
                else U.password_hash.does_not_exist())
        return self.t.update(user, [U.password_hash.set(password_hash), U.status.set("active")],
                             condition=same & U.pk.exists())

    def rehash_password(self, user: m.CentreUser, password_hash: str) -> None:
        self.t.update(user, [U.password_hash.set(password_hash)])

    # ------------------------------------------------------------ candidates (entries on gsi1)
    def entries(self, centre_number: str, exam_date: str | None, cursor: str | None, limit: int,
                filter_condition: Any = None) -> Page[m.Entry]:
        """The centre's entries, oldest sitting first; those of one exam date when given."""
        listing = f"centre-entries:{centre_number}:{exam_date or ''}"
        rk = m.Entry.gsi1sk.startswith(exam_date + "#") if exam_date else None
        got = self.t.query(m.Entry.by_centre, m.CENTRE_CANDIDATES + centre_number, rk, limit=limit,
                           start=decode_cursor(listing, cursor), filter_condition=filter_condition)
        return Page(got.items, encode_cursor(listing, got.last_evaluated_key))

    @staticmethod
    def name_filter(words: list[str]) -> Any:
        """Entries whose names hold every one of `words` (folded: case and accents do not count)."""
        cond: Any = None
        for word in words:
            one = m.Entry.name_key.contains(word)
            cond = one if cond is None else cond & one
        return cond

    # ------------------------------------------------------------ reissued secret numbers
    def secret(self, id_number: str) -> m.CandidateSecret | None:
        return self.t.get(m.CandidateSecret, *m.CandidateSecret.keys(id_number), consistent=True)

    def set_secret(self, id_number: str, secret_hash: str, *, centre_number: str, issued_at: str) -> None:
        self.t.put(m.CandidateSecret(*m.CandidateSecret.keys(id_number), secret_hash=secret_hash,
                                     issued_at=issued_at, centre_number=centre_number))

    # ------------------------------------------------------------ audit
    def record(self, centre_number: str, event_id: str, action: str, id_number: str, user: m.CentreUser,
               at: str) -> None:
        self.t.put(m.CentreAuditEvent(m.CENTRE_AUDIT + centre_number, f"{at}#{event_id}", event_id=event_id,
                                      centre_number=centre_number, action=action, id_number=id_number,
                                      user_id=user.user_id, user_name=user.name, at=at))

    def audit(self, centre_number: str, limit: int) -> list[m.CentreAuditEvent]:
        """The centre's events, newest first."""
        return self.t.query(m.CentreAuditEvent, m.CENTRE_AUDIT + centre_number, forward=False,
                            limit=limit).items
