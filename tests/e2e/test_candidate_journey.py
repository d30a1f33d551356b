"""A candidate's journey over HTTP against the running local stack: staff upload the entries
file through a presigned URL; the candidate registers, verifies the email from the outbox,
logs in, sees the entry pending, resets the password."""
from __future__ import annotations

import pytest
import requests

from .conftest import Stack, wait_for

pytestmark = pytest.mark.e2e

ENTRIES = (
    "\ufeffid_number,secret_number,first_name,family_name,date_of_birth,centre_number,exam_code,exam_date,"
    "exam_format\r\n"
    "KLM123456,0427,Zoë,Łukasiewicz-Nguyễn,2003-02-01,GB123,C1ADV,2026-06-10,computer\r\n"
    "KLM123457,1111,Bad,Row,2003-02-01,GB123,NOPE,2026-06-10,computer\r\n"
).encode()



def test_register_verify_login_pending_reset(stack: Stack) -> None:
    base = stack.base_url
    http = requests.Session()
    # Given staff upload an entries file through the presigned URL
    staff = stack.staff_token()
    auth = {"Authorization": f"Bearer {staff}"}
    batch = http.post(f"{base}/staff/batches", json={"kind": "entries", "filename": "june.csv"},
                      headers=auth).json()
    put = requests.put(batch["upload_url"], data=ENTRIES, headers={"Content-Type": "text/csv"}, timeout=10)
    assert put.status_code == 200
    report = wait_for(lambda: http.get(f"{base}/staff/batches/{batch['batch_id']}", headers=auth).json(),
                      lambda b: b["status"] not in ("awaiting_upload", "processing"))
    assert report["status"] == "completed_with_errors", report
    assert (report["rows_ok"], report["rows_failed"]) == (1, 1)
    assert report["errors"][0]["field"] == "exam_code"

    # When the candidate registers with a wrong secret, then the right one (typed loosely)
    body = {"id_number": "klm 12345б", "secret_number": "0427", "email": "zoe.e2e@example.org",
            "password": "violet-harbour-lantern", "country": "PL", "first_language": "pl",
            "accept_terms": True, "marketing_opt_in": True}
    wrong = {**body, "id_number": "KLM123456", "secret_number": "9999"}
    r = http.post(f"{base}/candidates/register", json=wrong)
    assert r.status_code == 403 and r.json()["error"] == "forbidden"
    r = http.post(f"{base}/candidates/register", json=body)
    assert r.status_code == 400 and "id_number" in r.json()["fields"]  # a Cyrillic б is no 6
    r = http.post(f"{base}/candidates/register", json={**body, "id_number": "klm 12345б".replace("б", "6")})
    assert r.status_code == 201, r.text

    # Then the confirmation email in the outbox verifies the address
    [mail] = stack.emails_to("zoe.e2e@example.org")
    token = stack.token_from(mail)
    assert token
    r = http.post(f"{base}/candidates/verify-email", json={"token": token})
    assert r.json() == {"email_verified": True}

    # And the candidate logs in and sees the entry pending with its release window
    login = http.post(f"{base}/candidates/login", json={"id_number": "KLM123456",
                                                         "password": "violet-harbour-lantern"})
    session = {"Authorization": f"Bearer {login.json()['token']}"}
    me = http.get(f"{base}/candidates/me", headers=session).json()
    assert me["first_name"] == "Zoë" and me["email_verified"] is True
    [pending] = http.get(f"{base}/candidates/me/results", headers=session).json()["results"]
    assert pending["status"] == "pending" and pending["exam_name"] == "C1 Advanced"
    assert pending["expected_release"] == {"from": "2026-06-17", "to": "2026-06-24"}

    # When the password is reset from the emailed link
    assert http.post(f"{base}/candidates/password-reset",
                     json={"id_number": "KLM123456", "email": "zoe.e2e@example.org"}).status_code == 202
    mails = stack.emails_to("zoe.e2e@example.org", count=2)
    reset = stack.token_from(next(m for m in mails if "Reset" in str(m["Subject"])))
    r = http.post(f"{base}/candidates/password-reset/confirm",
                  json={"token": reset, "new_password": "a-new-harbour-lantern"})
    assert r.status_code == 204
    # Then the old session is over and only the new password works
    assert http.get(f"{base}/candidates/me", headers=session).status_code == 401
    old = http.post(f"{base}/candidates/login", json={"id_number": "KLM123456",
                                                       "password": "violet-harbour-lantern"})
    assert old.status_code == 401
    new = http.post(f"{base}/candidates/login", json={"id_number": "KLM123456",
                                                       "password": "a-new-harbour-lantern"})
    assert new.status_code == 200
    assert http.post(f"{base}/auth/logout", headers={"Authorization": f"Bearer {new.json()['token']}"}
                     ).status_code == 204
