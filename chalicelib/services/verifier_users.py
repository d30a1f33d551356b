"""Organisation users: login, set password, profile and alerts, the Primary User's management
of Admin Users, and "join an existing account" requests.

Sessions are kind "verifier" with the user_id as subject; `actor.actor` finds the
user and organisation with two GetItems. A deleted user's sessions are ended at once.
"""
from __future__ import annotations

from .. import config
from ..adapters import clock
from ..adapters.ids import random_id, sortable_id
from ..db import models as m
from ..db.store import store
from ..domain import passwords
from ..domain.domains import email_domain, in_domain, norm_email
from ..domain.errors import Conflict, Forbidden, NotFound, Unauthenticated, ValidationError
from . import messages
from . import security as sec
from .actor import Actor
from .messages import send_quietly
from .organisations import SET_PASSWORD_SECONDS, approved_org_for_email, public

BAD_LOGIN = "The email or password is not correct."
TOO_MANY = sec.TOO_MANY
FREQUENCIES = ("off", "immediate", "daily", "weekly")
# Join requests: per requester email and per email domain when asked (429), and per
# organisation in the worker (beyond it requests are dropped): no flood of emails to a Primary User.
JOINS_PER_HOUR = 5
JOINS_PER_DOMAIN_PER_HOUR = 20
JOINS_PER_ORG_PER_HOUR = 10
JOINS_WINDOW = 3600


def view(user: m.VerifierUser) -> dict:
    return {"user_id": user.user_id, "email": user.email, "first_name": user.first_name,
            "family_name": user.family_name, "job_title": user.job_title, "role": user.role,
            "status": user.status}


# ---------------------------------------------------------------- sessions
def login(email: str, password: str) -> dict:
    key = norm_email(email)
    db = store()
    user_id = db.verifier_users.id_for_email(key)
    user = db.verifier_users.get(user_id) if user_id else None
    usable = user is not None and user.status == "active" and user.password_hash
    sec.check_password("verifier-login", key, user.password_hash if usable and user else None, password,
                       Unauthenticated(BAD_LOGIN))
    assert user is not None and user.password_hash
    if passwords.needs_rehash(user.password_hash):
        db.verifier_users.rehash_password(user, passwords.hash_password(password))
    # Two-factor: a challenge for a user who turned it on, enrolment for one whose organisation
    # requires it; otherwise the session, as before (services/mfa.py).
    from . import mfa

    must_enrol = False
    if not user.totp_secret:
        org = db.organisations.get(user.org_id)
        must_enrol = bool(org and org.mfa_required)
    return mfa.after_password(mfa.verifier_account(user), must_enrol=must_enrol)


def login_mfa(mfa_token: str, code: str) -> dict:
    """The second step of a login with two-factor: the challenge's token and a code."""
    from . import mfa

    def load(user_id: str) -> mfa.Account | None:
        user = store().verifier_users.get(user_id)
        return mfa.verifier_account(user) if user is not None and user.status == "active" else None

    return mfa.complete("verifier", mfa_token, code, load)


def set_password(token: str, password: str, language: str | None = None) -> None:
    """`language` (the web page's, when given) becomes the one the user's emails are written in."""
    bad = ValidationError({"token": "this link is not valid, was used already, or has expired"})
    item = sec.peek_token(token, "verifier_password")
    if item is None:
        raise bad
    problem = passwords.password_problem(password)
    if problem:
        raise ValidationError({"password": problem})
    user = store().verifier_users.get(item.subject)
    if user is None or user.status == "pending":  # deleted since, or its organisation not approved
        raise bad
    if not sec.for_credential(item, user.password_hash):  # the password changed since the link
        raise bad
    if sec.consume_token(token, "verifier_password") is None:
        raise bad
    if not store().verifier_users.set_password(user, passwords.hash_password(password), language):
        raise bad  # another link was used at the same moment
    sec.end_sessions("verifier", user.user_id)
    sec.clear_attempts("verifier-login", norm_email(user.email))


RESETS_PER_HOUR = 3
RESET_SECONDS = 3600


def request_password_reset(email: str) -> None:
    """Always the same reply (202); a reset link only to an active user's address. The link is a
    single-use set-password token (1 hour): setting the password ends every session."""
    from ..adapters import queue

    key = norm_email(email)
    sec.limit_rate("verifier-reset", key, limit=RESETS_PER_HOUR, window=3600, message=TOO_MANY)
    user_id = store().verifier_users.id_for_email(key)
    # The same work whatever the address: one job, empty when nobody has it (the worker decides).
    queue.send(config.WORK_QUEUE, {"kind": "verifier_password_reset",
                                   "user_id": user_id or ""})


def send_password_reset(user_id: str) -> bool:
    """The worker's half: a reset link to an active user."""
    user = store().verifier_users.get(user_id)
    if user is None or user.status != "active":
        return False
    token = sec.issue_token("verifier_password", "verifier", user.user_id, RESET_SECONDS,
                            data={"cred": sec.credential_tag(user.password_hash)})
    from ..adapters import email as mailer

    mailer.send(messages.password_reset(user.email, user.first_name, token, messages.SET_PASSWORD_PAGE,
                                        messages.language_of(user)))
    return True


# ---------------------------------------------------------------- me
def me(actor: Actor) -> dict:
    return {**view(actor.user), "organisation": public(actor.org),
            "notifications": {"frequency": actor.user.frequency or "off"}}


def set_frequency(actor: Actor, frequency: str, language: str | None = None) -> dict:
    store().verifier_users.set_frequency(actor.user, frequency, language)
    return {"frequency": frequency}


# ---------------------------------------------------------------- users of the organisation
def org_users(org_id: str) -> list[m.VerifierUser]:
    return store().verifier_users.of_org(org_id)


def list_users(actor: Actor) -> dict:
    return {"users": [view(u) for u in org_users(actor.org_id)]}


def _new_user(org: m.Organisation, data: dict, role: str, language: str = "en") -> m.VerifierUser:
    email = data["email"].strip()
    if not in_domain(email, org.domain):
        raise ValidationError({"email": f"must be an address at {org.domain} (or one of its subdomains)"})
    user_id = random_id()
    users = store().verifier_users
    user = users.build(user_id, org.org_id, email, data["first_name"].strip(), data["family_name"].strip(),
                       data["job_title"].strip(), role=role, status="invited", created_at=clock.iso(),
                       language=language)
    if not users.add(user):
        raise Conflict("This email address already has an account.")
    token = sec.issue_token("verifier_password", "verifier", user_id, SET_PASSWORD_SECONDS)
    send_quietly(messages.verifier_invited(email, user.first_name, org.name, token, language),
                 "verifier_invited")
    return user


def add_user(actor: Actor, data: dict, language: str | None = None) -> dict:
    """The invitation is written in `language` (the Primary User's page's), else the Primary
    User's own; the new user's set-password page then records their own."""
    actor.require_primary()
    return view(_new_user(actor.org, data, "admin", language or messages.language_of(actor.user)))


def _org_user(actor: Actor, user_id: str) -> m.VerifierUser:
    user = store().verifier_users.get(user_id)
    if user is None or user.org_id != actor.org_id:
        raise NotFound("There is no user with that id in your organisation.")
    return user


def update_user(actor: Actor, user_id: str, data: dict) -> dict:
    actor.require_primary()
    user = _org_user(actor, user_id)
    store().verifier_users.edit(user, {name: value.strip() for name, value in data.items()})
    return view(user)


def delete_user(actor: Actor, user_id: str) -> None:
    actor.require_primary()
    user = _org_user(actor, user_id)
    if user.role == "primary":
        raise Forbidden("The Primary User cannot be deleted.")
    store().verifier_users.remove(user)
    sec.end_sessions("verifier", user.user_id)


# ---------------------------------------------------------------- join requests
def request_join(data: dict, language: str = "en") -> None:
    """Always the same reply after the same work, whatever the address (an existing user's, a
    new one at an approved organisation's domain, an unknown domain): the request is counted per
    email and per email domain, and one job is queued; the worker (`handle_join`) decides
    whether a request is stored and the Primary User told. (Looking up here would make the
    reply's work, and its timing, tell the cases apart.)"""
    from ..adapters import queue

    email = data["email"].strip()
    sec.limit_rate("verifier-join", norm_email(email), limit=JOINS_PER_HOUR, window=3600, message=TOO_MANY)
    sec.limit_rate("verifier-join-domain", email_domain(email), limit=JOINS_PER_DOMAIN_PER_HOUR,
                   window=3600, message=TOO_MANY)
    queue.send(config.WORK_QUEUE, {"kind": "verifier_join", "email": email,
                                   "first_name": data["first_name"].strip(),
                                   "family_name": data["family_name"].strip(),
                                   "job_title": data["job_title"].strip(), "language": language})


def handle_join(job: dict) -> bool:
    """The worker's half: a join request (and one email to the Primary User) only where the
    domain is an approved organisation's, the address has no account yet, and the organisation
    has had fewer than JOINS_PER_ORG_PER_HOUR requests this hour (however many subdomains or
    addresses they came from). Anything else is dropped without a trace to the requester."""
    email = job["email"]
    org = approved_org_for_email(email)
    if org is None or store().verifier_users.id_for_email(email) is not None:
        return False
    if not sec.within_rate("verifier-join-org", org.org_id, limit=JOINS_PER_ORG_PER_HOUR,
                           window=JOINS_WINDOW):
        return False
    request_id = sortable_id()
    store().organisations.add_join_request(org.org_id, request_id, email, job["first_name"],
                                           job["family_name"], job["job_title"], clock.iso(),
                                           job.get("language") or "en")
    primary = store().verifier_users.get(org.primary_user_id)
    if primary is not None:
        requester = f"{job['first_name']} {job['family_name']}"
        mail = messages.join_requested(primary.email, primary.first_name, requester, email, org.name,
                                       messages.language_of(primary))
        send_quietly(mail, "join_requested")
    return True


def _join_view(r: m.JoinRequest) -> dict:
    return {"request_id": r.request_id, "email": r.email, "first_name": r.first_name,
            "family_name": r.family_name, "job_title": r.job_title, "created_at": r.created_at}


def list_join_requests(actor: Actor) -> dict:
    actor.require_primary()
    items = store().organisations.join_requests(actor.org_id, limit=200)
    return {"join_requests": [_join_view(r) for r in items]}


def _join_request(actor: Actor, request_id: str) -> m.JoinRequest:
    actor.require_primary()
    item = store().organisations.join_request(actor.org_id, request_id)
    if item is None:
        raise NotFound("There is no such join request.")
    return item


def approve_join(actor: Actor, request_id: str) -> dict:
    """The requester is invited; when the address got an account since, the request is
    removed (there is nothing left to approve) and Conflict raised."""
    item = _join_request(actor, request_id)
    try:
        user = _new_user(actor.org, {"email": item.email, "first_name": item.first_name,
                                     "family_name": item.family_name, "job_title": item.job_title}, "admin",
                         messages.language_of(item))
    except Conflict:
        store().organisations.remove_join_request(item)
        raise
    store().organisations.remove_join_request(item)
    return view(user)


def decline_join(actor: Actor, request_id: str) -> None:
    item = _join_request(actor, request_id)
    store().organisations.remove_join_request(item)
    send_quietly(messages.join_declined(item.email, item.first_name, actor.org.name,
                                                messages.language_of(item)), "join_declined")
