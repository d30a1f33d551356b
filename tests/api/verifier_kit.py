"""Helpers and fixtures for the verifier tests: organisations registered and approved through
the API, candidates and released results created directly (the results importer is another
engineer's work in progress), and a staff session."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from .conftest import token_in

PASSWORD = "violet-harbour-lantern"
STAFF_EMAIL = "staff@exam-board.example"


@dataclass
class Org:
    org_id: str
    name: str
    domain: str
    email: str
    token: str  # the Primary User's session
    user_id: str


@pytest.fixture
def staff(api):
    from chalicelib.services.staff import ensure_staff_account
    from tests.two_factor import sign_in, via_api

    ensure_staff_account(STAFF_EMAIL, PASSWORD)
    return sign_in(via_api(api), "/staff/login", {"email": STAFF_EMAIL, "password": PASSWORD})[0]["token"]


def registration(domain: str, name: str, email: str | None = None, **over: Any) -> dict:
    body = {
        "first_name": "Ada",
        "family_name": "Okafor",
        "job_title": "Admissions officer",
        "email": email or f"ada@{domain}",
        "confirm_email": email or f"ada@{domain}",
        "organisation": {
            "name": name,
            "type": "university",
            "website": f"https://www.{domain}/",
            "country": "GB",
        },
    }
    body.update(over)
    return body


def set_password_from(api, mail, password: str = PASSWORD) -> None:
    r = api.post("/verifiers/set-password", {"token": token_in(mail), "password": password})
    assert r.status == 204, r.json


def login(api, email: str, password: str = PASSWORD):
    return api.post("/verifiers/login", {"email": email, "password": password})


@pytest.fixture
def make_org(api, outbox, staff):
    def _make(domain: str = "uni-north.ac.uk", name: str = "University of the North") -> Org:
        r = api.post("/verifiers/register", registration(domain, name))
        assert r.status == 202, r.json
        org_id = r.json["org_id"]
        assert api.post(f"/staff/organisations/{org_id}/approve", token=staff).status == 200
        email = f"ada@{domain}"
        [mail] = [mm for mm in outbox(email) if "set your password" in str(mm["Subject"])]
        set_password_from(api, mail)
        token = login(api, email).json["token"]
        me = api.get("/verifiers/me", token=token).json
        return Org(org_id, name, domain, email, token, me["user_id"])

    return _make


@pytest.fixture
def add_admin(api, outbox):
    def _add(org: Org, local: str = "sam") -> tuple[str, str]:
        email = f"{local}@{org.domain}"
        r = api.post(
            "/organisation/users",
            {"first_name": "Sam", "family_name": "Lee", "job_title": "Clerk", "email": email},
            token=org.token,
        )
        assert r.status == 201, r.json
        [mail] = outbox(email)
        set_password_from(api, mail)
        return login(api, email).json["token"], r.json["user_id"]

    return _add


def make_candidate(
    id_number: str = "SIR094701", first: str = "Zoë", family: str = "Łukasiewicz-Nguyễn"
) -> None:
    from chalicelib.adapters import clock
    from chalicelib.db import models as m
    from chalicelib.domain import passwords

    m.CandidateAccount(
        *m.CandidateAccount.keys(id_number),
        id_number=id_number,
        email=f"{id_number}@example.org",
        email_verified=True,
        password_hash=passwords.hash_password(PASSWORD),
        first_name=first,
        family_name=family,
        country="PL",
        first_language="pl",
        marketing_opt_in=False,
        created_at=clock.iso(),
    ).save()


def make_result(
    id_number: str = "SIR094701",
    exam_code: str = "B2FIRST",
    exam_date: str = "2025-06-14",
    reference_number: str = "SOR-2025-000001",
    date_of_birth: str = "2004-03-09",
    status: str = "released",
    photo_key: str | None = "photos/SIR094701.jpg",
    first: str = "Zoë",
    family: str = "Łukasiewicz-Nguyễn",
    statement_key: str | None = None,
) -> str:
    """A Result item as the results pipeline writes it; returns its result_id."""
    from chalicelib.adapters import clock
    from chalicelib.db import models as m

    pk, sk = m.Result.keys(id_number, exam_date, exam_code)
    r = m.Result(
        pk,
        sk,
        id_number=id_number,
        first_name=first,
        family_name=family,
        date_of_birth=date_of_birth,
        centre_number="GB123",
        exam_code=exam_code,
        exam_date=exam_date,
        exam_format="paper",
        reference_number=reference_number,
        overall_score=175,
        grade="B",
        cefr_level="B2",
        components=[
            m.Component(name=n, score=s)
            for n, s in (
                ("Reading", 172),
                ("Use of English", 180),
                ("Writing", 169),
                ("Listening", 177),
                ("Speaking", 178),
            )
        ],
        photo_key=photo_key,
        status=status,
        released_at=clock.iso() if status == "released" else None,
        content_hash="x",
        statement_key=statement_key,
        batch_id="test",
        updated_at=clock.iso(),
        gsi1pk=m.REF + reference_number,
        gsi1sk="RESULT",
    )
    r.save()
    return r.result_id


def candidate_login(api, id_number: str = "SIR094701") -> str:
    r = api.post("/candidates/login", {"id_number": id_number, "password": PASSWORD})
    assert r.status == 200, r.json
    return r.json["token"]


@pytest.fixture
def candidate(api):
    make_candidate()
    return candidate_login(api)


def share(api, token: str, result_id: str, org_id: str):
    return api.post("/candidates/me/shares", {"result_id": result_id, "org_id": org_id}, token=token)


def _put_json(self, path: str, body: Any = None, **kw: Any):
    return self.call("PUT", path, body, **kw)


def _install_put() -> None:
    from .conftest import Api

    if not hasattr(Api, "put_json"):
        Api.put_json = _put_json  # type: ignore[attr-defined]


_install_put()
