"""Organisations: registration, the staff's approval queue, and the institutions search.

- One organisation per website domain (an `OrgDomain` item written in the same transaction);
  a second registration for the domain is pointed to "join an existing account".
- Staff list organisations by status from gsi1 (ORGSTATUS#<status>), never a scan.
- Approved organisations' names are indexed word by word (`InstitutionWord`, pk INSTWORD#<2
  letters>, sk <word>#<org_id>): a search queries one prefix and checks the other words on
  the items it read, so it reads at most SEARCH_READ items whatever the number of organisations.
"""
from __future__ import annotations

from pynamodb.connection import Connection
from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from .. import config
from ..adapters import clock
from ..db import models as m
from ..db.repo import condition_failed, get_or_none
from ..domain.errors import Conflict, NotFound, ValidationError
from . import messages
from . import security as sec
from .messages import send_quietly
from .verifiers_base import (
    email_domain,
    fold,
    in_domain,
    norm_email,
    random_id,
    website_domain,
    words,
)

ORG_TYPES = ("university", "college", "school", "employer", "government", "immigration", "other")
SET_PASSWORD_SECONDS = 72 * 3600
SEARCH_READ = 200  # index items one institutions search reads at most
SEARCH_RESULTS = 20
ALREADY_REGISTERED = ("An organisation with this website is already registered. Ask to join it "
                      "instead: POST /verifiers/join.")


def connection() -> Connection:
    s = config.settings()
    return Connection(region=s.region, host=s.endpoint_url)


def public(org: m.Organisation) -> dict:
    return {"org_id": org.org_id, "name": org.name, "type": org.type, "website": org.website,
            "country": org.country, "status": org.status}


def staff_view(org: m.Organisation) -> dict:
    return {**public(org), "domain": org.domain, "reason": org.reason, "created_at": org.created_at,
            "decided_at": org.decided_at}


# ---------------------------------------------------------------- registration
def register(data: dict) -> dict:
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
    org = m.Organisation(
        m.ORG + org_id, "ORG", org_id=org_id, name=org_data["name"].strip(), type=org_data["type"],
        website=org_data["website"].strip(), domain=domain, country=org_data["country"].strip(),
        status="pending", primary_user_id=user_id, created_at=now,
        gsi1pk=m.ORG_STATUS + "pending", gsi1sk=f"{now}#{org_id}",
    )
    user = m.VerifierUser(
        m.VUSER + user_id, "VUSER", user_id=user_id, org_id=org_id, email=email,
        first_name=data["first_name"].strip(), family_name=data["family_name"].strip(),
        job_title=data["job_title"].strip(), role="primary", status="pending", created_at=now,
        gsi1pk=m.ORG_USERS + org_id, gsi1sk=norm_email(email),
    )
    claim = m.OrgDomain(m.ORG_DOMAIN + domain, "ORGDOMAIN", org_id=org_id)
    mail_claim = m.VerifierEmail(m.VEMAIL + norm_email(email), "VEMAIL", user_id=user_id)
    try:
        with TransactWrite(connection=connection()) as tx:
            tx.save(claim, condition=m.OrgDomain.pk.does_not_exist())
            tx.save(mail_claim, condition=m.VerifierEmail.pk.does_not_exist())
            tx.save(org, condition=m.Organisation.pk.does_not_exist())
            tx.save(user, condition=m.VerifierUser.pk.does_not_exist())
    except TransactWriteError as err:
        if not condition_failed(err):
            raise
        reasons = err.cancellation_reasons or []
        if reasons and reasons[0] is not None and reasons[0].code == "ConditionalCheckFailed":
            raise Conflict(ALREADY_REGISTERED) from None
        raise Conflict("This email address already has an account. Log in instead.") from None
    send_quietly(messages.org_registered(email, user.first_name, org.name), "org_registered")
    return {"org_id": org_id, "status": "pending"}


def approved_org_for_email(email: str) -> m.Organisation | None:
    """The approved organisation whose domain the email's domain is (or is under)."""
    from .verifiers_base import parent_domains

    for domain in parent_domains(email_domain(email)):
        claim = get_or_none(m.OrgDomain, m.ORG_DOMAIN + domain, "ORGDOMAIN")
        if claim is not None:
            org = get_or_none(m.Organisation, m.ORG + claim.org_id, "ORG")
            return org if org is not None and org.status == "approved" else None
    return None


# ---------------------------------------------------------------- staff
def list_page(status: str, limit: int, cursor: str | None) -> dict:
    from ..db.paging import decode_cursor, encode_cursor

    listing = f"organisations:{status}"
    start = decode_cursor(listing, cursor)
    page = m.Organisation.by_status.query(m.ORG_STATUS + status, limit=limit, last_evaluated_key=start)
    orgs = [staff_view(o) for o in page]
    return {"organisations": orgs, "next_cursor": encode_cursor(listing, page.last_evaluated_key)}


def _pending(org_id: str) -> m.Organisation:
    org = get_or_none(m.Organisation, m.ORG + org_id, "ORG")
    if org is None:
        raise NotFound("There is no organisation with that id.")
    if org.status != "pending":
        raise Conflict(f"This organisation was already {org.status}.")
    return org


def _primary(org: m.Organisation) -> m.VerifierUser:
    user = get_or_none(m.VerifierUser, m.VUSER + org.primary_user_id, "VUSER")
    if user is None:  # written in the same transaction as the organisation
        raise NotFound("The organisation's registrant is missing.")
    return user


def _set_status(org: m.Organisation, status: str, reason: str | None = None) -> None:
    now = clock.iso()
    actions: list = [m.Organisation.reason.set(reason)] if reason else []
    org.update(actions=[*actions, m.Organisation.status.set(status),
                        m.Organisation.decided_at.set(now), m.Organisation.gsi1pk.set(m.ORG_STATUS + status),
                        m.Organisation.gsi1sk.set(f"{now}#{org.org_id}")],
               condition=m.Organisation.status == "pending")


def approve(org_id: str) -> dict:
    org = _pending(org_id)
    user = _primary(org)
    _set_status(org, "approved")
    user.update(actions=[m.VerifierUser.status.set("invited")])
    index_institution(org)
    token = sec.issue_token("verifier_password", "verifier", user.user_id, SET_PASSWORD_SECONDS)
    send_quietly(messages.org_approved(user.email, user.first_name, org.name, token), "org_approved")
    return staff_view(org)


def reject(org_id: str, reason: str) -> dict:
    org = _pending(org_id)
    user = _primary(org)
    _set_status(org, "rejected", reason.strip())
    # The domain and the email may be registered again (with better details).
    with m.OrgDomain.batch_write() as batch:
        batch.delete(m.OrgDomain(m.ORG_DOMAIN + org.domain, "ORGDOMAIN"))
        batch.delete(m.VerifierEmail(m.VEMAIL + norm_email(user.email), "VEMAIL"))
        batch.delete(user)
    send_quietly(messages.org_rejected(user.email, user.first_name, org.name, reason.strip()), "org_rejected")
    return staff_view(org)


# ---------------------------------------------------------------- institutions search
def index_institution(org: m.Organisation) -> None:
    name_words = words(org.name)
    with m.InstitutionWord.batch_write() as batch:
        for word in sorted(set(name_words)):
            batch.save(m.InstitutionWord(
                m.INST_WORD + word[:2], f"{word}#{org.org_id}", org_id=org.org_id, name=org.name,
                type=org.type, country=org.country, words=name_words))


def search_institutions(q: str) -> dict:
    wanted = words(q)
    if not wanted or max(len(w) for w in wanted) < 2:
        raise ValidationError({"q": "type at least 2 letters of the organisation's name"})
    if len(wanted) > 8 or len(q) > 200:
        raise ValidationError({"q": "must be at most 8 words"})
    longest = max(wanted, key=len)
    found: dict[str, m.InstitutionWord] = {}
    for item in m.InstitutionWord.query(m.INST_WORD + longest[:2], m.InstitutionWord.sk.startswith(longest),
                                        limit=SEARCH_READ, page_size=SEARCH_READ):
        if item.org_id not in found and all(any(w.startswith(x) for w in item.words) for x in wanted):
            found[item.org_id] = item
    start = fold(q).strip()
    ranked = sorted(found.values(), key=lambda i: (not fold(i.name).startswith(start), fold(i.name)))
    return {"institutions": [{"org_id": i.org_id, "name": i.name, "type": i.type, "country": i.country}
                             for i in ranked[:SEARCH_RESULTS]]}


def get_approved(org_id: str) -> m.Organisation:
    org = get_or_none(m.Organisation, m.ORG + org_id, "ORG") if org_id else None
    if org is None or org.status != "approved":
        raise NotFound("There is no organisation with that id.")
    return org
