"""CSV templates: the default (every field, in this order) or an organisation's own choice
and order of fields. Cells are neutralised against CSV injection (formulas in spreadsheets)."""
from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from typing import Any

from ..adapters import clock
from ..adapters.ids import sortable_id
from ..db import models as m
from ..db.store import store
from ..domain.errors import NotFound, ValidationError
from .actor import Actor

Row = dict[str, Any]  # a share detail (shares.detail_view)

FIELDS: dict[str, tuple[str, Callable[[Row], Any]]] = {
    "share_id": ("Share ID", lambda d: d.get("share_id")),
    "shared_at": ("Shared at", lambda d: d.get("shared_at")),
    "first_name": ("First name", lambda d: d["candidate"]["first_name"]),
    "family_name": ("Family name", lambda d: d["candidate"]["family_name"]),
    "date_of_birth": ("Date of birth", lambda d: d["candidate"]["date_of_birth"]),
    "id_number": ("ID number", lambda d: d["candidate"]["id_number"]),
    "exam_code": ("Exam code", lambda d: d["exam_code"]),
    "exam_name": ("Exam", lambda d: d["exam_name"]),
    "exam_date": ("Exam date", lambda d: d["exam_date"]),
    "exam_format": ("Format", lambda d: d["exam_format"]),
    "overall_score": ("Overall score", lambda d: d["overall_score"]),
    "grade": ("Grade", lambda d: d["grade"]),
    "cefr_level": ("CEFR level", lambda d: d["cefr_level"]),
    "components": ("Components", lambda d: "; ".join(
        f"{c['name']}: {'' if c['score'] is None else c['score']}" for c in d["components"])),
    "reference_number": ("Reference number", lambda d: d["reference_number"]),
    "released_at": ("Released at", lambda d: d["released_at"]),
}
DEFAULT = "default"
MAX_TEMPLATES = 50
_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> str:
    """A cell as text; one that a spreadsheet would run as a formula gets a leading quote."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_DANGEROUS) else text


def field_list() -> dict:
    return {"fields": [{"field": k, "label": v[0]} for k, v in FIELDS.items()]}


def view(t: m.Template) -> dict:
    return {"template_id": t.template_id, "name": t.name, "fields": list(t.fields)}


def default_view() -> dict:
    return {"template_id": DEFAULT, "name": "Every field", "fields": list(FIELDS)}


def list_templates(actor: Actor) -> dict:
    own = store().templates.of_org(actor.org_id, MAX_TEMPLATES)
    return {"templates": [default_view(), *[view(t) for t in own]]}


def create(actor: Actor, name: str, fields: list) -> dict:
    bad = [f for f in fields if not isinstance(f, str) or f not in FIELDS]
    if not fields or bad:
        raise ValidationError({"fields": "must be a list of fields from GET /organisation/templates/fields"})
    if len(set(fields)) != len(fields):
        raise ValidationError({"fields": "must not name a field twice"})
    template_id = sortable_id()
    return view(store().templates.add(actor.org_id, template_id, name.strip(), fields, clock.iso()))


def delete(actor: Actor, template_id: str) -> None:
    t = store().templates.get(actor.org_id, template_id)
    if t is None:
        raise NotFound("There is no template with that id.")
    store().templates.remove(t)


def fields_of(org_id: str, template_id: str | None) -> list[str]:
    if not template_id or template_id == DEFAULT:
        return list(FIELDS)
    t = store().templates.get(org_id, template_id)
    if t is None:
        raise NotFound("There is no template with that id.")
    return [str(f) for f in t.fields]


def render_csv(fields: list[str], rows: Iterable[Row]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([FIELDS[f][0] for f in fields])
    for row in rows:
        writer.writerow([neutralise(FIELDS[f][1](row)) for f in fields])
    return b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")  # BOM: Excel reads UTF-8 names right
