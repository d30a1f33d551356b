# ruff: noqa: F811 - pytest fixtures imported from verifier_kit are redefined as arguments
"""Check codes, the public check (GET /verify/<code>), the candidate's check-link switch, the
staff's withdrawal and corrections (API.md "Additions, v1.1")."""

from __future__ import annotations

import re

from .test_withdrawal import with_entry
from .verifier_kit import (  # noqa: F401 - fixtures
    candidate,
    candidate_login,
    make_candidate,
    make_org,
    make_result,
    share,
    staff,
)

STAFF_ID = "SIR094701.B2FIRST-20250614"


def code_of(api, token: str, rid: str) -> str:
    r = api.get(f"/candidates/me/results/{rid}", token=token)
    assert r.status == 200, r.json
    return r.json["check_code"]


def test_a_released_result_has_a_check_code_that_verifies(api, candidate):
    from chalicelib.services import audit

    rid = with_entry()
    code = code_of(api, candidate, rid)
    # reference number + hyphen + 16 base32 characters (80 bits), upper case
    assert re.fullmatch(r"SOR-2025-000001-[A-Z2-7]{16}", code)
    assert code_of(api, candidate, rid) == code  # stable
    r = api.get(f"/verify/{code}")
    assert r.status == 200
    assert r.json["status"] == "valid" and r.json["superseded_by"] is None
    assert r.json["candidate"] == {"first_name": "Zoë", "family_name": "Łukasiewicz-Nguyễn"}
    assert r.json["result"]["overall_score"] == 175 and r.json["result"]["cefr_level"] == "B2"
    assert r.json["result"]["exam_name"] and r.json["result"]["reference_number"] == "SOR-2025-000001"
    assert {c["name"] for c in r.json["result"]["components"]} >= {"Reading", "Writing"}
    assert b"2004-03-09" not in r.body  # a check shows no date of birth
    # lower case and surrounding spaces are the same code
    assert api.get(f"/verify/{code.lower()}").json["status"] == "valid"
    # the read is audited like an organisation's
    reads = audit.for_result("CAND#SIR094701", "RESULT#2025-06-14#B2FIRST")
    assert [e["how"] for e in reads].count("verify") == 2
    assert all(e["org_id"] == "PUBLIC" and e["actor"].startswith("client:") for e in reads)
    assert "127.0.0.1" not in str(reads)


def test_every_miss_is_the_same_404_and_repeated_misses_are_limited(api, candidate):
    from chalicelib.services import audit, check_codes

    rid = with_entry()
    code = code_of(api, candidate, rid)
    ref, _, token = code.rpartition("-")
    other_token = "A" * 16
    misses = [f"{ref}-{other_token}", f"SOR-2025-000002-{token}", "nonsense", f"{ref}-{token[:-1]}",
              f"{ref}-{token}X", f"{ref}{token}"]
    bodies = []
    for m in misses:
        r = api.get(f"/verify/{m}")
        assert r.status == 404, m
        bodies.append(r.body)
    assert len(set(bodies)) == 1
    assert len(audit.for_reference(misses[0])) == 1  # a miss is audited (keyed hash of what was tried)
    for _ in range(check_codes.CODE_MISSES_PER_HOUR - len(misses)):
        assert api.get(f"/verify/{ref}-{other_token}").status == 404
    limited = api.get(f"/verify/{ref}-{other_token}")
    assert limited.status == 429 and int(limited.headers["retry-after"]) > 0
    assert limited.json["error"] == "rate_limited"
    # the limit holds for a right code too, while it lasts
    assert api.get(f"/verify/{code}").status == 429


def test_a_candidate_turns_the_link_off_and_on_again_with_a_new_code(api, candidate):
    rid = with_entry()
    code = code_of(api, candidate, rid)
    path = f"/candidates/me/results/{rid}/check-link"
    off = api.put_json(path, {"enabled": False}, token=candidate)
    assert off.status == 200 and off.json["check_enabled"] is False and off.json["check_code"] is None
    miss = api.get("/verify/SOR-2025-000001-AAAAAAAAAAAAAAAA")
    gone = api.get(f"/verify/{code}")
    assert gone.status == 404 and gone.body == miss.body
    assert api.get(f"/candidates/me/results/{rid}", token=candidate).json["check_code"] is None
    on = api.put_json(path, {"enabled": True}, token=candidate)
    assert on.status == 200 and on.json["check_enabled"] is True
    new = on.json["check_code"]
    assert new and new != code and on.json["check_url"].endswith(f"/check/{new}")
    assert api.get(f"/verify/{new}").json["status"] == "valid"
    assert api.get(f"/verify/{code}").status == 404  # a code once turned off never works again
    # twice on: the same code
    assert api.put_json(path, {"enabled": True}, token=candidate).json["check_code"] == new


def test_the_check_link_switch_refuses_another_candidates_result_and_bad_input(api, candidate):
    rid = with_entry()
    code = code_of(api, candidate, rid)
    make_candidate("ABC000001", "Other", "Person")
    other = candidate_login(api, "ABC000001")
    path = f"/candidates/me/results/{rid}/check-link"
    assert api.put_json(path, {"enabled": False}, token=other).status == 404
    assert api.put_json(path, {"enabled": False}).status == 401
    assert api.put_json(path, {"enabled": "no"}, token=candidate).status == 400
    assert api.put_json("/candidates/me/results/nonsense/check-link", {"enabled": False},
                        token=candidate).status == 404
    assert api.get(f"/verify/{code}").json["status"] == "valid"  # nothing changed


def test_staff_find_and_withdraw_a_result_everyone_sees_it_withdrawn(api, make_org, candidate, staff, outbox,
                                                                     monkeypatch):
    from chalicelib.services import webhooks

    events = []
    monkeypatch.setattr(webhooks, "share_withdrawn", lambda *a: events.append(a) or 1)
    org = make_org()
    rid = with_entry()
    code = code_of(api, candidate, rid)
    share_id = share(api, candidate, rid, org.org_id).json["share_id"]
    # staff find it by reference number (any case) or by ID number; a candidate cannot
    by_ref = api.get("/staff/results?reference_number=%20SOR-2025-000001%20", token=staff)
    assert by_ref.status == 200 and [r["result_id"] for r in by_ref.json["results"]] == [STAFF_ID]
    assert by_ref.json["results"][0]["id_number"] == "SIR094701"
    by_id = api.get("/staff/results?id_number=SIR094701", token=staff)
    assert [r["result_id"] for r in by_id.json["results"]] == [STAFF_ID]
    assert api.get("/staff/results?id_number=SIR094701", token=candidate).status in (401, 403)
    assert api.get("/staff/results", token=staff).status == 400
    # a reason is required
    assert api.post(f"/staff/results/{STAFF_ID}/withdraw", {"reason": " "}, token=staff).status == 400
    refused = api.post(f"/staff/results/{STAFF_ID}/withdraw", {"reason": "x"}, token=candidate)
    assert refused.status in (401, 403)
    assert api.post("/staff/results/ABC000001.B2FIRST-20250614/withdraw", {"reason": "x"},
                    token=staff).status == 404
    before = len(outbox("SIR094701@example.org"))
    r = api.post(f"/staff/results/{STAFF_ID}/withdraw", {"reason": "Malpractice at the centre"}, token=staff)
    assert r.status == 200 and r.json["status"] == "withdrawn" and r.json["withdrawn_at"]
    # twice: a conflict, and nothing sent again
    assert api.post(f"/staff/results/{STAFF_ID}/withdraw", {"reason": "again"}, token=staff).status == 409
    # the candidate sees it withdrawn, and is told by email (once)
    assert api.get(f"/candidates/me/results/{rid}", token=candidate).json["status"] == "withdrawn"
    assert api.get("/candidates/me/results", token=candidate).json["results"][0]["status"] == "withdrawn"
    mails = outbox("SIR094701@example.org")
    assert len(mails) == before + 1 and "withdrawn" in str(mails[-1]["subject"]).lower()
    assert "Malpractice" not in mails[-1].get_body(("plain",)).get_content()
    # the organisation sees it withdrawn, and its webhooks get share.withdrawn (once)
    assert api.get(f"/organisation/shares/{share_id}", token=org.token).json["status"] == "withdrawn"
    search = api.post("/organisation/search", {"reference_number": "SOR-2025-000001",
                                               "date_of_birth": "2004-03-09"}, token=org.token)
    assert search.json["status"] == "withdrawn"
    assert [(e[0], e[1], e[2]) for e in events] == [(org.org_id, share_id, rid)]
    # the check says withdrawn
    v = api.get(f"/verify/{code}")
    assert v.status == 200 and v.json["status"] == "withdrawn"


def test_a_withdrawal_in_spanish_is_written_in_spanish(api, candidate, staff, outbox):
    from chalicelib.db import models as m

    with_entry()
    account = m.CandidateAccount.get(*m.CandidateAccount.keys("SIR094701"))
    account.update(actions=[m.CandidateAccount.language.set("es")])
    assert api.post(f"/staff/results/{STAFF_ID}/withdraw", {"reason": "x"}, token=staff).status == 200
    assert "retirado" in str(outbox("SIR094701@example.org")[-1]["subject"]).lower()


def test_share_withdrawn_events_are_queued_for_each_webhook(aws, app_module):
    from chalicelib.services import webhooks

    when = "2026-07-01T10:00:00Z"
    assert webhooks.share_withdrawn("org-without-hooks", "s1", "B2FIRST-20250614", when) == 0


def test_only_released_results_are_withdrawn(api, staff):
    make_result(status="held")
    r = api.post(f"/staff/results/{STAFF_ID}/withdraw", {"reason": "x"}, token=staff)
    assert r.status == 404


def test_a_results_file_does_not_correct_a_withdrawn_result_and_a_correction_supersedes(api, entries, drop):
    from chalicelib.db.store import store
    from chalicelib.services import check_codes, result_events, withdrawal

    from .conftest import csv_bytes, entry_row
    from .test_results import result_row

    seen = []
    original = result_events.on_result_superseded
    result_events.on_result_superseded = lambda old, new: seen.append((old, new))  # type: ignore[assignment]
    try:
        entries(entry_row())
        drop("incoming/results/r1.csv", csv_bytes([result_row()]))
        r = store().results.by_result_id("SIR094701", "B2FIRST-20260614")
        old_code = check_codes.current_code(r)
        drop("incoming/results/r2.csv", csv_bytes([result_row(overall_score="175")]))
    finally:
        result_events.on_result_superseded = original  # type: ignore[assignment]
    # the seam was called once, with the version replaced and the new one
    [(old, new)] = seen
    assert (old.result_id, old.version, new.version) == ("B2FIRST-20260614", 1, 2)
    v = api.get(f"/verify/{old_code}").json
    assert v["status"] == "superseded" and v["superseded_by"] and v["result"]["overall_score"] is None
    assert api.get(f"/verify/{v['superseded_by']}").json["result"]["overall_score"] == 175
    # withdrawn, then a file tries to correct it: a row error, the result stays withdrawn
    withdrawal.withdraw("staff-1", "SIR094701.B2FIRST-20260614", "Malpractice")
    drop("incoming/results/r3.csv", csv_bytes([result_row(overall_score="176")]))
    # (found by name: the listing is by creation time to the second, and r2 may share r3's)
    latest = next(b for b in store().batches.page(10, None).items if b.filename == "r3.csv")
    assert latest.rows_failed == 1
    assert "withdrawn" in str(latest.errors)
    r = store().results.by_result_id("SIR094701", "B2FIRST-20260614")
    assert r.withdrawn_at and int(r.overall_score) == 175
