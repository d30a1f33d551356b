# ruff: noqa: F811 - pytest fixtures imported from other modules are redefined as arguments
"""Password links end when the password changes (a later reset, a change, a set-password), and
a completed reset ends the login lock-out. Given / When / Then."""
from __future__ import annotations

from .conftest import token_in
from .test_candidates import PASSWORD, candidate, login  # noqa: F401 - fixture
from .verifier_kit import login as vlogin
from .verifier_kit import make_org, staff  # noqa: F401 - fixtures

RESET = {"id_number": "SIR094701", "email": "zoe@example.org"}


def reset_links(api, outbox, count: int) -> list[str]:
    for _ in range(count):
        assert api.post("/candidates/password-reset", RESET).status == 202
    return [token_in(mm) for mm in outbox("zoe@example.org") if "Reset" in mm["Subject"]]


def confirm(api, token: str, new: str):
    return api.post("/candidates/password-reset/confirm", {"token": token, "new_password": new})


def test_a_later_reset_ends_the_earlier_link(api, candidate, outbox):
    first, second = reset_links(api, outbox, 2)
    assert confirm(api, second, "after-the-reset-2").status == 204
    r = confirm(api, first, "attacker-chose-this")
    assert r.status == 400 and "token" in r.json["fields"]
    assert login(api, password="after-the-reset-2").status == 200


def test_a_password_change_ends_every_reset_link(api, candidate, outbox):
    [link] = reset_links(api, outbox, 1)
    r = api.post("/candidates/me/password", {"current_password": PASSWORD, "new_password": "changed-by-me-1"},
                 token=candidate)
    assert r.status == 204
    assert confirm(api, link, "attacker-chose-this").status == 400
    assert login(api, password="changed-by-me-1").status == 200


def test_a_completed_reset_ends_the_login_lock_out(api, candidate, outbox):
    for _ in range(5):
        assert login(api, password="wrong-password-here").status == 401
    assert login(api).status == 429
    [link] = reset_links(api, outbox, 1)
    assert confirm(api, link, "after-the-reset-3").status == 204
    assert login(api, password="after-the-reset-3").status == 200


def test_a_verifier_reset_ends_earlier_links_and_the_lock_out(api, outbox, make_org):
    org = make_org()
    for _ in range(5):
        assert vlogin(api, org.email, "not-the-password").status == 401
    assert vlogin(api, org.email).status == 429
    for _ in range(2):
        assert api.post("/verifiers/password-reset", {"email": org.email}).status == 202
    first, second = [token_in(mm) for mm in outbox(org.email) if "Reset" in str(mm["Subject"])]
    r = api.post("/verifiers/set-password", {"token": second, "password": "a-fresh-new-one-9"})
    assert r.status == 204
    assert vlogin(api, org.email, "a-fresh-new-one-9").status == 200  # the lock-out ended
    r = api.post("/verifiers/set-password", {"token": first, "password": "attacker-chose-this"})
    assert r.status == 400 and "token" in r.json["fields"]
