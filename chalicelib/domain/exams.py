"""The exam catalogue (API.md `GET /exams`) and the rules a result row must follow.

Everything here is pure data and standard-library code.

Scores use the Cambridge English Scale (CES). For the exams that report on it:
- the overall score lies in the exam's reporting range (`Exam.scale`), e.g. B2 First 140-190;
- each component (skill) score lies in ``scale min - 18 .. scale max``, e.g. B2 First 122-190
  (the range printed on Statements of Results);
- the grade follows from the overall score by fixed bands (`Exam.bands`), and a candidate below
  the range gets ``Fail`` with no overall score and no CEFR level;
- the CEFR level follows from the overall score by the standard CES bands (`cefr_for_score`).
Delta modules report a grade only (Pass, Merit, Distinction, Fail). Young Learners tests report
shields: each component 1 to 5 shields; their grade is free text (any non-empty value).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from chalicelib.domain.errors import ValidationError

PAPER = "paper"
COMPUTER = "computer"
EXAM_FORMATS = (PAPER, COMPUTER)

PAPER_RELEASE = "4-6 weeks after the exam"
COMPUTER_RELEASE = "5-10 working days after the exam"

CEFR_LEVELS = ("Pre A1", "A1", "A2", "B1", "B2", "C1", "C2")
FAIL = "Fail"

# Standard CES -> CEFR bands (lowest score of each band). Below 100 there is no CEFR level.
_CEFR_BANDS: tuple[tuple[int, int, str], ...] = (
    (200, 230, "C2"),
    (180, 199, "C1"),
    (160, 179, "B2"),
    (140, 159, "B1"),
    (120, 139, "A2"),
    (100, 119, "A1"),
)

# Components below the overall scale minimum are reported down to this many points under it.
COMPONENT_MARGIN = 18
SHIELDS = (1, 5)


Band = tuple[int, int, str]


@dataclass(frozen=True)
class Exam:
    code: str
    name: str
    previous_name: str | None
    verifiable: bool
    test_day_photo: bool
    release_paper: str | None
    release_computer: str | None
    # Result validation only (not part of GET /exams):
    scale: tuple[int, int] | None = None
    bands: tuple[Band, ...] = ()
    grades: tuple[str, ...] | None = None  # None: any non-empty grade
    components: tuple[str, ...] | None = None  # None: component names are not checked
    component_range: tuple[int, int] | None = None  # None: any whole number >= 0

    @property
    def release_after(self) -> dict[str, str | None]:
        return {PAPER: self.release_paper, COMPUTER: self.release_computer}

    @property
    def display_name(self) -> str:
        if self.previous_name:
            return f"{self.name} \u2014 previously {self.previous_name}"
        return self.name

    def public(self) -> dict[str, Any]:
        """The fields of API.md `GET /exams`, plus `display_name`."""
        return {
            "code": self.code,
            "name": self.name,
            "previous_name": self.previous_name,
            "verifiable": self.verifiable,
            "test_day_photo": self.test_day_photo,
            "release_after": self.release_after,
            "display_name": self.display_name,
            # what a results row must hold, so that staff can prepare a file without learning
            # the rules from rejections
            "score_range": _range(self.scale),
            "component_names": list(self.components) if self.components is not None else None,
            "component_range": _range(self.component_range),
        }

    def grade_for(self, score: int) -> str | None:
        """The grade fixed by `score` for an exam with bands, else None (also outside the scale)."""
        for low, high, grade in self.bands:
            if low <= score <= high:
                return grade
        return None

    def cefr_for(self, score: int) -> str | None:
        """The CEFR level for `score` when the exam reports on the CES and `score` is in its range."""
        if self.scale is None or not self.scale[0] <= score <= self.scale[1]:
            return None
        return cefr_for_score(score)


def _range(pair: tuple[int, int] | None) -> dict[str, int] | None:
    return {"min": pair[0], "max": pair[1]} if pair is not None else None


def _ces_exam(code: str, name: str, previous: str, scale: tuple[int, int], bands: tuple[Band, ...],
              components: tuple[str, ...], photo: bool = False) -> Exam:
    low, high = scale
    return Exam(
        code=code, name=name, previous_name=previous, verifiable=True, test_day_photo=photo,
        release_paper=PAPER_RELEASE, release_computer=COMPUTER_RELEASE,
        scale=scale, bands=bands, grades=(*(b[2] for b in bands), FAIL),
        components=components, component_range=(low - COMPONENT_MARGIN, high),
    )


def _delta(code: str, name: str) -> Exam:
    return Exam(
        code=code, name=name, previous_name=None, verifiable=True, test_day_photo=False,
        release_paper=PAPER_RELEASE, release_computer=None,
        grades=("Pass", "Merit", "Distinction", FAIL),
    )


def _young_learners(code: str, name: str, previous: str) -> Exam:
    return Exam(
        code=code, name=name, previous_name=previous, verifiable=False, test_day_photo=False,
        release_paper=PAPER_RELEASE, release_computer=COMPUTER_RELEASE,
        components=("Listening", "Reading and Writing", "Speaking"), component_range=SHIELDS,
    )


_KEY_BANDS: tuple[Band, ...] = (
    (140, 150, "Pass with Distinction"), (133, 139, "Pass with Merit"), (120, 132, "Pass"),
    (100, 119, "Level A1"),
)
_PRELIMINARY_BANDS: tuple[Band, ...] = (
    (160, 170, "Pass with Distinction"), (153, 159, "Pass with Merit"), (140, 152, "Pass"),
    (120, 139, "Level A2"),
)
_FIRST_BANDS: tuple[Band, ...] = ((180, 190, "A"), (173, 179, "B"), (160, 172, "C"), (140, 159, "Level B1"))
_ADVANCED_BANDS: tuple[Band, ...] = (
    (200, 210, "A"), (193, 199, "B"), (180, 192, "C"), (160, 179, "Level B2"),
)
_PROFICIENCY_BANDS: tuple[Band, ...] = (
    (220, 230, "A"), (213, 219, "B"), (200, 212, "C"), (180, 199, "Level C1"),
)

_FOUR_SKILLS = ("Reading", "Writing", "Listening", "Speaking")
_FIVE_SKILLS = ("Reading", "Use of English", "Writing", "Listening", "Speaking")

_EXAMS: tuple[Exam, ...] = (
    _ces_exam("A2KEY", "A2 Key", "Cambridge English: Key (KET)", (100, 150), _KEY_BANDS, _FOUR_SKILLS),
    _ces_exam("A2KEYS", "A2 Key for Schools", "Cambridge English: Key for Schools (KET for Schools)",
              (100, 150), _KEY_BANDS, _FOUR_SKILLS),
    _ces_exam("B1PRE", "B1 Preliminary", "Cambridge English: Preliminary (PET)", (120, 170),
              _PRELIMINARY_BANDS, _FOUR_SKILLS),
    _ces_exam("B1PRES", "B1 Preliminary for Schools",
              "Cambridge English: Preliminary for Schools (PET for Schools)", (120, 170),
              _PRELIMINARY_BANDS, _FOUR_SKILLS),
    _ces_exam("B2FIRST", "B2 First", "Cambridge English: First (FCE)", (140, 190), _FIRST_BANDS,
              _FIVE_SKILLS, photo=True),
    _ces_exam("B2FIRSTS", "B2 First for Schools",
              "Cambridge English: First for Schools (FCE for Schools)", (140, 190), _FIRST_BANDS,
              _FIVE_SKILLS, photo=True),
    _ces_exam("C1ADV", "C1 Advanced", "Cambridge English: Advanced (CAE)", (160, 210), _ADVANCED_BANDS,
              _FIVE_SKILLS, photo=True),
    _ces_exam("C2PRO", "C2 Proficiency", "Cambridge English: Proficiency (CPE)", (180, 230),
              _PROFICIENCY_BANDS, _FIVE_SKILLS, photo=True),
    _ces_exam("B1BUS", "B1 Business Preliminary",
              "Cambridge English: Business Preliminary (BEC Preliminary)", (120, 170), _PRELIMINARY_BANDS,
              _FOUR_SKILLS),
    _ces_exam("B2BUS", "B2 Business Vantage", "Cambridge English: Business Vantage (BEC Vantage)",
              (140, 190), _FIRST_BANDS, _FOUR_SKILLS),
    _ces_exam("C1BUS", "C1 Business Higher", "Cambridge English: Business Higher (BEC Higher)",
              (160, 210), _ADVANCED_BANDS, _FOUR_SKILLS),
    _delta("DELTA1", "Delta Module One"),
    _delta("DELTA2", "Delta Module Two"),
    _delta("DELTA3", "Delta Module Three"),
    _young_learners("PREA1", "Pre A1 Starters", "Cambridge English: Young Learners (YLE) Starters"),
    _young_learners("A1MOV", "A1 Movers", "Cambridge English: Young Learners (YLE) Movers"),
    _young_learners("A2FLY", "A2 Flyers", "Cambridge English: Young Learners (YLE) Flyers"),
)

_BY_CODE: dict[str, Exam] = {exam.code: exam for exam in _EXAMS}
EXAM_CODES: tuple[str, ...] = tuple(exam.code for exam in _EXAMS)


def catalogue() -> list[dict[str, Any]]:
    """Every exam as API.md `GET /exams` shows it (fresh dicts, in the API.md order)."""
    return [exam.public() for exam in _EXAMS]


def get_exam(code: object) -> Exam | None:
    """The exam for `code` (trimmed, case-insensitive), or None."""
    if not isinstance(code, str):
        return None
    return _BY_CODE.get(code.strip().upper())


def cefr_for_score(score: int) -> str | None:
    """Standard CES -> CEFR: 100-119 A1, 120-139 A2, 140-159 B1, 160-179 B2, 180-199 C1,
    200-230 C2; None outside 100..230."""
    for low, high, level in _CEFR_BANDS:
        if low <= score <= high:
            return level
    return None


def cefr_level_for(exam_code: str, score: int) -> str | None:
    """The CEFR level `score` gives on this exam (None when the exam has no scale or out of range)."""
    exam = get_exam(exam_code)
    return exam.cefr_for(score) if exam else None


def grade_for(exam_code: str, score: int) -> str | None:
    """The grade `score` gives on this exam where it has fixed bands, else None."""
    exam = get_exam(exam_code)
    return exam.grade_for(score) if exam else None


def _squash(text: str) -> str:
    return re.sub(r"[\s\-_]+", "", text).casefold()


_CEFR_BY_KEY = {_squash(level): level for level in CEFR_LEVELS}


def canonical_cefr(raw: object) -> str | None:
    """``"b2"`` -> ``"B2"``, ``"pre-a1"`` -> ``"Pre A1"``; None when not a CEFR level."""
    if not isinstance(raw, str):
        return None
    return _CEFR_BY_KEY.get(_squash(raw))


def canonical_grade(exam: Exam, raw: object) -> str | None:
    """The exam's spelling of `raw` (case and spacing ignored; ``Distinction``/``Merit`` accepted
    for ``Pass with Distinction``/``Pass with Merit``). For an exam with free grades, the trimmed
    text. None when empty or not allowed."""
    if not isinstance(raw, str) or not raw.strip():
        return None
    if exam.grades is None:
        return " ".join(raw.split())
    key = _squash(raw)
    for grade in exam.grades:
        if _squash(grade) == key or _squash(grade) == "passwith" + key:
            return grade
    return None


def _as_int(value: object) -> tuple[int | None, bool]:
    """(number, ok). None/"" -> (None, True); int or digit string -> (n, True); else (None, False)."""
    if value is None:
        return None, True
    if isinstance(value, bool):
        return None, False
    if isinstance(value, int):
        return value, True
    if isinstance(value, str):
        text = value.strip()
        if text == "":
            return None, True
        if text.isascii() and text.lstrip("-").isdigit() and text.count("-") <= 1 and len(text) <= 6:
            return int(text), True
    return None, False


def check_result(exam_code: object, overall_score: object, grade: object, cefr_level: object,
                 components: dict[str, object] | None = None) -> dict[str, str]:
    """Problems with one result row, as ``{field: what is wrong}``; empty when the row is fine.

    Field names follow the results file columns: ``exam_code``, ``overall_score``, ``grade``,
    ``cefr_level``, ``component:<Name>``. Scores may be ints or digit strings; ``None``/``""`` means
    empty. Rules:

    - ``exam_code`` must be in the catalogue (nothing else is checked otherwise).
    - Exams on the Cambridge English Scale:
      - ``grade`` must be one of the exam's grades (its bands plus ``Fail``);
      - for ``Fail``: ``overall_score`` and ``cefr_level`` must be empty (scores below the
        range are not reported);
      - otherwise ``overall_score`` is required, a whole number within `Exam.scale`, the grade
        must be the one its band gives, and ``cefr_level`` is required and must be the level
        `cefr_for_score` gives.
    - Delta: ``grade`` one of Pass, Merit, Distinction, Fail; ``overall_score`` empty or a whole
      number >= 0; ``cefr_level`` empty or a CEFR level.
    - Young Learners: ``grade`` any non-empty text; ``overall_score`` empty or a whole number >= 0;
      ``cefr_level`` empty or a CEFR level.
    - Components: names must be the exam's (case-insensitive) where it has a fixed list; an empty
      score is allowed; a score must be a whole number within `Exam.component_range`
      (CES exams: scale min - 18 .. scale max; Young Learners: 1..5 shields; Delta: >= 0).
    """
    problems: dict[str, str] = {}
    exam = get_exam(exam_code)
    if exam is None:
        return {"exam_code": "is not a known exam code; use one of " + ", ".join(EXAM_CODES)}

    score, score_ok = _as_int(overall_score)
    if not score_ok:
        problems["overall_score"] = "must be a whole number"

    cefr_given = cefr_level is not None and not (isinstance(cefr_level, str) and cefr_level.strip() == "")
    cefr = canonical_cefr(cefr_level)
    if cefr_given and cefr is None:
        problems["cefr_level"] = "must be a CEFR level: " + ", ".join(CEFR_LEVELS)

    grade_given = isinstance(grade, str) and grade.strip() != ""
    canon_grade = canonical_grade(exam, grade)
    if not grade_given:
        problems["grade"] = "is required"
    elif canon_grade is None:
        problems["grade"] = f"must be one of {', '.join(exam.grades or ())} for {exam.name}"

    if exam.scale is not None:
        low, high = exam.scale
        if canon_grade == FAIL:
            if score is not None and score_ok:
                problems["overall_score"] = f"must be empty for a Fail (scores below {low} are not reported)"
            if cefr_given and "cefr_level" not in problems:
                problems["cefr_level"] = "must be empty for a Fail"
        elif score_ok:
            if score is None:
                problems["overall_score"] = "is required"
            elif not low <= score <= high:
                problems["overall_score"] = f"must be between {low} and {high} for {exam.name}"
            else:
                expected_grade = exam.grade_for(score)
                if canon_grade is not None and canon_grade != expected_grade:
                    problems["grade"] = f"does not match the overall score {score}: expected {expected_grade}"
                expected_cefr = exam.cefr_for(score)
                if "cefr_level" not in problems:
                    if not cefr_given:
                        problems["cefr_level"] = "is required"
                    elif cefr != expected_cefr:
                        problems["cefr_level"] = (
                            f"does not match the overall score {score}: expected {expected_cefr}"
                        )
    elif score is not None and score < 0:
        problems["overall_score"] = "must be a whole number of 0 or more"

    for name, value in (components or {}).items():
        field = f"component:{name}"
        if exam.components is not None:
            known = {_squash(c): c for c in exam.components}
            if _squash(str(name)) not in known:
                problems[field] = f"is not a component of {exam.name}; expected one of " + ", ".join(
                    exam.components)
                continue
        value_int, ok = _as_int(value)
        if not ok:
            problems[field] = "must be a whole number"
        elif value_int is not None:
            if exam.component_range is not None:
                c_low, c_high = exam.component_range
                if not c_low <= value_int <= c_high:
                    problems[field] = f"must be between {c_low} and {c_high} for {exam.name}"
            elif value_int < 0:
                problems[field] = "must be a whole number of 0 or more"
    return problems


def add_working_days(start: date, days: int) -> date:
    """The date `days` working days (Monday to Friday) after `start`."""
    current = start
    remaining = days
    while remaining > 0:
        current += timedelta(days=1)
        if current.weekday() < 5:
            remaining -= 1
    return current


def expected_release_window(exam_format: str, exam_date: date) -> tuple[date, date]:
    """(earliest, latest) release date: paper 4 to 6 weeks after the exam; computer 5 to 10
    working days after it (Saturdays and Sundays skipped; public holidays are not modelled)."""
    fmt = exam_format.strip().lower() if isinstance(exam_format, str) else ""
    if fmt == PAPER:
        return exam_date + timedelta(weeks=4), exam_date + timedelta(weeks=6)
    if fmt == COMPUTER:
        return add_working_days(exam_date, 5), add_working_days(exam_date, 10)
    raise ValidationError({"exam_format": "must be paper or computer"})
