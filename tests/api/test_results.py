"""Results files through the real pipeline (S3 -> SQS -> upload handler -> work queue ->
worker), AWS played by moto. Given / When / Then."""
from __future__ import annotations

import io
import json

import pytest

from .conftest import csv_bytes, entry_row, readable

PASSWORD = "violet-harbour-lantern"
SCORES = {"component:Reading": "175", "component:Use of English": "170", "component:Writing": "168",
          "component:Listening": "181", "component:Speaking": "177"}


def result_row(id_number: str = "SIR094701", ref: str = "SOR-2026-000001", **over: str) -> dict:
    row = {"id_number": id_number, "exam_code": "B2FIRST", "exam_date": "2026-06-14", "reference_number": ref,
           "overall_score": "174", "grade": "B", "cefr_level": "B2", **SCORES, "release_at": ""}
    row.update(over)
    return row


@pytest.fixture
def results_file(drop):
    counter = iter(range(1, 1000))

    def _load(*rows: dict, name: str | None = None, data: bytes | None = None, **kw) -> None:
        key = f"incoming/results/{name or f'results-{next(counter)}.csv'}"
        drop(key, data or csv_bytes(list(rows), **kw))

    return _load


@pytest.fixture
def staff_token(api):
    from chalicelib.services.staff import ensure_staff_account
    from tests.two_factor import sign_in, via_api

    ensure_staff_account("staff@exam-board.example", "Staff-password-2026!")
    creds = {"email": "staff@exam-board.example", "password": "Staff-password-2026!"}
    return sign_in(via_api(api), "/staff/login", creds)[0]["token"]


def batches(api, staff_token) -> list[dict]:
    r = api.get("/staff/batches", token=staff_token)
    assert r.status == 200
    return [b for b in r.json["batches"] if b["kind"] == "results"]


def register(api, id_number="SIR094701", secret="4821", email="zoe@example.org") -> str:
    body = {"id_number": id_number, "secret_number": secret, "email": email, "password": PASSWORD,
            "country": "PL", "first_language": "pl", "accept_terms": True, "marketing_opt_in": False}
    assert api.post("/candidates/register", body).status == 201
    r = api.post("/candidates/login", {"id_number": id_number, "password": PASSWORD})
    assert r.status == 200
    return r.json["token"]


def result_mails(outbox, to: str) -> list:
    return [m for m in outbox(to) if "result" in str(m["Subject"]).lower()]


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def download(api, token: str, result_id: str) -> bytes:
    from chalicelib.adapters.aws import client

    r = api.get(f"/candidates/me/results/{result_id}/statement", token=token)
    assert r.status == 302, r.body
    url = r.headers["location"]
    # follow the 302 to moto: the presigned URL names the bucket and key
    from urllib.parse import unquote, urlparse

    parts = urlparse(url)
    path = unquote(parts.path).lstrip("/")
    if ".s3." in parts.netloc:  # virtual-hosted style: bucket.s3.<region>.amazonaws.com/key
        bucket, key = parts.netloc.split(".s3.")[0], path
    else:
        bucket, _, key = path.partition("/")
    return client("s3").get_object(Bucket=bucket, Key=key)["Body"].read()


# ---------------------------------------------------------------- release, email, statement
def test_released_results_reach_the_candidate_by_email_list_and_statement(api, entries, results_file, outbox,
                                                                          staff_token):
    # Given an entry and a registered candidate
    entries(entry_row())
    token = register(api)
    # When the board drops the results file
    results_file(result_row())
    # Then one email, without scores, with a link to log in
    [mail] = result_mails(outbox, "zoe@example.org")
    assert mail["Subject"] == "Your results are released"
    text = mail.get_body(preferencelist=("plain",)).get_content()
    assert "https://results.example/sign-in" in text
    assert "174" not in readable(mail) and "SOR-2026-000001" not in text
    assert mail.get_body(preferencelist=("html",)) is not None
    # And the result is visible with its scores
    listing = api.get("/candidates/me/results", token=token).json["results"]
    [res] = listing
    assert res["status"] == "released" and res["overall_score"] == 174 and res["grade"] == "B"
    assert res["cefr_level"] == "B2" and res["reference_number"] == "SOR-2026-000001"
    assert {"name": "Listening", "score": 181} in res["components"]
    assert api.get(f"/candidates/me/results/{res['result_id']}", token=token).json == res
    # And the statement holds the name and the scores
    text = pdf_text(download(api, token, res["result_id"]))
    for needle in ("Zoë", "Łukasiewicz-Nguyễn", "174", "181", "SOR-2026-000001"):
        assert needle in text, needle
    # And the batch record shows progress
    [batch] = batches(api, staff_token)
    assert batch["status"] == "completed" and batch["rows_ok"] == 1 and batch["rows_failed"] == 0
    assert batch["emails_sent"] == 1 and batch["statements_generated"] == 1


def test_a_candidate_who_registers_later_sees_results_at_once_and_gets_the_statement(api, entries,
                                                                                    results_file, outbox):
    entries(entry_row())
    results_file(result_row())
    assert outbox("zoe@example.org") == []  # not registered: no email
    token = register(api)
    [res] = api.get("/candidates/me/results", token=token).json["results"]
    assert res["status"] == "released"
    assert "174" in pdf_text(download(api, token, res["result_id"]))


def test_pending_and_other_candidates_results_are_not_found(api, entries, results_file):
    entries(entry_row(), entry_row("ABC123456", "1111", exam_code="C1ADV"))
    results_file(result_row("ABC123456", exam_code="C1ADV", overall_score="185", grade="C", cefr_level="C1"))
    token = register(api)  # SIR094701: entry without a result
    [res] = api.get("/candidates/me/results", token=token).json["results"]
    assert res["status"] == "pending" and res["overall_score"] is None
    assert api.get(f"/candidates/me/results/{res['result_id']}/statement", token=token).status == 404
    other = "C1ADV-20260614"
    assert api.get(f"/candidates/me/results/{other}", token=token).status == 404
    assert api.get(f"/candidates/me/results/{other}/statement", token=token).status == 404
    assert api.get("/candidates/me/results/B2FIRST-20260614/statement").status == 401


# ---------------------------------------------------------------- exactly once
def test_the_same_file_twice_sends_no_second_email_and_stores_nothing_new(api, entries, results_file,
                                                                         outbox, staff_token):
    entries(entry_row())
    register(api)
    data = csv_bytes([result_row()])
    results_file(data=data, name="a.csv")
    results_file(data=data, name="b.csv")  # the same content under another name
    assert len(result_mails(outbox, "zoe@example.org")) == 1
    by_name = {b["filename"]: b for b in batches(api, staff_token)}  # (both made in one second)
    first, second = by_name["a.csv"], by_name["b.csv"]
    assert first["emails_sent"] == 1 and first["rows_ok"] == 1
    assert second["rows_unchanged"] == 1 and second["emails_sent"] == 0 and second["jobs_total"] == 0


def test_the_same_s3_event_twice_is_processed_once(api, app_module, entries, results_file, outbox,
                                                   staff_token):
    from chalicelib import config
    from chalicelib.adapters import queue
    from chalicelib.adapters.aws import client
    from devstack.pump import drain

    entries(entry_row())
    register(api)
    client("s3").put_object(Bucket=config.BATCH_BUCKET, Key="incoming/results/dup.csv",
                            Body=csv_bytes([result_row()]))
    sqs = client("sqs")
    url = queue.queue_url(config.UPLOADS_QUEUE)
    [msg] = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=msg["ReceiptHandle"], VisibilityTimeout=0)
    sqs.send_message(QueueUrl=url, MessageBody=msg["Body"])  # S3 delivers it a second time
    drain(app_module)
    assert len(result_mails(outbox, "zoe@example.org")) == 1
    [batch] = batches(api, staff_token)
    assert batch["rows_ok"] == 1 and batch["emails_sent"] == 1 and batch["statements_generated"] == 1


def test_a_correction_keeps_the_reference_number_and_sends_an_updated_email(api, entries, results_file,
                                                                           outbox):
    entries(entry_row())
    token = register(api)
    results_file(result_row())
    # When a later file has another score for the same ID + exam (and another reference number)
    results_file(result_row(ref="SOR-OTHER-999", overall_score="178", grade="B", cefr_level="B2",
                            **{"component:Reading": "190"}))
    mails = result_mails(outbox, "zoe@example.org")
    assert [str(m["Subject"]) for m in mails] == ["Your results are released", "Your result was updated"]
    [res] = api.get("/candidates/me/results", token=token).json["results"]
    assert res["overall_score"] == 178 and res["reference_number"] == "SOR-2026-000001"
    text = pdf_text(download(api, token, res["result_id"]))
    assert "178" in text and "190" in text
    from chalicelib.db import models as m

    r = m.Result.get(*m.Result.keys("SIR094701", "2026-06-14", "B2FIRST"))
    assert r.version == 2 and r.statement_key.endswith("-v2.pdf")


# ---------------------------------------------------------------- held results
def test_a_held_result_is_pending_until_the_scheduled_release(api, app_module, entries, results_file, outbox,
                                                              _clock, staff_token):
    from devstack.pump import drain, run_schedules

    entries(entry_row())
    token = register(api)
    results_file(result_row(release_at=_future(_clock, hours=2)))
    [res] = api.get("/candidates/me/results", token=token).json["results"]
    assert res["status"] == "pending" and res["overall_score"] is None
    assert api.get(f"/candidates/me/results/{res['result_id']}/statement", token=token).status == 404
    run_schedules(app_module)
    drain(app_module)
    assert result_mails(outbox, "zoe@example.org") == []  # not due yet
    # When the time comes and the schedule runs
    _clock.advance(2 * 3600 + 1)
    run_schedules(app_module)
    drain(app_module)
    [res] = api.get("/candidates/me/results", token=token).json["results"]
    assert res["status"] == "released" and res["overall_score"] == 174
    assert len(result_mails(outbox, "zoe@example.org")) == 1
    run_schedules(app_module)  # nothing left to release
    drain(app_module)
    assert len(result_mails(outbox, "zoe@example.org")) == 1
    [batch] = batches(api, staff_token)
    assert batch["jobs_total"] == 1 and batch["emails_sent"] == 1


def _future(clock, hours: int) -> str:
    return clock.iso(clock.now() + hours * 3600)


# ---------------------------------------------------------------- bad rows, bad files
def test_bad_rows_are_reported_and_good_rows_go_through(api, entries, results_file, staff_token):
    entries(entry_row(), entry_row("ABC123456", "1111"), entry_row("DEF654321", "2222"))
    results_file(
        result_row(),                                                     # row 2: fine
        result_row("XYZ111111", ref="SOR-2026-000002"),                   # 3: no entry
        result_row("ABC123456", ref="SOR-2026-000003", overall_score="250"),  # 4: out of range
        result_row("ABC123456", ref="SOR-2026-000004", grade="A"),        # 5: grade does not match
        result_row("DEF654321", ref="SOR-2026-000001"),                   # 6: reference number taken
        result_row("ABC123456", ref="SOR-2026-000005", exam_date="2026-02-30"),  # 7: not a date
        result_row("ABC123456", ref="SOR-2026-000006", **{"component:Reading": "abc"}),  # 8
    )
    [batch] = batches(api, staff_token)
    assert batch["status"] == "completed_with_errors"
    assert batch["rows_total"] == 7 and batch["rows_ok"] == 1 and batch["rows_failed"] == 6
    by_row = {(e["row"], e["field"]) for e in batch["errors"]}
    assert {(3, "id_number"), (4, "overall_score"), (5, "grade"), (6, "reference_number"),
            (7, "exam_date"), (8, "component:Reading")} <= by_row
    assert batch["error_report_url"]


def test_bom_crlf_and_quoted_fields_are_read(api, entries, results_file, staff_token):
    entries(entry_row())
    register(api)
    data = csv_bytes([result_row(ref="SOR,2026,\"Q\"-1")], bom=True, crlf=True)
    assert b'"SOR,2026,""Q""-1"' in data
    results_file(data=data)
    [batch] = batches(api, staff_token)
    assert batch["rows_ok"] == 1, batch["errors"]
    from chalicelib.db import models as m

    stored = m.Result.get(*m.Result.keys("SIR094701", "2026-06-14", "B2FIRST"))
    assert stored.reference_number == 'SOR,2026,"Q"-1'


@pytest.mark.parametrize("data, words", [
    (b"id_number,exam_code,exam_date\nSIR094701,B2FIRST,2026-06-14\n", "required columns are missing"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\xff\xfe", "could not be read"),
])
def test_a_file_that_is_not_a_results_csv_fails_whole_and_stores_nothing(api, entries, results_file,
                                                                        staff_token, data, words):
    entries(entry_row())
    results_file(data=data)
    [batch] = batches(api, staff_token)
    assert batch["status"] == "failed" and words in batch["message"]
    from chalicelib.db import models as m

    assert list(m.Result.query(m.CAND + "SIR094701", m.Result.sk.startswith(m.RESULT))) == []


def test_the_same_id_and_exam_twice_in_one_file_is_a_row_error(api, entries, results_file, staff_token):
    entries(entry_row())
    results_file(result_row(), result_row(ref="SOR-2026-000009"))
    [batch] = batches(api, staff_token)
    assert batch["rows_ok"] == 1 and batch["rows_failed"] == 1
    assert batch["errors"][0]["row"] == 3


def test_a_job_that_keeps_failing_is_counted_as_failed(api, app_module, entries, results_file, staff_token,
                                                        monkeypatch):
    from chalicelib.services import deliver as results

    def broken(data):  # the renderer is down for this test
        raise RuntimeError("renderer down")

    monkeypatch.setattr(results, "store_statement", broken)
    entries(entry_row())
    results_file(result_row())
    [batch] = batches(api, staff_token)
    assert batch["jobs_total"] == 1 and batch["jobs_failed"] == 1 and batch["statements_generated"] == 0
    from chalicelib import config, resources
    from chalicelib.adapters import queue
    from chalicelib.adapters.aws import client

    dlq = queue.queue_url(resources.dlq_name(config.WORK_QUEUE))
    [parked] = client("sqs").receive_message(QueueUrl=dlq, MaxNumberOfMessages=10)["Messages"]
    assert json.loads(parked["Body"])["id_number"] == "SIR094701"


def test_a_large_held_release_is_spread_over_the_index_shards_and_released_whole(
        app_module, entries, results_file, _clock):
    from chalicelib.db import models as m
    from devstack.pump import run_schedules

    # Given 40 held results (their index keys spread over every shard)
    ids = [f"HLD{n:06d}" for n in range(40)]
    entries(*[entry_row(id_number=i) for i in ids], name="held-entries.csv")
    results_file(*[result_row(id_number=i, ref=f"SOR-HELD-{n:05d}", release_at=_future(_clock, hours=1))
                   for n, i in enumerate(ids)])
    shards = {m.Result.get(*m.Result.keys(i, "2026-06-14", "B2FIRST")).gsi2pk for i in ids}
    assert shards == {f"HELD#{s}" for s in range(m.HELD_SHARDS)}
    # When the time comes, Then one scheduled run releases every one of them
    _clock.advance(3601)
    run_schedules(app_module)
    released = [m.Result.get(*m.Result.keys(i, "2026-06-14", "B2FIRST")) for i in ids]
    assert {r.status for r in released} == {"released"}
    assert {r.gsi2pk for r in released} == {None}
