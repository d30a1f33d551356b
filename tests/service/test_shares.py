"""Sharing a result with an organisation, and the organisation's side of it, on the in-memory table."""
from __future__ import annotations

import pytest

from chalicelib.adapters import clock
from chalicelib.domain.errors import NotFound, RateLimited, ValidationError
from chalicelib.services import audit, shares

from .sharing_kit import put_org, put_result, unmigrated  # noqa: F401 - fixture

CAND = "X1234567"


@pytest.fixture
def world(unmigrated, actor):  # noqa: F811
    """Organisation o1 (the actor's) and o2, approved; one released result of the candidate."""
    unmigrated.put(actor.org)
    put_org(unmigrated, "o2")
    return put_result(unmigrated, CAND)


def share(result, org_id: str = "o1") -> dict:
    return shares.share(CAND, result.result_id, org_id)


def test_share_and_reshare_give_the_same_share(world, memory_store):
    # Given a released result
    # When the candidate shares it with o1 twice
    first = share(world)
    again = share(world)
    # Then one share exists, and the second reply is the first share
    assert again == first
    assert first["org_id"] == "o1" and first["result_id"] == world.result_id and first["viewed_at"] is None
    assert sum(1 for k in memory_store.items if k[0].startswith("SHARE#")) == 1


def test_a_share_made_at_the_same_moment_gets_the_reshare_reply(world, monkeypatch):
    # Given a share that another request writes between this request's read and its write
    from chalicelib.db.store import store

    made = share(world)
    real_get = store().shares.get
    monkeypatch.setattr(store().shares, "get", lambda sid, consistent=False: None if not consistent
                        else real_get(sid, consistent=True))
    # When this request writes the same share
    reply = share(world)
    # Then its conditional write loses and the reply is the share that won (not an error)
    assert reply == made


def test_only_released_verifiable_results_of_ones_own_account_can_be_shared(world, unmigrated):  # noqa: F811
    held = put_result(unmigrated, CAND, exam_code="C1ADV", status="held")
    young = put_result(unmigrated, CAND, exam_code="PREA1")
    with pytest.raises(NotFound):
        shares.share(CAND, held.result_id, "o1")
    with pytest.raises(NotFound):
        shares.share("OTHER999", world.result_id, "o1")
    with pytest.raises(NotFound):
        shares.share(CAND, "not-a-result-id", "o1")
    with pytest.raises(ValidationError):
        shares.share(CAND, young.result_id, "o1")
    with pytest.raises(NotFound):  # an organisation that does not exist
        shares.share(CAND, world.result_id, "o9")


def test_revoke_ends_the_organisations_access_at_once(world, actor):
    # Given a share the organisation can open
    made = share(world)
    assert shares.share_detail(actor, made["share_id"])["share_id"] == made["share_id"]
    # When the candidate revokes it
    shares.revoke(CAND, made["share_id"])
    # Then the organisation neither opens nor lists it, and revoking again is not found
    with pytest.raises(NotFound):
        shares.share_detail(actor, made["share_id"])
    assert shares.org_shares(actor, 10, None)["shares"] == []
    with pytest.raises(NotFound):
        shares.revoke(CAND, made["share_id"])


def test_only_the_candidate_revokes(world):
    made = share(world)
    with pytest.raises(NotFound):
        shares.revoke("OTHER999", made["share_id"])


def test_another_organisations_share_is_not_found(world, actor):
    # Given a share with o2
    made = share(world, "o2")
    # When o1 asks for it, its statement, or lists its shares
    with pytest.raises(NotFound):
        shares.share_detail(actor, made["share_id"])
    with pytest.raises(NotFound):
        shares.share_statement(actor, made["share_id"])
    # Then nothing of it shows
    assert shares.org_shares(actor, 10, None)["shares"] == []


def _many(unmigrated, n: int, **names) -> list[dict]:  # noqa: F811
    made = []
    for i in range(n):
        clock.advance(1)
        r = put_result(unmigrated, f"C{i:07d}", **names)
        made.append(shares.share(r.id_number, r.result_id, "o1"))
    return made


def test_lists_are_newest_first_and_page_with_a_sealed_cursor(world, actor, unmigrated):  # noqa: F811
    # Given five shares made one second apart
    made = _many(unmigrated, 5)
    # When the organisation pages two at a time
    seen, cursor = [], None
    while True:
        page = shares.org_shares(actor, 2, cursor)
        seen += [s["share_id"] for s in page["shares"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
        # (the cursor shows no key of the table)
        assert "ORGSHARES" not in cursor and "SHARE#" not in cursor
    # Then it sees each once, newest first
    assert seen == [s["share_id"] for s in reversed(made)]


def test_a_cursor_of_another_list_is_refused(world, actor, unmigrated):  # noqa: F811
    _many(unmigrated, 3)
    cursor = shares.org_shares(actor, 1, None)["next_cursor"]
    assert cursor
    # A cursor of the unfiltered list is no cursor of the filtered one, nor of the candidate's list
    with pytest.raises(ValidationError) as err:
        shares.org_shares(actor, 1, cursor, q="lucia")
    assert "cursor" in err.value.fields
    with pytest.raises(ValidationError):
        shares.candidate_shares(CAND, 1, cursor)
    with pytest.raises(ValidationError):
        shares.org_shares(actor, 1, "bm90IGEgY3Vyc29y")


def test_candidate_list_newest_first(world, unmigrated):  # noqa: F811
    put_org(unmigrated, "o3")
    clock.advance(1)
    first = share(world, "o2")
    clock.advance(1)
    second = share(world, "o3")
    page = shares.candidate_shares(CAND, 1, None)
    assert [s["share_id"] for s in page["shares"]] == [second["share_id"]]
    rest = shares.candidate_shares(CAND, 1, page["next_cursor"])
    assert [s["share_id"] for s in rest["shares"]] == [first["share_id"]]


def test_dates_filter_the_list_and_bad_ones_are_refused(world, actor, unmigrated):  # noqa: F811
    made = _many(unmigrated, 3)
    day = made[1]["shared_at"][:10]
    assert len(shares.org_shares(actor, 10, None, date_from=day, date_to=day)["shares"]) == 3
    assert shares.org_shares(actor, 10, None, date_to="2000-01-01")["shares"] == []
    with pytest.raises(ValidationError):
        shares.org_shares(actor, 10, None, date_from="yesterday")
    with pytest.raises(ValidationError):
        shares.org_shares(actor, 10, None, date_from="2026-02-02", date_to="2026-01-01")
    with pytest.raises(ValidationError):
        shares.org_shares(actor, 10, None, q="x" * 101)


def test_the_filtered_list_reads_at_most_q_max_read_items_a_request(world, actor, unmigrated, monkeypatch):  # noqa: F811
    # Given 12 shares, of which only the oldest matches, and a read cap of 5 in pages of 2
    monkeypatch.setattr(shares, "Q_MAX_READ", 5)
    monkeypatch.setattr(shares, "Q_PAGE", 2)
    _many(unmigrated, 1, first_name="Zoe")
    _many(unmigrated, 12)
    calls = unmigrated.calls
    # When the organisation searches
    page = shares.org_shares(actor, 10, None, q="zoe")
    # Then one request reads at most the cap (3 queries of 2 here), finds nothing yet, and goes on
    assert page["shares"] == [] and page["next_cursor"]
    assert unmigrated.calls - calls == 3
    # And following the cursors finds the match
    found = []
    cursor = page["next_cursor"]
    while cursor:
        page = shares.org_shares(actor, 10, cursor, q="zoe")
        found += page["shares"]
        cursor = page["next_cursor"]
    assert [s["first_name"] for s in found] == ["Zoe"]


def test_the_filtered_list_stops_at_the_page_size_with_a_cursor(world, actor, unmigrated):  # noqa: F811
    _many(unmigrated, 5)
    page = shares.org_shares(actor, 2, None, q="garcia")
    assert len(page["shares"]) == 2 and page["next_cursor"]
    rest = shares.org_shares(actor, 10, page["next_cursor"], q="garcia")
    assert len(rest["shares"]) == 3


def test_new_until_first_opened_by_anyone_of_the_organisation(world, actor):
    # Given a fresh share
    made = share(world)
    assert shares.org_shares(actor, 10, None)["shares"][0]["new"] is True
    # When one user of the organisation opens it
    shares.share_detail(actor, made["share_id"])
    # Then it is no longer new for the organisation, and the candidate sees when it was viewed
    assert shares.org_shares(actor, 10, None)["shares"][0]["new"] is False
    assert shares.candidate_shares(CAND, 10, None)["shares"][0]["viewed_at"]


def test_a_share_detail_is_audited(world, actor):
    made = share(world)
    shares.share_detail(actor, made["share_id"])
    events = audit.for_result(world.pk, world.sk)
    got = [(e["how"], e["actor"], e["share_id"]) for e in events]
    assert got == [("detail", "user:u1", made["share_id"])]


# ---------------------------------------------------------------- search by reference number
def test_search_finds_a_released_result_and_audits_it(world, actor):
    out = shares.org_search(actor, world.reference_number, world.date_of_birth)
    assert out["reference_number"] == world.reference_number
    assert [e["how"] for e in audit.for_org("o1")] == ["search"]


def test_one_answer_for_every_miss_and_misses_are_audited(world, actor, unmigrated):  # noqa: F811
    put_result(unmigrated, CAND, exam_code="C1ADV", status="held", reference="HELDREF01")
    for ref, dob in ((world.reference_number, "1999-01-01"), ("NOSUCHREF1", world.date_of_birth),
                     ("HELDREF01", world.date_of_birth)):
        with pytest.raises(NotFound) as err:
            shares.org_search(actor, ref, dob)
        assert err.value.message == shares.NO_MATCH
    # Each miss is in the trail, with the reference only as a keyed hash
    misses = audit.for_reference("NOSUCHREF1")
    assert [(e["how"], e["actor"]) for e in misses] == [("search_miss", "user:u1")]
    assert "NOSUCHREF1" not in str(audit.for_org("o1"))


def test_searches_are_limited_per_user_and_per_organisation(world, actor, monkeypatch):
    monkeypatch.setattr(shares, "SEARCH_FAILURES_PER_HOUR", 2)
    monkeypatch.setattr(shares, "ORG_SEARCH_FAILURES_PER_HOUR", 3)
    # Given a user who missed twice
    for _ in range(2):
        with pytest.raises(NotFound):
            shares.org_search(actor, "NOSUCHREF1", world.date_of_birth)
    # Then even the right answer is refused to that user for the hour
    with pytest.raises(RateLimited):
        shares.org_search(actor, world.reference_number, world.date_of_birth)
    # And another user of the organisation has one miss left before the organisation is locked
    from dataclasses import replace

    other = replace(actor, user=type(actor.user)(**{**actor.user.attribute_values, "user_id": "u2"}))
    with pytest.raises(NotFound):
        shares.org_search(other, "NOSUCHREF1", world.date_of_birth)
    with pytest.raises(RateLimited):
        shares.org_search(other, world.reference_number, world.date_of_birth)
    assert len(audit.for_reference("NOSUCHREF1")) == 3


def test_a_result_before_2005_is_not_verifiable_online(unmigrated, actor):  # noqa: F811
    unmigrated.put(actor.org)
    old = put_result(unmigrated, CAND, exam_date="2004-06-01", reference="OLDREF001")
    with pytest.raises(NotFound) as err:
        shares.org_search(actor, "OLDREF001", old.date_of_birth)
    assert err.value.message == shares.BEFORE_2005


def test_a_candidate_can_turn_look_ups_off(world, actor, unmigrated):  # noqa: F811
    from chalicelib.db import models as m

    unmigrated.put(m.LookupSettings(*m.LookupSettings.keys(CAND), off={world.result_id}))
    with pytest.raises(NotFound):
        shares.org_search(actor, world.reference_number, world.date_of_birth)


def test_twelve_identical_shares_at_once_make_one_share_and_one_event(world, monkeypatch, memory_store):
    # Given twelve requests that all look for the share before any of them writes it
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from chalicelib.db.repos.shares import Shares

    looked = threading.Barrier(12)
    real_get = Shares.get

    def get_then_wait(self, share_id, consistent=False):
        found = real_get(self, share_id, consistent)
        if not consistent:
            looked.wait(timeout=30)
        return found

    notified: list[str] = []
    monkeypatch.setattr(Shares, "get", get_then_wait)
    monkeypatch.setattr(shares, "_notify_webhooks", lambda item: notified.append(item.share_id))
    # When they share at once
    with ThreadPoolExecutor(12) as pool:
        replies = list(pool.map(lambda _: share(world), range(12)))
    # Then one share, one event, and every reply is that share
    assert len({r["share_id"] for r in replies}) == 1 and len({str(r) for r in replies}) == 1
    assert notified == [replies[0]["share_id"]]
    assert sum(1 for k in memory_store.items if k[0].startswith("SHARE#")) == 1
