"""Email addresses and website domains: an organisation is its website's domain, and its users'
addresses must be at that domain (or one of its subdomains).

Pure functions, standard library only."""
from __future__ import annotations

import re
from urllib.parse import urlsplit


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


def norm_email(email: str) -> str:
    """The form an address is looked up by: trimmed, lower-case."""
    return email.strip().lower()


def email_domain(email: str) -> str:
    return email.strip().rpartition("@")[2].lower().rstrip(".")


def in_domain(email: str, domain: str) -> bool:
    d = email_domain(email)
    return d == domain or d.endswith("." + domain)


def parent_domains(domain: str) -> list[str]:
    """'a.b.uni.ac.uk' -> itself and each parent with at least two labels, longest first."""
    labels = domain.split(".")
    return [".".join(labels[i:]) for i in range(len(labels) - 1)]
