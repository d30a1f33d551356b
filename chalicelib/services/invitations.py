"""Invitations: a candidate who cannot find an organisation in the institutions search asks the
service to invite it to register (issue 13, "an institution that is not listed yet").

- The address must be at the website's domain (or a subdomain), the rule an organisation's
  registration uses: the service writes only to the organisation the candidate named.
- At most INVITES_PER_DAY invitations a day per candidate (security.limit_rate: 429); an
  address the candidate has invited before is not sent again (and not counted).
- The email is in the candidate's language (the page's), carries the candidate's first name and
  a link to PUBLIC_BASE_URL/organisations, and nothing of the candidate's results.
- An organisation already approved is not invited (the candidate can share with it); one
  registered and waiting for approval is not written to, the invitation is only recorded.
- When the organisation with that domain is approved (organisations.approve), each inviting
  candidate is told once, in their language, with a link to their results; the invitations are
  then done.
"""
from __future__ import annotations

from ..adapters import clock
from ..db.store import store
from ..domain.domains import in_domain, norm_email, website_domain
from ..domain.errors import Conflict, NotFound, Unauthenticated, ValidationError
from . import messages
from . import security as sec

INVITES_PER_DAY = 3
DAY = 24 * 3600
TOO_MANY = f"You can send at most {INVITES_PER_DAY} invitations a day. Try again tomorrow."
ALREADY_LISTED = "This organisation is already registered: search for it by name and share with it."


def invite(id_number: str, email: str, website: str, result_id: str | None = None,
           language: str | None = None) -> dict:
    """Invite the organisation at `website` to register, writing to `email`. `language`: the
    page's (the candidate's language now), else the account's."""
    from . import organisations

    email = norm_email(email)
    domain = website_domain(website)
    if domain is None:
        raise ValidationError({"website": "must be a web address like https://www.example.ac.uk"})
    if not in_domain(email, domain):
        raise ValidationError({"email": f"must be an address at {domain} (or one of its subdomains), "
                                        "the organisation's website"})
    db = store()
    account = db.candidates.account(id_number)
    if account is None:  # the session outlived the account
        raise Unauthenticated("The session has ended. Log in again.")
    if result_id:
        _own_result(id_number, result_id)
    if organisations.approved_org_for_email(email) is not None:  # its domain or a parent's
        raise Conflict(ALREADY_LISTED)
    pending = db.organisations.owner_of_domain(domain) is not None
    reply = {"email": email, "website": website.strip(), "domain": domain}
    if db.invitations.invited(id_number, email):
        return reply | {"status": "already_invited"}
    sec.limit_rate("invite", id_number, limit=INVITES_PER_DAY, window=DAY, message=TOO_MANY)
    if not db.invitations.add(domain, id_number, email, website.strip()[:200], result_id, clock.iso()):
        return reply | {"status": "already_invited"}  # the same address, at the same moment
    if pending:  # registered, waiting for approval: the candidate will be told
        return reply | {"status": "awaiting_approval"}
    lang = language or messages.language_of(account)
    messages.send_quietly(messages.org_invitation(email, account.first_name, lang), "org_invitation")
    return reply | {"status": "sent"}


def _own_result(id_number: str, result_id: str) -> None:
    """NotFound unless `result_id` names one of the candidate's results."""
    from ..db import models as m

    parsed = m.parse_result_id(result_id)
    if not parsed or store().shares.candidate_result(id_number, *parsed) is None:
        raise NotFound("There is no result with that id on your account.")


def tell_inviters(domain: str, org_name: str) -> int:
    """The organisation `org_name` at `domain` was approved: tell each candidate who invited it, once (an
    invitation is marked done before its email, so a second run sends nothing). How many were
    told."""
    db = store()
    now = clock.iso()
    told: set[str] = set()
    for invitation in db.invitations.open_for_domain(domain):
        if not db.invitations.mark_done(invitation, now) or invitation.id_number in told:
            continue
        account = db.candidates.account(invitation.id_number)
        if account is None:
            continue
        told.add(invitation.id_number)
        messages.send_quietly(messages.invited_org_approved(account.email, account.first_name, org_name,
                                                            messages.language_of(account)),
                              "invited_org_approved")
    return len(told)

