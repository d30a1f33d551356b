"""Organisations and what hangs off them.

- Organisation: pk ORG#<org_id>, sk ORG; gsi1 ORGSTATUS#<status> / <decided or created at>#<org_id>,
  the staff's queue by status.
- OrgDomain: pk ORGDOMAIN#<domain>, sk ORGDOMAIN: one organisation per website domain.
- InstitutionWord: pk INSTWORD#<first 2 letters of a folded word>, sk <word>#<org_id>, the
  approved organisations' names word by word, public fields copied (the institutions search).
- JoinRequest: pk ORG#<org_id>, sk JOIN#<request_id> (time-ordered id).
"""
from __future__ import annotations

from enum import Enum

from .. import models as m
from ..paging import Page, decode_cursor, encode_cursor
from ..table import Table, Tx
from .verifier_users import VerifierUsers


class Registered(Enum):
    OK = "ok"
    DOMAIN_TAKEN = "domain_taken"  # another organisation has the website's domain
    EMAIL_TAKEN = "email_taken"  # the registrant's address has an account


class Organisations:
    def __init__(self, table: Table) -> None:
        self.t = table

    # ------------------------------------------------------------ organisations
    @staticmethod
    def build(org_id: str, name: str, type: str, website: str, domain: str, country: str,
              primary_user_id: str, created_at: str) -> m.Organisation:
        """A new organisation, pending (stored by `register`)."""
        return m.Organisation(
            m.ORG + org_id, "ORG", org_id=org_id, name=name, type=type, website=website, domain=domain,
            country=country, status="pending", primary_user_id=primary_user_id, created_at=created_at,
            gsi1pk=m.ORG_STATUS + "pending", gsi1sk=f"{created_at}#{org_id}")

    def register(self, org: m.Organisation, primary: m.VerifierUser) -> Registered:
        """Claim the organisation's domain and the primary user's email, and store both, in one
        transaction: all of it, or nothing and which claim was taken."""
        tx = Tx().put(m.OrgDomain(m.ORG_DOMAIN + org.domain, "ORGDOMAIN", org_id=org.org_id),
                      m.OrgDomain.pk.does_not_exist())
        VerifierUsers.claim_and_add(tx, primary)  # positions 1 (email claim) and 2 (user)
        tx.put(org, m.Organisation.pk.does_not_exist())
        outcome = self.t.transact(tx)
        if outcome.ok:
            return Registered.OK
        return Registered.DOMAIN_TAKEN if 0 in outcome.failed else Registered.EMAIL_TAKEN

    def get(self, org_id: str) -> m.Organisation | None:
        return self.t.get(m.Organisation, m.ORG + org_id, "ORG") if org_id else None

    def owner_of_domain(self, domain: str) -> str | None:
        """The id of the organisation that registered this exact domain, or None."""
        claim = self.t.get(m.OrgDomain, m.ORG_DOMAIN + domain, "ORGDOMAIN")
        return claim.org_id if claim is not None else None

    def page_by_status(self, status: str, limit: int, cursor: str | None) -> Page[m.Organisation]:
        listing = f"organisations:{status}"
        page = self.t.query(m.Organisation.by_status, m.ORG_STATUS + status, limit=limit,
                            start=decode_cursor(listing, cursor))
        return Page(page.items, encode_cursor(listing, page.last_evaluated_key))

    def decide(self, org: m.Organisation, status: str, decided_at: str, reason: str | None = None) -> bool:
        """Approve or reject a pending organisation; False when it was no longer pending."""
        actions: list = [m.Organisation.reason.set(reason)] if reason else []
        actions += [m.Organisation.status.set(status), m.Organisation.decided_at.set(decided_at),
                    m.Organisation.gsi1pk.set(m.ORG_STATUS + status),
                    m.Organisation.gsi1sk.set(f"{decided_at}#{org.org_id}")]
        return self.t.update(org, actions, condition=m.Organisation.status == "pending")

    def release(self, org: m.Organisation, primary: m.VerifierUser) -> None:
        """After a rejection: the domain and the registrant's email may be registered again."""
        self.t.batch_write(deletes=[m.OrgDomain(m.ORG_DOMAIN + org.domain, "ORGDOMAIN"),
                                    VerifierUsers.email_claim(primary), primary])

    # ------------------------------------------------------------ institutions search
    def index_name(self, org: m.Organisation, name_words: list[str]) -> None:
        self.t.batch_write(puts=[
            m.InstitutionWord(m.INST_WORD + word[:2], f"{word}#{org.org_id}", org_id=org.org_id,
                              name=org.name, type=org.type, country=org.country, words=name_words)
            for word in sorted(set(name_words))])

    def institutions_with_word(self, prefix: str, limit: int) -> list[m.InstitutionWord]:
        """Index items whose word starts with `prefix` (folded, at least 2 letters), at most `limit`."""
        return self.t.query(m.InstitutionWord, m.INST_WORD + prefix[:2],
                            m.InstitutionWord.sk.startswith(prefix), limit=limit, page_size=limit).items

    # ------------------------------------------------------------ join requests
    def add_join_request(self, org_id: str, request_id: str, email: str, first_name: str,
                         family_name: str, job_title: str, created_at: str,
                         language: str = "en") -> m.JoinRequest:
        item = m.JoinRequest(m.ORG + org_id, m.JOIN + request_id, request_id=request_id, org_id=org_id,
                             email=email, first_name=first_name, family_name=family_name,
                             job_title=job_title, created_at=created_at, language=language)
        self.t.put(item)
        return item

    def join_requests(self, org_id: str, limit: int) -> list[m.JoinRequest]:
        return self.t.query(m.JoinRequest, m.ORG + org_id, m.JoinRequest.sk.startswith(m.JOIN),
                            limit=limit).items

    def join_request(self, org_id: str, request_id: str) -> m.JoinRequest | None:
        return self.t.get(m.JoinRequest, m.ORG + org_id, m.JOIN + request_id) if request_id else None

    def remove_join_request(self, item: m.JoinRequest) -> None:
        self.t.delete(item)

    # ------------------------------------------------------------ digests
    def count_shares(self, org_id: str, since: str, upto: str) -> int:
        """How many shares the organisation received with sort keys in [since, upto] (digests)."""
        return self.t.count(m.Share.by_org, m.ORG_SHARES + org_id, m.Share.gsi1sk.between(since, upto))
