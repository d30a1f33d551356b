"""The candidates' account and result pages through chalice.test.Client: each form's good and bad
paths (every invalid field at once, lock-outs in minutes, bad links), CSRF, 303 after a POST."""

from __future__ import annotations

import re

import pytest

from tests.api.conftest import csv_bytes, entry_row, outbox, token_in  # noqa: F401  (fixture: outbox)

from .conftest import Browser

PASSWORD = "violet-harbour-lantern"
ID = "SIR094701"
SCORES = {
    "component:Reading": "175",
    "component:Use of English": "170",
    "component:Writing": "168",
    "component:Listening": "181",
    "component:Speaking": "177",
}
GOOD = {
    "id_number": ID,
    "secret_number": "4821",
    "email": "zoe@example.org",
    "confirm_email": "Zoe@example.org",
    "password": PASSWORD,
    "confirm_password": PASSWORD,
    "country": "PL",
    "first_language": "pl",
    "accept_terms": "yes",
    "marketing_opt_in": "yes",
}


@pytest.fixture
def entry(entries):
    entries(entry_row())


@pytest.fixture
def registered(visitor, entry):
    assert visitor.submit("/register", "/register", GOOD).status == 303
    return ID


@pytest.fixture
def released(registered, drop):
    row = {
        "id_number": ID,
        "exam_code": "B2FIRST",
        "exam_date": "2026-06-14",
        "reference_number": "SOR-2026-000001",
        "overall_score": "174",
        "grade": "B",
        "cefr_level": "B2",
        **SCORES,
        "release_at": "",
    }
    drop("incoming/results/r.csv", csv_bytes([row]))
    from chalicelib.services import candidates

    [r] = candidates.list_results(ID)["results"]
    assert r["status"] == "released"
    return r["result_id"]


def sign_in(visitor: Browser, password: str = PASSWORD) -> None:
    page = visitor.submit("/sign-in", "/sign-in", {"id_number": ID, "password": password})
    assert page.status == 303, page.text


def approved_org(name: str, country: str, website: str) -> str:
    from chalicelib.services import organisations

    domain = website.split("//")[1]
    org = organisations.register(
        {
            "first_name": "Ana",
            "family_name": "Ruiz",
            "job_title": "Admissions",
            "email": f"ana@{domain}",
            "confirm_email": f"ana@{domain}",
            "organisation": {"name": name, "type": "university", "website": website, "country": country},
        }
    )
    organisations.approve(org["org_id"])
    return str(org["org_id"])


# ---------------------------------------------------------------- register
def test_register_then_check_your_email_and_the_account_exists(visitor, entry, outbox):  # noqa: F811
    page = visitor.get("/register")
    for label in (
        "ID number",
        "Secret number",
        "Email address",
        "Confirm email address",
        "Password",
        "Confirm password",
        "Country",
        "First language",
        "I agree to the terms of use",
        "Send me occasional emails about exams",
    ):
        assert re.search(rf"<label[^>]*>\s*{re.escape(label)}\s*</label>", page.text), label
    assert '<option value="PL">Poland</option>' in page.text
    page = visitor.submit("/register", "/register", GOOD)
    assert page.status == 303 and page.headers["location"] == "/check-your-email"
    assert visitor.get("/check-your-email").has("Check your email")
    from chalicelib.services import candidates

    profile = candidates.get_profile(ID)
    assert profile["marketing_opt_in"] is True and profile["country"] == "PL"
    assert outbox("zoe@example.org")


def test_register_shows_every_invalid_field_at_once_and_keeps_no_secret(visitor, entry):
    page = visitor.submit(
        "/register",
        "/register",
        {
            "id_number": "nope",
            "secret_number": "12",
            "email": "zoe@",
            "confirm_email": "x@example.org",
            "password": "short",
            "confirm_password": "",
            "country": "Narnia",
            "first_language": "",
        },
    )
    assert page.status == 400 and page.has("There is a problem")
    for field in (
        "id_number",
        "secret_number",
        "email",
        "confirm_email",
        "password",
        "confirm_password",
        "country",
        "first_language",
        "accept_terms",
    ):
        assert f'href="#{field}"' in page.text, field
    assert page.has("Select your country") and page.has("Agree to the terms of use")
    assert "short" not in re.sub(r"<[^>]+>", "", page.text).split("There is a problem")[0]
    assert 'value="short"' not in page.text and 'value="12"' not in page.text
    assert 'value="zoe@"' in page.text


def test_register_mismatched_email_and_password(visitor, entry):
    page = visitor.submit(
        "/register",
        "/register",
        {**GOOD, "confirm_email": "zoe@example.com", "confirm_password": PASSWORD + "x"},
    )
    assert page.status == 400
    assert page.has("The email addresses do not match") and page.has("The passwords do not match")


def test_a_wrong_secret_says_where_the_numbers_are_and_a_lock_out_says_minutes(visitor, entry):
    page = visitor.submit("/register", "/register", {**GOOD, "secret_number": "0000"})
    assert page.status == 400 and page.has("Confirmation of Entry") and page.has("exam centre can help")
    assert 'href="/forgotten-id"' in page.text
    for _ in range(5):
        page = visitor.submit("/register", "/register", {**GOOD, "secret_number": "0000"})
    assert page.has("Wait 15 minutes, then try again")
    assert visitor.get("/forgotten-id").has("Contact your exam centre")


def test_register_twice_says_sign_in(visitor, registered):
    page = visitor.submit("/register", "/register", GOOD)
    assert page.status == 400 and page.has("There is already an account for this ID number")


def test_register_in_spanish(client, entry):
    es = Browser(client, lang="es")
    page = es.get("/register")
    assert (
        page.has("Número secreto")
        and page.has("Lengua materna")
        and '<option value="ES">España</option>' in page.text
    )
    page = es.submit("/register", "/register", {})
    assert page.has("Hay un problema") and page.has("Introduzca su número de identificación")


def test_register_needs_the_csrf_token(visitor, entry):
    visitor.get("/register")
    assert visitor.post("/register", GOOD).status == 400
    from chalicelib.db import models as m

    with pytest.raises(m.CandidateAccount.DoesNotExist):
        m.CandidateAccount.get(*m.CandidateAccount.keys(ID))


# ---------------------------------------------------------------- confirm the email address
def test_the_link_confirms_the_address_once(visitor, registered, outbox):  # noqa: F811
    token = token_in(outbox("zoe@example.org")[0])
    page = visitor.get(f"/verify-email?token={token}")
    assert page.status == 303 and page.headers["location"] == "/email-confirmed"
    assert visitor.get("/email-confirmed").has("Your email address is confirmed")
    again = visitor.get(f"/verify-email?token={token}")
    assert again.status == 400 and again.has("This link does not work") and 'href="/sign-in"' in again.text
    assert visitor.get("/verify-email").status == 400
    # signed in, a used link offers a new one (POST with CSRF, then 303)
    sign_in(visitor)
    page = visitor.get(f"/verify-email?token={token}")
    assert page.has("Send a new link")
    from chalicelib.services import candidates

    assert candidates.get_profile(ID)["email_verified"] is True  # nothing to resend: no email
    sent = visitor.submit(f"/verify-email?token={token}", "/verify-email/resend", {})
    assert sent.status == 303 and sent.headers["location"] == "/verify-email/sent"


def test_resend_from_your_details_sends_a_new_link(visitor, registered, outbox):  # noqa: F811
    sign_in(visitor)
    before = len(outbox("zoe@example.org"))
    page = visitor.get("/your-details")
    assert page.has("not confirmed yet")
    assert visitor.submit("/your-details", "/verify-email/resend", {}).status == 303
    assert len(outbox("zoe@example.org")) == before + 1
    for _ in range(3):
        page = visitor.submit("/your-details", "/verify-email/resend", {})
    assert page.status == 429 and page.has("minutes, then try again")


# ---------------------------------------------------------------- forgotten password and reset
def _reset_token(visitor, outbox) -> str:  # noqa: F811
    page = visitor.submit(
        "/forgotten-password", "/forgotten-password", {"id_number": ID, "email": "ZOE@example.org"}
    )
    assert page.status == 303 and page.headers["location"] == "/forgotten-password/sent"
    assert visitor.get("/forgotten-password/sent").has("If the ID number and email address match an account")
    [mail] = [mm for mm in outbox("zoe@example.org") if "Reset" in mm["Subject"]]
    return token_in(mail)


def test_forgotten_password_errors(visitor):
    page = visitor.submit("/forgotten-password", "/forgotten-password", {"id_number": "", "email": "x"})
    assert page.status == 400 and 'href="#id_number"' in page.text and 'href="#email"' in page.text
    assert page.has("Send reset link")


def test_reset_from_the_link_ends_the_lock_out_and_the_link(visitor, registered, outbox):  # noqa: F811
    for _ in range(5):
        visitor.submit("/sign-in", "/sign-in", {"id_number": ID, "password": "wrong-password-1"})
    token = _reset_token(visitor, outbox)
    form = visitor.get(f"/reset-password?token={token}")
    assert form.status == 200 and form.has("New password") and form.has("Save password")
    bad = visitor.submit(
        f"/reset-password?token={token}",
        "/reset-password",
        {"token": token, "new_password": "short", "confirm_password": ""},
    )
    assert bad.status == 400 and 'href="#new_password"' in bad.text and 'href="#confirm_password"' in bad.text
    mismatch = visitor.submit(
        f"/reset-password?token={token}",
        "/reset-password",
        {"token": token, "new_password": "after-the-reset-1", "confirm_password": "x"},
    )
    assert mismatch.has("The passwords do not match")
    done = visitor.submit(
        f"/reset-password?token={token}",
        "/reset-password",
        {"token": token, "new_password": "after-the-reset-1", "confirm_password": "after-the-reset-1"},
    )
    assert done.status == 303 and done.headers["location"] == "/password-saved"
    assert visitor.get("/password-saved").has("Your new password is saved")
    sign_in(visitor, "after-the-reset-1")  # the lock-out ended with the reset
    used = visitor.get(f"/reset-password?token={token}")
    assert used.status == 400 and used.has("This password reset link does not work")
    assert 'href="/forgotten-password"' in used.text


def test_a_bad_reset_link_posted_is_the_same_page(visitor):
    assert visitor.get("/reset-password").has("This password reset link does not work")
    page = visitor.submit(
        "/forgotten-password",
        "/reset-password",
        {"token": "nope", "new_password": "after-the-reset-1", "confirm_password": "after-the-reset-1"},
    )
    assert page.status == 400 and page.has("This password reset link does not work")


# ---------------------------------------------------------------- result details and the statement
def test_result_details_statement_and_share_link(visitor, released):
    sign_in(visitor)
    page = visitor.get(f"/results/{released}")
    assert page.status == 200 and page.has("SOR-2026-000001") and page.has("Use of English")
    assert page.has("Download Statement of Results (PDF)")
    assert f'href="/results/{released}/share"' in page.text and page.has("Share this result")
    pdf = visitor.get(f"/results/{released}/statement")
    assert pdf.status == 303 and pdf.headers["location"].startswith("http")
    assert "Signature" in pdf.headers["location"]  # a presigned, short-lived S3 link
    assert pdf.headers["cache-control"] == "no-store"
    assert visitor.get("/results/nope").status == 404
    assert visitor.get("/results/nope/statement").status == 404


def test_a_late_pending_result_says_whom_to_contact(visitor, registered, monkeypatch):
    import chalicelib.services.candidates as svc

    late = {
        "result_id": "r3",
        "exam_name": "A2 Key",
        "exam_date": "2020-01-10",
        "status": "pending",
        "expected_release": {"from": "2020-02-01", "to": "2020-02-20"},
    }
    monkeypatch.setattr(svc, "get_result", lambda id_number, rid: dict(late))
    sign_in(visitor)
    page = visitor.get("/results/r3")
    assert page.has("Your result is late") and page.has("Contact your exam centre")
    assert not page.has("Share this result")


def test_result_pages_need_signing_in(visitor):
    for path in (
        "/results/x",
        "/results/x/statement",
        "/results/x/share",
        "/shared-results",
        "/your-details",
    ):
        assert visitor.get(path).headers["location"] == "/sign-in", path


# ---------------------------------------------------------------- share, shared results, stop sharing
def test_share_search_share_list_and_stop(visitor, released):
    london = approved_org("King's College London", "GB", "https://www.kcl.ac.uk")
    approved_org("King's College", "US", "https://www.kings.edu")
    sign_in(visitor)
    empty = visitor.get(f"/results/{released}/share?q=k")
    assert empty.status == 400 and 'href="#q"' in empty.text and empty.has("at least 2 letters")
    page = visitor.get(f"/results/{released}/share?q=king")
    assert page.has("2 organisations found") and page.has("United Kingdom") and page.has("United States")
    assert page.has("Share with King's College London") and page.has("University")
    assert visitor.post(f"/results/{released}/share", {"org_id": london}).status == 400  # no CSRF token
    made = visitor.submit(
        f"/results/{released}/share?q=king", f"/results/{released}/share", {"org_id": london}
    )
    assert made.status == 303 and made.headers["location"].startswith("/shared-results?shared=")
    listing = visitor.get(made.headers["location"])
    assert listing.has("You have shared your B2 First result with King's College London")
    assert listing.has("Not viewed yet") and listing.has("Stop sharing")
    share_id = re.search(r'action="/shared-results/([^/]+)/stop"', listing.text).group(1)
    from chalicelib.db import models as m

    item = m.Share.get(m.SHARE + share_id, "SHARE")
    item.update(actions=[m.Share.viewed_at.set("2026-08-02T10:00:00Z")])
    assert visitor.get("/shared-results").has("Viewed 2 August 2026")
    assert visitor.post(f"/shared-results/{share_id}/stop", {}).status == 400  # no CSRF token
    stopped = visitor.submit("/shared-results", f"/shared-results/{share_id}/stop", {})
    assert stopped.status == 303 and stopped.headers["location"] == "/shared-results?stopped=1"
    page = visitor.get("/shared-results?stopped=1")
    assert page.has("You have stopped sharing") and page.has("You have not shared any results")
    with pytest.raises(m.Share.DoesNotExist):
        m.Share.get(m.SHARE + share_id, "SHARE")


def test_sharing_with_an_unknown_organisation_is_a_404(visitor, released):
    sign_in(visitor)
    assert (
        visitor.submit(f"/results/{released}/share", f"/results/{released}/share", {"org_id": "nope"}).status
        == 404
    )


# ---------------------------------------------------------------- your details
def test_your_details_save_and_errors(visitor, registered):
    sign_in(visitor)
    page = visitor.get("/your-details")
    assert page.has("zoe@example.org") and '<option value="PL" selected>' in page.text
    bad = visitor.submit(
        "/your-details", "/your-details", {"email": "nope", "country": "", "first_language": "xx"}
    )
    assert bad.status == 400
    for field in ("email", "country", "first_language"):
        assert f'href="#{field}"' in bad.text
    no_pw = visitor.submit(
        "/your-details",
        "/your-details",
        {"email": "new@example.org", "country": "ES", "first_language": "es"},
    )
    assert no_pw.status == 400 and no_pw.has("Enter your password to change your email address")
    wrong = visitor.submit(
        "/your-details",
        "/your-details",
        {
            "email": "new@example.org",
            "country": "ES",
            "first_language": "es",
            "details_password": "nope-nope-1",
        },
    )
    assert wrong.status == 400 and wrong.has("Your password is not correct")
    ok = visitor.submit(
        "/your-details",
        "/your-details",
        {"email": "zoe@example.org", "country": "ES", "first_language": "es"},
    )
    assert ok.status == 303 and ok.headers["location"] == "/your-details?saved=details"
    page = visitor.get("/your-details?saved=details")
    assert page.has("Your details are saved") and '<option value="ES" selected>' in page.text
    assert 'value="yes" checked' not in page.text  # marketing unticked is saved as off
    moved = visitor.submit(
        "/your-details",
        "/your-details",
        {"email": "new@example.org", "country": "ES", "first_language": "es", "details_password": PASSWORD},
    )
    assert moved.status == 303
    from chalicelib.services import candidates

    assert candidates.get_profile(ID)["email"] == "new@example.org"


def test_change_password_good_and_bad(visitor, registered):
    sign_in(visitor)
    empty = visitor.submit("/your-details", "/your-details/password", {})
    assert empty.status == 400
    for field in ("current_password", "new_password", "confirm_new_password"):
        assert f'href="#{field}"' in empty.text
    wrong = visitor.submit(
        "/your-details",
        "/your-details/password",
        {
            "current_password": "wrong-password-9",
            "new_password": "a-new-password-1",
            "confirm_new_password": "a-new-password-1",
        },
    )
    assert wrong.status == 400 and wrong.has("Your current password is not correct")
    ok = visitor.submit(
        "/your-details",
        "/your-details/password",
        {
            "current_password": PASSWORD,
            "new_password": "a-new-password-1",
            "confirm_new_password": "a-new-password-1",
        },
    )
    assert ok.status == 303 and ok.headers["location"] == "/your-details?saved=password"
    assert visitor.get("/your-details?saved=password").has(
        "Your password has been changed"
    )  # still signed in
    visitor.submit("/results", "/sign-out", {})
    sign_in(visitor, "a-new-password-1")


def test_the_signed_in_navigation_has_every_page(visitor, registered):
    sign_in(visitor)
    page = visitor.get("/shared-results")
    for href in ("/results", "/shared-results", "/your-details"):
        assert f'href="{href}"' in page.text
    assert 'href="/shared-results" aria-current="page"' in page.text
