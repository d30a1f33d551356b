"""Daily and weekly digests: one email per user per period, none when nothing is new."""
from __future__ import annotations

import pytest

from chalicelib.adapters import clock
from chalicelib.adapters.ids import iso_us
from chalicelib.db import models as m
from chalicelib.db.store import store
from chalicelib.services import digests
from chalicelib.services import verifier_users as vu
from chalicelib.services.actor import actor
from tests.service import verifier_world


@pytest.fixture
def world(monkeypatch):
    return verifier_world.install(monkeypatch)


@pytest.fixture
def primary(world):
    return verifier_world.approved_org(world)


def shared(org_id: str, n: int, ago: float = 60) -> None:
    """A share with the organisation, `ago` seconds ago (the organisation's list's sort key)."""
    at = iso_us(clock.now() - ago)
    store().table.put(m.Share(
        f"SHARE#s{n}", "SHARE", share_id=f"s{n}", org_id=org_id, organisation_name="Org",
        id_number="SIR000001",
        result_pk="CAND#SIR000001", result_sk="RESULT#x", result_id="B2FIRST-20260614", first_name="Ana",
        family_name="Diaz", exam_code="B2FIRST", exam_name="B2 First", search="ana diaz", shared_at=at,
        gsi1pk=m.ORG_SHARES + org_id, gsi1sk=f"{at}#s{n}", gsi2pk="CANDSHARES#SIR000001",
        gsi2sk=f"{at}#s{n}"))


def test_one_digest_per_user_per_period_none_when_nothing_is_new(world, primary):
    # Given a daily user, an "off" user and an "immediate" user of one organisation, and two new shares
    vu.set_frequency(primary, "daily")
    for email, frequency in (("off@usal.es", "off"), ("now@usal.es", "immediate")):
        made = vu.add_user(primary, {"email": email, "first_name": "X", "family_name": "Y", "job_title": "Z"})
        vu.set_password(world.token_for(made["user_id"]), "a long enough passphrase 42")
        vu.set_frequency(actor(world.principal(made["user_id"])), frequency)
    shared(primary.org_id, 1)
    shared(primary.org_id, 2)
    shared("another-org", 3)
    world.mails.clear()
    # When the daily digests run, twice in the same day
    assert digests.run("daily") == 1
    assert digests.run("daily") == 0
    # Then the daily user had one email counting the organisation's two shares
    assert [mail.to for mail in world.mails] == ["ana@usal.es"]
    assert "2 new results were shared" in world.mails[0].text
    # And the next day, with nothing new, nobody is written to
    clock.advance(86400)
    assert digests.run("daily") == 0
    # But a share after that is in the following day's digest, alone
    clock.advance(3600)
    shared(primary.org_id, 4)
    clock.advance(86400)
    assert digests.run("daily") == 1
    assert "1 new result was shared" in world.mails[-1].text


def test_weekly_digests_and_who_gets_none(world, primary):
    # Given a weekly user and an invited (not yet active) weekly user, and a new share
    vu.set_frequency(primary, "weekly")
    invited = vu.add_user(primary, {"email": "inv@usal.es", "first_name": "X", "family_name": "Y",
                                    "job_title": "Z"})
    store().verifier_users.set_frequency(store().verifier_users.get(invited["user_id"]), "weekly")
    shared(primary.org_id, 1, ago=3 * 86400)
    world.mails.clear()
    # When the digests due run
    assert digests.run_due() == {"daily": 0, "weekly": 1}
    # Then only the active user is written to, once in the week
    assert [mail.to for mail in world.mails] == ["ana@usal.es"]
    assert digests.run_due() == {"daily": 0, "weekly": 0}
    period = store().verifier_users.get(primary.user_id).digest_period
    assert period == digests.period_key("weekly", clock.now())


def test_a_share_older_than_the_period_is_not_new(world, primary):
    vu.set_frequency(primary, "daily")
    shared(primary.org_id, 1, ago=2 * 86400)
    world.mails.clear()
    assert digests.run("daily") == 0 and world.mails == []


def test_period_keys():
    ts = 1781395200.0  # 2026-06-14, a Sunday: ISO week 24
    assert digests.period_key("daily", ts) == "daily:2026-06-14"
    assert digests.period_key("weekly", ts) == "weekly:2026-W24"
