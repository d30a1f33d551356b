"""One row of a results file, on its own: checked and cleaned, and the hash of what the
candidate sees (an identical re-upload has the same hash). Pure: no I/O."""
from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime
from typing import Any

from .. import resources
from . import exams
from .errors import ValidationError
from .ids import check_reference_number, normalise_id_number

COLUMNS = ["id_number", "exam_code", "exam_date", "reference_number", "overall_score", "grade", "cefr_level"]
COMPONENT = "component:"


def parse_release_at(value: str) -> str | None:
    """ISO 8601 -> 'YYYY-MM-DDTHH:MM:SSZ' (UTC; a time without zone is UTC). Raises ValueError."""
    dt = datetime.fromisoformat(value.replace("z", "Z"))
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_date(value: str, field: str, problems: list[tuple[str, str]]) -> date | None:
    """A `YYYY-MM-DD` date of a batch file's row, or None with the problem noted."""
    try:
        if len(value) != 10:
            raise ValueError
        return date.fromisoformat(value)
    except ValueError:
        problems.append((field, f"'{value[:20]}' is not a date YYYY-MM-DD"))
        return None


def validate_row(row: dict[str, str]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """A clean result row, or every problem of the row as (field, message)."""
    problems: list[tuple[str, str]] = []
    clean: dict[str, Any] = {}
    try:
        clean["id_number"] = normalise_id_number(row["id_number"])
    except ValidationError as err:
        problems.append(("id_number", (err.fields or {}).get("id_number", err.message)))
    try:
        clean["reference_number"] = check_reference_number(row["reference_number"])
    except ValidationError as err:
        problems.append(("reference_number", (err.fields or {}).get("reference_number", err.message)))
    exam_date = parse_date(row["exam_date"], "exam_date", problems)
    clean["exam_date"] = exam_date.isoformat() if exam_date else ""
    code = row["exam_code"].strip().upper()
    exam = exams.get_exam(code)
    clean["exam_code"] = code
    given: dict[str, object] = {k[len(COMPONENT):].strip(): v for k, v in row.items()
                                if k.startswith(COMPONENT) and v != ""}
    checked = exams.check_result(code, row["overall_score"], row["grade"], row["cefr_level"], given)
    problems += list(checked.items())
    release = (row.get("release_at") or "").strip()
    clean["release_at"] = None
    if release:
        try:
            clean["release_at"] = parse_release_at(release)
        except ValueError:
            problems.append(("release_at", "must be an ISO 8601 time, e.g. 2026-08-01T09:00:00Z"))
    photo = (row.get("photo_key") or "").strip()
    if len(photo) > 512:
        problems.append(("photo_key", "must be at most 512 characters"))
    elif photo and not resources.is_photo_key(photo):
        problems.append(("photo_key", f"must name a photo under {resources.PHOTOS_PREFIX} in the documents "
                                      f"bucket, e.g. {resources.PHOTOS_PREFIX}SIR094701.jpg"))
    clean["photo_key"] = photo or None
    if problems or exam is None:
        return clean, problems
    clean["overall_score"] = int(row["overall_score"]) if row["overall_score"].strip() else None
    clean["grade"] = exams.canonical_grade(exam, row["grade"])
    clean["cefr_level"] = exams.canonical_cefr(row["cefr_level"]) if row["cefr_level"].strip() else None
    scores = {name.casefold(): int(str(v)) for name, v in given.items()}
    if exam.components is not None:
        clean["components"] = [(c, scores.get(c.casefold())) for c in exam.components]
    else:
        clean["components"] = [(name, scores[name.casefold()]) for name in given]
    return clean, problems


def content_hash(clean: dict[str, Any]) -> str:
    """Of what the candidate sees: an identical re-upload has the same hash."""
    scored = [clean["overall_score"], clean["grade"], clean["cefr_level"], clean["components"],
              clean["photo_key"]]
    return hashlib.sha256(json.dumps(scored, separators=(",", ":")).encode()).hexdigest()[:32]
