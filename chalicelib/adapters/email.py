"""Sending email through SES as a full MIME message (plain text + HTML).

`send_raw_email` keeps the message exactly as built, so the local stack can write the very
bytes SES received to the outbox as an .eml file."""
from __future__ import annotations

from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from .. import config
from .aws import client


@dataclass(frozen=True)
class Email:
    to: str
    subject: str
    text: str
    html: str


def build_mime(mail: Email, sender: str) -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = mail.to
    msg["Subject"] = mail.subject
    msg["Date"] = formatdate(usegmt=True)
    msg["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or "localhost")
    msg.set_content(mail.text)
    msg.add_alternative(mail.html, subtype="html")
    return msg.as_bytes()


def send(mail: Email) -> str:
    """Send one email; returns the SES message id. Raises on failure (callers retry)."""
    sender = config.settings().sender_email
    resp = client("ses").send_raw_email(
        Source=sender, Destinations=[mail.to], RawMessage={"Data": build_mime(mail, sender)}
    )
    return str(resp["MessageId"])
