"""Organisations: registration (one per domain, one account per email), the staff's queue,
approval and rejection, and the institutions search, on the in-memory table."""
from __future__ import annotations

import base64

import pytest

from chalicelib.db.store import store
from chalicelib.domain.errors import Conflict, NotFound, ValidationError
from chalicelib.services import organisations
from tests.service import verifier_world
from tests.service.verifier_world import registration


@pytest.fixture
def world(monkeypatch):
    return verifier_world.install(monkeypatch)


# ---------------------------------------------------------------- registration
def test_registration_stores_a_pending_organisation_and_tells_the_registrant(world):
    # When someone at the website's domain registers
    made = organisations.register(registration("Ana@USAL.es", "https://www.USAL.es/admisiones"))
    # Then the organisation is pending under the website's domain, its registrant pending too
    assert made["status"] == "pending"
    org = store().organisations.get(made["org_id"])
    assert (org.domain, org.status, org.name) == ("usal.es", "pending", "Universidad de Salamanca")
    user = store().verifier_users.get(org.primary_user_id)
    assert (user.role, user.status, user.email) == ("primary", "pending", "Ana@USAL.es")
    assert store().verifier_users.id_for_email("ana@usal.es") == user.user_id
    assert [m.to for m in world.mails] == ["Ana@USAL.es"]


@pytest.mark.parametrize("email", ["ana@gmail.com", "ana@notusal.es", "ana@usal.es.evil.com"])
def test_the_email_must_be_at_the_websites_domain(world, email):
    with pytest.raises(ValidationError) as err:
        organisations.register(registration(email))
    assert "email" in err.value.fields
    assert store().table.items == {}  # nothing written


def test_a_subdomain_address_is_at_the_domain(world):
    assert organisations.register(registration("ana@admin.usal.es"))["status"] == "pending"


def test_bad_website_and_different_confirmation_are_refused_together(world):
    data = registration(website="not a website")
    data["confirm_email"] = "other@usal.es"
    with pytest.raises(ValidationError) as err:
        organisations.register(data)
    assert set(err.value.fields) == {"organisation.website", "confirm_email"}


def test_a_second_registration_of_a_domain_is_pointed_to_join(world):
    # Given an organisation registered for usal.es
    organisations.register(registration("ana@usal.es"))
    before = dict(store().table.items)
    # When another person registers the same website (another spelling of it)
    with pytest.raises(Conflict) as err:
        organisations.register(registration("luis@usal.es", "usal.es/"))
    # Then they are told to ask to join it, and nothing was written
    assert "/verifiers/join" in err.value.message
    assert store().table.items == before


def test_an_email_with_an_account_cannot_register_another_organisation(world):
    # Given ana's account at usal.es
    organisations.register(registration("ana@fac.usal.es"))
    # When she registers a faculty's own website, whose domain is free
    with pytest.raises(Conflict) as err:
        organisations.register(registration("ana@fac.usal.es", "https://fac.usal.es", "Facultad"))
    # Then her address has an account (not "already registered"), and the domain was not taken
    assert err.value.message == organisations.EMAIL_HAS_ACCOUNT
    assert store().organisations.owner_of_domain("fac.usal.es") is None
    assert organisations.register(registration("luis@fac.usal.es", "https://fac.usal.es", "Facultad"))


# ---------------------------------------------------------------- staff: queue, approve, reject
def test_the_queue_pages_with_a_sealed_cursor_bound_to_its_status(world):
    # Given three pending organisations
    for n in range(3):
        organisations.register(registration(f"a@u{n}.es", f"https://u{n}.es", f"Uni {n}"))
    # When staff read the queue two at a time
    first = organisations.list_page("pending", 2, None)
    second = organisations.list_page("pending", 2, first["next_cursor"])
    # Then they see each organisation once, and the last page has no cursor
    names = [o["name"] for o in first["organisations"] + second["organisations"]]
    assert sorted(names) == ["Uni 0", "Uni 1", "Uni 2"] and second["next_cursor"] is None
    cursor = first["next_cursor"]
    raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
    assert b"ORG#" not in raw and b"pending" not in raw  # sealed: no part of the key is readable
    # And a cursor of the pending list is no cursor of the approved list
    with pytest.raises(ValidationError) as err:
        organisations.list_page("approved", 2, first["next_cursor"])
    assert "cursor" in err.value.fields


def test_approval_invites_the_registrant_and_lists_the_institution(world):
    org_id = organisations.register(registration())["org_id"]
    assert organisations.search_institutions("salamanca")["institutions"] == []  # not while pending
    # When staff approve it
    view = organisations.approve(org_id)
    # Then it is approved, in the approved queue only, its registrant invited with a link
    assert view["status"] == "approved" and view["decided_at"]
    assert [o["org_id"] for o in organisations.list_page("approved", 10, None)["organisations"]] == [org_id]
    assert organisations.list_page("pending", 10, None)["organisations"] == []
    user = store().verifier_users.get(store().organisations.get(org_id).primary_user_id)
    assert user.status == "invited"
    token = world.token_for(user.user_id)
    assert world.tokens[token].purpose == "verifier_password"
    assert token in world.mails_to("ana@usal.es")[-1].text
    # And the institution can be found, and its organisation got
    assert [i["org_id"] for i in organisations.search_institutions("Salamanca")["institutions"]] == [org_id]
    assert organisations.get_approved(org_id).name == "Universidad de Salamanca"
    # But it cannot be decided twice
    with pytest.raises(Conflict):
        organisations.reject(org_id, "too late")


def test_deciding_an_unknown_organisation_is_not_found(world):
    with pytest.raises(NotFound):
        organisations.approve("nope")
    with pytest.raises(NotFound):
        organisations.get_approved("nope")


def test_a_decision_that_lost_a_race_is_a_conflict(world):
    # Given a pending organisation that two members of staff read at the same moment
    org_id = organisations.register(registration())["org_id"]
    stale = store().organisations.get(org_id)
    assert store().organisations.decide(store().organisations.get(org_id), "approved", "2026-01-01T00:00:00Z")
    # When the second decides on what they read
    with pytest.raises(Conflict) as err:
        organisations._decide(stale, "rejected", "no")
    # Then they are told it was decided already, and the first decision stands
    assert "approved" in err.value.message
    assert store().organisations.get(org_id).status == "approved"


def test_a_rejected_domain_and_email_can_register_again(world):
    org_id = organisations.register(registration())["org_id"]
    primary_id = store().organisations.get(org_id).primary_user_id
    # When staff reject it, with a reason
    view = organisations.reject(org_id, "  Not an institution we know.  ")
    # Then the registrant is told why, and is gone with the domain's and email's claims
    assert view["status"] == "rejected" and view["reason"] == "Not an institution we know."
    assert "Not an institution we know." in world.mails_to("ana@usal.es")[-1].text
    assert store().verifier_users.get(primary_id) is None
    assert store().organisations.owner_of_domain("usal.es") is None
    with pytest.raises(NotFound):
        organisations.get_approved(org_id)
    # And the same person can register the same website again
    again = organisations.register(registration())
    assert again["org_id"] != org_id
    assert [o["org_id"] for o in organisations.list_page("rejected", 10, None)["organisations"]] == [org_id]


# ---------------------------------------------------------------- institutions search
@pytest.fixture
def institutions(world):
    names = {"kcl.ac.uk": "King's College London", "kings.cam.ac.uk": "King's College Cambridge",
             "umontreal.ca": "Université de Montréal", "uni.lodz.pl": "Uniwersytet Łódzki",
             "usal.es": "Universidad de Salamanca"}
    ids = {}
    for domain, name in names.items():
        ids[name] = organisations.register(registration(f"a@{domain}", f"https://{domain}", name))["org_id"]
        organisations.approve(ids[name])
    organisations.register(registration("a@pending.es", "https://pending.es", "King's Pending College"))
    return ids


def found(q: str) -> list[str]:
    return [i["name"] for i in organisations.search_institutions(q)["institutions"]]


def test_search_ignores_accents_and_case(institutions):
    assert found("universite de montreal") == ["Université de Montréal"]
    assert found("UNIVERSITÉ") == ["Université de Montréal"]
    assert found("lodzki") == ["Uniwersytet Łódzki"]


def test_search_matches_word_prefixes_in_any_order(institutions):
    assert found("mont univ") == ["Université de Montréal"]
    assert found("salam") == ["Universidad de Salamanca"]
    # Names that start with what was typed come first
    assert found("uni") == ["Universidad de Salamanca", "Université de Montréal", "Uniwersytet Łódzki"]


def test_search_tells_two_kings_colleges_apart(institutions):
    # Both King's Colleges (and not the pending one) for the words they share
    assert found("king's college") == ["King's College Cambridge", "King's College London"]
    # Either one by the word that differs
    assert found("kings college london".replace("kings", "king")) == ["King's College London"]
    assert found("King's Cam") == ["King's College Cambridge"]
    assert found("college king") == ["King's College Cambridge", "King's College London"]


@pytest.mark.parametrize("q", ["", "a", " é ", "a b c d e f g h i", "x" * 201])
def test_search_needs_two_letters_and_at_most_eight_words(institutions, q):
    with pytest.raises(ValidationError) as err:
        organisations.search_institutions(q)
    assert "q" in err.value.fields
