from __future__ import annotations

from datetime import date

import pytest

from chalicelib.domain.errors import ValidationError
from chalicelib.domain.exams import (
    CEFR_LEVELS,
    EXAM_CODES,
    add_working_days,
    canonical_cefr,
    canonical_grade,
    catalogue,
    cefr_for_score,
    cefr_level_for,
    check_result,
    expected_release_window,
    get_exam,
    grade_for,
)

API_CODES = ["A2KEY", "A2KEYS", "B1PRE", "B1PRES", "B2FIRST", "B2FIRSTS", "C1ADV", "C2PRO", "B1BUS", "B2BUS",
             "C1BUS", "DELTA1", "DELTA2", "DELTA3", "PREA1", "A1MOV", "A2FLY"]
PUBLIC_FIELDS = {
    "code", "name", "previous_name", "verifiable", "test_day_photo", "release_after", "display_name",
    "score_range", "component_names", "component_range",  # what a results row must hold (issue 11)
}

B2_COMPONENTS = {"Reading": 175, "Use of English": 178, "Writing": 170, "Listening": 180, "Speaking": 172}


# --- catalogue ---------------------------------------------------------------------------------------


def test_catalogue_has_exactly_the_api_codes() -> None:
    exams = catalogue()
    assert [e["code"] for e in exams] == API_CODES
    assert list(EXAM_CODES) == API_CODES
    for exam in exams:
        assert set(exam) == PUBLIC_FIELDS
        assert isinstance(exam["name"], str) and exam["name"]
        assert exam["previous_name"] is None or isinstance(exam["previous_name"], str)
        assert isinstance(exam["verifiable"], bool)
        assert isinstance(exam["test_day_photo"], bool)
        assert set(exam["release_after"]) == {"paper", "computer"}
        assert isinstance(exam["release_after"]["paper"], str)


def test_catalogue_returns_fresh_dicts() -> None:
    first = catalogue()
    first[0]["release_after"]["paper"] = "tampered"
    first[0]["name"] = "tampered"
    assert catalogue()[0]["name"] == "A2 Key"
    assert catalogue()[0]["release_after"]["paper"] == "4-6 weeks after the exam"


@pytest.mark.parametrize(
    ("code", "name", "previous"),
    [
        ("B2FIRST", "B2 First", "Cambridge English: First (FCE)"),
        ("B2FIRSTS", "B2 First for Schools", "Cambridge English: First for Schools (FCE for Schools)"),
        ("C1ADV", "C1 Advanced", "Cambridge English: Advanced (CAE)"),
        ("C2PRO", "C2 Proficiency", "Cambridge English: Proficiency (CPE)"),
        ("A2KEY", "A2 Key", "Cambridge English: Key (KET)"),
        ("B1PRE", "B1 Preliminary", "Cambridge English: Preliminary (PET)"),
        ("B1BUS", "B1 Business Preliminary", "Cambridge English: Business Preliminary (BEC Preliminary)"),
        ("B2BUS", "B2 Business Vantage", "Cambridge English: Business Vantage (BEC Vantage)"),
        ("C1BUS", "C1 Business Higher", "Cambridge English: Business Higher (BEC Higher)"),
        ("DELTA1", "Delta Module One", None),
        ("DELTA2", "Delta Module Two", None),
        ("DELTA3", "Delta Module Three", None),
        ("PREA1", "Pre A1 Starters", "Cambridge English: Young Learners (YLE) Starters"),
        ("A1MOV", "A1 Movers", "Cambridge English: Young Learners (YLE) Movers"),
        ("A2FLY", "A2 Flyers", "Cambridge English: Young Learners (YLE) Flyers"),
    ],
)
def test_names(code: str, name: str, previous: str | None) -> None:
    exam = get_exam(code)
    assert exam is not None
    assert exam.name == name
    assert exam.previous_name == previous


def test_display_name() -> None:
    by_code = {e["code"]: e for e in catalogue()}
    assert by_code["B2FIRST"]["display_name"] == "B2 First \u2014 previously Cambridge English: First (FCE)"
    assert by_code["DELTA1"]["display_name"] == "Delta Module One"


def test_test_day_photo_only_for_first_advanced_proficiency() -> None:
    photo = {e["code"] for e in catalogue() if e["test_day_photo"]}
    assert photo == {"B2FIRST", "B2FIRSTS", "C1ADV", "C2PRO"}


def test_verifiable() -> None:
    assert {e["code"] for e in catalogue() if not e["verifiable"]} == {"PREA1", "A1MOV", "A2FLY"}


def test_release_after_text() -> None:
    b2 = get_exam("B2FIRST")
    assert b2 is not None
    assert b2.release_after == {
        "paper": "4-6 weeks after the exam", "computer": "5-10 working days after the exam",
    }
    delta = get_exam("DELTA2")
    assert delta is not None and delta.release_after["computer"] is None


@pytest.mark.parametrize("code", ["b2first", " C1ADV ", "a2fly"])
def test_get_exam_is_forgiving(code: str) -> None:
    assert get_exam(code) is not None


@pytest.mark.parametrize("code", ["", "FCE", "B2", None, 1])
def test_get_exam_unknown(code: object) -> None:
    assert get_exam(code) is None


def test_exam_is_frozen() -> None:
    exam = get_exam("B2FIRST")
    assert exam is not None
    with pytest.raises(AttributeError):
        exam.name = "x"  # type: ignore[misc]


# --- scale, grades, CEFR ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("score", "level"),
    [(99, None), (100, "A1"), (119, "A1"), (120, "A2"), (139, "A2"), (140, "B1"), (159, "B1"), (160, "B2"),
     (179, "B2"), (180, "C1"), (199, "C1"), (200, "C2"), (230, "C2"), (231, None)],
)
def test_cefr_for_score(score: int, level: str | None) -> None:
    assert cefr_for_score(score) == level


@pytest.mark.parametrize(
    ("code", "score", "grade", "level"),
    [
        ("B2FIRST", 190, "A", "C1"), ("B2FIRST", 180, "A", "C1"), ("B2FIRST", 179, "B", "B2"),
        ("B2FIRST", 173, "B", "B2"), ("B2FIRST", 172, "C", "B2"), ("B2FIRST", 160, "C", "B2"),
        ("B2FIRST", 159, "Level B1", "B1"), ("B2FIRST", 140, "Level B1", "B1"), ("B2FIRST", 139, None, None),
        ("B2FIRST", 191, None, None),
        ("A2KEY", 150, "Pass with Distinction", "B1"), ("A2KEY", 133, "Pass with Merit", "A2"),
        ("A2KEY", 120, "Pass", "A2"), ("A2KEY", 100, "Level A1", "A1"),
        ("B1PRES", 160, "Pass with Distinction", "B2"), ("B1PRES", 139, "Level A2", "A2"),
        ("B1BUS", 153, "Pass with Merit", "B1"),
        ("C1ADV", 200, "A", "C2"), ("C1ADV", 192, "C", "C1"), ("C1ADV", 179, "Level B2", "B2"),
        ("C1BUS", 193, "B", "C1"),
        ("C2PRO", 230, "A", "C2"), ("C2PRO", 213, "B", "C2"), ("C2PRO", 200, "C", "C2"),
        ("C2PRO", 199, "Level C1", "C1"),
        ("DELTA1", 150, None, None), ("A2FLY", 12, None, None), ("NOPE", 150, None, None),
    ],
)
def test_grade_and_cefr_for(code: str, score: int, grade: str | None, level: str | None) -> None:
    assert grade_for(code, score) == grade
    assert cefr_level_for(code, score) == level


@pytest.mark.parametrize(("raw", "level"), [("b2", "B2"), (" C1 ", "C1"), ("pre a1", "Pre A1"),
                                            ("Pre-A1", "Pre A1"), ("PREA1", "Pre A1"), ("B3", None),
                                            ("", None), (None, None)])
def test_canonical_cefr(raw: object, level: str | None) -> None:
    assert canonical_cefr(raw) == level


def test_all_levels_round_trip() -> None:
    assert [canonical_cefr(level) for level in CEFR_LEVELS] == list(CEFR_LEVELS)


@pytest.mark.parametrize(
    ("code", "raw", "grade"),
    [("B2FIRST", "a", "A"), ("B2FIRST", "level b1", "Level B1"),
     ("A2KEY", "Distinction", "Pass with Distinction"), ("A2KEY", "pass with merit", "Pass with Merit"),
     ("DELTA1", "merit", "Merit"), ("DELTA1", "A", None),
     ("B2FIRST", "D", None), ("B2FIRST", "", None), ("A1MOV", "  10  shields ", "10 shields")],
)
def test_canonical_grade(code: str, raw: str, grade: str | None) -> None:
    exam = get_exam(code)
    assert exam is not None
    assert canonical_grade(exam, raw) == grade


# --- check_result -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "score", "grade", "cefr", "components"),
    [
        ("B2FIRST", 175, "B", "B2", B2_COMPONENTS),
        ("B2FIRST", "175", "b", "b2", {"reading": "175", "USE OF ENGLISH": 160}),
        ("B2FIRSTS", 140, "Level B1", "B1", {"Reading": 122, "Speaking": 190}),
        ("B2FIRST", None, "Fail", "", {"Reading": 125}),
        ("B2FIRST", "", "Fail", None, {}),
        ("A2KEY", 142, "Pass with Distinction", "B1", {"Reading": 82, "Writing": 150}),
        ("A2KEYS", 121, "Pass", "A2", None),
        ("B1PRE", 155, "Merit", "B1", {"Listening": 102}),
        ("B1BUS", 165, "Pass with Distinction", "B2", {}),
        ("B2BUS", 181, "A", "C1", {"Reading": 185}),
        ("C1ADV", 185, "C", "C1", {"Use of English": 142, "Writing": 210}),
        ("C1BUS", 170, "Level B2", "B2", {}),
        ("C2PRO", 225, "A", "C2", {"Speaking": 230, "Reading": 162}),
        ("DELTA1", None, "Merit", None, {}),
        ("DELTA3", "", "Distinction", "", {"Paper 1": 60}),
        ("PREA1", None, "13 shields", "Pre A1", {"Listening": 5, "Reading and Writing": 4, "Speaking": 4}),
        ("A2FLY", 12, "12", None, {"Listening": 1, "Speaking": None}),
    ],
)
def test_check_result_good(code: str, score: object, grade: object, cefr: object,
                           components: dict[str, object] | None) -> None:
    assert check_result(code, score, grade, cefr, components) == {}


@pytest.mark.parametrize(
    ("code", "score", "grade", "cefr", "components", "fields"),
    [
        ("FCE", 175, "B", "B2", {}, {"exam_code"}),
        (None, 175, "B", "B2", {}, {"exam_code"}),
        ("B2FIRST", 195, "A", "C1", {}, {"overall_score"}),
        ("B2FIRST", 139, "Level B1", "B1", {}, {"overall_score"}),
        ("B2FIRST", None, "B", "B2", {}, {"overall_score"}),
        ("B2FIRST", "17x", "B", "B2", {}, {"overall_score"}),
        ("B2FIRST", 175.5, "B", "B2", {}, {"overall_score"}),
        ("B2FIRST", True, "B", "B2", {}, {"overall_score"}),
        ("B2FIRST", 175, "A", "B2", {}, {"grade"}),
        ("B2FIRST", 175, "D", "B2", {}, {"grade"}),
        ("B2FIRST", 175, "", "B2", {}, {"grade"}),
        ("B2FIRST", 175, None, "B2", {}, {"grade"}),
        ("B2FIRST", 175, "Pass with Merit", "B2", {}, {"grade"}),
        ("B2FIRST", 175, "B", "C1", {}, {"cefr_level"}),
        ("B2FIRST", 175, "B", "", {}, {"cefr_level"}),
        ("B2FIRST", 175, "B", "B5", {}, {"cefr_level"}),
        ("B2FIRST", 175, "B", 2, {}, {"cefr_level"}),
        ("B2FIRST", 175, "B", "B2", {"Reading": 121}, {"component:Reading"}),
        ("B2FIRST", 175, "B", "B2", {"Reading": 191}, {"component:Reading"}),
        ("B2FIRST", 175, "B", "B2", {"Reading": "abc"}, {"component:Reading"}),
        ("B2FIRST", 175, "B", "B2", {"Reading": 1.5}, {"component:Reading"}),
        ("B2FIRST", 175, "B", "B2", {"Maths": 175}, {"component:Maths"}),
        ("A2KEY", 130, "Pass", "A2", {"Use of English": 130}, {"component:Use of English"}),
        ("B2FIRST", 150, "Fail", "", {}, {"overall_score"}),
        ("B2FIRST", None, "Fail", "B1", {}, {"cefr_level"}),
        ("A2KEY", 133, "Pass", "A2", {}, {"grade"}),
        ("A2KEY", 99, "Level A1", "A1", {}, {"overall_score"}),
        ("C2PRO", 212, "B", "C1", {}, {"grade", "cefr_level"}),
        ("C1ADV", 211, "A", "C2", {"Writing": 141}, {"overall_score", "component:Writing"}),
        ("DELTA1", None, "A", None, {}, {"grade"}),
        ("DELTA2", None, "", None, {}, {"grade"}),
        ("DELTA1", -1, "Pass", None, {}, {"overall_score"}),
        ("DELTA1", None, "Pass", "Z9", {}, {"cefr_level"}),
        ("DELTA1", None, "Pass", None, {"Paper 1": -3}, {"component:Paper 1"}),
        ("A1MOV", None, "", None, {}, {"grade"}),
        ("A1MOV", None, "10", None, {"Speaking": 6}, {"component:Speaking"}),
        ("A1MOV", None, "10", None, {"Speaking": 0}, {"component:Speaking"}),
        ("A1MOV", None, "10", None, {"Reading": 3}, {"component:Reading"}),
    ],
)
def test_check_result_bad(code: object, score: object, grade: object, cefr: object,
                          components: dict[str, object], fields: set[str]) -> None:
    problems = check_result(code, score, grade, cefr, components)
    assert set(problems) == fields
    assert all(isinstance(m, str) and m for m in problems.values())


def test_check_result_messages_say_what_is_expected() -> None:
    problems = check_result("B2FIRST", 175, "A", "C1", {"Reading": 100})
    assert problems["grade"] == "does not match the overall score 175: expected B"
    assert problems["cefr_level"] == "does not match the overall score 175: expected B2"
    assert problems["component:Reading"] == "must be between 122 and 190 for B2 First"
    out_of_range = check_result("B2FIRST", 200, "A", "C1", {})
    assert out_of_range["overall_score"] == "must be between 140 and 190 for B2 First"


# --- release windows -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("exam_date", "earliest", "latest"),
    [
        # Friday 2024-06-07 -> +5 working days = Friday 14th, +10 = Friday 21st.
        (date(2024, 6, 7), date(2024, 6, 14), date(2024, 6, 21)),
        # Monday -> Monday, Monday.
        (date(2024, 6, 3), date(2024, 6, 10), date(2024, 6, 17)),
        # Wednesday -> next Wednesday, the one after.
        (date(2024, 6, 5), date(2024, 6, 12), date(2024, 6, 19)),
        # Saturday and Sunday exams count from Monday.
        (date(2024, 6, 8), date(2024, 6, 14), date(2024, 6, 21)),
        (date(2024, 6, 9), date(2024, 6, 14), date(2024, 6, 21)),
        # Across a month and a year end.
        (date(2024, 12, 27), date(2025, 1, 3), date(2025, 1, 10)),
    ],
)
def test_computer_release_window(exam_date: date, earliest: date, latest: date) -> None:
    assert expected_release_window("computer", exam_date) == (earliest, latest)
    assert earliest.weekday() < 5 and latest.weekday() < 5


@pytest.mark.parametrize(
    ("exam_date", "earliest", "latest"),
    [
        (date(2024, 6, 8), date(2024, 7, 6), date(2024, 7, 20)),
        (date(2024, 12, 14), date(2025, 1, 11), date(2025, 1, 25)),
        (date(2024, 2, 1), date(2024, 2, 29), date(2024, 3, 14)),
    ],
)
def test_paper_release_window(exam_date: date, earliest: date, latest: date) -> None:
    assert expected_release_window("paper", exam_date) == (earliest, latest)
    assert expected_release_window(" Paper ", exam_date) == (earliest, latest)


@pytest.mark.parametrize("fmt", ["online", "", "digital", None])
def test_release_window_unknown_format(fmt: object) -> None:
    with pytest.raises(ValidationError) as exc:
        expected_release_window(fmt, date(2024, 6, 8))  # type: ignore[arg-type]
    assert set(exc.value.fields or {}) == {"exam_format"}


def test_add_working_days() -> None:
    assert add_working_days(date(2024, 6, 7), 1) == date(2024, 6, 10)
    assert add_working_days(date(2024, 6, 7), 0) == date(2024, 6, 7)
