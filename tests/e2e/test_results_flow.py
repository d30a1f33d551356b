"""The results release over HTTP against the running local stack: entries -> the candidate
registers -> a results file -> the email in the outbox -> results visible -> the Statement of
Results PDF downloads and holds the name and the scores."""
from __future__ import annotations

import io
import re
import time

import pytest
import requests

from .conftest import Stack, wait_for

pytestmark = pytest.mark.e2e

ENTRIES = ("id_number,secret_number,first_name,family_name,date_of_birth,centre_number,exam_code,exam_date,"
           "exam_format\n"
           "RSF200001,2468,Zoë,Łukasiewicz-Nguyễn,2004-03-09,GB123,B2FIRST,2026-06-14,paper\n"
           "RSF200002,1357,Ana,Silva,2003-01-02,GB123,B2FIRST,2026-06-14,paper\n").encode()
RESULTS = ("\ufeffid_number,exam_code,exam_date,reference_number,overall_score,grade,cefr_level,"
           "component:Reading,component:Use of English,component:Writing,component:Listening,"
           "component:Speaking\r\n"
           "RSF200001,B2FIRST,2026-06-14,SOR-E2E-000001,176,B,B2,175,170,168,180,185\r\n"
           "RSF200002,B2FIRST,2026-06-14,SOR-E2E-000002,150,Level B1,B1,150,149,151,150,152\r\n"
           "RSF299999,B2FIRST,2026-06-14,SOR-E2E-000003,176,B,B2,175,170,168,180,185\r\n").encode()



def upload(http: requests.Session, base: str, auth: dict, kind: str, data: bytes) -> dict:
    batch = http.post(f"{base}/staff/batches", json={"kind": kind, "filename": f"{kind}.csv"},
                      headers=auth).json()
    assert requests.put(batch["upload_url"], data=data, headers={"Content-Type": "text/csv"},
                        timeout=10).status_code == 200
    return wait_for(lambda: http.get(f"{base}/staff/batches/{batch['batch_id']}", headers=auth).json(),
                    lambda b: b["status"] not in ("awaiting_upload", "processing"))


def test_results_file_to_email_results_and_statement(stack: Stack) -> None:
    from pypdf import PdfReader

    base, http = stack.base_url, requests.Session()
    staff = stack.staff_token()
    auth = {"Authorization": f"Bearer {staff}"}
    # Given the entries, and one of the two candidates registered
    assert upload(http, base, auth, "entries", ENTRIES)["rows_ok"] == 2
    reg = {"id_number": "RSF200001", "secret_number": "2468", "email": "zoe.results@example.org",
           "password": "violet-harbour-lantern", "country": "PL", "first_language": "pl",
           "accept_terms": True, "marketing_opt_in": False}
    assert http.post(f"{base}/candidates/register", json=reg).status_code == 201
    token = http.post(f"{base}/candidates/login", json={"id_number": "RSF200001",
                                                        "password": "violet-harbour-lantern"}).json()["token"]
    me = {"Authorization": f"Bearer {token}"}
    [pending] = http.get(f"{base}/candidates/me/results", headers=me).json()["results"]
    assert pending["status"] == "pending"

    # When the results file arrives (one row has no entry)
    batch = upload(http, base, auth, "results", RESULTS)
    assert batch["status"] == "completed_with_errors", batch
    assert (batch["rows_ok"], batch["rows_failed"]) == (2, 1)
    assert batch["errors"][0]["row"] == 4

    # Then the registered candidate gets the email, with a link to log in and no score in it
    mails = stack.emails_to("zoe.results@example.org", count=2, timeout=30)
    [released] = [mm for mm in mails if "released" in str(mm["Subject"]).lower()]
    body = released.get_body(preferencelist=("plain",)).get_content()
    assert "/sign-in" in body  # the sign-in page: emails link to pages (PAGES.md)
    assert not re.search(r"(?<![\d:])(176|175|170|168|180|185)(?!\d)", body), body  # no score
    assert "grade" not in body.lower()
    # And the progress counters add up
    done = wait_for(lambda: http.get(f"{base}/staff/batches/{batch['batch_id']}", headers=auth).json(),
                    lambda b: b["statements_generated"] == 2 and b["emails_sent"] == 1)
    assert (done["statements_generated"], done["emails_sent"]) == (2, 1)

    # And the results are visible with their scores
    [result] = http.get(f"{base}/candidates/me/results", headers=me).json()["results"]
    assert result["status"] == "released" and result["overall_score"] == 176
    assert result["grade"] == "B" and result["cefr_level"] == "B2"
    assert {c["name"]: c["score"] for c in result["components"]}["Speaking"] == 185
    assert result["reference_number"] == "SOR-E2E-000001"

    # And the Statement of Results downloads (a redirect to a short-lived URL) with the name and scores
    r = http.get(f"{base}/candidates/me/results/{result['result_id']}/statement", headers=me,
                 allow_redirects=False)
    assert r.status_code == 302
    pdf = requests.get(r.headers["Location"], timeout=10)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    for expected in ("Zoë", "Łukasiewicz-Nguyễn", "176", "185", "SOR-E2E-000001", "B2"):
        assert expected in text, expected

    # And the same file uploaded again changes nothing and sends no second email
    again = upload(http, base, auth, "results", RESULTS)
    assert again["rows_unchanged"] == 2, again
    time.sleep(2)
    assert len(stack.emails_to("zoe.results@example.org", count=2)) == 2
