# ruff: noqa: F811 - pytest fixtures imported from verifier_kit are redefined as arguments
"""Signed credentials over the API: the candidate's credential, did.json, the status list;
withdrawal and correction set the bit; the OpenAPI document lists the routes."""
from __future__ import annotations

import hashlib
import json

from .verifier_kit import candidate, candidate_login, make_candidate, make_result  # noqa: F401 - fixtures

OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"


def with_entry(id_number: str = "SIR094701") -> str:
    """A released result (B2 First, 2025-06-14) and the entry it belongs to."""
    from chalicelib.adapters import clock
    from chalicelib.db import models as m

    m.Entry(*m.Entry.keys(id_number, "2025-06-14", "B2FIRST"), id_number=id_number, first_name="Zoë",
            family_name="Łukasiewicz-Nguyễn", date_of_birth="2004-03-09", centre_number="GB123",
            exam_code="B2FIRST", exam_date="2025-06-14", exam_format="paper", secret_hash="x",
            batch_id="test", created_at=clock.iso()).save()
    return make_result(id_number)


def _credential(api, token: str, rid: str) -> dict:
    r = api.get(f"/candidates/me/results/{rid}/credential", token=token)
    assert r.status == 200, r.body
    assert r.headers["content-type"] == "application/ld+json"
    return r.json


def _status(api, cred: dict) -> tuple[dict, set[int]]:
    from chalicelib.credentials.status_list import decode

    url = cred["credentialStatus"]["statusListCredential"]
    r = api.get(url.removeprefix("https://results.example"))
    assert r.status == 200, r.body
    return r.json, decode(r.json["credentialSubject"]["encodedList"])


def _public_key(api, vm: str) -> bytes:
    from chalicelib.credentials.multibase import ed25519_from_multikey

    doc = api.get("/.well-known/did.json").json
    method = next(m for m in doc["verificationMethod"] if m["id"] == vm)
    assert vm in doc["assertionMethod"]
    return ed25519_from_multikey(method["publicKeyMultibase"])


def test_a_released_result_is_served_as_a_signed_open_badge(api, candidate):
    from chalicelib.credentials import proof

    rid = with_entry()
    cred = _credential(api, candidate, rid)
    # Then it is an OpenBadgeCredential by did:web:<host>, signed with a key did.json lists
    assert cred["@context"] == ["https://www.w3.org/ns/credentials/v2", OB_CONTEXT]
    assert cred["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert cred["issuer"]["id"] == "did:web:results.example"
    assert cred["issuer"]["name"] and cred["issuer"]["url"] == "https://results.example"
    assert cred["proof"][0]["cryptosuite"] == "eddsa-rdfc-2022"
    assert cred["proof"][0]["proofPurpose"] == "assertionMethod"
    assert proof.verify(cred, _public_key(api, cred["proof"][0]["verificationMethod"]))
    # with the exam's result descriptions and the candidate's values
    subject = cred["credentialSubject"]
    kinds = {rd["name"]: rd for rd in subject["achievement"]["resultDescription"]}
    assert kinds["Overall score (Cambridge English Scale)"]["resultType"] == "ScaledScore"
    assert (kinds["Overall score (Cambridge English Scale)"]["valueMin"],
            kinds["Overall score (Cambridge English Scale)"]["valueMax"]) == ("140", "190")
    assert kinds["CEFR level"]["resultType"] == "PerformanceLevel"
    assert kinds["Grade"]["resultType"] == "LetterGrade"
    assert {"Reading", "Use of English", "Writing", "Listening", "Speaking"} <= set(kinds)
    values = {r["resultDescription"]: r["value"] for r in subject["result"]}
    assert sorted(values.values()) == sorted(["175", "172", "180", "169", "177", "178", "B", "B2"])
    # and the subject by name, the date of birth only as a salted hash
    ident = {i["identityType"]: i for i in subject["identifier"]}
    assert ident["name"]["identityHash"] == "Zoë Łukasiewicz-Nguyễn"
    assert "2004-03-09" not in json.dumps(cred)
    dob = ident["ext:dateOfBirth"]
    salted = ("2004-03-09" + dob["salt"]).encode()
    assert dob["identityHash"] == "sha256$" + hashlib.sha256(salted).hexdigest()
    # and its status entry points into a list where its bit is clear
    assert cred["credentialStatus"]["type"] == "BitstringStatusListEntry"
    assert cred["credentialStatus"]["statusPurpose"] == "revocation"
    status, bits = _status(api, cred)
    assert int(cred["credentialStatus"]["statusListIndex"]) not in bits
    assert proof.verify(status, _public_key(api, status["proof"][0]["verificationMethod"]))
    # and a second download is the same credential
    assert _credential(api, candidate, rid) == cred


def test_a_pending_result_another_candidate_or_no_session_gets_no_credential(api, candidate):
    from chalicelib.db import models as m

    rid = with_entry()
    r = m.Result.get(*m.Result.keys("SIR094701", "2025-06-14", "B2FIRST"))
    r.update(actions=[m.Result.status.set("held")])
    assert api.get(f"/candidates/me/results/{rid}/credential", token=candidate).status == 404
    make_candidate("SIR000002")
    other = candidate_login(api, "SIR000002")
    r.update(actions=[m.Result.status.set("released")])
    assert api.get(f"/candidates/me/results/{rid}/credential", token=other).status == 404
    assert api.get(f"/candidates/me/results/{rid}/credential").status == 401
    assert api.get("/candidates/me/results/nonsense/credential", token=candidate).status == 404


def test_a_withdrawal_sets_the_bit_and_again_changes_nothing(api, candidate):
    from chalicelib.credentials import status_list
    from chalicelib.db import models as m

    rid = with_entry()
    cred = _credential(api, candidate, rid)
    r = m.Result.get(*m.Result.keys("SIR094701", "2025-06-14", "B2FIRST"))
    assert status_list.revoke_result(r) == 1
    _, bits = _status(api, cred)
    assert int(cred["credentialStatus"]["statusListIndex"]) in bits
    assert status_list.revoke_result(r) == 0
    assert _status(api, cred)[1] == bits


def test_a_correction_issues_the_same_id_newer_and_sets_the_old_bit(api, candidate):
    from chalicelib.adapters import clock
    from chalicelib.db import models as m

    rid = with_entry()
    old = _credential(api, candidate, rid)
    clock.advance(60)
    r = m.Result.get(*m.Result.keys("SIR094701", "2025-06-14", "B2FIRST"))
    r.update(actions=[m.Result.version.set(2), m.Result.overall_score.set(181), m.Result.grade.set("A"),
                      m.Result.cefr_level.set("C1")])
    new = _credential(api, candidate, rid)
    assert new["id"] == old["id"] and new["validFrom"] > old["validFrom"]
    assert new["credentialStatus"]["statusListIndex"] != old["credentialStatus"]["statusListIndex"]
    assert "181" in {x["value"] for x in new["credentialSubject"]["result"]}
    _, bits = _status(api, new)
    assert int(old["credentialStatus"]["statusListIndex"]) in bits
    assert int(new["credentialStatus"]["statusListIndex"]) not in bits


def test_the_status_list_is_long_enough_and_unknown_lists_are_404(api, candidate):
    import gzip

    from chalicelib.credentials.multibase import unu

    assert api.get("/credentials/status/0").status == 404  # nothing issued yet
    cred = _credential(api, candidate, with_entry())
    status, _ = _status(api, cred)
    assert len(gzip.decompress(unu(status["credentialSubject"]["encodedList"]))) * 8 >= 131_072
    assert status["issuer"] == cred["issuer"]["id"]
    assert status["id"] == cred["credentialStatus"]["statusListCredential"]
    for bad in ("1", "x", "-1", "9999999", "00000000001"):
        assert api.get(f"/credentials/status/{bad}").status == 404, bad
