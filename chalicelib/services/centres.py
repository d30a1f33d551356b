"""Exam centres (issue 13): staff create a centre and its manager; the centre's users sign in
(sessions of kind "centre", subject the user id), see the candidates whose entries carry the
centre's number (and help them: centre_actions.py).

- Scoping: a candidate is the centre's when at least one of their entries carries its number;
  the centre sees those entries (and their results) only. Any other candidate is a 404, the same
  as an unknown ID number.
- Reissuing a Secret number, resetting an account, their audit and the Confirmation of Entry:
  services/centre_actions.py.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..adapters import clock
from ..adapters.ids import random_id
from ..db.store import store
from ..domain import exams, passwords
from ..domain.domains import norm_email
from ..domain.errors import Conflict, Forbidden, NotFound, Unauthenticated, ValidationError
from ..domain.ids import normalise_id_number
from ..domain.text import words
from . import messages
from . import security as sec

if TYPE_CHECKING:
    from ..db import models as m

KIND = "centre"
SESSION_HOURS = 8
SET_PASSWORD_SECONDS = 72 * 3600
RESET_SECONDS = 3600
SEARCH_READS = 5  # index pages read at most for one page of a name search
BAD_LOGIN = "The email or password is not correct."
NO_CANDIDATE = "There is no candidate with that ID number at your centre."
CENTRE_NUMBER = re.compile(r"^[A-Z0-9]{2,10}$")  # as in the entries file (services/entries.py)
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")


def centre_view(c: m.Centre) -> dict:
    return {"centre_number": c.centre_number, "name": c.name, "country": c.country,
            "created_at": c.created_at}


def user_view(u: m.CentreUser) -> dict:
    return {"user_id": u.user_id, "email": u.email, "name": u.name, "role": u.role, "status": u.status}


# ---------------------------------------------------------------- staff: create and list
def _text(data: dict, field: str, problems: dict[str, str], max_len: int = 200) -> str:
    value = str(data.get(field) or "").strip()
    if not value:
        problems[field] = "is required"
    elif len(value) > max_len or any(ord(ch) < 32 for ch in value):
        problems[field] = f"must be at most {max_len} characters, without control characters"
    return value


def _email(value: str, field: str, problems: dict[str, str]) -> str:
    if field not in problems and not _EMAIL.match(value):
        problems[field] = "must be an email address like name@example.com"
    return value


def check_centre(data: dict) -> tuple[dict, dict[str, str]]:
    """A clean centre (centre_number, name, country, manager_name, manager_email), or its
    problems (field: message): every problem, not only the first. Used by the console's form,
    the JSON API and the `centres` batch file (services/ingest_centres.py)."""
    from ..domain.locales import organisation_country_problem

    problems: dict[str, str] = {}
    number = _text(data, "centre_number", problems, 10).upper()
    if "centre_number" not in problems and not CENTRE_NUMBER.match(number):
        problems["centre_number"] = "must be 2 to 10 letters or digits"
    name = _text(data, "name", problems)
    country = _text(data, "country", problems, 2).upper()
    if "country" not in problems:
        problem = organisation_country_problem(country)
        if problem:
            problems["country"] = problem
    manager_name = _text(data, "manager_name", problems)
    manager_email = _email(_text(data, "manager_email", problems, 254), "manager_email", problems)
    return ({"centre_number": number, "name": name, "country": country, "manager_name": manager_name,
             "manager_email": manager_email}, problems)


CENTRE_TAKEN = "A centre with this centre number exists already."
EMAIL_TAKEN = "This email address already has an exam centre account."


class Taken(Conflict):
    """The centre number, or the manager's email address, belongs to another centre already."""

    def __init__(self, field: str) -> None:
        super().__init__(CENTRE_TAKEN if field == "centre_number" else EMAIL_TAKEN)
        self.field = field


def add_centre(clean: dict, created_by: str) -> tuple[m.Centre, m.CentreUser]:
    """Store a checked centre (from check_centre) and its manager, an invited user, and email the
    manager a set-password link. Raises Taken, nothing written, when the number or the address
    belongs to another centre."""
    now = clock.iso()
    number = clean["centre_number"]
    manager = store().centres.build_user(random_id(), number, clean["manager_email"], clean["manager_name"],
                                         "manager", now)
    centre = store().centres.build_centre(number, clean["name"], clean["country"], manager, created_at=now,
                                          created_by=created_by)
    taken = store().centres.create(centre, manager)
    if taken:
        raise Taken("centre_number" if taken == "centre_number" else "manager_email")
    invite(manager, centre)
    return centre, manager


def create_centre(data: dict, created_by: str) -> dict:
    """A centre and its manager, from the console's form or the JSON API."""
    clean, problems = check_centre(data)
    if problems:
        raise ValidationError(problems)
    centre, manager = add_centre(clean, created_by)
    return centre_view(centre) | {"manager": user_view(manager)}


def invite(user: m.CentreUser, centre: m.Centre) -> None:
    token = sec.issue_token("centre_password", KIND, user.user_id, SET_PASSWORD_SECONDS)
    mail = messages.centre_invited(user.email, user.name, centre.name, token)
    messages.send_quietly(mail, "centre_invited")


def list_centres(limit: int, cursor: str | None) -> dict:
    page = store().centres.page(limit, cursor)
    return {"centres": [centre_view(c) for c in page.items], "next_cursor": page.next_cursor}


# ---------------------------------------------------------------- sign in, set password
@dataclass(frozen=True)
class CentreActor:
    user: m.CentreUser
    centre: m.Centre
    session_key: str

    @property
    def centre_number(self) -> str:
        return self.centre.centre_number

    @property
    def is_manager(self) -> bool:
        return self.user.role == "manager"

    def require_manager(self) -> None:
        if not self.is_manager:
            raise Forbidden("Only the centre's manager can do this.")


def actor(principal: sec.Principal) -> CentreActor:
    """The centre user behind a centre session (ended when the user was removed)."""
    user = store().centres.user(principal.subject)
    centre = store().centres.get(user.centre_number) if user is not None else None
    if user is None or user.status != "active" or centre is None:
        raise Unauthenticated("The session has ended. Sign in again.")
    return CentreActor(user, centre, principal.session_key)


def login(email: str, password: str) -> dict:
    """The one password check (security.check_password: the same lock-out as everyone's)."""
    key = norm_email(email)
    db = store().centres
    user_id = db.id_for_email(key)
    user = db.user(user_id) if user_id else None
    usable = user is not None and user.status == "active" and user.password_hash
    sec.check_password("centre-login", key, user.password_hash if usable and user else None, password,
                       Unauthenticated(BAD_LOGIN))
    assert user is not None and user.password_hash
    if passwords.needs_rehash(user.password_hash):
        db.rehash_password(user, passwords.hash_password(password))
    return sec.create_session(KIND, user.user_id, SESSION_HOURS)


def set_password(token: str, password: str) -> None:
    """The invitation (or reset) link: single use, ends with any later password change."""
    bad = ValidationError({"token": "this link is not valid, was used already, or has expired"})
    item = sec.peek_token(token, "centre_password")
    if item is None:
        raise bad
    problem = passwords.password_problem(password)
    if problem:
        raise ValidationError({"password": problem})
    user = store().centres.user(item.subject)
    if user is None or not sec.for_credential(item, user.password_hash):
        raise bad
    if sec.consume_token(token, "centre_password") is None:
        raise bad
    if not store().centres.set_password(user, passwords.hash_password(password)):
        raise bad
    sec.end_sessions(KIND, user.user_id)
    sec.clear_attempts("centre-login", norm_email(user.email))


def token_ok(token: str) -> bool:
    return sec.peek_token(token, "centre_password") is not None


# ---------------------------------------------------------------- the manager's colleagues
def list_users(who: CentreActor) -> dict:
    return {"users": [user_view(u) for u in store().centres.users(who.centre_number)]}


def add_user(who: CentreActor, data: dict) -> dict:
    who.require_manager()
    problems: dict[str, str] = {}
    name = _text(data, "name", problems)
    email = _email(_text(data, "email", problems, 254), "email", problems)
    if problems:
        raise ValidationError(problems)
    user = store().centres.build_user(random_id(), who.centre_number, email, name, "user", clock.iso())
    if not store().centres.add_user(user):
        raise Conflict("This email address already has an exam centre account.")
    invite(user, who.centre)
    return user_view(user)


def remove_user(who: CentreActor, user_id: str) -> None:
    who.require_manager()
    user = store().centres.user(user_id)
    if user is None or user.centre_number != who.centre_number:
        raise NotFound("There is no user with that id at your centre.")
    if user.role == "manager":
        raise Forbidden("The centre's manager cannot be removed.")
    store().centres.remove_user(user)
    sec.end_sessions(KIND, user.user_id)


# ---------------------------------------------------------------- candidates
def _status(result: m.Result | None) -> str:
    status = result.status if result is not None else "pending"
    return status if status in ("released", "withdrawn") else "pending"  # held: pending


def _summary(entries: list[m.Entry]) -> dict:
    e = entries[0]
    return {"id_number": e.id_number, "first_name": e.first_name, "family_name": e.family_name,
            "date_of_birth": e.date_of_birth,
            "exams": [{"exam_code": x.exam_code, "exam_date": x.exam_date} for x in entries]}


def search(who: CentreActor, q: str = "", exam_date: str = "", cursor: str | None = None,
           limit: int = 50) -> dict:
    """The centre's candidates: by ID number (one Query of the candidate's partition), else by
    name words and/or exam date (a Query of the centre's index). Grouped by candidate."""
    q = (q or "").strip()[:100]
    exam_date = (exam_date or "").strip()
    if exam_date and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", exam_date):
        raise ValidationError({"exam_date": "must be a date like 2026-06-14"})
    try:
        id_number: str | None = normalise_id_number(q) if q else None
    except ValidationError:
        id_number = None
    if id_number is not None:
        mine = [e for e in store().candidates.entries(id_number) if e.centre_number == who.centre_number
                and (not exam_date or e.exam_date == exam_date)]
        return {"candidates": [_summary(mine)] if mine else [], "next_cursor": None}
    db = store().centres
    wanted = words(q)
    found: list[m.Entry] = []
    # DynamoDB filters a name search after reading a page: read on (a few pages at most) until
    # the page has something to show or the index ends
    for _ in range(SEARCH_READS):
        page = db.entries(who.centre_number, exam_date or None, cursor, limit - len(found),
                          filter_condition=db.name_filter(wanted) if wanted else None)
        found += page.items
        cursor = page.next_cursor
        if len(found) >= limit or not cursor or (found and wanted):
            break
    grouped: dict[str, list[m.Entry]] = {}
    for e in found:
        grouped.setdefault(e.id_number, []).append(e)
    return {"candidates": [_summary(v) for v in grouped.values()], "next_cursor": cursor}


def own_entries(who: CentreActor, id_raw: str) -> list[m.Entry]:
    try:
        id_number = normalise_id_number(id_raw)
    except ValidationError:
        raise NotFound(NO_CANDIDATE) from None
    mine = [e for e in store().candidates.entries(id_number) if e.centre_number == who.centre_number]
    if not mine:
        raise NotFound(NO_CANDIDATE)
    return mine


def candidate(who: CentreActor, id_raw: str) -> dict:
    """One of the centre's candidates: their entries at this centre, each with its result's
    status, and whether they registered and confirmed their email."""
    from .candidate_results import candidate_results

    mine = own_entries(who, id_raw)
    id_number = mine[0].id_number
    results = {r.result_id: r for r in candidate_results(id_number)}
    account = store().candidates.account(id_number)
    reissued = store().centres.secret(id_number)
    out = []
    for e in mine:
        r = results.get(e.result_id)
        status = _status(r)
        exam = exams.get_exam(e.exam_code)
        shown = r if status == "released" else None
        out.append({"result_id": e.result_id, "exam_code": e.exam_code,
                    "exam_name": exam.name if exam else e.exam_code, "exam_date": e.exam_date,
                    "exam_format": e.exam_format, "status": status,
                    "overall_score": int(shown.overall_score) if shown and shown.overall_score is not None
                    else None,
                    "grade": shown.grade if shown else None,
                    "cefr_level": shown.cefr_level if shown else None})
    return {**_summary(mine), "registered": account is not None,
            "email_verified": bool(account and account.email_verified),
            "secret_reissued_at": reissued.issued_at if reissued else None, "entries": out}
