"""Ingest a centres file (batch kind "centres", listed in batches.importers()): one exam centre
and its manager per row, checked as the console's form checks one (centres.check_centre), each
manager emailed a set-password link.

Columns: centre_number, name, country, manager_name, manager_email.

A file uploaded twice: a row whose centre exists already with the same name, country and
manager's address is `unchanged` and nobody is emailed again. A centre number that exists with
other details, or a manager's address that another centre uses, fails that row (the console is
where a centre is changed). A worker that died mid-file: the next one finds the centres this
batch created (created_by names the batch) and counts them as created again, sending the
invitation again to a manager who has not yet chosen a password, since it may never have gone.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from ..db.store import store
from ..domain.domains import norm_email
from . import centres

if TYPE_CHECKING:
    from ..db import models as m

COLUMNS = ["centre_number", "name", "country", "manager_name", "manager_email"]


def _created_by(batch: m.Batch) -> str:
    return f"batch:{batch.batch_id}"


class CentresImporter:
    required = COLUMNS

    def __init__(self, batch: m.Batch) -> None:
        self.batch = batch
        self.buffer: list[tuple[int, dict]] = []
        self.numbers: dict[str, int] = {}
        self.emails: dict[str, int] = {}
        self.unchanged = 0
        self.invited = 0

    def row(self, n: int, row: dict[str, str]) -> list[tuple[str, str]]:
        clean, problems = centres.check_centre(row)
        if problems:
            return list(problems.items())
        number, email = clean["centre_number"], norm_email(clean["manager_email"])
        if number in self.numbers:
            return [("centre_number", f"the same centre number is on row {self.numbers[number]}")]
        if email in self.emails:
            return [("manager_email", f"the same manager's email address is on row {self.emails[email]}")]
        self.numbers[number] = self.emails[email] = n
        self.buffer.append((n, clean))
        return []

    def flush(self) -> list[tuple[int, str, str]]:
        late: list[tuple[int, str, str]] = []
        for n, clean in self.buffer:
            problem = self._store(clean)
            if problem:
                late.append((n, *problem))
        self.buffer.clear()
        return late

    def _store(self, clean: dict) -> tuple[str, str] | None:
        existing = store().centres.get(clean["centre_number"])
        if existing is None:
            try:
                centres.add_centre(clean, _created_by(self.batch))
            except centres.Taken as err:
                if err.field == "centre_number":  # created a moment ago by another file
                    return "centre_number", "a centre with this centre number exists already"
                return "manager_email", "this address is the account of a user of another exam centre"
            self.invited += 1
            return None
        manager = store().centres.user(existing.manager_user_id)
        if existing.created_by == _created_by(self.batch):  # this batch, before its worker died
            if manager is not None and manager.status == "invited":
                centres.invite(manager, existing)
                self.invited += 1
            return None
        same = (existing.name == clean["name"] and existing.country == clean["country"]
                and manager is not None and norm_email(manager.email) == norm_email(clean["manager_email"]))
        if same:
            self.unchanged += 1
            return None
        return "centre_number", ("a centre with this centre number exists already, with other details; "
                                 "change it in the console")

    def finish(self, batch: m.Batch) -> None:
        return None

    def counts(self) -> dict[str, int]:
        return {"rows_unchanged": self.unchanged, "emails_sent": self.invited}
