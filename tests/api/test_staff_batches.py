"""Exam board staff: login, batch upload of entries through S3 -> SQS, per-row errors."""
from __future__ import annotations

import pytest

from tests.leaks import shows

from .conftest import csv_bytes, entry_row

STAFF = {"email": "staff@exam-board.example", "password": "a-long-staff-password"}


@pytest.fixture
def staff(api):
    from chalicelib.services.staff import ensure_staff_account
    from tests.two_factor import sign_in, via_api

    ensure_staff_account(**STAFF)
    return sign_in(via_api(api), "/staff/login", STAFF)[0]["token"]


def put_presigned(url: str, data: bytes) -> None:
    """moto in-process intercepts botocore, not `requests`: put through boto3 instead, at the
    key the presigned URL names (e2e tests PUT to the URL itself over HTTP)."""
    from urllib.parse import unquote, urlparse

    from chalicelib import config
    from chalicelib.adapters.aws import client

    path = unquote(urlparse(url).path).lstrip("/")
    key = path.split("/", 1)[1] if path.startswith(config.BATCH_BUCKET) else path
    client("s3").put_object(Bucket=config.BATCH_BUCKET, Key=key, Body=data, ContentType="text/csv")


def batches(api, staff):
    return api.get("/staff/batches", token=staff).json["batches"]


def test_staff_login_same_reply_for_unknown_and_wrong(api, staff):
    a = api.post("/staff/login", {"email": STAFF["email"], "password": "wrong-password"})
    b = api.post("/staff/login", {"email": "nobody@exam-board.example", "password": "wrong-password"})
    assert a.status == b.status == 401 and a.json == b.json


def test_batches_need_a_staff_session(api, staff, entries):
    entries(entry_row())
    api.post("/candidates/register", {"id_number": "SIR094701", "secret_number": "4821",
                                      "email": "z@example.org", "password": "violet-harbour-lantern",
                                      "country": "PL", "first_language": "pl", "accept_terms": True,
                                      "marketing_opt_in": False})
    candidate = api.post("/candidates/login", {"id_number": "SIR094701",
                                               "password": "violet-harbour-lantern"}).json["token"]
    for token in (None, candidate):
        assert api.get("/staff/batches", token=token).status == 401
        assert api.post("/staff/batches", {"kind": "entries", "filename": "a.csv"}, token=token).status == 401


def test_upload_through_a_presigned_url_reports_rows(api, staff, app_module):
    from devstack.pump import drain

    # Given a batch created by staff
    r = api.post("/staff/batches", {"kind": "entries", "filename": "June entries.csv"}, token=staff)
    assert r.status == 201 and r.json["method"] == "PUT"
    batch_id = r.json["batch_id"]
    assert api.get(f"/staff/batches/{batch_id}", token=staff).json["status"] == "awaiting_upload"
    # When the file, with a BOM, CRLF line ends, a quoted field and two bad rows, is uploaded
    rows = [entry_row(), entry_row(id_number="ABC000002", first_name='Anne, "Nan"'),
            entry_row(id_number="BAD", exam_code="XYZ"),
            entry_row(id_number="ABC000003", exam_date="2026-13-01")]
    put_presigned(r.json["upload_url"], csv_bytes(rows, bom=True, crlf=True))
    drain(app_module)
    # Then good rows are stored and each bad row is reported with its row number and field
    b = api.get(f"/staff/batches/{batch_id}", token=staff).json
    assert b["status"] == "completed_with_errors"
    assert (b["rows_total"], b["rows_ok"], b["rows_failed"]) == (4, 2, 2)
    problems = {(e["row"], e["field"]) for e in b["errors"]}
    assert {(4, "id_number"), (4, "exam_code"), (5, "exam_date")} <= problems
    from chalicelib import config
    from chalicelib.adapters.storage import get

    text = get(config.DOCUMENTS_BUCKET, f"reports/{batch_id}/errors.csv").decode()
    assert text.startswith("row,field,message") and "exam_code" in text
    assert b["error_report_url"]
    from chalicelib.db import models as m

    nan = m.Entry.get(*m.Entry.keys("ABC000002", "2026-06-14", "B2FIRST"))
    assert nan.first_name == 'Anne, "Nan"'
    assert nan.secret_hash != "4821" and not shows(nan.secret_hash, "4821")


def test_a_file_dropped_into_incoming_is_processed_the_same_way(api, staff, drop):
    drop("incoming/entries/dropped.csv", csv_bytes([entry_row()]))
    [b] = batches(api, staff)
    assert b["filename"] == "dropped.csv" and b["status"] == "completed" and b["rows_ok"] == 1


def test_the_same_s3_event_twice_is_processed_once(api, staff, app_module):
    import json

    from chalicelib import config
    from chalicelib.adapters.aws import client
    from chalicelib.adapters.queue import queue_url
    from devstack.pump import drain

    s3 = client("s3")
    s3.put_object(Bucket=config.BATCH_BUCKET, Key="incoming/entries/twice.csv", Body=csv_bytes([entry_row()]))
    sqs = client("sqs")
    url = queue_url(config.UPLOADS_QUEUE)
    msgs = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    [event] = [mm for mm in msgs if "Records" in json.loads(mm["Body"])]
    sqs.send_message(QueueUrl=url, MessageBody=event["Body"])  # S3 delivers it again
    sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=event["ReceiptHandle"], VisibilityTimeout=0)
    drain(app_module)
    [b] = batches(api, staff)
    assert b["rows_ok"] == 1 and b["status"] == "completed"


def test_the_same_file_uploaded_twice_changes_nothing(api, staff, drop):
    from chalicelib.db import models as m

    drop("incoming/entries/a.csv", csv_bytes([entry_row(), entry_row(id_number="ABC000002")]))
    before = [e.attribute_values for e in m.Entry.query("CAND#SIR094701")]
    drop("incoming/entries/a-again.csv", csv_bytes([entry_row(), entry_row(id_number="ABC000002")]))
    after = [e.attribute_values for e in m.Entry.query("CAND#SIR094701")]
    assert len(after) == 1
    assert {k: v for k, v in before[0].items() if k not in ("batch_id", "created_at")} == \
           {k: v for k, v in after[0].items() if k not in ("batch_id", "created_at")}


@pytest.mark.parametrize("data, says", [
    (b"id_number,secret_number\nSIR094701,1234\n", "required columns are missing"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\xff\xfe", "not UTF-8"),
    (b"", "empty"),
])
def test_a_file_that_is_not_the_expected_csv_fails_whole_and_stores_nothing(api, staff, drop, data, says):
    from chalicelib.db import models as m

    drop("incoming/entries/bad.csv", data)
    [b] = batches(api, staff)
    assert b["status"] == "failed" and says in b["message"]
    assert b["rows_ok"] == 0
    assert list(m.Entry.query("CAND#SIR094701")) == []


def test_a_row_with_too_many_fields_is_reported(api, staff, drop):
    good = csv_bytes([entry_row()])
    wide = b"ABC000002,1234,A,B,2000-01-01,GB1,B2FIRST,2026-06-14,paper,extra\n"
    drop("incoming/entries/wide.csv", good + wide)
    [b] = batches(api, staff)
    assert b["rows_ok"] == 1 and b["rows_failed"] == 1 and b["errors"][0]["row"] == 3


def test_duplicate_rows_in_one_file_are_reported(api, staff, drop):
    drop("incoming/entries/dup.csv", csv_bytes([entry_row(), entry_row(secret="9999")]))
    [b] = batches(api, staff)
    assert b["rows_ok"] == 1 and b["errors"][0]["row"] == 3


def test_batch_listing_is_paginated_newest_first(api, staff, _clock):
    ids = []
    for i in range(3):
        ids.append(api.post("/staff/batches", {"kind": "entries", "filename": f"f{i}.csv"},
                            token=staff).json["batch_id"])
        _clock.advance(2)
    r = api.get("/staff/batches?limit=2", token=staff)
    assert [b["batch_id"] for b in r.json["batches"]] == ids[::-1][:2]
    r2 = api.get(f"/staff/batches?limit=2&cursor={r.json['next_cursor']}", token=staff)
    assert [b["batch_id"] for b in r2.json["batches"]] == ids[:1]
    assert api.get("/staff/batches?limit=0", token=staff).status == 400
    assert api.get("/staff/batches?cursor=garbage!", token=staff).status == 400
    assert api.get("/staff/batches/nope", token=staff).status == 404


def test_bad_batch_requests(api, staff):
    r = api.post("/staff/batches", {"kind": "photos", "filename": "a.csv"}, token=staff)
    assert r.status == 400 and "kind" in r.json["fields"]


def test_a_centres_file_creates_centres_whose_managers_are_invited(api, staff, outbox):
    # Given a centres file with a good row and a bad one, created through the API
    r = api.post("/staff/batches", {"kind": "centres", "filename": "centres.csv"}, token=staff)
    assert r.status == 201
    rows = [{"centre_number": "GB123", "name": "Bath Language School", "country": "GB",
             "manager_name": "Mary Jones", "manager_email": "mary@bathlanguage.example"},
            {"centre_number": "ES045", "name": "Academia Cervantes", "country": "Narnia",
             "manager_name": "Lucía Fernández", "manager_email": "lucia@cervantes.example"}]
    put_presigned(r.json["upload_url"], csv_bytes(rows))
    # When the S3 event is processed
    assert outbox("mary@bathlanguage.example")
    # Then the batch reports both rows, the centre is listed for staff, and its manager was emailed
    b = api.get(f"/staff/batches/{r.json['batch_id']}", token=staff).json
    assert (b["kind"], b["status"], b["rows_ok"], b["rows_failed"], b["emails_sent"]) == (
        "centres", "completed_with_errors", 1, 1, 1)
    assert [(e["row"], e["field"]) for e in b["errors"]] == [(3, "country")]
    listed = api.get("/staff/centres", token=staff).json["centres"]
    assert [c["centre_number"] for c in listed] == ["GB123"]
    assert not outbox("lucia@cervantes.example")
    # And the same file dropped again changes nothing and emails nobody twice
    from chalicelib import config
    from chalicelib.adapters.aws import client

    again_key = "incoming/centres/again.csv"
    client("s3").put_object(Bucket=config.BATCH_BUCKET, Key=again_key, Body=csv_bytes(rows))
    assert len(outbox("mary@bathlanguage.example")) == 1
    again = next(x for x in batches(api, staff) if x["filename"] == "again.csv")
    assert (again["rows_ok"], again["rows_unchanged"], again["rows_failed"]) == (1, 1, 1)
