"""Organisation users: pk VUSER#<user_id>, sk VUSER; their email claims pk VEMAIL#<email,
lower-case>, sk VEMAIL (one account per address, login by email).

Indexes: gsi1 ORGUSERS#<org_id> / <email> (an organisation's users); gsi2, sparse, only for
daily and weekly alerts: NOTIFY#<frequency> / <org_id>#<user_id> (what the digests read)."""
from __future__ import annotations

from ...domain.domains import norm_email
from .. import models as m
from ..table import Table, Tx

DIGEST_FREQUENCIES = ("daily", "weekly")


class VerifierUsers:
    def __init__(self, table: Table) -> None:
        self.t = table

    # ------------------------------------------------------------ items
    @staticmethod
    def build(user_id: str, org_id: str, email: str, first_name: str, family_name: str,
              job_title: str, role: str, status: str, created_at: str,
              language: str = "en") -> m.VerifierUser:
        """A new user (not yet stored: `add`, or an organisation's registration, stores it)."""
        return m.VerifierUser(
            m.VUSER + user_id, "VUSER", user_id=user_id, org_id=org_id, email=email,
            first_name=first_name, family_name=family_name, job_title=job_title, role=role,
            status=status, created_at=created_at, language=language, gsi1pk=m.ORG_USERS + org_id,
            gsi1sk=norm_email(email))

    @staticmethod
    def email_claim(user: m.VerifierUser) -> m.VerifierEmail:
        return m.VerifierEmail(m.VEMAIL + norm_email(user.email), "VEMAIL", user_id=user.user_id)

    @staticmethod
    def claim_and_add(tx: Tx, user: m.VerifierUser) -> Tx:
        """Into `tx`: the user's email claim (position +0) and the user (+1), each only if new."""
        return (tx.put(VerifierUsers.email_claim(user), m.VerifierEmail.pk.does_not_exist())
                .put(user, m.VerifierUser.pk.does_not_exist()))

    # ------------------------------------------------------------ reads
    def get(self, user_id: str) -> m.VerifierUser | None:
        return self.t.get(m.VerifierUser, m.VUSER + user_id, "VUSER") if user_id else None

    def many(self, user_ids: list[str]) -> dict[str, m.VerifierUser]:
        """Users by id, in one batch read (missing ones left out)."""
        keys = [(m.VUSER + u, "VUSER") for u in user_ids if u]
        return {u.user_id: u for u in self.t.batch_get(m.VerifierUser, keys)}

    def id_for_email(self, email: str) -> str | None:
        """The id of the user who has this address (any case), or None."""
        claim = self.t.get(m.VerifierEmail, m.VEMAIL + norm_email(email), "VEMAIL")
        return claim.user_id if claim is not None else None

    def of_org(self, org_id: str) -> list[m.VerifierUser]:
        return self.t.query(m.VerifierUser.by_org, m.ORG_USERS + org_id).items

    def digest_subscribers(self, frequency: str) -> list[m.VerifierUser]:
        return self.t.query(m.VerifierUser.by_frequency, m.NOTIFY + frequency).items

    # ------------------------------------------------------------ writes
    def add(self, user: m.VerifierUser) -> bool:
        """Store a new user and claim its email; False (nothing written) when the address has an
        account already."""
        return self.t.transact(self.claim_and_add(Tx(), user)).ok

    def edit(self, user: m.VerifierUser, fields: dict[str, str]) -> None:
        """Set profile fields (first_name, family_name, job_title) to the given values."""
        if fields:
            self.t.update(user, [getattr(m.VerifierUser, name).set(value) for name, value in fields.items()])

    def set_status(self, user: m.VerifierUser, status: str) -> None:
        self.t.update(user, [m.VerifierUser.status.set(status)])

    def rehash_password(self, user: m.VerifierUser, password_hash: str) -> None:
        self.t.update(user, [m.VerifierUser.password_hash.set(password_hash)])

    def set_password(self, user: m.VerifierUser, password_hash: str, language: str | None = None) -> bool:
        """Set the password and make the user active, only if the stored password is still the
        one `user` was read with; False when it changed meanwhile (another link was used).
        `language`, when given, becomes the one the user's emails are written in."""
        same = (m.VerifierUser.password_hash == user.password_hash if user.password_hash
                else m.VerifierUser.password_hash.does_not_exist())
        actions = [m.VerifierUser.password_hash.set(password_hash), m.VerifierUser.status.set("active")]
        if language:
            actions.append(m.VerifierUser.language.set(language))
        return self.t.update(user, actions, condition=same)

    def set_frequency(self, user: m.VerifierUser, frequency: str, language: str | None = None) -> None:
        """The user's alerts; daily and weekly users are in the digest index, others are not.
        `language`, when given, becomes the one the user's emails are written in."""
        actions: list = [m.VerifierUser.frequency.set(frequency)]
        if language:
            actions.append(m.VerifierUser.language.set(language))
        if frequency in DIGEST_FREQUENCIES:
            actions += [m.VerifierUser.gsi2pk.set(m.NOTIFY + frequency),
                        m.VerifierUser.gsi2sk.set(f"{user.org_id}#{user.user_id}")]
        else:
            actions += [m.VerifierUser.gsi2pk.remove(), m.VerifierUser.gsi2sk.remove()]
        self.t.update(user, actions)

    def mark_digest(self, user: m.VerifierUser, period: str, upto: str) -> bool:
        """Record that `period`'s digest (shares up to `upto`) is this user's; False when it was
        recorded already (another run has it)."""
        return self.t.update(user, [m.VerifierUser.digest_period.set(period),
                                    m.VerifierUser.digest_until.set(upto)],
                             condition=(m.VerifierUser.digest_period.does_not_exist())
                             | (m.VerifierUser.digest_period != period))

    def remove(self, user: m.VerifierUser) -> None:
        """Delete the user and free its email address."""
        self.t.batch_write(deletes=[self.email_claim(user), user])
