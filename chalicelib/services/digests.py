"""Daily and weekly digests of new shares, one email per user per period, none when nothing new.

Users who chose a digest are in a sparse index by frequency (db/repos/verifier_users.py). For
each, the organisation's shares newer than the last digest are counted (a COUNT query, no item
read), and the period (daily:<date>, weekly:<ISO year-week>) is written with a
condition before the email goes out, so a second run in the same period sends nothing."""
from __future__ import annotations

from datetime import UTC, datetime

from ..adapters import clock
from ..adapters.ids import iso_us
from ..db import models as m
from ..db.store import store
from . import messages
from .messages import send_quietly

PERIOD_SECONDS = {"daily": 86400, "weekly": 7 * 86400}


def period_key(frequency: str, ts: float) -> str:
    day = datetime.fromtimestamp(ts, tz=UTC).date()
    if frequency == "daily":
        return f"daily:{day.isoformat()}"
    year, week, _ = day.isocalendar()
    return f"weekly:{year}-W{week:02d}"


def run(frequency: str) -> int:
    """Send the `frequency` digests due now; returns the number of emails sent."""
    now = clock.now()
    period = period_key(frequency, now)
    upto = iso_us(now)
    sent = 0
    db = store()
    orgs: dict[str, m.Organisation | None] = {}
    for user in db.verifier_users.digest_subscribers(frequency):
        if user.status != "active" or user.digest_period == period:
            continue
        since = user.digest_until or iso_us(now - PERIOD_SECONDS[frequency])
        count = db.organisations.count_shares(user.org_id, since, upto)
        if not db.verifier_users.mark_digest(user, period, upto):
            continue  # another run sent this period's digest
        if count == 0:
            continue
        if user.org_id not in orgs:
            orgs[user.org_id] = db.organisations.get(user.org_id)
        org = orgs[user.org_id]
        if org is None or org.status != "approved":
            continue
        send_quietly(messages.shares_alert(user.email, user.first_name, org.name, count, frequency,
                                                   messages.language_of(user)), "digest")
        sent += 1
    return sent


def run_due() -> dict[str, int]:
    """Daily digests, and the weekly ones (each user's first run in a new ISO week)."""
    return {f: run(f) for f in ("daily", "weekly")}
