# ruff: noqa: F811 - pytest fixtures imported from verifier_kit are redefined as arguments
"""The verifiers' result pages through chalice.test.Client: shared results (filters, paging,
New, download selected), a result from a share or a search, the candidate search's errors,
downloads and templates; other organisations' ids, missing CSRF and bad input."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from html import unescape

import pytest

from tests.api.conftest import outbox  # noqa: F401  (fixture)
from tests.api.test_downloads import fetch
from tests.api.verifier_kit import (  # noqa: F401 - fixtures
    candidate,
    candidate_login,
    make_candidate,
    make_org,
    make_result,
    share,
    staff,
)

from .conftest import Browser

SESSION = "__Host-session"
DOB = "2004-03-09"


def signed_in(visitor: Browser, org) -> Browser:
    visitor.cookies[SESSION] = org.token
    return visitor


def text(page) -> str:
    return unescape(re.sub(r"<[^>]+>", " ", re.sub(r"\s+", " ", page.text)))


def shared(api, org, n: int = 1) -> list[str]:
    """`n` candidates (SHR00000i) each sharing a released B2 First result with `org`."""
    ids = []
    for i in range(n):
        who = f"SHR{i:06d}"
        make_candidate(who, f"First{i}", f"Family{i}")
        rid = make_result(who, reference_number=f"SOR-SHR-{i:06d}", first=f"First{i}", family=f"Family{i}")
        r = share(api, candidate_login(api, who), rid, org.org_id)
        assert r.status == 201, r.json
        ids.append(r.json["share_id"])
    return ids


def many_shares(org_id: str, n: int) -> None:
    """`n` share items written straight to the table (paging needs many, not real results)."""
    from chalicelib.adapters.ids import iso_us
    from chalicelib.db import models as m

    base = 1_780_000_000.0
    with m.Share.batch_write() as batch:
        for i in range(n):
            sid, seq = f"bulk{i:08d}", f"{iso_us(base + i)}#bulk{i:08d}"
            batch.save(
                m.Share(
                    m.SHARE + sid,
                    "SHARE",
                    share_id=sid,
                    org_id=org_id,
                    organisation_name="x",
                    id_number=f"BLK{i:06d}",
                    result_pk=f"CAND#BLK{i:06d}",
                    result_sk="RESULT#2025-06-14#B2FIRST",
                    result_id="B2FIRST-20250614",
                    first_name="Bulk",
                    family_name=f"Person{i:03d}",
                    exam_code="B2FIRST",
                    exam_name="B2 First",
                    search=f"bulk person{i:03d} blk{i:06d}",
                    shared_at=iso_us(base + i)[:19] + "Z",
                    gsi1pk=m.ORG_SHARES + org_id,
                    gsi1sk=seq,
                    gsi2pk=f"{m.CAND_SHARES}BLK{i:06d}",
                    gsi2sk=seq,
                )
            )


def post_lists(visitor: Browser, page_path: str, action: str, fields: list[tuple[str, str]]):
    token = visitor.get(page_path).csrf()
    return visitor.post(action, [("csrf_token", token), *fields])  # type: ignore[arg-type]


# ---------------------------------------------------------------- access
@pytest.mark.parametrize(
    "path",
    [
        "/organisations/shared-results",
        "/organisations/search",
        "/organisations/downloads",
        "/organisations/shared-results/abc",
    ],
)
def test_signed_out_goes_to_the_verifiers_sign_in(visitor, path):
    page = visitor.get(path)
    assert page.status == 303 and page.headers["location"] == "/organisations/sign-in"


def test_a_candidate_session_is_not_a_verifier_one(api, visitor, candidate):
    visitor.cookies[SESSION] = candidate
    assert visitor.get("/organisations/shared-results").headers["location"] == "/organisations/sign-in"


# ---------------------------------------------------------------- shared results, New, view
def test_new_share_is_bold_and_new_until_opened(api, make_org, visitor):
    org = make_org()
    [sid] = shared(api, org)
    signed_in(visitor, org)
    page = visitor.get("/organisations/shared-results")
    assert page.status == 200
    row = re.search(r'<tr class="govuk-table__row app-share--new">.*?</tr>', page.text, re.S)
    assert row and "govuk-!-font-weight-bold" in row.group(0) and ">New<" in row.group(0)
    assert "First0" in row.group(0) and "Family0" in row.group(0) and "B2 First" in row.group(0)
    # the checkbox is labelled with the candidate's name; View opens it
    assert re.search(
        r'<label [^>]*for="share-1"><span class="govuk-visually-hidden">First0 Family0', page.text
    )
    assert f'href="/organisations/shared-results/{sid}"' in page.text
    for words in (
        "First name",
        "Family name",
        "Exam",
        "Date shared",
        "Filter",
        "Download selected",
        "PDF",
        "Data file (CSV)",
        "Every field",
    ):
        assert page.has(words), words
    # the verifiers' header: their service's name and home, not the candidates'
    assert "<title>Shared results – Results Verification Service</title>" in page.text
    assert '<a href="/organisations" class="board-header__brand">' in page.text
    # nav: the three pages are in the header, the current one marked
    assert 'href="/organisations/shared-results" aria-current="page"' in page.text
    assert 'href="/organisations/search"' in page.text and 'href="/organisations/downloads"' in page.text

    detail = visitor.get(f"/organisations/shared-results/{sid}")
    assert detail.status == 200
    body = text(detail)
    for words in (
        "First0 Family0",
        "9 March 2004",
        "SHR000000",
        "B2 First",
        "175",
        "B",
        "B2",
        "Reading",
        "172",
        "SOR-SHR-000000",
        "Download Statement of Results (PDF)",
    ):
        assert words in body, words
    # the exam has a test-day photo: the result names one that is not in the bucket, so none is shown
    assert "<img" not in detail.text
    again = visitor.get("/organisations/shared-results")
    assert "app-share--new" not in again.text and ">New<" not in again.text
    from chalicelib.services import audit

    assert sorted(e["how"] for e in audit.for_org(org.org_id)) == ["detail", "photo"]


def test_the_test_day_photo_is_shown_inline_with_alt_text(api, make_org, visitor):
    from chalicelib import config
    from chalicelib.adapters import storage

    org = make_org()
    storage.put(config.DOCUMENTS_BUCKET, "photos/SHR000000.jpg", b"\xff\xd8\xff\xe0fakejpeg", "image/jpeg")
    make_candidate("SHR000000", "Ana", "Ruiz")
    rid = make_result(
        "SHR000000",
        reference_number="SOR-PHOTO-0001",
        photo_key="photos/SHR000000.jpg",
        first="Ana",
        family="Ruiz",
    )
    sid = share(api, candidate_login(api, "SHR000000"), rid, org.org_id).json["share_id"]
    page = signed_in(visitor, org).get(f"/organisations/shared-results/{sid}")
    img = re.search(r"<img [^>]*>", page.text)
    assert img and 'alt="Test-day photo of Ana Ruiz"' in img.group(0)
    assert 'src="data:image/jpeg;base64,' in img.group(0)  # allowed by the CSP's img-src data:
    assert "img-src 'self' data:" in page.headers["content-security-policy"]


def test_an_exam_without_a_photo_shows_none(api, make_org, visitor):
    from chalicelib import config
    from chalicelib.adapters import storage

    org = make_org()
    storage.put(config.DOCUMENTS_BUCKET, "photos/SHR000001.jpg", b"\xff\xd8", "image/jpeg")
    make_candidate("SHR000001")
    rid = make_result(
        "SHR000001", exam_code="B1PRE", reference_number="SOR-B1-000001", photo_key="photos/SHR000001.jpg"
    )
    sid = share(api, candidate_login(api, "SHR000001"), rid, org.org_id).json["share_id"]
    assert "<img" not in signed_in(visitor, org).get(f"/organisations/shared-results/{sid}").text


def test_statement_is_a_303_to_a_short_lived_link(api, make_org, visitor):
    from chalicelib import config
    from chalicelib.adapters import storage

    org = make_org()
    storage.put(config.DOCUMENTS_BUCKET, "statements/x.pdf", b"%PDF-1.7 stored", "application/pdf")
    make_candidate("SHR000002")
    rid = make_result("SHR000002", reference_number="SOR-ST-000001", statement_key="statements/x.pdf")
    sid = share(api, candidate_login(api, "SHR000002"), rid, org.org_id).json["share_id"]
    r = signed_in(visitor, org).get(f"/organisations/shared-results/{sid}/statement")
    assert r.status == 303 and "X-Amz-Expires=" in r.headers["location"]
    assert fetch(r.headers["location"]).startswith(b"%PDF")


def test_another_organisations_share_is_a_404(api, make_org, visitor):
    org, other = make_org(), make_org("uni-south.ac.uk", "University of the South")
    [sid] = shared(api, org)
    signed_in(visitor, other)
    for path in (
        f"/organisations/shared-results/{sid}",
        f"/organisations/shared-results/{sid}/statement",
        "/organisations/shared-results/nope",
    ):
        page = visitor.get(path)
        assert page.status == 404 and page.has("Page not found"), path
    assert "First0" not in visitor.get("/organisations/shared-results").text
    # and it stays New for its own organisation
    assert ">New<" in signed_in(Browser(visitor.client), org).get("/organisations/shared-results").text


# ---------------------------------------------------------------- filters and paging
def test_filters_by_name_id_and_dates(api, make_org, visitor, _clock):
    from datetime import UTC, datetime

    def today() -> str:
        return datetime.fromtimestamp(_clock.now(), UTC).date().isoformat()

    org = make_org()
    before = today()
    shared(api, org, 2)  # shared now (the clock's day)
    after = today()  # the same day, unless the test ran over midnight
    signed_in(visitor, org)
    page = visitor.get("/organisations/shared-results?q=first1")
    assert "Family1" in page.text and "Family0" not in page.text and page.has("Clear filters")
    assert "Family0" in visitor.get("/organisations/shared-results?q=shr000000").text
    assert "Family0" in visitor.get(f"/organisations/shared-results?from={before}&to={after}").text
    gone = visitor.get("/organisations/shared-results?from=2001-01-01&to=2001-01-31")
    assert (
        gone.status == 200
        and "Family0" not in gone.text
        and gone.has("No shared results match these filters.")
    )
    # a day typed as 14/06/2026 is read too
    d = before.split("-")
    assert "Family0" in visitor.get(f"/organisations/shared-results?from={d[2]}/{d[1]}/{d[0]}").text


@pytest.mark.parametrize(
    ("query", "field", "words"),
    [
        ("from=2026-02-31", "from", "Enter a real date in From"),
        ("to=soon", "to", "Enter a real date in To"),
        ("from=2026-06-30&to=2026-06-01", "to", "To must be the same as or after From"),
        ("q=" + "x" * 101, "q", "Enter at most 100 characters"),
    ],
)
def test_bad_filters_are_form_errors(api, make_org, visitor, query, field, words):
    org = make_org()
    shared(api, org)
    page = signed_in(visitor, org).get(f"/organisations/shared-results?{query}")
    assert page.status == 400 and page.has("There is a problem") and page.has(words)
    assert f'href="#{field}"' in page.text and f'id="{field}"' in page.text
    assert "<title>Error:" in page.text


def test_pages_of_fifty_with_next(api, make_org, visitor):
    org = make_org()
    many_shares(org.org_id, 60)
    signed_in(visitor, org)
    first = visitor.get("/organisations/shared-results")
    assert first.text.count('name="share_ids"') == 50
    assert "Person059" in first.text and "Person010" in first.text and "Person009" not in first.text
    nxt = re.search(r'href="(/organisations/shared-results\?cursor=[^"]+)">Next<', first.text)
    assert nxt
    second = visitor.get(unescape(nxt.group(1)))
    assert (
        second.text.count('name="share_ids"') == 10
        and "Person000" in second.text
        and ">Next<" not in second.text
    )
    # a filtered page's Next keeps the filter
    filtered = visitor.get("/organisations/shared-results?q=bulk")
    link = re.search(r'href="(/organisations/shared-results\?[^"]+)">Next<', filtered.text)
    assert link and "q=bulk" in link.group(1)
    # another organisation's cursor is not ours: the first page
    other = make_org("uni-south.ac.uk", "University of the South")
    page = signed_in(Browser(visitor.client), other).get(unescape(nxt.group(1)))
    assert page.status == 200 and "Person" not in page.text


# ---------------------------------------------------------------- download selected
def test_download_selected_as_csv_and_as_zip(api, make_org, visitor):
    org = make_org()
    ids = shared(api, org, 2)
    signed_in(visitor, org)
    r = post_lists(
        visitor,
        "/organisations/shared-results",
        "/organisations/shared-results/download",
        [("share_ids", ids[0]), ("share_ids", ids[1]), ("format", "csv"), ("template_id", "default")],
    )
    assert r.status == 303 and r.headers["location"].startswith("/organisations/downloads?made=")
    page = visitor.get(r.headers["location"])
    assert page.has("Your download is ready") and page.has("2 candidates") and page.has("Data file (CSV)")
    link = re.search(r'href="(/organisations/downloads/[^"/]+/file)"', page.text)
    assert link
    got = visitor.get(link.group(1))
    assert got.status == 303
    rows = list(csv.reader(io.StringIO(fetch(got.headers["location"]).decode("utf-8-sig"))))
    assert len(rows) == 3 and {"First0", "First1"} <= {c for row in rows for c in row}

    r = post_lists(
        visitor,
        "/organisations/shared-results",
        "/organisations/shared-results/download",
        [("share_ids", ids[1]), ("format", "pdf"), ("template_id", "default")],
    )
    assert r.status == 303
    page = visitor.get(r.headers["location"])
    assert page.has("1 candidate") and page.has("PDF")
    link = re.search(r'href="(/organisations/downloads/[^"/]+/file)"', page.text)
    assert link
    zipped = zipfile.ZipFile(io.BytesIO(fetch(visitor.get(link.group(1)).headers["location"])))
    assert [n for n in zipped.namelist() if n.endswith(".pdf")] and len(zipped.namelist()) == 1
    # the history lists both, newest first, each with its Download link
    history = visitor.get("/organisations/downloads")
    assert history.text.count(">Download<") == 2
    # both selected shares count as seen
    assert ">New<" not in visitor.get("/organisations/shared-results").text


def test_download_selected_errors(api, make_org, visitor):
    org = make_org()
    ids = shared(api, org)
    signed_in(visitor, org)
    nothing = post_lists(
        visitor,
        "/organisations/shared-results",
        "/organisations/shared-results/download",
        [("template_id", "default")],
    )
    assert nothing.status == 400 and nothing.has("There is a problem")
    assert 'href="#share_ids"' in nothing.text and 'href="#format"' in nothing.text
    assert nothing.has("Select the results to download") and nothing.has("Select PDF or Data file (CSV)")
    # another organisation's share among the selection
    other = make_org("uni-south.ac.uk", "University of the South")
    [theirs] = [s for s in shared_for(api, other)]
    mixed = post_lists(
        visitor,
        "/organisations/shared-results",
        "/organisations/shared-results/download",
        [("share_ids", ids[0]), ("share_ids", theirs), ("format", "csv")],
    )
    assert mixed.status == 400 and mixed.has("no longer shared with your organisation")
    assert 'value="' + ids[0] + '" checked' in mixed.text  # what was ticked stays ticked


def shared_for(api, org) -> list[str]:
    make_candidate("OTH000001")
    rid = make_result("OTH000001", reference_number="SOR-OTH-000001")
    return [share(api, candidate_login(api, "OTH000001"), rid, org.org_id).json["share_id"]]


@pytest.mark.parametrize(
    "action",
    ["/organisations/shared-results/download", "/organisations/search", "/organisations/downloads/templates"],
)
def test_missing_csrf_is_refused(api, make_org, visitor, action):
    org = make_org()
    ids = shared(api, org)
    signed_in(visitor, org)
    page = visitor.post(
        action,
        {
            "share_ids": ids[0],
            "format": "csv",
            "name": "x",
            "fields": "grade",
            "reference_number": "SOR-SHR-000000",
            "date_of_birth-day": "9",
            "date_of_birth-month": "3",
            "date_of_birth-year": "2004",
        },
    )
    assert page.status == 400 and page.has("Sorry, we could not accept that form")
    from chalicelib.services import audit

    assert audit.for_org(org.org_id) == []
    assert visitor.get("/organisations/downloads").has("You have not downloaded any results yet")


def test_a_withdrawn_share_stops_its_old_download(api, make_org, visitor):
    org = make_org()
    ids = shared(api, org, 2)
    signed_in(visitor, org)
    r = post_lists(
        visitor,
        "/organisations/shared-results",
        "/organisations/shared-results/download",
        [("share_ids", ids[0]), ("share_ids", ids[1]), ("format", "csv")],
    )
    link = re.search(
        r'href="(/organisations/downloads/[^"/]+/file)"', visitor.get(r.headers["location"]).text
    )
    assert link
    assert (
        api.delete(f"/candidates/me/shares/{ids[0]}", token=candidate_login(api, "SHR000000")).status == 204
    )
    page = visitor.get(link.group(1))
    assert page.status == 409 and page.has("stopped sharing their result") and 'href="#history"' in page.text


# ---------------------------------------------------------------- candidate search
def search(visitor: Browser, ref: str, day: str = "9", month: str = "3", year: str = "2004"):
    return visitor.submit(
        "/organisations/search",
        "/organisations/search",
        {
            "reference_number": ref,
            "date_of_birth-day": day,
            "date_of_birth-month": month,
            "date_of_birth-year": year,
        },
    )


def test_search_hit_shows_the_result_and_its_statement(api, make_org, visitor):
    org = make_org()
    make_result(reference_number="B2F25-0614-0001", photo_key=None)
    signed_in(visitor, org)
    form = visitor.get("/organisations/search")
    for words in ("Reference number", "Day", "Month", "Year", "Search"):
        assert form.has(words)
    page = search(visitor, "  b2f25-0614-0001 ")
    assert page.status == 200
    body = text(page)
    for words in ("Zoë Łukasiewicz-Nguyễn", "9 March 2004", "SIR094701", "B2F25-0614-0001", "175"):
        assert words in body, words
    link = re.search(r'href="(/organisations/search/results/[^"]+/statement)"', page.text)
    assert link and "B2F25" not in link.group(1) and not any(
        born in link.group(1) for born in ("2004-03-09", "20040309"))
    got = visitor.get(link.group(1))
    assert got.status == 303 and fetch(got.headers["location"]).startswith(b"%PDF")
    from chalicelib.services import audit

    assert sorted(e["how"] for e in audit.for_org(org.org_id)) == ["search", "statement"]
    # the handle is this user's only: another organisation gets the 404 page
    other = make_org("uni-south.ac.uk", "University of the South")
    assert signed_in(Browser(visitor.client), other).get(link.group(1)).status == 404
    assert visitor.get("/organisations/search/results/made-up/statement").status == 404


@pytest.mark.parametrize(
    ("ref", "dob", "field", "words"),
    [
        ("", ("9", "3", "2004"), "reference_number", "Enter the reference number"),
        ("short", ("9", "3", "2004"), "reference_number", "8 to 40 letters"),
        ("SOR-2025-000001", ("", "3", "2004"), "date_of_birth-day", "with day, month and year"),
        ("SOR-2025-000001", ("31", "2", "2004"), "date_of_birth-day", "must be a real date"),
        ("SOR-2025-000001", ("9", "3", "04"), "date_of_birth-day", "must be a real date"),
    ],
)
def test_search_bad_input_is_a_form_error(api, make_org, visitor, ref, dob, field, words):
    org = make_org()
    page = search(signed_in(visitor, org), ref, *dob)
    assert page.status == 400 and page.has("There is a problem") and page.has(words)
    assert f'href="#{field}"' in page.text and f'id="{field}"' in page.text
    assert f'value="{ref}"' in page.text if ref else True  # shown again with what was typed


def test_search_miss_and_limit_are_form_errors(api, make_org, visitor, monkeypatch):
    from chalicelib.services import shares

    org = make_org()
    make_result()
    signed_in(visitor, org)
    miss = search(visitor, "SOR-2025-999999")
    assert miss.status == 404 and miss.has("No result matches that reference number and date of birth")
    assert 'href="#reference_number"' in miss.text
    monkeypatch.setattr(shares, "SEARCH_FAILURES_PER_HOUR", 2)
    search(visitor, "SOR-2025-999998")
    limited = search(visitor, "SOR-2025-000001")
    assert limited.status == 429 and limited.has("Too many searches without a match. Try again in an hour.")
    assert 'href="#reference_number"' in limited.text


def test_search_before_2005_says_why(api, make_org, visitor):
    org = make_org()
    make_result(exam_date="2004-06-12", reference_number="SOR-2004-000001")
    page = search(signed_in(visitor, org), "SOR-2004-000001")
    assert page.status == 404 and page.has("Results from before 2005 are not verifiable online")


# ---------------------------------------------------------------- templates
def test_create_and_delete_a_template(api, make_org, visitor):
    org = make_org()
    signed_in(visitor, org)
    page = visitor.get("/organisations/downloads")
    for words in ("Template name", "Create template", "Reference number", "Overall score"):
        assert page.has(words)
    bad = post_lists(
        visitor, "/organisations/downloads", "/organisations/downloads/templates", [("name", " ")]
    )
    assert bad.status == 400 and 'href="#name"' in bad.text and 'href="#fields"' in bad.text
    r = post_lists(
        visitor,
        "/organisations/downloads",
        "/organisations/downloads/templates",
        [
            ("name", "Admissions"),
            ("fields", "reference_number"),
            ("fields", "overall_score"),
            ("fields", "not-a-field"),
        ],
    )
    assert r.status == 303
    page = visitor.get(r.headers["location"])
    assert (
        page.has("Template created")
        and page.has("Admissions")
        and page.has("Reference number, Overall score")
    )
    from chalicelib.services import templates
    from chalicelib.services.actor import actor
    from chalicelib.services.security import authenticate

    who = actor(authenticate(f"Bearer {org.token}", ("verifier",)))
    [own] = [t for t in templates.list_templates(who)["templates"] if t["name"] == "Admissions"]
    assert own["fields"] == ["reference_number", "overall_score"]
    # it is offered for a data file (once there is a share to download)
    shared(api, org)
    assert f'value="{own["template_id"]}"' in visitor.get("/organisations/shared-results").text
    # another organisation cannot delete it
    other = make_org("uni-south.ac.uk", "University of the South")
    them = signed_in(Browser(visitor.client), other)
    post_lists(
        them,
        "/organisations/downloads",
        f"/organisations/downloads/templates/{own['template_id']}/delete",
        [],
    )
    assert visitor.get("/organisations/downloads").has("Admissions")
    r = post_lists(
        visitor,
        "/organisations/downloads",
        f"/organisations/downloads/templates/{own['template_id']}/delete",
        [],
    )
    assert r.status == 303
    page = visitor.get(r.headers["location"])
    assert page.has("Template deleted") and not page.has("Admissions")


# ---------------------------------------------------------------- Spanish
def test_shared_results_in_spanish(api, make_org, client):
    org = make_org()
    shared(api, org)
    visitor = signed_in(Browser(client, lang="es"), org)
    page = visitor.get("/organisations/shared-results")
    assert '<html lang="es"' in page.text
    for words in (
        "Resultados compartidos",
        "Buscar candidato",
        "Descargas",
        "Desde",
        "Hasta",
        "Nombre o número de identificación",
        "Filtrar",
        "Nuevo",
        "Ver",
        "Descargar selección",
        "Archivo de datos (CSV)",
        "Cerrar sesión",
    ):
        assert page.has(words), words
    assert visitor.get("/organisations/search").has("Número de referencia")
    assert visitor.get("/organisations/downloads").has("Crear plantilla")
