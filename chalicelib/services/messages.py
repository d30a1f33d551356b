"""The emails the service sends, each in the reader's language (`language`: "en" or "es"; the
candidate's or verifier user's `language`, see `language_of`). Words and looks are in
chalicelib/emails/ (a Jinja2 template per email, HTML with the board's identity plus a
plain-text twin, the "emails" gettext catalogue). Each email that asks the reader to act carries
a link to a page of PUBLIC_BASE_URL (PAGES.md); the ones with a token carry `token=<token>` in
its query string (API.md). No score is ever put in an email."""
from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from .. import config
from ..adapters.email import Email

BOARD = "Exam Board English Qualifications"

# The pages the emails' links open (PAGES.md entry paths and the pages they lead to)
VERIFY_EMAIL_PAGE = "/verify-email"
RESET_PASSWORD_PAGE = "/reset-password"
SET_PASSWORD_PAGE = "/organisations/set-password"
CANDIDATE_SIGN_IN_PAGE = "/sign-in"
CANDIDATE_RESULTS_PAGE = "/results"  # signed out: its sign-in comes first
ORGANISATIONS_PAGE = "/organisations"
BOARD_ORGANISATIONS_PAGE = "/board/organisations"
CENTRE_SET_PASSWORD_PAGE = "/centres/set-password"
ORG_SHARED_RESULTS_PAGE = "/organisations/shared-results"  # signed out: its sign-in comes first
# Older callers name the JSON endpoint a token is posted to; the email opens its page instead.
_PAGE_OF = {"/verifiers/set-password": SET_PASSWORD_PAGE, "/candidates/password-reset": RESET_PASSWORD_PAGE}


def link(path: str, **query: str) -> str:
    url = f"{config.settings().public_base_url}{path}"
    return f"{url}?{urlencode(query)}" if query else url


def language_of(account: Any) -> str:
    """The language to write to an account in: its `language` (the one in use when the person
    registered or last changed their details), English when it has none."""
    from ..emails import language

    return language(getattr(account, "language", None))


def _compose(to: str, kind: str, language: str | None, **values: Any) -> Email:
    from ..emails import render

    out = render(kind, language, **values)
    return Email(to=to, subject=out.subject, text=out.text, html=out.html)


def verify_email(to: str, name: str | None, token: str, language: str | None = None) -> Email:
    return _compose(to, "verify_email", language, name=name, url=link(VERIFY_EMAIL_PAGE, token=token))


def email_changed_notice(to: str, name: str | None, language: str | None = None) -> Email:
    return _compose(to, "email_changed_notice", language, name=name)


def password_reset(to: str, name: str | None, token: str, path: str = RESET_PASSWORD_PAGE,
                   language: str | None = None) -> Email:
    """`path`: the page that takes the token (candidates: /reset-password; verifier users:
    /organisations/set-password)."""
    page = _PAGE_OF.get(path, path)
    return _compose(to, "password_reset", language, name=name, url=link(page, token=token))


def password_changed(to: str, name: str | None, language: str | None = None) -> Email:
    return _compose(to, "password_changed", language, name=name)


# ---------------------------------------------------------------- verifiers (organisations)
def org_registered(to: str, name: str, org_name: str, language: str | None = None) -> Email:
    return _compose(to, "org_registered", language, name=name, org_name=org_name)


def org_pending_staff(to: str, org: dict, applicant: dict) -> Email:
    """To the exam board's staff (STAFF_ALERT_EMAIL), in English: an organisation waits for
    approval, with who applied; the link opens the board's organisations page."""
    return _compose(to, "org_pending_staff", "en", name="results team", org=org, applicant=applicant,
                    url=link(BOARD_ORGANISATIONS_PAGE))


def org_approved(to: str, name: str, org_name: str, token: str, language: str | None = None) -> Email:
    return _compose(to, "org_approved", language, name=name, org_name=org_name,
                    url=link(SET_PASSWORD_PAGE, token=token))


def org_rejected(to: str, name: str, org_name: str, reason: str, language: str | None = None) -> Email:
    return _compose(to, "org_rejected", language, name=name, org_name=org_name, reason=reason)


def verifier_invited(to: str, name: str, org_name: str, token: str, language: str | None = None) -> Email:
    return _compose(to, "verifier_invited", language, name=name, org_name=org_name,
                    url=link(SET_PASSWORD_PAGE, token=token))


def centre_invited(to: str, name: str, centre_name: str, token: str, language: str | None = None) -> Email:
    """An exam centre's user: choose a password (the link works once, for 72 hours)."""
    return _compose(to, "centre_invited", language, name=name, centre_name=centre_name,
                    url=link(CENTRE_SET_PASSWORD_PAGE, token=token))


def join_requested(to: str, name: str, requester: str, requester_email: str, org_name: str,
                   language: str | None = None) -> Email:
    """The requester's own words (their name) go in the body only, quoted, cut short and
    escaped in the HTML part: never in the subject or a link (no phishing by join request)."""
    said = " ".join(requester.split())[:80]
    return _compose(to, "join_requested", language, name=name, org_name=org_name,
                    requester_email=requester_email, said=f"\u201c{said}\u201d", url=link(ORGANISATIONS_PAGE))


def join_declined(to: str, name: str, org_name: str, language: str | None = None) -> Email:
    return _compose(to, "join_declined", language, name=name, org_name=org_name)


def shares_alert(to: str, name: str, org_name: str, count: int, period: str | None = None,
                 language: str | None = None) -> Email:
    return _compose(to, "shares_alert", language, name=name, org_name=org_name, count=count,
                    period=period or "", url=link(ORG_SHARED_RESULTS_PAGE))


def results_released(to: str, name: str | None, exam_name: str, language: str | None = None) -> Email:
    """Your results are released: no score in the email, a link to sign in."""
    return _compose(to, "results_released", language, name=name, exam_name=exam_name,
                    url=link(CANDIDATE_SIGN_IN_PAGE))


def result_updated(to: str, name: str | None, exam_name: str, language: str | None = None) -> Email:
    """Your result was updated (a correction): no score in the email, a link to sign in."""
    return _compose(to, "result_updated", language, name=name, exam_name=exam_name,
                    url=link(CANDIDATE_SIGN_IN_PAGE))


def result_withdrawn(to: str, name: str | None, exam_name: str, language: str | None = None) -> Email:
    """The exam board withdrew your result: no reason or score in the email, a link to sign in."""
    return _compose(to, "result_withdrawn", language, name=name, exam_name=exam_name,
                    url=link(CANDIDATE_SIGN_IN_PAGE))


# ---------------------------------------------------------------- invitations (services/invitations.py)
def org_invitation(to: str, candidate_first_name: str | None, language: str | None = None) -> Email:
    """To an organisation a candidate could not find: register to receive results. The
    candidate's first name only, never a result; the link opens the organisations' start page."""
    return _compose(to, "org_invitation", language, name=None, to_organisation=True,
                    candidate=candidate_first_name or "", url=link(ORGANISATIONS_PAGE))


def invited_org_approved(to: str, name: str | None, org_name: str, language: str | None = None) -> Email:
    """To a candidate who invited an organisation: it is approved, you can share with it now."""
    return _compose(to, "invited_org_approved", language, name=name, org_name=org_name,
                    url=link(CANDIDATE_RESULTS_PAGE))


def send_quietly(mail: Email, what: str) -> None:
    """Send now; a failure is logged (by kind, without the address) and not shown to the user:
    an email must not break the request that caused it."""
    from ..adapters import email as mailer
    from ..observability import logger

    try:
        mailer.send(mail)
    except Exception:  # noqa: BLE001
        logger().exception("email not sent", extra={"email_kind": what})
