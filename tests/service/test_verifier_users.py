"""Organisation users: the Primary User's management of Admin Users, set-password links, alerts,
password resets and "join an existing account" requests, on the in-memory table."""
from __future__ import annotations

import pytest

from chalicelib.db.store import store
from chalicelib.domain.errors import (
    Conflict,
    Forbidden,
    NotFound,
    RateLimited,
    Unauthenticated,
    ValidationError,
)
from chalicelib.services import verifier_users as vu
from chalicelib.services.actor import actor
from tests.service import verifier_world

PASSWORD = "another fine passphrase 7"


@pytest.fixture
def world(monkeypatch):
    return verifier_world.install(monkeypatch)


@pytest.fixture
def primary(world):
    return verifier_world.approved_org(world)


def person(email: str, **kw: str) -> dict:
    return {"email": email, "first_name": "Luis", "family_name": "Gil", "job_title": "Registrar", **kw}


def admin_of(world, primary, email: str = "luis@usal.es"):
    """An Admin User who has set a password: their Actor."""
    made = vu.add_user(primary, person(email))
    vu.set_password(world.token_for(made["user_id"]), PASSWORD)
    return actor(world.principal(made["user_id"]))


# ---------------------------------------------------------------- the caller
def test_only_an_active_user_of_an_approved_organisation_is_an_actor(world, primary):
    assert actor(world.principal(primary.user_id)).org_id == primary.org_id
    # An invited user (no password yet) is not signed in
    invited = vu.add_user(primary, person("luis@usal.es"))
    with pytest.raises(Unauthenticated):
        actor(world.principal(invited["user_id"]))
    with pytest.raises(Unauthenticated):
        actor(world.principal("nobody"))


# ---------------------------------------------------------------- users of the organisation
def test_the_primary_user_adds_an_admin_who_sets_a_password(world, primary):
    # When the Primary User adds someone at the organisation's domain (trimmed)
    made = vu.add_user(primary, person(" luis@sub.usal.es ", first_name=" Luis "))
    # Then they are an invited admin, told by email with a set-password link
    assert (made["role"], made["status"], made["first_name"]) == ("admin", "invited", "Luis")
    token = world.token_for(made["user_id"])
    assert token in world.mails_to("luis@sub.usal.es")[-1].text
    assert sorted(u["email"] for u in vu.list_users(primary)["users"]) == ["ana@usal.es", "luis@sub.usal.es"]
    # And the link sets the password once, making them active (and ending any sessions)
    vu.set_password(token, PASSWORD)
    assert store().verifier_users.get(made["user_id"]).status == "active"
    assert ("verifier", made["user_id"]) in world.ended
    with pytest.raises(ValidationError):
        vu.set_password(token, PASSWORD)


def test_a_link_issued_before_the_password_changed_is_refused(world, primary):
    # Given a reset link, after which the password is changed by another link
    vu.request_password_reset("ANA@usal.es")
    assert vu.send_password_reset(world.jobs[-1]["user_id"])
    old = world.token_for(primary.user_id)
    vu.send_password_reset(primary.user_id)
    vu.set_password(world.token_for(primary.user_id), "a brand new passphrase 9")
    # When the older link is used
    with pytest.raises(ValidationError) as err:
        vu.set_password(old, PASSWORD)
    assert "token" in err.value.fields


def test_a_weak_password_is_refused_and_the_link_kept(world, primary):
    made = vu.add_user(primary, person("luis@usal.es"))
    token = world.token_for(made["user_id"])
    with pytest.raises(ValidationError) as err:
        vu.set_password(token, "short")
    assert "password" in err.value.fields
    vu.set_password(token, PASSWORD)


def test_a_password_set_meanwhile_by_another_link_wins(world, primary, monkeypatch):
    # Given an invitation link, and another link that sets the password while this one is checked
    made = vu.add_user(primary, person("luis@usal.es"))
    token = world.token_for(made["user_id"])
    real_for_credential = vu.sec.for_credential

    def meanwhile(item, password_hash):
        user = store().verifier_users.get(made["user_id"])
        store().verifier_users.set_password(user, "hash-set-by-the-other-link")
        return real_for_credential(item, password_hash)

    monkeypatch.setattr(vu.sec, "for_credential", meanwhile)
    # When this link sets the password
    with pytest.raises(ValidationError):
        vu.set_password(token, PASSWORD)
    # Then the other link's password stands
    assert store().verifier_users.get(made["user_id"]).password_hash == "hash-set-by-the-other-link"


def test_users_are_added_at_the_domain_once_and_only_by_the_primary(world, primary):
    with pytest.raises(ValidationError) as err:
        vu.add_user(primary, person("luis@gmail.com"))
    assert "email" in err.value.fields
    vu.add_user(primary, person("luis@usal.es"))
    with pytest.raises(Conflict):
        vu.add_user(primary, person("LUIS@usal.es"))
    admin = admin_of(world, primary, "eva@usal.es")
    with pytest.raises(Forbidden):
        vu.add_user(admin, person("mar@usal.es"))
    with pytest.raises(Forbidden):
        vu.update_user(admin, admin.user_id, {"job_title": "Boss"})
    with pytest.raises(Forbidden):
        vu.delete_user(admin, primary.user_id)


def test_the_primary_edits_a_user_of_its_own_organisation_only(world, primary):
    made = vu.add_user(primary, person("luis@usal.es"))
    assert vu.update_user(primary, made["user_id"], {"job_title": "  Head  "})["job_title"] == "Head"
    assert store().verifier_users.get(made["user_id"]).job_title == "Head"
    other = verifier_world.approved_org(world, "eva@kcl.ac.uk", "https://kcl.ac.uk", "King's College London")
    with pytest.raises(NotFound):
        vu.update_user(other, made["user_id"], {"job_title": "Spy"})
    with pytest.raises(NotFound):
        vu.delete_user(other, made["user_id"])


def test_the_primary_user_cannot_be_removed(world, primary):
    with pytest.raises(Forbidden):
        vu.delete_user(primary, primary.user_id)
    assert store().verifier_users.get(primary.user_id) is not None


def test_removing_a_user_ends_their_sessions_and_frees_their_address(world, primary):
    admin = admin_of(world, primary)
    world.ended.clear()
    # When the Primary User removes them
    vu.delete_user(primary, admin.user_id)
    # Then their sessions end, they are no caller any more, and the address can be added again
    assert world.ended == [("verifier", admin.user_id)]
    with pytest.raises(Unauthenticated):
        actor(world.principal(admin.user_id))
    assert [u["email"] for u in vu.list_users(primary)["users"]] == ["ana@usal.es"]
    assert vu.add_user(primary, person("luis@usal.es"))["status"] == "invited"


# ---------------------------------------------------------------- notifications and resets
def test_only_daily_and_weekly_users_are_in_the_digest_index(world, primary):
    assert vu.me(primary)["notifications"] == {"frequency": "immediate"}
    vu.set_frequency(primary, "daily")
    assert [u.user_id for u in store().verifier_users.digest_subscribers("daily")] == [primary.user_id]
    vu.set_frequency(primary, "weekly")
    assert store().verifier_users.digest_subscribers("daily") == []
    assert [u.user_id for u in store().verifier_users.digest_subscribers("weekly")] == [primary.user_id]
    vu.set_frequency(primary, "immediate")
    assert store().verifier_users.digest_subscribers("weekly") == []
    assert vu.me(actor(world.principal(primary.user_id)))["notifications"] == {"frequency": "immediate"}


def test_a_reset_is_the_same_job_for_anyone_and_mails_only_an_active_user(world, primary):
    vu.request_password_reset("nobody@usal.es")
    vu.request_password_reset(" Ana@Usal.es ")
    assert world.jobs == [{"kind": "verifier_password_reset", "user_id": ""},
                          {"kind": "verifier_password_reset", "user_id": primary.user_id}]
    world.mails.clear()
    assert not vu.send_password_reset("")
    invited = vu.add_user(primary, person("luis@usal.es"))
    assert not vu.send_password_reset(invited["user_id"])
    world.mails.clear()
    assert vu.send_password_reset(primary.user_id)
    assert [m.to for m in world.mails] == ["ana@usal.es"]


def test_resets_are_limited_per_address(world, primary):
    for _ in range(vu.RESETS_PER_HOUR):
        vu.request_password_reset("ana@usal.es")
    with pytest.raises(RateLimited):
        vu.request_password_reset("ANA@usal.es")


# ---------------------------------------------------------------- join requests
def join(email: str) -> dict:
    return {"email": email, "first_name": "Mar", "family_name": "Sol", "job_title": "Clerk"}


def run_join(world, email: str) -> bool:
    vu.request_join(join(email))
    return vu.handle_join(world.jobs[-1])


def test_the_worker_stores_a_request_only_for_a_new_address_at_an_approved_domain(world, primary):
    world.mails.clear()
    # Unknown domains, existing accounts and pending organisations: dropped without a trace
    from chalicelib.services import organisations

    organisations.register(verifier_world.registration("a@pending.es", "https://pending.es", "Pending"))
    assert not run_join(world, "mar@unknown.es")
    assert not run_join(world, "ana@usal.es")
    assert not run_join(world, "mar@pending.es")
    assert [m.to for m in world.mails] == ["a@pending.es"]  # only the registration's own email
    # A new address at a subdomain of an approved organisation: stored, the Primary User told
    assert run_join(world, "mar@fac.usal.es")
    assert [m.to for m in world.mails][-1] == "ana@usal.es"
    requests = vu.list_join_requests(primary)["join_requests"]
    assert [(r["email"], r["first_name"]) for r in requests] == [("mar@fac.usal.es", "Mar")]


def test_asking_to_join_is_limited_per_address_per_domain_and_per_organisation(world, primary):
    # Per address (any case), when asked
    for _ in range(vu.JOINS_PER_HOUR):
        vu.request_join(join("mar@usal.es"))
    with pytest.raises(RateLimited):
        vu.request_join(join("MAR@usal.es"))
    # Per organisation, in the worker: however many addresses and subdomains they come from
    world.jobs.clear()
    for n in range(vu.JOINS_PER_ORG_PER_HOUR + 2):
        vu.request_join(join(f"p{n}@s{n % 3}.usal.es"))
    decided = [vu.handle_join(job) for job in world.jobs]
    assert decided.count(True) == vu.JOINS_PER_ORG_PER_HOUR and decided[-2:] == [False, False]
    assert len(vu.list_join_requests(primary)["join_requests"]) == vu.JOINS_PER_ORG_PER_HOUR


def test_asking_to_join_is_limited_per_email_domain(world):
    for n in range(vu.JOINS_PER_DOMAIN_PER_HOUR):
        vu.request_join(join(f"p{n}@big.example"))
    with pytest.raises(RateLimited):
        vu.request_join(join("another@big.example"))


def test_the_primary_approves_or_declines_join_requests(world, primary):
    run_join(world, "mar@usal.es")
    run_join(world, "sol@usal.es")
    ids = {r["email"]: r["request_id"] for r in vu.list_join_requests(primary)["join_requests"]}
    # Approving makes an invited admin and removes the request
    made = vu.approve_join(primary, ids["mar@usal.es"])
    assert (made["email"], made["role"], made["status"]) == ("mar@usal.es", "admin", "invited")
    assert world.token_for(made["user_id"]) in world.mails_to("mar@usal.es")[-1].text
    # Declining tells the requester and removes the request
    vu.decline_join(primary, ids["sol@usal.es"])
    assert world.mails_to("sol@usal.es")
    assert vu.list_join_requests(primary)["join_requests"] == []
    with pytest.raises(NotFound):
        vu.approve_join(primary, ids["sol@usal.es"])
    # An admin can do none of it
    admin = admin_of(world, primary, "eva@usal.es")
    with pytest.raises(Forbidden):
        vu.list_join_requests(admin)
    with pytest.raises(Forbidden):
        vu.decline_join(admin, "x")


def test_a_request_whose_address_got_an_account_meanwhile_cannot_be_approved(world, primary):
    run_join(world, "mar@usal.es")
    request_id = vu.list_join_requests(primary)["join_requests"][0]["request_id"]
    vu.add_user(primary, person("mar@usal.es"))
    with pytest.raises(Conflict):
        vu.approve_join(primary, request_id)
