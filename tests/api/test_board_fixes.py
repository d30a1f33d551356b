"""Fixes found while the exam board's staff tried the service (issue 11): batch reports list bad
rows in row order; an entries file uploaded twice reports its rows unchanged; a file separated by
semicolons is read; GET /exams gives score ranges and component names; staff are told of an
organisation to approve, and GET /staff/organisations shows who applied."""
from __future__ import annotations

from .conftest import csv_bytes, entry_row
from .test_staff_batches import STAFF, batches, staff  # noqa: F401 - fixture
from .verifier_kit import registration

RESULT_HEADER = ("id_number,exam_code,exam_date,reference_number,overall_score,grade,cefr_level,"
                 "component:Reading,component:Use of English,component:Writing,component:Listening,"
                 "component:Speaking\n")


def result_line(id_number: str, ref: str, score: str = "176") -> str:
    return f"{id_number},B2FIRST,2026-06-14,{ref},{score},B,B2,175,170,168,180,185\n"


def test_bad_rows_are_listed_in_row_order_whichever_check_found_them(api, staff, drop, entries):  # noqa: F811
    entries(entry_row(id_number="ABC000003"))
    # row 2 fails only against the table (no entry), row 3 on its own (a score off the scale)
    text = RESULT_HEADER + result_line("ABC000002", "SOR-FIX-000002") + result_line(
        "ABC000003", "SOR-FIX-000003", score="999") + result_line("ABC000004", "SOR-FIX-000004")
    drop("incoming/results/order.csv", text.encode())
    [b] = batches(api, staff)
    rows = [e["row"] for e in b["errors"]]
    assert rows == sorted(rows) and set(rows) == {2, 3, 4}, b["errors"]
    from chalicelib import config
    from chalicelib.adapters.storage import get

    report = get(config.DOCUMENTS_BUCKET, f"reports/{b['batch_id']}/errors.csv").decode().splitlines()[1:]
    in_report = [int(line.split(",", 1)[0]) for line in report]
    assert in_report == sorted(in_report)


def test_an_entries_file_uploaded_twice_reports_its_rows_unchanged(api, staff, drop):  # noqa: F811
    data = csv_bytes([entry_row(), entry_row(id_number="ABC000002")])
    drop("incoming/entries/first.csv", data)
    drop("incoming/entries/again.csv", data)
    by_name = {b["filename"]: b for b in batches(api, staff)}
    first, again = by_name["first.csv"], by_name["again.csv"]
    assert (first["rows_ok"], first["rows_unchanged"]) == (2, 0)
    assert (again["rows_ok"], again["rows_unchanged"], again["status"]) == (2, 2, "completed")
    # a changed row is no longer unchanged
    drop("incoming/entries/changed.csv", csv_bytes([entry_row(), entry_row(id_number="ABC000002",
                                                                            centre_number="GB999")]))
    assert {b["filename"]: b for b in batches(api, staff)}["changed.csv"]["rows_unchanged"] == 1


def test_a_file_separated_by_semicolons_is_read(api, staff, drop):  # noqa: F811
    from chalicelib.db import models as m

    data = csv_bytes([entry_row(), entry_row(id_number="ABC000002")]).decode().replace(",", ";")
    drop("incoming/entries/excel.csv", ("\ufeff" + data).encode())
    [b] = batches(api, staff)
    assert (b["status"], b["rows_ok"], b["rows_failed"]) == ("completed", 2, 0), b
    assert m.Entry.get(*m.Entry.keys("ABC000002", "2026-06-14", "B2FIRST")).centre_number == "GB123"


def test_exams_give_their_score_range_and_component_names(api):
    exams = {e["code"]: e for e in api.get("/exams").json["exams"]}
    b2 = exams["B2FIRST"]
    assert b2["score_range"] == {"min": 140, "max": 190}
    assert b2["component_names"] == ["Reading", "Use of English", "Writing", "Listening", "Speaking"]
    assert b2["component_range"] == {"min": 122, "max": 190}
    delta = next(e for e in exams.values() if e["code"].startswith("DELTA"))
    assert delta["score_range"] is None and delta["component_names"] is None


def test_staff_are_emailed_when_an_organisation_registers(api, outbox, monkeypatch):
    monkeypatch.setenv("STAFF_ALERT_EMAIL", "results-team@exam-board.example, second@exam-board.example")
    assert api.post("/verifiers/register", registration("uni-north.ac.uk", "University of the North")
                    ).status == 202
    for address in ("results-team@exam-board.example", "second@exam-board.example"):
        [mail] = outbox(address)
        text = mail.get_body(preferencelist=("plain",)).get_content()
        assert "University of the North" in text and "/board/organisations" in text
        assert "University of the North" not in str(mail["Subject"])  # no registrant's text in a subject


def test_staff_see_who_applied(api, staff):  # noqa: F811
    body = registration("uni-north.ac.uk", "University of the North")
    assert api.post("/verifiers/register", body).status == 202
    [org] = api.get("/staff/organisations", token=staff).json["organisations"]
    assert org["applicant"] == {"first_name": body["first_name"], "family_name": body["family_name"],
                                "job_title": body["job_title"], "email": body["email"]}
