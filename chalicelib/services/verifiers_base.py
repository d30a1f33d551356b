"""Helpers shared by the verifier services: ids, text normalisation, domains, cursors, the
calling organisation user (`Actor`)."""
from __future__ import annotations

import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

from ..adapters import clock
from ..db import models as m
from ..db.repo import get_or_none
from ..domain.errors import Forbidden, Unauthenticated
from . import security as sec


def sortable_id(ts: float | None = None) -> str:
    """A unique id that sorts by creation time (ms), e.g. for sk DL#<id>, newest first."""
    ms = int((clock.now() if ts is None else ts) * 1000)
    return f"{ms:012x}{secrets.token_hex(5)}"


def random_id() -> str:
    return secrets.token_hex(8)


def iso_us(ts: float | None = None) -> str:
    """ISO 8601 UTC to the microsecond: the sort keys of shares (monotonic per process)."""
    dt = datetime.fromtimestamp(clock.now() if ts is None else ts, tz=UTC)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


# ---------------------------------------------------------------- text
_FOLD = str.maketrans({"ł": "l", "ø": "o", "đ": "d", "ß": "ss", "æ": "ae", "œ": "oe", "ı": "i",
                       "þ": "th", "ð": "d"})
_WORD = re.compile(r"[0-9a-z]+")


def fold(text: str) -> str:
    """Lower-case, accents stripped: 'Université' -> 'universite', 'Łódź' -> 'lodz'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return stripped.translate(_FOLD)


def words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


# ---------------------------------------------------------------- domains
def website_domain(website: str) -> str | None:
    """'https://www.Uni.ac.uk/path' -> 'uni.ac.uk'; None when it is not a web address."""
    raw = website.strip()
    if "://" not in raw:
        raw = "https://" + raw
    try:
        host = (urlsplit(raw).hostname or "").lower().rstrip(".")
    except ValueError:
        return None
    host = host.removeprefix("www.")
    if not re.fullmatch(r"[a-z0-9-]+(\.[a-z0-9-]+)+", host):
        return None
    return host


def email_domain(email: str) -> str:
    return email.strip().rpartition("@")[2].lower().rstrip(".")


def in_domain(email: str, domain: str) -> bool:
    d = email_domain(email)
    return d == domain or d.endswith("." + domain)


def parent_domains(domain: str) -> list[str]:
    """'a.b.uni.ac.uk' -> itself and each parent with at least two labels, longest first."""
    labels = domain.split(".")
    return [".".join(labels[i:]) for i in range(len(labels) - 1)]


def norm_email(email: str) -> str:
    return email.strip().lower()


# ---------------------------------------------------------------- the caller
@dataclass(frozen=True)
class Actor:
    user: m.VerifierUser
    org: m.Organisation
    session_key: str

    @property
    def user_id(self) -> str:
        return self.user.user_id

    @property
    def org_id(self) -> str:
        return self.org.org_id

    @property
    def is_primary(self) -> bool:
        return self.user.role == "primary"

    @property
    def audit_actor(self) -> str:
        return f"user:{self.user.user_id}"

    def require_primary(self) -> None:
        if not self.is_primary:
            raise Forbidden("Only the organisation's Primary User can do this.")


def actor(principal: sec.Principal) -> Actor:
    """The organisation user behind a verifier session (two GetItems)."""
    user = get_or_none(m.VerifierUser, m.VUSER + principal.subject, "VUSER")
    if user is None or user.status != "active":
        raise Unauthenticated("The session has ended. Log in again.")
    org = get_or_none(m.Organisation, m.ORG + user.org_id, "ORG")
    if org is None or org.status != "approved":
        raise Unauthenticated("The session has ended. Log in again.")
    return Actor(user, org, principal.session_key)
