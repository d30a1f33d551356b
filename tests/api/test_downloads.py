# ruff: noqa: F811 - pytest fixtures imported from verifier_kit are redefined as arguments
"""Downloads (ZIP of statements, CSV by template), templates, CSV injection, history."""

from __future__ import annotations

import csv
import io
import zipfile

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


def fetch(url: str) -> bytes:
    """The object behind a presigned URL, read through moto (mock_aws intercepts the request)."""
    from urllib.parse import unquote, urlsplit

    from chalicelib import config
    from chalicelib.adapters import storage

    path = unquote(urlsplit(url).path)
    key = path.split(config.DOCUMENTS_BUCKET + "/", 1)[-1].lstrip("/")
    return storage.get(config.DOCUMENTS_BUCKET, key)


def two_shares(api, org, candidate) -> list[str]:
    a = share(api, candidate, make_result(), org.org_id).json["share_id"]
    make_candidate("EVL000001", '=HYPERLINK("http://x")', "+Smith")
    b_rid = make_result(
        "EVL000001", reference_number="SOR-EVIL-00001", first='=HYPERLINK("http://x")', family="+Smith"
    )
    b = share(api, candidate_login(api, "EVL000001"), b_rid, org.org_id).json["share_id"]
    return [a, b]


def test_csv_download_default_template_neutralises_formulas(api, make_org, candidate):
    org = make_org()
    ids = two_shares(api, org, candidate)
    r = api.post("/organisation/downloads", {"share_ids": ids, "format": "csv"}, token=org.token)
    assert r.status == 201 and r.json["status"] == "ready" and r.json["url"]
    rows = list(csv.reader(io.StringIO(fetch(r.json["url"]).decode("utf-8-sig"))))
    assert rows[0][:4] == ["Share ID", "Shared at", "First name", "Family name"]
    assert len(rows) == 3
    evil = next(row for row in rows if "EVL000001" in row)
    assert '\'=HYPERLINK("http://x")' in evil and "'+Smith" in evil
    assert all(not cell.startswith(("=", "+", "-", "@", "\t", "\r")) for row in rows for cell in row)
    # both reads are audited
    from chalicelib.services import audit

    assert sorted(e["how"] for e in audit.for_org(org.org_id)) == ["download_csv", "download_csv"]
    # and the shares count as seen
    assert all(not s["new"] for s in api.get("/organisation/shares", token=org.token).json["shares"])


def test_own_template_chooses_and_orders_fields(api, make_org, candidate):
    org = make_org()
    ids = two_shares(api, org, candidate)
    fields = api.get("/organisation/templates/fields", token=org.token).json["fields"]
    assert {"reference_number", "overall_score"} <= {f["field"] for f in fields}
    r = api.post(
        "/organisation/templates",
        {"name": "Admissions", "fields": ["reference_number", "overall_score"]},
        token=org.token,
    )
    assert r.status == 201
    tid = r.json["template_id"]
    assert [
        t["template_id"] for t in api.get("/organisation/templates", token=org.token).json["templates"]
    ] == ["default", tid]
    d = api.post(
        "/organisation/downloads",
        {"share_ids": ids[:1], "format": "csv", "template_id": tid},
        token=org.token,
    ).json
    rows = list(csv.reader(io.StringIO(fetch(d["url"]).decode("utf-8-sig"))))
    assert rows == [["Reference number", "Overall score"], ["SOR-2025-000001", "175"]]
    # bad templates
    bad = api.post("/organisation/templates", {"name": "x", "fields": ["password"]}, token=org.token)
    assert bad.status == 400 and "fields" in bad.json["fields"]
    assert api.post("/organisation/templates", {"name": "x", "fields": []}, token=org.token).status == 400
    # another organisation cannot use or delete it
    other = make_org("college-south.ac.uk", "South College")
    assert api.delete(f"/organisation/templates/{tid}", token=other.token).status == 404
    assert api.delete(f"/organisation/templates/{tid}", token=org.token).status == 204
    r = api.post(
        "/organisation/downloads",
        {"share_ids": ids[:1], "format": "csv", "template_id": tid},
        token=org.token,
    )
    assert r.status == 404


def test_pdf_download_is_a_zip_of_statements_with_history_and_redownload(api, make_org, candidate, _clock):
    org = make_org()
    ids = two_shares(api, org, candidate)
    d = api.post("/organisation/downloads", {"share_ids": ids, "format": "pdf"}, token=org.token).json
    with zipfile.ZipFile(io.BytesIO(fetch(d["url"]))) as z:
        names = z.namelist()
        assert len(names) == 2 and all(z.read(n).startswith(b"%PDF") for n in names)
    history = api.get("/organisation/downloads", token=org.token).json
    assert [h["download_id"] for h in history["downloads"]] == [d["download_id"]]
    again = api.get(f"/organisation/downloads/{d['download_id']}", token=org.token).json
    assert again["url"] and again["status"] == "ready"
    from chalicelib.services import audit

    hows = sorted(e["how"] for e in audit.for_org(org.org_id))
    assert hows == ["download_again_pdf"] * 2 + ["download_pdf"] * 2
    # after 30 days the file is gone (S3 lifecycle) and the history says so
    _clock.advance(30 * 86400 + 1)
    from .verifier_kit import login

    token = login(api, org.email).json["token"]
    expired = api.get(f"/organisation/downloads/{d['download_id']}", token=token).json
    assert expired["status"] == "expired" and expired["url"] is None


def test_download_limits_and_other_organisations(api, make_org, candidate):
    org = make_org()
    other = make_org("college-south.ac.uk", "South College")
    ids = two_shares(api, org, candidate)
    r = api.post(
        "/organisation/downloads",
        {"share_ids": [f"s{i}" for i in range(201)], "format": "csv"},
        token=org.token,
    )
    assert r.status == 400 and "share_ids" in r.json["fields"]
    assert (
        api.post("/organisation/downloads", {"share_ids": [], "format": "csv"}, token=org.token).status == 400
    )
    assert (
        api.post("/organisation/downloads", {"share_ids": ids, "format": "xls"}, token=org.token).status
        == 400
    )
    # another organisation's shares cannot be downloaded, nor its downloads read
    assert (
        api.post("/organisation/downloads", {"share_ids": ids, "format": "pdf"}, token=other.token).status
        == 404
    )
    d = api.post("/organisation/downloads", {"share_ids": ids, "format": "csv"}, token=org.token).json
    assert api.get(f"/organisation/downloads/{d['download_id']}", token=other.token).status == 404
    assert api.get("/organisation/downloads", token=other.token).json["downloads"] == []
    # a revoked share cannot be downloaded any more
    assert api.delete(f"/candidates/me/shares/{ids[0]}", token=candidate).status == 204
    assert (
        api.post("/organisation/downloads", {"share_ids": ids, "format": "csv"}, token=org.token).status
        == 404
    )
    # no session, or a candidate's
    for token in (None, candidate):
        assert (
            api.post("/organisation/downloads", {"share_ids": ids, "format": "csv"}, token=token).status
            == 401
        )


def test_csv_cells_are_neutralised():
    from chalicelib.services.templates import neutralise

    for bad in ("=1+2", "+1", "-1", "@SUM(A1)", "\tx", "\rx"):
        assert neutralise(bad) == "'" + bad
    assert neutralise("Zoë") == "Zoë" and neutralise(175) == "175" and neutralise(None) == ""
