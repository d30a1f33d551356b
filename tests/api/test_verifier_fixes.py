# ruff: noqa: F811 - pytest fixtures imported from verifier_kit are redefined as arguments
"""Issue 11's fixes to the verifiers' JSON: reference numbers matched after trimming and
without regard to case (search and machine API), a download holding a withdrawn share is
refused with a message saying why, and the alert emails' words, link and default."""

from __future__ import annotations

from urllib.parse import quote

from .verifier_kit import (  # noqa: F401 - fixtures
    add_admin,
    candidate,
    candidate_login,
    make_candidate,
    make_org,
    make_result,
    share,
    staff,
)

DOB = "2004-03-09"


def test_search_trims_and_ignores_case(api, make_org):
    org = make_org()
    make_result(reference_number="B2F25-0614-0001")
    for typed in ("b2f25-0614-0001", "  B2F25-0614-0001  ", "\tb2F25-0614-0001\n"):
        r = api.post(
            "/organisation/search", {"reference_number": typed, "date_of_birth": DOB}, token=org.token
        )
        assert r.status == 200, (typed, r.json)
        assert r.json["reference_number"] == "B2F25-0614-0001"


def test_machine_api_trims_and_ignores_case(api, make_org):
    org = make_org()
    key = api.post("/organisation/api-keys", {"name": "HR"}, token=org.token).json["key"]
    make_result(reference_number="B2F25-0614-0001")
    for typed in ("b2f25-0614-0001", "  B2F25-0614-0001 "):
        r = api.get(
            f"/api/v1/results?reference_number={quote(typed)}&date_of_birth={DOB}", headers={"X-Api-Key": key}
        )
        assert r.status == 200, (typed, r.json)


def test_results_file_reference_is_stored_upper_case():
    from chalicelib.domain.ids import check_reference_number

    assert check_reference_number("  sor-2025/ab1 ") == "SOR-2025/AB1"


def test_a_download_with_a_withdrawn_share_is_refused_saying_why(api, make_org, candidate):
    org = make_org()
    a = share(api, candidate, make_result(), org.org_id).json["share_id"]
    make_candidate("EVL000002")
    b = share(
        api,
        candidate_login(api, "EVL000002"),
        make_result("EVL000002", reference_number="SOR-2025-000002"),
        org.org_id,
    ).json["share_id"]
    d = api.post("/organisation/downloads", {"share_ids": [a, b], "format": "csv"}, token=org.token).json
    assert api.get(f"/organisation/downloads/{d['download_id']}", token=org.token).json["url"]
    assert api.delete(f"/candidates/me/shares/{a}", token=candidate).status == 204
    r = api.get(f"/organisation/downloads/{d['download_id']}", token=org.token)
    assert r.status == 409 and r.json["error"] == "conflict"
    assert "withdrawn" in r.json["message"] and "new download" in r.json["message"]
    assert "url" not in r.json
    # the history still lists it, without a link
    [listed] = api.get("/organisation/downloads", token=org.token).json["downloads"]
    assert listed["url"] is None
    # the shares still standing can be downloaded again
    assert (
        api.post("/organisation/downloads", {"share_ids": [b], "format": "csv"}, token=org.token).status
        == 201
    )


def test_primary_user_alerts_default_to_immediate_and_open_the_shared_results(
    api, make_org, candidate, outbox
):
    org = make_org()
    assert api.get("/verifiers/me", token=org.token).json["notifications"] == {"frequency": "immediate"}
    share(api, candidate, make_result(), org.org_id)
    [mail] = [mm for mm in outbox(org.email) if "new result" in str(mm["Subject"])]
    text = mail.get_body(preferencelist=("plain",)).get_content()
    assert "1 new result was shared with" in text and "Log in to see it." in text
    assert "/organisations/shared-results" in text


def test_alert_plural_words():
    from chalicelib.services import messages

    one = messages.shares_alert("k@x.org", "Kim", "Uni North", 1)
    three = messages.shares_alert("k@x.org", "Kim", "Uni North", 3, "daily")
    assert "1 new result was shared" in one.text and "Log in to see it." in one.text
    assert "3 new results were shared" in three.text and "Log in to see them." in three.text
    assert "/organisations/shared-results" in three.text
    es = messages.shares_alert("k@x.org", "Kim", "Uni North", 1, language="es")
    assert "/organisations/shared-results" in es.text
