"""Fuzz the running local stack from its own OpenAPI document (schemathesis + hypothesis).

Real principals are set up through the API first: a staff session; a candidate registered from
an uploaded entries file, with a result released by an uploaded results file; an approved
organisation's Primary User and an API key; the candidate's share of the result with it. Then
every documented operation gets generated requests, valid and invalid (and, where the path names
an id, some with an id the principals own), each sent with the credentials its path takes.
Every response must not be a 5xx and must match the document (status code, content type, body
schema). Failures are collected per operation and reported together; the number of requests
sent is counted and must reach MIN_REQUESTS.
"""
from __future__ import annotations

import os
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import pytest
import requests

from .conftest import Stack, wait_for

pytestmark = pytest.mark.e2e

# `make test` fuzzes every operation briefly; `make test-deep` (TEST_DEPTH=deep) at length.
DEEP = os.environ.get("TEST_DEPTH") == "deep"
MIN_REQUESTS = 2000 if DEEP else 500
POSITIVE_EXAMPLES = 28 if DEEP else 6  # per operation, schema-valid requests
NEGATIVE_EXAMPLES = 12 if DEEP else 3  # per operation, requests that break the schema
KNOWN_ID_EXAMPLES = 8 if DEEP else 2  # per operation with a path id we own, that id with generated query/body
PASSWORD = "violet-harbour-lantern"

# Would end or change the fuzzer's own sessions (the other destructive operations are fuzzed with
# ids that are not the fuzzer's, and answer 404/403).
EXCLUDED = {("POST", "/auth/logout"), ("POST", "/candidates/me/password")}


@dataclass
class Principals:
    staff: str
    candidate: str
    verifier: str
    api_key: str
    known: dict[str, dict[str, str]] = field(default_factory=dict)  # (op label) -> path params

    def headers_for(self, method: str, path: str, security: list) -> dict[str, str]:
        schemes = {name for requirement in security for name in requirement}
        if "apiKey" in schemes:
            return {"X-Api-Key": self.api_key}
        if "bearerAuth" not in schemes:
            return {}
        if path.startswith("/staff/"):
            token = self.staff
        elif path.startswith(("/verifiers/", "/organisation/")):
            token = self.verifier
        else:
            token = self.candidate
        return {"Authorization": f"Bearer {token}"}



def ok(r: requests.Response, status: int) -> Any:
    assert r.status_code == status, (r.request.method, r.request.url, r.status_code, r.text)
    return r.json() if r.content else None


def upload(stack: Stack, http: requests.Session, staff_h: dict[str, str], kind: str, text: str) -> str:
    """A batch file through POST /staff/batches and its presigned URL, processed completely."""
    base = stack.base_url
    batch = ok(http.post(f"{base}/staff/batches", json={"kind": kind, "filename": f"fuzz-{kind}.csv"},
                         headers=staff_h), 201)
    put = requests.put(batch["upload_url"], data=text.encode(), headers={"Content-Type": "text/csv"},
                       timeout=10)
    assert put.status_code == 200
    report = wait_for(lambda: ok(http.get(f"{base}/staff/batches/{batch['batch_id']}", headers=staff_h), 200),
                      lambda b: b["status"] not in ("awaiting_upload", "processing"))
    assert report["status"] == "completed", report
    return str(batch["batch_id"])


def set_up(stack: Stack, http: requests.Session) -> Principals:
    base = stack.base_url

    # Staff
    staff = stack.staff_token()
    staff_h = {"Authorization": f"Bearer {staff}"}

    # A candidate: entries and results files through presigned URLs, register, log in
    id_number = "FUZ" + str(uuid.uuid4().int)[:6]
    batch_id = upload(stack, http, staff_h, "entries", (
        "id_number,secret_number,first_name,family_name,date_of_birth,centre_number,exam_code,exam_date,"
        f"exam_format\r\n{id_number},0427,Zoë,Fuzz,2003-02-01,GB123,C1ADV,2026-06-10,computer\r\n"
        f"{id_number},0427,Zoë,Fuzz,2003-02-01,GB123,B2FIRST,2026-07-01,paper\r\n"))
    upload(stack, http, staff_h, "results", (
        "id_number,exam_code,exam_date,reference_number,overall_score,grade,cefr_level,component:Reading,"
        f"component:Writing,release_at\r\n{id_number},C1ADV,2026-06-10,SOR-FUZZ-{uuid.uuid4().hex[:8]},"
        "185,C,C1,184,178,\r\n"))
    ok(http.post(f"{base}/candidates/register", json={
        "id_number": id_number, "secret_number": "0427", "email": f"{id_number.lower()}@example.org",
        "password": PASSWORD, "country": "GB", "first_language": "en", "accept_terms": True,
        "marketing_opt_in": False}), 201)
    candidate = ok(http.post(f"{base}/candidates/login", json={"id_number": id_number, "password": PASSWORD}),
                   200)["token"]
    cand_h = {"Authorization": f"Bearer {candidate}"}
    results = ok(http.get(f"{base}/candidates/me/results", headers=cand_h), 200)["results"]
    [released] = [r for r in results if r["status"] == "released"]
    [pending] = [r for r in results if r["status"] == "pending"]

    # A verifier Primary User: register, staff approve, password from the emailed link, log in
    domain = f"fuzz-{uuid.uuid4().hex[:8]}.ac.uk"
    email = f"ada@{domain}"
    org_id = ok(http.post(f"{base}/verifiers/register", json={
        "first_name": "Ada", "family_name": "Okafor", "job_title": "Admissions", "email": email,
        "confirm_email": email, "organisation": {"name": "Fuzz University", "type": "university",
                                                 "website": f"https://{domain}", "country": "GB"}}),
                202)["org_id"]
    ok(http.post(f"{base}/staff/organisations/{org_id}/approve", headers=staff_h), 200)
    link = next(m for m in stack.emails_to(email, count=2) if stack.token_from(m))
    ok(http.post(f"{base}/verifiers/set-password",
                 json={"token": stack.token_from(link), "password": PASSWORD}), 204)
    verifier = ok(http.post(f"{base}/verifiers/login", json={"email": email, "password": PASSWORD}),
                  200)["token"]
    org_h = {"Authorization": f"Bearer {verifier}"}
    api_key = ok(http.post(f"{base}/organisation/api-keys", json={"name": "fuzz"}, headers=org_h), 201)["key"]

    # Something to read: the candidate shares the released result, the organisation downloads it
    share_id = ok(http.post(f"{base}/candidates/me/shares", headers=cand_h,
                            json={"result_id": released["result_id"], "org_id": org_id}), 201)["share_id"]
    download_id = ok(http.post(f"{base}/organisation/downloads",
                               json={"share_ids": [share_id], "format": "csv"}, headers=org_h),
                     201)["download_id"]

    known = {
        "GET /candidates/me/results/{result_id}": {"result_id": released["result_id"]},
        "GET /candidates/me/results/{result_id}/statement": {"result_id": released["result_id"]},
        "GET /organisation/shares/{share_id}": {"share_id": share_id},
        "GET /organisation/shares/{share_id}/statement": {"share_id": share_id},
        "GET /organisation/downloads/{download_id}": {"download_id": download_id},
        "GET /staff/batches/{batch_id}": {"batch_id": batch_id},
    }
    assert pending["overall_score"] is None
    return Principals(staff, candidate, verifier, api_key, known)


def test_fuzz_every_operation(stack: Stack) -> None:
    import schemathesis
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis.errors import Unsatisfiable
    from schemathesis import GenerationMode
    from schemathesis.checks import (
        content_type_conformance,
        not_a_server_error,
        response_schema_conformance,
        status_code_conformance,
    )

    checks = [not_a_server_error, status_code_conformance, content_type_conformance,
              response_schema_conformance]
    http = requests.Session()
    who = set_up(stack, http)
    doc = http.get(f"{stack.base_url}/openapi.json").json()
    schema = schemathesis.openapi.from_dict(doc)

    sent: dict[str, int] = {}
    failures: dict[str, str] = {}
    statuses: dict[int, int] = {}
    by_operation: dict[str, dict[int, int]] = {}

    def run(label: str, strategy: Any, examples: int, headers: dict[str, str]) -> None:
        @settings(max_examples=examples, deadline=None, database=None, phases=[Phase.generate],
                  suppress_health_check=list(HealthCheck), derandomize=False)
        @given(case=strategy)
        def fuzz(case: Any) -> None:
            response = case.call(base_url=stack.base_url, session=http, headers=headers, timeout=30)
            sent[label] = sent.get(label, 0) + 1
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
            seen = by_operation.setdefault(label, {})
            seen[response.status_code] = seen.get(response.status_code, 0) + 1
            try:
                case.validate_response(response, checks=checks)
            except (Exception, BaseExceptionGroup) as exc:  # schemathesis' FailureGroup: reported below
                raise AssertionError(f"{exc}\n{case.as_curl_command(headers=headers)}") from None

        try:
            fuzz()
        except Unsatisfiable:
            pass  # e.g. no invalid request exists for an operation without inputs
        except (Exception, BaseExceptionGroup) as exc:  # every operation gets its turn; all reported
            failures.setdefault(label, str(exc)[:3000])

    started = time.monotonic()
    for result in schema.get_all_operations():
        operation = result.ok()
        method, path = operation.method.upper(), operation.path
        if (method, path) in EXCLUDED:
            continue
        label = f"{method} {path}"
        security = doc["paths"][path][method.lower()].get("security", doc.get("security", []))
        headers = who.headers_for(method, path, security)
        run(label, operation.as_strategy(GenerationMode.POSITIVE), POSITIVE_EXAMPLES, headers)
        run(label, operation.as_strategy(GenerationMode.NEGATIVE), NEGATIVE_EXAMPLES, headers)
        if label in who.known:
            run(label, operation.as_strategy(path_parameters=who.known[label]), KNOWN_ID_EXAMPLES, headers)
    elapsed = time.monotonic() - started

    total = sum(sent.values())
    print(f"\nfuzz: {total} requests over {len(sent)} operations in {elapsed:.0f} s "
          f"({total / max(elapsed, 1e-9):.0f}/s); statuses {dict(sorted(statuses.items()))}")
    for label, seen in by_operation.items():
        print(f"  {label}: {dict(sorted(seen.items()))}")
    assert not failures, "\n\n".join(f"{label}:\n{text}" for label, text in failures.items())
    assert 500 not in statuses
    assert total >= MIN_REQUESTS, sent
