"""API keys and the machine API on the in-memory table."""
from __future__ import annotations

from dataclasses import replace

import pytest

from chalicelib.adapters import clock
from chalicelib.domain.errors import Forbidden, NotFound, RateLimited, Unauthenticated, ValidationError
from chalicelib.services import api_keys, audit, shares
from chalicelib.services import security as sec

from .sharing_kit import put_result, unmigrated  # noqa: F401 - fixture


@pytest.fixture
def org(unmigrated, actor):  # noqa: F811
    unmigrated.put(actor.org)
    return actor.org


def test_a_key_is_shown_once_and_stored_only_hashed(org, actor, memory_store):
    # When the Primary User creates a key
    made = api_keys.create(actor, "  Admissions system ")
    key = made["key"]
    # Then the reply carries the key; the list does not; the table holds only its SHA-256
    assert key.startswith(f"rvs_{made['key_id']}_") and made["name"] == "Admissions system"
    listed = api_keys.list_keys(actor)["api_keys"]
    assert listed == [{k: v for k, v in made.items() if k != "key"}]
    assert key not in str(memory_store.items)
    assert any(k[0] == "APIKEY#" + sec.sha256(key) for k in memory_store.items)
    # And the key authenticates
    assert api_keys.authenticate(key).key_id == made["key_id"]


def test_only_the_primary_user_manages_keys(org, actor):
    member = replace(actor, user=type(actor.user)(**{**actor.user.attribute_values, "role": "member"}))
    with pytest.raises(Forbidden):
        api_keys.create(member, "x")
    with pytest.raises(Forbidden):
        api_keys.list_keys(member)
    with pytest.raises(Forbidden):
        api_keys.revoke(member, "k")


def test_keys_are_capped_per_day_and_revoking_buys_no_more(org, actor):
    # Given an organisation that created and revoked its daily allowance of keys
    for n in range(shares.API_KEYS_PER_DAY):
        api_keys.revoke(actor, api_keys.create(actor, f"k{n}")["key_id"])
    # Then one more the same day is refused
    with pytest.raises(RateLimited):
        api_keys.create(actor, "one more")
    # And the next day it may create again
    clock.advance(86400 + 1)
    assert api_keys.create(actor, "tomorrow")["key"]


def test_at_most_max_keys_at_once(org, actor, monkeypatch):
    monkeypatch.setattr(api_keys, "MAX_KEYS", 2)
    api_keys.create(actor, "a")
    api_keys.create(actor, "b")
    with pytest.raises(ValidationError):
        api_keys.create(actor, "c")


def test_a_revoked_key_stops_at_once(org, actor):
    made = api_keys.create(actor, "x")
    api_keys.revoke(actor, made["key_id"])
    with pytest.raises(Unauthenticated):
        api_keys.authenticate(made["key"])
    with pytest.raises(NotFound):
        api_keys.revoke(actor, made["key_id"])
    assert api_keys.list_keys(actor)["api_keys"] == []


@pytest.mark.parametrize("key", [None, "", "rvs_nope_nope", "x" * 201])
def test_unknown_keys_are_unauthenticated(org, key):
    with pytest.raises(Unauthenticated):
        api_keys.authenticate(key)


def test_a_key_of_an_organisation_no_longer_approved_is_refused(org, actor, unmigrated):  # noqa: F811
    key = api_keys.create(actor, "x")["key"]
    unmigrated.put(type(org)(**{**org.attribute_values, "status": "suspended"}))
    with pytest.raises(Unauthenticated):
        api_keys.authenticate(key)


def test_last_used_is_written_at_most_once_a_minute(org, actor):
    made = api_keys.create(actor, "x")
    first = api_keys.authenticate(made["key"]).last_used_at
    assert first
    clock.advance(30)
    api_keys.authenticate(made["key"])
    assert api_keys.list_keys(actor)["api_keys"][0]["last_used_at"] == first
    clock.advance(31)
    api_keys.authenticate(made["key"])
    assert api_keys.list_keys(actor)["api_keys"][0]["last_used_at"] > first


def test_the_shares_page_moves_over_settled_time_and_gives_a_resume_cursor(org, actor, unmigrated):  # noqa: F811
    key = api_keys.authenticate(api_keys.create(actor, "x")["key"])
    # Given three shares, then one just now (not settled yet)
    ids = []
    for i in range(3):
        r = put_result(unmigrated, f"C{i:07d}")
        ids.append(shares.share(r.id_number, r.result_id, "o1")["share_id"])
        clock.advance(1)
    clock.advance(api_keys.SETTLE_SECONDS)
    fresh = put_result(unmigrated, "C7777777")
    late = shares.share(fresh.id_number, fresh.result_id, "o1")["share_id"]
    # When the client pages two at a time, oldest first
    first = api_keys.api_shares(key, None, 2, None)
    assert [s["share_id"] for s in first["shares"]] == ids[:2] and first["next_cursor"]
    second = api_keys.api_shares(key, None, 2, first["next_cursor"])
    # Then the last page has the third, no next cursor, and a resume cursor
    assert [s["share_id"] for s in second["shares"]] == ids[2:]
    assert second["next_cursor"] is None and second["resume_cursor"]
    # And each share read is audited for the key
    assert {e["actor"] for e in audit.for_org("o1") if e["how"] == "api_shares"} == {f"key:{key.key_id}"}
    # And polling later from the resume cursor gives only what came after
    clock.advance(api_keys.SETTLE_SECONDS + 1)
    later = api_keys.api_shares(key, None, 10, second["resume_cursor"])
    assert [s["share_id"] for s in later["shares"]] == [late]
    # And a cursor of the organisation's own list is refused here
    with pytest.raises(ValidationError):
        api_keys.api_shares(key, None, 2, shares.org_shares(actor, 1, None)["next_cursor"])
    with pytest.raises(ValidationError):
        api_keys.api_shares(key, "not a date", 2, None)


def test_a_revoked_share_is_not_in_the_machine_api(org, actor, unmigrated):  # noqa: F811
    key = api_keys.authenticate(api_keys.create(actor, "x")["key"])
    r = put_result(unmigrated, "C0000001")
    sid = shares.share(r.id_number, r.result_id, "o1")["share_id"]
    shares.revoke(r.id_number, sid)
    clock.advance(api_keys.SETTLE_SECONDS + 1)
    assert api_keys.api_shares(key, None, 10, None)["shares"] == []


def test_searches_by_key_are_limited_per_key_and_audited(org, actor, unmigrated, monkeypatch):  # noqa: F811
    monkeypatch.setattr(shares, "SEARCH_FAILURES_PER_HOUR", 2)
    r = put_result(unmigrated, "C0000001")
    key = api_keys.authenticate(api_keys.create(actor, "x")["key"])
    found = api_keys.api_result(key, r.reference_number, r.date_of_birth)
    assert found["reference_number"] == r.reference_number
    for _ in range(2):
        with pytest.raises(NotFound):
            api_keys.api_result(key, "NOSUCHREF1", r.date_of_birth)
    with pytest.raises(RateLimited):
        api_keys.api_result(key, r.reference_number, r.date_of_birth)
    hows = sorted(e["how"] for e in audit.for_org("o1"))
    assert hows == ["api_results", "api_results_miss", "api_results_miss"]
    # A new key buys no more guesses than the organisation's
    monkeypatch.setattr(shares, "ORG_SEARCH_FAILURES_PER_HOUR", 3)
    other = api_keys.authenticate(api_keys.create(actor, "y")["key"])
    with pytest.raises(NotFound):
        api_keys.api_result(other, "NOSUCHREF1", r.date_of_birth)
    with pytest.raises(RateLimited):
        api_keys.api_result(other, r.reference_number, r.date_of_birth)
