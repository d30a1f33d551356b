"""The exam board's console (/board) through chalice.test.Client: sign-in with its code step and
its bad paths, a non-staff session refused, CSRF, the upload form's fields (a presigned POST to
S3), the batch page (bad rows in row order, refreshing while it works), approve and reject (and
twice)."""
from __future__ import annotations

import re
from html import unescape
from urllib.parse import urlencode

import pytest

from tests.api.conftest import csv_bytes, entry_row, outbox  # noqa: F401  (fixture: outbox)
from tests.api.verifier_kit import registration
from tests.two_factor import fresh_code

from .conftest import Browser

EMAIL, PASSWORD = "staff@exam-board.example", "a-long-staff-password"


@pytest.fixture
def staff_account(app_module) -> str:
    """The staff account's TOTP secret: a new one per test (a code is accepted once per 30 s step:
    with one secret for all, each sign-in would wait for the next step)."""
    import pyotp

    from chalicelib.services.staff import ensure_staff_account

    secret = pyotp.random_base32()
    ensure_staff_account(EMAIL, PASSWORD, secret)
    return secret


def sign_in(visitor: Browser, secret: str) -> None:
    page = visitor.submit("/board/sign-in", "/board/sign-in", {"email": EMAIL, "password": PASSWORD})
    assert page.status == 200 and page.has("Enter the code from your authenticator app")
    token = re.search(r'name="mfa_token" value="([^"]+)"', page.text).group(1)
    done = visitor.post("/board/sign-in/code", {"csrf_token": page.csrf(), "mfa_token": token,
                                                "code": fresh_code(secret)})
    assert done.status == 303 and done.headers["location"] == "/board/batches"


@pytest.fixture
def board(visitor, staff_account):
    sign_in(visitor, staff_account)
    return visitor


def summary(page) -> str:
    found = re.search(r'<div class="govuk-error-summary.*?</ul>', page.text, re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", found.group(0))).split()) if found else ""


# ---------------------------------------------------------------- signing in
def test_pages_need_a_staff_session(visitor, staff_account):
    for path in ("/board", "/board/batches", "/board/organisations", "/board/batches/nope"):
        r = visitor.get(path)
        assert r.status == 303 and r.headers["location"] == "/board/sign-in", path


def test_empty_fields_are_named(visitor, staff_account):
    page = visitor.submit("/board/sign-in", "/board/sign-in", {"email": "", "password": ""})
    assert page.status == 400
    assert "Enter your email address" in summary(page) and "Enter your password" in summary(page)
    assert 'href="#email"' in page.text and 'href="#password"' in page.text


def test_unknown_and_wrong_credentials_get_the_same_reply(visitor, staff_account):
    wrong = visitor.submit("/board/sign-in", "/board/sign-in", {"email": EMAIL, "password": "wrong-pass-1"})
    unknown = visitor.submit("/board/sign-in", "/board/sign-in",
                             {"email": "nobody@exam-board.example", "password": "wrong-pass-1"})
    assert wrong.status == unknown.status == 400
    assert summary(wrong) == summary(unknown)
    assert summary(wrong) == "There is a problem The email address or password is not correct"
    assert PASSWORD not in wrong.text and "wrong-pass-1" not in wrong.text  # a password is never shown again


def test_too_many_attempts_is_a_page_error_that_says_how_long(visitor, staff_account):
    for _ in range(5):
        visitor.submit("/board/sign-in", "/board/sign-in", {"email": EMAIL, "password": "wrong-pass-1"})
    page = visitor.submit("/board/sign-in", "/board/sign-in", {"email": EMAIL, "password": PASSWORD})
    assert page.status == 429 and "Wait 15 minutes, then try again" in summary(page)


def test_a_wrong_code_asks_again_and_a_used_challenge_starts_again(visitor, staff_account):
    page = visitor.submit("/board/sign-in", "/board/sign-in", {"email": EMAIL, "password": PASSWORD})
    token = re.search(r'name="mfa_token" value="([^"]+)"', page.text).group(1)
    wrong = visitor.post("/board/sign-in/code", {"csrf_token": page.csrf(), "mfa_token": token,
                                                 "code": "000000"})
    assert wrong.status == 400 and "The code is not correct" in summary(wrong)
    assert 'href="#code"' in wrong.text and token in wrong.text  # the same challenge, again
    empty = visitor.post("/board/sign-in/code", {"csrf_token": page.csrf(), "mfa_token": token, "code": ""})
    assert "Enter the 6-digit code" in summary(empty)
    made_up = visitor.post("/board/sign-in/code", {"csrf_token": page.csrf(), "mfa_token": "x" * 40,
                                                   "code": "123456"})
    assert made_up.status == 400 and "Sign in again" in summary(made_up)


def test_sign_in_and_out(board):
    home = board.get("/board")
    assert home.status == 200 and 'href="/board/batches"' in home.text
    assert 'href="/board/organisations"' in home.text and 'action="/board/sign-out"' in home.text
    assert "/language/" not in home.text and 'lang="en"' in home.text  # English only
    out = board.submit("/board", "/board/sign-out", {})
    assert out.status == 303 and out.headers["location"] == "/board/signed-out"
    assert board.get("/board/batches").status == 303  # the session ended


def test_an_account_not_enrolled_is_shown_its_key_then_recovery_codes(visitor, app_module):
    from chalicelib.services.staff import ensure_staff_account

    ensure_staff_account(EMAIL, PASSWORD)  # no secret: enrols at its next sign-in
    page = visitor.submit("/board/sign-in", "/board/sign-in", {"email": EMAIL, "password": PASSWORD})
    secret = re.search(r"Key: <code[^>]*>([A-Z2-7]+)</code>", page.text).group(1)
    token = re.search(r'name="mfa_token" value="([^"]+)"', page.text).group(1)
    done = visitor.post("/board/sign-in/code", {"csrf_token": page.csrf(), "mfa_token": token,
                                                "code": fresh_code(secret)})
    assert done.status == 200 and done.has("Your recovery codes")
    assert len(re.findall(r"<li><code>[a-z0-9]{5}-[a-z0-9]{5}</code></li>", done.text)) == 10


def test_a_candidate_session_is_not_a_staff_session(visitor, staff_account, entries):
    from tests.web.test_candidate_pages import GOOD

    entries(entry_row())
    assert visitor.submit("/register", "/register", GOOD).status == 303
    from chalicelib.services import candidates

    session = candidates.login(GOOD["id_number"], GOOD["password"])
    visitor.cookies["__Host-session"] = session["token"]
    r = visitor.get("/board/batches")
    assert r.status == 303 and r.headers["location"] == "/board/sign-in"


def test_forms_without_the_csrf_token_are_refused(board, app_module):
    org_id = _register_org(app_module)
    for path, fields in (("/board/sign-out", {}), (f"/board/organisations/{org_id}/approve", {}),
                         (f"/board/organisations/{org_id}/reject", {"reason": "No"})):
        assert board.post(path, fields).status == 400, path
        assert board.post(path, {"csrf_token": "forged", **fields}).status == 400, path
    from chalicelib.services import organisations

    assert organisations.list_page("pending", 10, None)["organisations"][0]["org_id"] == org_id


# ---------------------------------------------------------------- batches
def test_the_upload_form_posts_straight_to_s3(board):
    from chalicelib import config

    page = board.get("/board/batches")
    assert page.status == 200
    form = re.search(r'<form method="post" action="([^"]+)" enctype="multipart/form-data"[^>]*>(.*?)</form>',
                     page.text, re.S)
    action, body = unescape(form.group(1)), form.group(2)
    assert config.BATCH_BUCKET in action
    names = re.findall(r'name="([^"]+)"', body)
    assert names[-1] == "file" and "csrf_token" not in names  # the file last; only the policy's fields
    for field in ("policy", "success_action_redirect", "key"):
        assert field in names
    assert any(n in names for n in ("x-amz-signature", "signature"))
    redirect = re.search(r'name="success_action_redirect" value="([^"]+)"', body).group(1)
    assert redirect.endswith("/board/batches/uploaded")
    option = r'<option value="(incoming/(?:entries|results)/[0-9a-f]+/\$\{filename\})"[^>]*>\s*(\w+)'
    keys = re.findall(option, body)
    assert [k[1] for k in keys] == ["Entries", "Results"]
    assert 'for="kind"' in body and 'type="file"' in body and 'accept=".csv,text/csv"' in body
    # only this page may post to the bucket's origin
    origin = re.match(r"https?://[^/]+", action).group(0)
    assert f"form-action 'self' {origin};" in page.headers["content-security-policy"]
    assert "form-action 'self';" in board.get("/board/organisations").headers["content-security-policy"]


def test_after_the_upload_s3_sends_the_browser_to_the_batch_page(board, app_module):
    from chalicelib import config
    from chalicelib.adapters.aws import client
    from devstack.pump import drain

    # a results file without entries: every row fails, and row 3 fails on its own (its score)
    text = ("id_number,exam_code,exam_date,reference_number,overall_score,grade,cefr_level,component:Reading,"
            "component:Use of English,component:Writing,component:Listening,component:Speaking\n"
            "ABC000002,B2FIRST,2026-06-14,SOR-PG-000002,176,B,B2,175,170,168,180,185\n"
            "ABC000003,B2FIRST,2026-06-14,SOR-PG-000003,999,B,B2,175,170,168,180,185\n"
            "ABC000004,B2FIRST,2026-06-14,SOR-PG-000004,176,B,B2,175,170,168,180,185\n")
    key = "incoming/results/0123456789abcdef/June results.csv"
    client("s3").put_object(Bucket=config.BATCH_BUCKET, Key=key, Body=text.encode())  # what S3's POST does
    r = board.get("/board/batches/uploaded?" + urlencode({"bucket": config.BATCH_BUCKET, "key": key}))
    assert r.status == 303 and r.headers["location"].startswith("/board/batches/s3-")
    waiting = board.get(r.headers["location"])
    assert waiting.has("Waiting for the file") and waiting.headers["refresh"] == "3"
    stopped = board.get(r.headers["location"] + "?refresh=off")
    assert "refresh" not in stopped.headers and stopped.has("Refresh this page")
    drain(app_module)
    done = board.get(r.headers["location"])
    assert done.has("Completed with errors") and "refresh" not in done.headers
    cell = r'<td class="govuk-table__cell govuk-table__cell--numeric">(\d+)</td>'
    rows = [int(n) for n in re.findall(cell, done.text)]
    assert rows == sorted(rows) and set(rows) == {2, 3, 4}
    assert done.has("Download the full error report (CSV)")
    listing = board.get("/board/batches")
    assert listing.has("June results.csv") and listing.has("Completed with errors")
    from chalicelib.services import batches

    [batch] = batches.list_page(5, None)["batches"]
    assert batch["filename"] == "June results.csv"  # one batch: the redirect's record is the one processed


def test_a_redirect_without_a_file_or_for_another_bucket_is_refused(board):
    from chalicelib import config

    for query in (f"bucket={config.BATCH_BUCKET}&key=incoming/entries/abc/",
                  "bucket=other&key=incoming/entries/a/b.csv", "key=../etc"):
        page = board.get("/board/batches/uploaded?" + query)
        assert page.status == 400 and "Choose a CSV file to upload" in summary(page)
    assert board.get("/board/batches/no-such-batch").status == 404


# ---------------------------------------------------------------- organisations
def _register_org(app_module) -> str:
    from chalice.test import Client

    with Client(app_module.app) as c:
        import json

        r = c.http.post("/verifiers/register", headers={"Content-Type": "application/json"},
                        body=json.dumps(registration("uni-north.ac.uk", "University of the North")))
        return str(json.loads(r.body)["org_id"])


def test_approve_shows_who_applied_and_works_once(board, app_module, outbox):  # noqa: F811
    org_id = _register_org(app_module)
    page = board.get("/board/organisations")
    for words in ("University of the North", "University", "https://www.uni-north.ac.uk/", "GB",
                  "Ada Okafor", "Admissions officer", "ada@uni-north.ac.uk"):
        assert page.has(words), words
    token = page.csrf()
    first = board.post(f"/board/organisations/{org_id}/approve", {"csrf_token": token})
    assert first.status == 303
    assert board.get(first.headers["location"]).has("The organisation was approved")
    assert outbox("ada@uni-north.ac.uk")
    again = board.post(f"/board/organisations/{org_id}/approve", {"csrf_token": token})
    assert again.status == 409 and "already approved" in summary(again)
    rejected = board.post(f"/board/organisations/{org_id}/reject", {"csrf_token": token, "reason": "x"})
    assert rejected.status == 409


def test_reject_needs_a_reason_and_works_once(board, app_module):
    org_id = _register_org(app_module)
    token = board.get("/board/organisations").csrf()
    empty = board.post(f"/board/organisations/{org_id}/reject", {"csrf_token": token, "reason": "  "})
    assert empty.status == 400 and "Enter the reason" in summary(empty)
    assert f'href="#reason-{org_id}"' in empty.text
    reason = "The website is not a university's"
    done = board.post(f"/board/organisations/{org_id}/reject", {"csrf_token": token, "reason": reason})
    assert done.status == 303 and board.get(done.headers["location"]).has("No organisations are waiting")
    again = board.post(f"/board/organisations/{org_id}/reject", {"csrf_token": token, "reason": "Again"})
    assert again.status == 409 and "already rejected" in summary(again)
    gone = board.post("/board/organisations/nope/approve", {"csrf_token": token})
    assert gone.status == 409
