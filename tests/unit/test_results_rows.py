"""One row of a results file: every problem reported, clean values canonical."""
from __future__ import annotations

import pytest

from chalicelib.domain.results_rows import content_hash, parse_release_at, validate_row

GOOD = {"id_number": "sir 0947O1", "exam_code": "b2first", "exam_date": "2026-06-14",
        "reference_number": "SOR-2026-000001", "overall_score": "176", "grade": "b", "cefr_level": "b2",
        "component:Reading": "175", "component:Use of English": "170", "component:Writing": "168",
        "component:Listening": "180", "component:Speaking": "185", "photo_key": "", "release_at": ""}


def test_a_good_row_is_normalised():
    clean, problems = validate_row(GOOD)
    assert problems == []
    assert clean["id_number"] == "SIR094701" and clean["exam_code"] == "B2FIRST"
    assert (clean["overall_score"], clean["grade"], clean["cefr_level"]) == (176, "B", "B2")
    assert dict(clean["components"])["Use of English"] == 170
    assert clean["release_at"] is None and clean["photo_key"] is None


@pytest.mark.parametrize("over, field", [
    ({"id_number": "SIR09470"}, "id_number"),
    ({"reference_number": "short"}, "reference_number"),
    ({"exam_date": "14/06/2026"}, "exam_date"),
    ({"exam_code": "NOPE"}, "exam_code"),
    ({"overall_score": "260"}, "overall_score"),
    ({"overall_score": "17x"}, "overall_score"),
    ({"grade": "A"}, "grade"),  # 176 is a B on B2 First
    ({"cefr_level": "C1"}, "cefr_level"),  # 176 is B2
    ({"component:Reading": "999"}, "component:Reading"),
    ({"release_at": "next tuesday"}, "release_at"),
    ({"photo_key": "p" * 600}, "photo_key"),
    # photo_key names a test day photo, never another object of the documents bucket
    ({"photo_key": "statements/SIR094702/B2FIRST-20260614-v1.pdf"}, "photo_key"),
    ({"photo_key": "reports/20260614-ab12/errors.csv"}, "photo_key"),
    ({"photo_key": "photos/../statements/SIR094702/B2FIRST-20260614-v1.pdf"}, "photo_key"),
    ({"photo_key": "photos/./x.jpg"}, "photo_key"),
    ({"photo_key": "photos/"}, "photo_key"),
    ({"photo_key": "/photos/x.jpg"}, "photo_key"),
    ({"photo_key": "Photos/x.jpg"}, "photo_key"),
    ({"photo_key": "photos\\..\\statements\\x.pdf"}, "photo_key"),
    ({"photo_key": "photos/x\x00.jpg"}, "photo_key"),
])
def test_each_bad_field_is_named(over, field):
    _clean, problems = validate_row({**GOOD, **over})
    assert field in {f for f, _ in problems}, problems


@pytest.mark.parametrize("key", ["photos/SIR094701.jpg", "photos/2026/06/SIR094701 front.jpeg"])
def test_a_photo_key_under_the_photos_prefix_is_kept(key):
    clean, problems = validate_row({**GOOD, "photo_key": f" {key} "})
    assert problems == [] and clean["photo_key"] == key


def test_every_problem_of_a_row_is_reported_not_only_the_first():
    _clean, problems = validate_row({**GOOD, "id_number": "x", "exam_date": "2026-02-30", "grade": "Z"})
    assert {"id_number", "exam_date", "grade"} <= {f for f, _ in problems}


def test_release_at_becomes_utc_with_z():
    assert parse_release_at("2026-08-01T10:00:00+01:00") == "2026-08-01T09:00:00Z"
    assert parse_release_at("2026-08-01T09:00:00") == "2026-08-01T09:00:00Z"
    clean, problems = validate_row({**GOOD, "release_at": "2026-08-01T09:00:00Z"})
    assert problems == [] and clean["release_at"] == "2026-08-01T09:00:00Z"


def test_the_content_hash_changes_with_what_the_candidate_sees_only():
    a, _ = validate_row(GOOD)
    b, _ = validate_row({**GOOD, "id_number": "SIR094701", "reference_number": "SOR-2026-000999"})
    c, _ = validate_row({**GOOD, "component:Speaking": "184"})
    assert content_hash(a) == content_hash(b) != content_hash(c)
