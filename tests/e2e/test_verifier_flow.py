"""End to end over the local stack: an organisation registers, staff approve it, the Primary
User sets a password from the emailed link, a candidate shares a released result with it, and
the organisation sees the share, opens it and gets the Statement of Results."""

from __future__ import annotations

import time
import uuid

import pytest
import requests

from .conftest import Stack

pytestmark = pytest.mark.e2e
PASSWORD = "violet-harbour-lantern"


def put_candidate_and_result(stack: Stack, id_number: str, reference: str) -> str:
    """The candidate's account and a released result, as the results pipeline would write them
    (that importer is built separately); returns the result_id."""
    from chalicelib.domain.passwords import hash_password

    ddb = stack.client("dynamodb")
    table = stack.names["main_table"]
    now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    s = lambda v: {"S": v}  # noqa: E731
    ddb.put_item(
        TableName=table,
        Item={
            "pk": s(f"CAND#{id_number}"),
            "sk": s("ACCOUNT"),
            "id_number": s(id_number),
            "email": s("zoe@example.org"),
            "email_verified": {"BOOL": True},
            "password_hash": s(hash_password(PASSWORD)),
            "first_name": s("Zoë"),
            "family_name": s("Kowalczyk"),
            "country": s("PL"),
            "first_language": s("pl"),
            "marketing_opt_in": {"BOOL": False},
            "created_at": s(now),
        },
    )
    ddb.put_item(
        TableName=table,
        Item={
            "pk": s(f"CAND#{id_number}"),
            "sk": s("RESULT#2025-06-14#C1ADV"),
            "id_number": s(id_number),
            "first_name": s("Zoë"),
            "family_name": s("Kowalczyk"),
            "date_of_birth": s("2007-02-11"),
            "centre_number": s("PL096"),
            "exam_code": s("C1ADV"),
            "exam_date": s("2025-06-14"),
            "exam_format": s("computer"),
            "reference_number": s(reference),
            "overall_score": {"N": "185"},
            "grade": s("B"),
            "cefr_level": s("C1"),
            "components": {
                "L": [
                    {"M": {"name": s(n), "score": {"N": str(v)}}}
                    for n, v in (
                        ("Reading", 184),
                        ("Use of English", 190),
                        ("Writing", 178),
                        ("Listening", 186),
                        ("Speaking", 187),
                    )
                ]
            },
            "status": s("released"),
            "released_at": s(now),
            "version": {"N": "1"},
            "content_hash": s("e2e"),
            "batch_id": s("e2e"),
            "updated_at": s(now),
            "gsi1pk": s(f"REF#{reference}"),
            "gsi1sk": s("RESULT"),
        },
    )
    return "C1ADV-20250614"


def test_register_approve_set_password_share_view_statement(stack: Stack) -> None:
    base = stack.base_url
    domain = f"uni-{uuid.uuid4().hex[:8]}.ac.uk"
    email = f"ada@{domain}"
    # an organisation registers
    r = requests.post(
        f"{base}/verifiers/register",
        json={
            "first_name": "Ada",
            "family_name": "Okafor",
            "job_title": "Admissions",
            "email": email,
            "confirm_email": email,
            "organisation": {
                "name": "Université de Łódź Test",
                "type": "university",
                "website": f"https://{domain}",
                "country": "PL",
            },
        },
        timeout=10,
    )
    assert r.status_code == 202, r.text
    org_id = r.json()["org_id"]
    # staff approve it
    staff = stack.staff_token()
    staff_h = {"Authorization": f"Bearer {staff}"}
    pending = requests.get(f"{base}/staff/organisations?status=pending", headers=staff_h, timeout=10).json()
    assert org_id in [o["org_id"] for o in pending["organisations"]]
    assert (
        requests.post(f"{base}/staff/organisations/{org_id}/approve", headers=staff_h, timeout=10).status_code
        == 200
    )
    # the registrant sets a password from the emailed link, and logs in
    mails = stack.emails_to(email, count=2)
    link_mail = next(m for m in mails if stack.token_from(m))
    token = stack.token_from(link_mail)
    assert (
        requests.post(
            f"{base}/verifiers/set-password", json={"token": token, "password": PASSWORD}, timeout=10
        ).status_code
        == 204
    )
    org_token = requests.post(
        f"{base}/verifiers/login", json={"email": email, "password": PASSWORD}, timeout=10
    ).json()["token"]
    org_h = {"Authorization": f"Bearer {org_token}"}
    # a candidate finds the organisation and shares a released result
    id_number = "QRS" + str(uuid.uuid4().int)[:6]
    result_id = put_candidate_and_result(stack, id_number, f"SOR-E2E-{uuid.uuid4().hex[:8]}")
    cand = requests.post(
        f"{base}/candidates/login", json={"id_number": id_number, "password": PASSWORD}, timeout=10
    ).json()["token"]
    cand_h = {"Authorization": f"Bearer {cand}"}
    found = requests.get(f"{base}/institutions", params={"q": "lodz univ"}, headers=cand_h, timeout=10).json()
    assert org_id in [i["org_id"] for i in found["institutions"]]
    r = requests.post(
        f"{base}/candidates/me/shares",
        json={"result_id": result_id, "org_id": org_id},
        headers=cand_h,
        timeout=10,
    )
    assert r.status_code == 201, r.text
    share_id = r.json()["share_id"]
    # the organisation sees it as new, opens it, and gets the statement
    [listed] = requests.get(f"{base}/organisation/shares", headers=org_h, timeout=10).json()["shares"]
    assert listed["share_id"] == share_id and listed["new"] is True
    detail = requests.get(f"{base}/organisation/shares/{share_id}", headers=org_h, timeout=10).json()
    assert detail["candidate"]["id_number"] == id_number and detail["overall_score"] == 185
    assert detail["photo_url"] is None  # no photo_key on this result
    pdf = requests.get(
        f"{base}/organisation/shares/{share_id}/statement",
        headers={**org_h, "Accept": "application/pdf"},
        timeout=30,
    )
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    mine = requests.get(f"{base}/candidates/me/shares", headers=cand_h, timeout=10).json()["shares"]
    assert mine[0]["viewed_at"] is not None
