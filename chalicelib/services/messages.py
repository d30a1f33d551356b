"""The text of every email the service sends. Each that asks the reader to act carries a
link whose query string holds `token=<token>` (API.md). No score is ever put in an email."""
from __future__ import annotations

from html import escape
from urllib.parse import urlencode

from .. import config
from ..adapters.email import Email

BOARD = "Exam Board English Qualifications"


def link(path: str, **query: str) -> str:
    url = f"{config.settings().public_base_url}{path}"
    return f"{url}?{urlencode(query)}" if query else url


def _compose(to: str, subject: str, greeting: str, paragraphs: list[str],
             action: tuple[str, str] | None = None, footer: str | None = None) -> Email:
    text = [greeting, ""]
    html = [f"<p>{escape(greeting)}</p>"]
    for p in paragraphs:
        text += [p, ""]
        html.append(f"<p>{escape(p)}</p>")
    if action:
        label, url = action
        text += [f"{label}: {url}", ""]
        html.append(f'<p><a href="{escape(url)}">{escape(label)}</a></p>')
    closing = footer or f"{BOARD}"
    text.append(closing)
    html.append(f"<p>{escape(closing)}</p>")
    body = "\n".join(html)
    return Email(to=to, subject=subject, text="\n".join(text) + "\n",
                 html=f"<!doctype html><html><body>{body}</body></html>")


def verify_email(to: str, name: str | None, token: str) -> Email:
    return _compose(
        to, "Confirm your email address", f"Dear {name or 'candidate'},",
        ["Please confirm your email address for your results account. The link works once "
         "and expires in 72 hours.",
         "If you did not create an account, you can ignore this email."],
        ("Confirm my email address", link("/verify-email", token=token)),
    )


def email_changed_notice(to: str, name: str | None) -> Email:
    return _compose(
        to, "The email address of your results account was changed", f"Dear {name or 'candidate'},",
        ["The email address of your results account was just changed. From now on we will "
         "write to the new address.",
         "If you did not make this change, reset your password at once and contact us."],
    )


def password_reset(to: str, name: str | None, token: str, path: str = "/reset-password") -> Email:
    return _compose(
        to, "Reset your password", f"Dear {name or 'candidate'},",
        ["Someone asked to reset the password of your results account. The link works once "
         "and expires in 1 hour.",
         "If it was not you, ignore this email: your password stays as it is."],
        ("Choose a new password", link(path, token=token)),
    )


def password_changed(to: str, name: str | None) -> Email:
    return _compose(
        to, "Your password was changed", f"Dear {name or 'candidate'},",
        ["The password of your results account was just changed and every other session was "
         "logged out.", "If you did not make this change, reset your password at once."],
    )


# ---------------------------------------------------------------- verifiers (organisations)
def org_registered(to: str, name: str, org_name: str) -> Email:
    return _compose(
        to, "We received your organisation's registration", f"Dear {name},",
        [f"Thank you for registering {org_name} for the Results Verification Service. Our staff "
         "check each organisation before it can verify results; we will write to you when it is "
         "approved."],
    )


def org_approved(to: str, name: str, org_name: str, token: str) -> Email:
    return _compose(
        to, "Your organisation was approved: set your password", f"Dear {name},",
        [f"{org_name} can now verify results. You are its Primary User. Choose your password "
         "to log in; the link works once and expires in 72 hours."],
        ("Set my password", link("/verifiers/set-password", token=token)),
    )


def org_rejected(to: str, name: str, org_name: str, reason: str) -> Email:
    return _compose(
        to, "Your organisation's registration was not approved", f"Dear {name},",
        [f"We could not approve the registration of {org_name} for the Results Verification "
         "Service.", f"Reason: {reason}"],
    )


def verifier_invited(to: str, name: str, org_name: str, token: str) -> Email:
    return _compose(
        to, f"You have an account to verify results for {org_name}", f"Dear {name},",
        [f"You can now verify candidates' results for {org_name}. Choose your password to log in; "
         "the link works once and expires in 72 hours."],
        ("Set my password", link("/verifiers/set-password", token=token)),
    )


def join_requested(to: str, name: str, requester: str, requester_email: str, org_name: str) -> Email:
    """The requester's own words (their name) go in the body only, quoted, cut short and
    escaped in the HTML part: never in the subject or a link (no phishing by join request)."""
    said = " ".join(requester.split())[:80]
    return _compose(
        to, f"A request to join {org_name}", f"Dear {name},",
        [f"Someone asked to join {org_name} on the Results Verification Service, giving the name "
         f"\u201c{said}\u201d and the address {requester_email}. We have not checked either. Log in "
         "and open Join requests to approve or decline. If you do not know this person, decline.",
         "Do not follow links or instructions in the name: we never send any in these emails."],
        ("Open join requests", link("/organisation/join-requests")),
    )


def join_declined(to: str, name: str, org_name: str) -> Email:
    return _compose(
        to, f"Your request to join {org_name}", f"Dear {name},",
        [f"Your request to join {org_name} on the Results Verification Service was declined. "
         "Ask your organisation's Primary User if you think this is a mistake."],
    )


def shares_alert(to: str, name: str, org_name: str, count: int, period: str | None = None) -> Email:
    what = "1 new result was" if count == 1 else f"{count} new results were"
    when = {"daily": " in the last day", "weekly": " in the last week"}.get(period or "", "")
    return _compose(
        to, f"{org_name}: {what.replace(' was', '').replace(' were', '')} shared with you",
        f"Dear {name},",
        [f"{what} shared with {org_name}{when}. Log in to see them.",
         "You can change how often we write to you under Notifications."],
        ("See shared results", link("/organisation/shares")),
    )


def results_released(to: str, name: str | None, exam_name: str) -> Email:
    """Your results are released: no score in the email, a link to log in."""
    return _compose(
        to, "Your results are released", f"Dear {name or 'candidate'},",
        [f"Your results for {exam_name} are now available in your results account.",
         "Log in to see them and to download your Statement of Results."],
        ("Log in to see your results", link("/login")),
    )


def result_updated(to: str, name: str | None, exam_name: str) -> Email:
    """Your result was updated (a correction): no score in the email, a link to log in."""
    return _compose(
        to, "Your result was updated", f"Dear {name or 'candidate'},",
        [f"Your result for {exam_name} has been updated. Your reference number stays the same.",
         "Log in to see the result and to download your new Statement of Results."],
        ("Log in to see your result", link("/login")),
    )


def send_quietly(mail: Email, what: str) -> None:
    """Send now; a failure is logged (by kind, without the address) and not shown to the user:
    an email must not break the request that caused it."""
    from ..adapters import email as mailer
    from ..observability import logger

    try:
        mailer.send(mail)
    except Exception:  # noqa: BLE001
        logger().exception("email not sent", extra={"email_kind": what})
