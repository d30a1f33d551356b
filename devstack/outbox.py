"""Every email sent through moto's SES, written as an RFC 822 `.eml` file (the local outbox).

moto keeps sent mail in memory (`moto.ses.models.ses_backends[account][region].sent_messages`);
a thread polls it (~200 ms) and writes each new message once as
`<UTC timestamp>-<message id>.eml` into `$OUTBOX_DIR` (default `.local/outbox`). Raw messages
(`send_raw_email`, which the app uses) are written exactly as sent; `send_email` and templated
messages get a minimal RFC 822 rendering.

For tests: `read_outbox(dir)` and `find_link_token(msg)`; `Outbox(dir).flush()` also works
in-process under `moto.mock_aws`.
"""
from __future__ import annotations

import datetime as dt
import email
import email.policy
import email.utils
import logging
import os
import re
import threading
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

log = logging.getLogger("devstack.outbox")

DEFAULT_OUTBOX_DIR = ".local/outbox"
_LINK = re.compile(r"""https?://[^\s"'<>]+""")


def outbox_dir() -> Path:
    return Path(os.environ.get("OUTBOX_DIR") or DEFAULT_OUTBOX_DIR)


def _sent_messages() -> list[Any]:
    from moto.ses.models import ses_backends

    out: list[Any] = []
    for account in list(ses_backends.values()):
        for backend in list(account.values()):
            out.extend(list(backend.sent_messages))
    return out


def _compose(msg: Any) -> bytes:
    """A minimal RFC 822 message for mail that was not sent raw."""
    m = EmailMessage()
    m["From"] = msg.source
    destinations = msg.destinations or {}
    if isinstance(destinations, dict):
        for header, key in (("To", "ToAddresses"), ("Cc", "CcAddresses"), ("Bcc", "BccAddresses")):
            if destinations.get(key):
                m[header] = ", ".join(destinations[key])
    elif isinstance(destinations, list):
        flat = [d for item in destinations for d in (item.get("Destination", {}).get("ToAddresses", [])
                                                         if isinstance(item, dict) else [item])]
        if flat:
            m["To"] = ", ".join(flat)
    m["Message-ID"] = f"<{_message_id(msg)}@local.outbox>"
    m["Date"] = email.utils.format_datetime(dt.datetime.now(dt.UTC))
    if hasattr(msg, "template"):
        m["Subject"] = f"[template {msg.template}]"
        m.set_content(str(msg.template_data))
    else:
        m["Subject"] = msg.subject or ""
        body = msg.body or ""
        if re.search(r"<(html|body|p|a|div|br)\b", body, re.IGNORECASE):
            m.set_content(body, subtype="html")
        else:
            m.set_content(body)
    return m.as_bytes(policy=email.policy.SMTP)


def _message_id(msg: Any) -> str:
    return str(getattr(msg, "id", None) or (getattr(msg, "ids", None) or ["unknown"])[0])


def _safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "_", text)


class Outbox:
    """Writes moto's sent mail to `directory`, each message once."""

    def __init__(self, directory: str | Path | None = None, interval: float = 0.2) -> None:
        self.directory = Path(directory) if directory is not None else outbox_dir()
        self.directory.mkdir(parents=True, exist_ok=True)
        self.interval = interval
        self._written: set[int] = set()  # id() of moto's message objects already written
        self._keep: list[Any] = []  # keeps those objects alive so their id() stays unique
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def flush(self) -> list[Path]:
        """Write every message not written yet; returns the new files."""
        new: list[Path] = []
        with self._lock:
            for msg in _sent_messages():
                if id(msg) in self._written:
                    continue
                self._written.add(id(msg))
                self._keep.append(msg)
                try:
                    raw = getattr(msg, "raw_data", None)
                    data = raw.encode("utf-8") if isinstance(raw, str) else raw if raw else _compose(msg)
                    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S.%fZ")
                    path = self.directory / f"{stamp}-{_safe(_message_id(msg))}.eml"
                    tmp = path.with_suffix(".eml.tmp")
                    tmp.write_bytes(data)
                    tmp.replace(path)  # readers never see half a file
                    new.append(path)
                except Exception:
                    log.exception("could not write a sent message to the outbox")
        return new

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="outbox", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5)
        self.flush()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.flush()
            except Exception:
                log.exception("outbox poll failed")


# ------------------------------------------------------------------ test helpers
def read_outbox(directory: str | Path | None = None) -> list[EmailMessage]:
    """Every `.eml` in the outbox, oldest first (file names start with the UTC time)."""
    d = Path(directory) if directory is not None else outbox_dir()
    if not d.is_dir():
        return []
    out = []
    for path in sorted(d.glob("*.eml")):
        msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        assert isinstance(msg, EmailMessage)
        out.append(msg)
    return out


def text_of(msg: EmailMessage) -> str:
    """The text/plain part (else the HTML part) of a message, decoded."""
    part = msg.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    content = part.get_content()
    return content if isinstance(content, str) else content.decode("utf-8", "replace")


def find_link_token(msg: EmailMessage) -> str | None:
    """The `token=` query value of the first link carrying one in the text part."""
    for url in _LINK.findall(text_of(msg)):
        values = parse_qs(urlparse(url.rstrip(".,;)")).query).get("token")
        if values:
            return values[0]
    return None
