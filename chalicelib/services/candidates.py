"""Candidate use cases: register, verify email, log in, profile, passwords, results."""
from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from ..adapters import clock
from ..db.store import store
from ..domain import exams, passwords
from ..domain.errors import (
    Conflict,
    Forbidden,
    NotFound,
    Unauthenticated,
    ValidationError,
)
from ..domain.ids import check_secret_number, normalise_id_number
from . import messages
from . import security as sec

if TYPE_CHECKING:
    from ..db import models as m

RESETS_PER_HOUR = 3
VERIFY_SECONDS = 72 * 3600
RESET_SECONDS = 3600

WRONG_SECRET = ("We could not match that ID number and Secret number. Check both against "
                "your Confirmation of Entry.")
BAD_LOGIN = "The ID number or password is not correct."
TOO_MANY = sec.TOO_MANY


def _password_or_error(password: str, id_number: str, field: str = "password") -> None:
    problem = passwords.password_problem(password, id_number=id_number)
    if problem:
        raise ValidationError({field: problem})


def _entries(id_number: str) -> list[m.Entry]:
    return store().candidates.entries(id_number)


# ---------------------------------------------------------------- register
def register(data: dict, language: str = "en") -> dict:
    """A candidate's account, from the ID and Secret number of their Confirmation of Entry.
    `language` ("en"/"es", the one in use: the web page's) is what the service writes to them in."""
    problems: dict[str, str] = {}
    id_number = _checked(normalise_id_number, data["id_number"], problems)
    secret = _checked(check_secret_number, data["secret_number"], problems)
    if data["accept_terms"] is not True:
        problems["accept_terms"] = "must be true: accept the terms to register"
    password_problem = passwords.password_problem(data["password"], id_number=id_number)
    if password_problem:
        problems["password"] = password_problem
    if problems:  # every invalid field at once, so a form takes one round, not four
        raise ValidationError(problems)
    assert id_number is not None and secret is not None
    # One path for an unknown ID and a wrong secret: same work, same reply. The guess is
    # counted before it is checked, so concurrent requests cannot check more than 5 (the one
    # lock-out of security.py, as for passwords).
    with sec.login_attempt("register", id_number) as guess:
        expected = sec.secret_number_hash(id_number, secret)
        entries = _entries(id_number)
        # A Secret number reissued by an exam centre replaces the entries' (services/centre_actions.py)
        reissued = store().centres.secret(id_number)
        hashes = [reissued.secret_hash] if reissued is not None else [e.secret_hash for e in entries]
        if not entries or not any(sec.same(h, expected) for h in hashes):
            guess.failed()
            raise Forbidden(WRONG_SECRET)

    first = entries[0]
    account = store().candidates.create_account(
        id_number, email=data["email"].strip(), email_verified=False,
        password_hash=passwords.hash_password(data["password"]),
        first_name=first.first_name, family_name=first.family_name, country=data["country"],
        first_language=data["first_language"], marketing_opt_in=data["marketing_opt_in"],
        created_at=clock.iso(), language=language,
    )
    if account is None:
        raise Conflict("An account already exists for this ID number. Log in, or reset your password.")
    _send_verification(account)
    return {"id_number": id_number, "email": account.email, "email_verified": False}


def _checked(check: Any, value: str, problems: dict[str, str]) -> str | None:
    """`check(value)`, or None with its problem added to `problems`."""
    try:
        return str(check(value))
    except ValidationError as err:
        problems.update(err.fields or {})
        return None


def _send_verification(account: m.CandidateAccount) -> None:
    token = sec.issue_token("verify_email", "candidate", account.id_number, VERIFY_SECONDS,
                            data={"email": account.email})
    messages.send_quietly(messages.verify_email(account.email, account.first_name, token,
                                                messages.language_of(account)), "verify_email")


def resend_verification(id_number: str) -> None:
    account = _account(id_number)
    if not account.email_verified:
        sec.limit_rate("verify-resend", id_number, limit=RESETS_PER_HOUR, window=3600, message=TOO_MANY)
        _send_verification(account)


def verify_email(token: str) -> dict:
    item = sec.consume_token(token, "verify_email")
    if item is None:
        raise ValidationError({"token": "this link is not valid, was used already, or has expired"})
    account = store().candidates.account(item.subject)
    if account is None or (item.data or {}).get("email") != account.email:
        raise ValidationError({"token": "this link is for an email address the account no longer uses"})
    store().candidates.update(account, email_verified=True)
    return {"email_verified": True}


# ---------------------------------------------------------------- sessions
def login(id_raw: str, password: str) -> dict:
    id_number = normalise_id_number(id_raw)
    account = store().candidates.account(id_number)
    sec.check_password("login", id_number, account.password_hash if account else None, password,
                       Unauthenticated(BAD_LOGIN))
    assert account is not None
    if passwords.needs_rehash(account.password_hash):
        store().candidates.update(account, password_hash=passwords.hash_password(password))
    return sec.create_session("candidate", id_number)


# ---------------------------------------------------------------- profile
def _account(id_number: str) -> m.CandidateAccount:
    account = store().candidates.account(id_number)
    if account is None:  # the session outlived the account
        raise Unauthenticated("The session has ended. Log in again.")
    return account


def profile(account: m.CandidateAccount) -> dict:
    return {
        "id_number": account.id_number, "first_name": account.first_name,
        "family_name": account.family_name, "email": account.email,
        "email_verified": bool(account.email_verified), "country": account.country,
        "first_language": account.first_language, "marketing_opt_in": bool(account.marketing_opt_in),
    }


def get_profile(id_number: str) -> dict:
    return profile(_account(id_number))


def update_profile(id_number: str, data: dict, language: str | None = None) -> dict:
    """Change the details in `data`; `language` (the web page's, when given) becomes the one the
    service writes to the candidate in."""
    account = _account(id_number)
    changes = {name: data[name] for name in ("country", "first_language", "marketing_opt_in") if name in data}
    if language:
        changes["language"] = language
    old_email = account.email
    new_email: str = data.get("email", "").strip()
    changing_email = "email" in data and new_email.lower() != old_email.lower()
    if changing_email:
        if "current_password" not in data:
            raise ValidationError({"current_password": "is required to change the email address"})
        _check_current_password(account, data["current_password"])
        changes |= {"email": new_email, "email_verified": False}
    elif "current_password" in data and "email" not in data:
        raise ValidationError({"current_password": "is only needed when the email address changes"})
    store().candidates.update(account, **changes)
    if changing_email:
        _send_verification(account)
        messages.send_quietly(messages.email_changed_notice(old_email, account.first_name,
                                                            messages.language_of(account)), "email_changed")
    return profile(account)


def _check_current_password(account: m.CandidateAccount, password: str) -> None:
    sec.check_password("login", account.id_number, account.password_hash, password,
                       ValidationError({"current_password": "is not the current password"}))


def change_password(principal: sec.Principal, current: str, new: str) -> None:
    account = _account(principal.subject)
    _check_current_password(account, current)
    _password_or_error(new, account.id_number, "new_password")
    store().candidates.update(account, password_hash=passwords.hash_password(new))
    sec.end_sessions("candidate", account.id_number, keep=principal.session_key)
    messages.send_quietly(messages.password_changed(account.email, account.first_name,
                                                    messages.language_of(account)), "password_changed")


def _reset_email_hash(email: str) -> str:
    return sec.keyed_hash("reset-email", email.strip().lower())


def request_password_reset(id_raw: str, email: str) -> None:
    """Always the same reply, after the same work: whatever the account, the request is counted
    and one job is queued; the worker decides whether an email goes out. (Looking the account
    up and sending here would make a known account's reply measurably slower.) The job holds a
    keyed hash of the address, not the address."""
    from .. import config
    from ..adapters import queue

    id_number = normalise_id_number(id_raw)
    sec.limit_rate("reset", id_number, limit=RESETS_PER_HOUR, window=3600, message=TOO_MANY)
    queue.send(config.WORK_QUEUE, {"kind": "password_reset", "id_number": id_number,
                                   "email_hash": _reset_email_hash(email)})


def send_password_reset(id_number: str, email_hash: str) -> bool:
    """The worker's half: an email with a reset link when ID and email match an account."""
    account = store().candidates.account(id_number)
    if account is None or not sec.same(_reset_email_hash(account.email), email_hash):
        return False
    token = sec.issue_token("password_reset", "candidate", id_number, RESET_SECONDS,
                            data={"cred": sec.credential_tag(account.password_hash)})
    from ..adapters import email as mailer

    mailer.send(messages.password_reset(account.email, account.first_name, token,
                                        language=messages.language_of(account)))
    return True


def confirm_password_reset(token: str, new_password: str) -> None:
    """A reset link works once, for an hour, and only while the password is the one it was
    issued for: any later reset or change ends it (security.credential_tag). The new password
    is written on condition that the old one is still there (two links used at once: one
    wins). It ends every session, and the login lock-out: the owner proved who they are."""
    bad = ValidationError({"token": "this link is not valid, was used already, or has expired"})
    item = sec.peek_token(token, "password_reset")
    if item is None:
        raise bad
    _password_or_error(new_password, item.subject, "new_password")
    account = store().candidates.account(item.subject)
    if account is None or not sec.for_credential(item, account.password_hash):
        raise bad
    if sec.consume_token(token, "password_reset") is None:
        raise bad
    if not store().candidates.replace_password(account, passwords.hash_password(new_password)):
        raise bad
    sec.end_sessions("candidate", account.id_number)
    sec.clear_attempts("login", account.id_number)


# ---------------------------------------------------------------- results
def pending_result(entry: m.Entry) -> dict:
    exam = exams.get_exam(entry.exam_code)
    start, end = exams.expected_release_window(entry.exam_format, date.fromisoformat(entry.exam_date))
    return {
        "result_id": entry.result_id, "exam_code": entry.exam_code,
        "exam_name": exam.name if exam else entry.exam_code, "exam_date": entry.exam_date,
        "exam_format": entry.exam_format, "status": "pending", "overall_score": None, "grade": None,
        "cefr_level": None, "components": [], "reference_number": None, "released_at": None,
        "expected_release": {"from": start.isoformat(), "to": end.isoformat()},
    }


def _released(id_number: str) -> dict[str, m.Result]:
    """Released results by result id, the same as their entry's (a held result stays pending)."""
    from .candidate_results import candidate_results

    return {r.result_id: r for r in candidate_results(id_number) if r.status == "released"}


def list_results(id_number: str) -> dict:
    from .candidate_results import result_view

    released = _released(id_number)
    off = lookup_off(id_number)
    items = sorted(_entries(id_number), key=lambda e: (e.exam_date, e.exam_code), reverse=True)
    out = [(result_view(released[e.result_id]) if e.result_id in released else pending_result(e))
           | {"lookup_enabled": e.result_id not in off} | _check(released.get(e.result_id)) for e in items]
    return {"results": out}


def _check(r: m.Result | None) -> dict:
    """The result's check link (services/check_codes.py); a pending result has none yet."""
    from .check_codes import link_state

    return link_state(r) if r is not None else {"check_enabled": True, "check_code": None, "check_url": None}


def get_result(id_number: str, rid: str) -> dict:
    from .candidate_results import result_view

    released = _released(id_number)
    for entry in _entries(id_number):
        if entry.result_id == rid:
            view = result_view(released[rid]) if rid in released else pending_result(entry)
            return view | {"lookup_enabled": rid not in lookup_off(id_number)} | _check(released.get(rid))
    raise NotFound("There is no result with that id on your account.")


def set_lookup(id_number: str, rid: str, enabled: bool) -> dict:
    """Let organisations find this result by reference number + date of birth, or not (on by
    default). Shares are not affected. One atomic set add/delete on the candidate's LOOKUP item."""
    if not any(e.result_id == rid for e in _entries(id_number)):
        raise NotFound("There is no result with that id on your account.")
    store().candidates.set_lookup(id_number, rid, enabled)
    return get_result(id_number, rid)


def lookup_off(id_number: str) -> set[str]:
    return store().candidates.lookup_off(id_number)


def statement_url(id_number: str, rid: str) -> str:
    from .candidate_results import statement_url as url

    return url(id_number, rid)
