"""The entries file: who sits which exam, and the Secret number that proves it."""
from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING

from ..adapters import clock
from ..db.store import store
from ..domain import exams
from ..domain.errors import ValidationError
from ..domain.ids import check_secret_number, normalise_id_number
from ..domain.results_rows import parse_date
from .security import secret_number_hash

if TYPE_CHECKING:
    from ..db import models as m

COLUMNS = ["id_number", "secret_number", "first_name", "family_name", "date_of_birth", "centre_number",
           "exam_code", "exam_date", "exam_format"]
_CENTRE = re.compile(r"^[A-Z0-9]{2,10}$")
FORMATS = ("paper", "computer")


def check_name(value: str, field: str, problems: list[tuple[str, str]]) -> None:
    if not value:
        problems.append((field, "is required"))
    elif len(value) > 100:
        problems.append((field, "is longer than 100 characters"))
    elif any(ord(c) < 32 for c in value):
        problems.append((field, "holds control characters"))


def validate_entry(row: dict[str, str]) -> tuple[dict, list[tuple[str, str]]]:
    """A clean entry, or the row's problems (field, message): every problem, not only the first."""
    problems: list[tuple[str, str]] = []
    clean: dict = {}
    for field, check in (("id_number", normalise_id_number), ("secret_number", check_secret_number)):
        try:
            clean[field] = check(row[field])
        except ValidationError as err:
            problems.append((field, (err.fields or {}).get(field, err.message)))
    for field in ("first_name", "family_name"):
        check_name(row[field], field, problems)
        clean[field] = row[field]
    dob = parse_date(row["date_of_birth"], "date_of_birth", problems)
    if dob and not date(1900, 1, 1) <= dob < clock.utcnow().date():
        problems.append(("date_of_birth", "must be a past date after 1900"))
    centre = row["centre_number"].upper()
    if not _CENTRE.match(centre):
        problems.append(("centre_number", "must be 2 to 10 letters or digits"))
    code = row["exam_code"].upper()
    if exams.get_exam(code) is None:
        problems.append(("exam_code", f"'{code[:20]}' is not an exam code of the catalogue"))
    exam_date = parse_date(row["exam_date"], "exam_date", problems)
    fmt = row["exam_format"].lower()
    if fmt not in FORMATS:
        problems.append(("exam_format", "must be paper or computer"))
    clean.update(date_of_birth=row["date_of_birth"], centre_number=centre, exam_code=code,
                 exam_date=exam_date.isoformat() if exam_date else "", exam_format=fmt)
    return clean, problems


class EntriesImporter:
    required = COLUMNS

    def __init__(self, batch: m.Batch) -> None:
        self.batch = batch
        self.buffer: list[m.Entry] = []
        self.seen: dict[tuple[str, str, str], int] = {}
        self.now = clock.iso()
        self.unchanged = 0

    def row(self, n: int, row: dict[str, str]) -> list[tuple[str, str]]:
        clean, problems = validate_entry(row)
        if problems:
            return problems
        key = (clean["id_number"], clean["exam_date"], clean["exam_code"])
        if key in self.seen:
            return [("id_number", f"the same candidate, exam and date are on row {self.seen[key]}")]
        self.seen[key] = n
        self.buffer.append(store().candidates.new_entry(
            clean["id_number"], clean["exam_date"], clean["exam_code"], first_name=clean["first_name"],
            family_name=clean["family_name"], date_of_birth=clean["date_of_birth"],
            centre_number=clean["centre_number"], exam_format=clean["exam_format"],
            secret_hash=secret_number_hash(clean["id_number"], clean["secret_number"]),
            batch_id=self.batch.batch_id, created_at=self.now))
        return []

    def flush(self) -> None:
        if self.buffer:
            candidates = store().candidates
            same = candidates.unchanged_entries(self.buffer, self.batch.batch_id)
            # a file uploaded twice: its rows are reported unchanged, and nothing is written
            self.unchanged += len(same)
            candidates.save_entries([e for e in self.buffer if (e.pk, e.sk) not in same])
            self.buffer.clear()

    def finish(self, batch: m.Batch) -> None:
        return None

    def counts(self) -> dict[str, int]:
        return {"rows_unchanged": self.unchanged}
