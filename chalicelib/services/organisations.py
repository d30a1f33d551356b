"""Organisations: registration, the staff's approval queue, and the institutions search.

- One organisation per website domain, one account per email: both claimed in the same
  transaction as the organisation (db/repos/organisations.py); a second registration for the
  domain is pointed to "join an existing account".
- Staff list organisations by status from an index, never a scan, with the sealed cursor.
- Approved organisations' names are indexed word by word: a search reads the words starting
  with its longest word and checks the other words on the items it read, so it reads at most
  SEARCH_READ items whatever the number of organisations.
"""
from __future__ import annotations

from .. import config
from ..adapters import clock
from ..adapters.ids import random_id
from ..db import models as m
from ..db.repos.organisations import Registered
from ..db.store import store
from ..domain.domains import email_domain, in_domain, norm_email, parent_domains, website_domain
from ..domain.errors import Conflict, NotFound, ValidationError
from ..domain.text import fold, words
from . import messages
from . import security as sec
from .messages import send_quietly

ORG_TYPES = ("university", "college", "school", "employer", "government", "immigration", "other")
SET_PASSWORD_SECONDS = 72 * 3600
SEARCH_READ = 200  # index items one institutions search reads at most
SEARCH_RESULTS = 20
EMAIL_HAS_ACCOUNT = "This email address already has an account. Log in instead."
ALREADY_REGISTERED = ("An organisation with this website is already registered. Ask to join it "
                      "instead: POST /verifiers/join.")


def public(org: m.Organisation) -> dict:
    return {"org_id": org.org_id, "name": org.name, "type": org.type, "website": org.website,
            "country": org.country, "status": org.status}


def applicant_view(user: m.VerifierUser | None) -> dict | None:
    """Who registered the organisation (its Primary User)."""
    if user is None:
        return None
    return {"first_name": user.first_name, "family_name": user.family_name, "job_title": user.job_title,
            "email": user.email}


def staff_view(org: m.Organisation, applicant: m.VerifierUser | None = None) -> dict:
    if applicant is None:
        applicant = store().verifier_users.get(org.primary_user_id)
    return {**public(org), "domain": org.domain, "reason": org.reason, "created_at": org.created_at,
            "decided_at": org.decided_at, "applicant": applicant_view(applicant)}


# ---------------------------------------------------------------- registration
def register(data: dict, language: str = "en") -> dict:
    """`language` ("en"/"es", the one in use: the web page's) is what the service writes to the
    registering user in, from now on."""
    org_data = data["organisation"]
    email = data["email"].strip()
    problems: dict[str, str] = {}
    if norm_email(email) != norm_email(data["confirm_email"]):
        problems["confirm_email"] = "must be the same as email"
    domain = website_domain(org_data["website"])
    if domain is None:
        problems["organisation.website"] = "must be a web address like https://www.example.ac.uk"
    elif not in_domain(email, domain):
        problems["email"] = (f"must be an address at {domain} (or one of its subdomains), the "
                             "organisation's website")
    if problems:
        raise ValidationError(problems)
    assert domain is not None

    now = clock.iso()
    org_id, user_id = random_id(), random_id()
    db = store()
    org = db.organisations.build(org_id, org_data["name"].strip(), org_data["type"],
                                 org_data["website"].strip(), domain, org_data["country"].strip(),
                                 primary_user_id=user_id, created_at=now)
    user = db.verifier_users.build(user_id, org_id, email, data["first_name"].strip(),
                                   data["family_name"].strip(), data["job_title"].strip(),
                                   role="primary", status="pending", created_at=now, language=language)
    user.frequency = "immediate"  # the Primary User hears of each new share unless they choose otherwise
    outcome = db.organisations.register(org, user)
    if outcome is Registered.DOMAIN_TAKEN:
        raise Conflict(ALREADY_REGISTERED)
    if outcome is Registered.EMAIL_TAKEN:
        raise Conflict(EMAIL_HAS_ACCOUNT)
    send_quietly(messages.org_registered(email, user.first_name, org.name, language), "org_registered")
    for staff_address in config.staff_alert_emails():  # the board's staff: one to approve
        send_quietly(messages.org_pending_staff(staff_address, public(org), applicant_view(user) or {}),
                     "org_pending_staff")
    return {"org_id": org_id, "status": "pending"}


def approved_org_for_email(email: str) -> m.Organisation | None:
    """The approved organisation whose domain the email's domain is (or is under)."""
    db = store()
    for domain in parent_domains(email_domain(email)):
        org_id = db.organisations.owner_of_domain(domain)
        if org_id is not None:
            org = db.organisations.get(org_id)
            return org if org is not None and org.status == "approved" else None
    return None


# ---------------------------------------------------------------- staff
def list_page(status: str, limit: int, cursor: str | None) -> dict:
    page = store().organisations.page_by_status(status, limit, cursor)
    users = store().verifier_users.many([o.primary_user_id for o in page.items])  # one batch read
    return {"organisations": [staff_view(o, users.get(o.primary_user_id)) for o in page.items],
            "next_cursor": page.next_cursor}


def _pending(org_id: str) -> m.Organisation:
    org = store().organisations.get(org_id)
    if org is None:
        raise NotFound("There is no organisation with that id.")
    if org.status != "pending":
        raise Conflict(f"This organisation was already {org.status}.")
    return org


def _primary(org: m.Organisation) -> m.VerifierUser:
    user = store().verifier_users.get(org.primary_user_id)
    if user is None:  # written in the same transaction as the organisation
        raise NotFound("The organisation's registrant is missing.")
    return user


def _decide(org: m.Organisation, status: str, reason: str | None = None) -> None:
    if not store().organisations.decide(org, status, clock.iso(), reason):
        decided = store().organisations.get(org.org_id)  # by another member of staff, just now
        raise Conflict(f"This organisation was already {decided.status if decided else 'decided'}.")


def approve(org_id: str) -> dict:
    org = _pending(org_id)
    user = _primary(org)
    _decide(org, "approved")
    store().verifier_users.set_status(user, "invited")
    index_institution(org)
    token = sec.issue_token("verifier_password", "verifier", user.user_id, SET_PASSWORD_SECONDS)
    send_quietly(messages.org_approved(user.email, user.first_name, org.name, token,
                                          messages.language_of(user)), "org_approved")
    from . import invitations  # the candidates who invited it can share with it now

    invitations.tell_inviters(org.domain, org.name)
    return staff_view(org, user)


def reject(org_id: str, reason: str) -> dict:
    org = _pending(org_id)
    user = _primary(org)
    _decide(org, "rejected", reason.strip())
    # The domain and the email may be registered again (with better details).
    store().organisations.release(org, user)
    send_quietly(messages.org_rejected(user.email, user.first_name, org.name, reason.strip(),
                                          messages.language_of(user)), "org_rejected")
    return staff_view(org, user)


# ---------------------------------------------------------------- institutions search
def index_institution(org: m.Organisation) -> None:
    store().organisations.index_name(org, words(org.name))


def search_institutions(q: str) -> dict:
    wanted = words(q)
    if not wanted or max(len(w) for w in wanted) < 2:
        raise ValidationError({"q": "type at least 2 letters of the organisation's name"})
    if len(wanted) > 8 or len(q) > 200:
        raise ValidationError({"q": "must be at most 8 words"})
    longest = max(wanted, key=len)
    found: dict[str, m.InstitutionWord] = {}
    for item in store().organisations.institutions_with_word(longest, SEARCH_READ):
        if item.org_id not in found and all(any(w.startswith(x) for w in item.words) for x in wanted):
            found[item.org_id] = item
    start = fold(q).strip()
    ranked = sorted(found.values(), key=lambda i: (not fold(i.name).startswith(start), fold(i.name)))
    return {"institutions": [{"org_id": i.org_id, "name": i.name, "type": i.type, "country": i.country}
                             for i in ranked[:SEARCH_RESULTS]]}


def get_approved(org_id: str) -> m.Organisation:
    org = store().organisations.get(org_id)
    if org is None or org.status != "approved":
        raise NotFound("There is no organisation with that id.")
    return org
