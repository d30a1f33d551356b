"""The candidate's own results: the list, one result, its statement's download link."""
from __future__ import annotations

from .. import config
from ..adapters import storage
from ..db import models as m
from ..db.store import store
from ..domain import exams
from ..domain.errors import NotFound


def candidate_results(id_number: str) -> list[m.Result]:
    return store().results.of_candidate(id_number)


def result_view(r: m.Result) -> dict:
    exam = exams.get_exam(r.exam_code)
    return {
        "result_id": r.result_id, "exam_code": r.exam_code, "exam_name": exam.name if exam else r.exam_code,
        "exam_date": r.exam_date, "exam_format": r.exam_format,
        "status": "withdrawn" if r.withdrawn_at else "released",
        "overall_score": int(r.overall_score) if r.overall_score is not None else None,
        "grade": r.grade, "cefr_level": r.cefr_level,
        "components": [{"name": c.name, "score": int(c.score) if c.score is not None else None}
                       for c in r.components or []],
        "reference_number": r.reference_number, "released_at": r.released_at,
    }


def statement_url(id_number: str, rid: str) -> str:
    """A short-lived URL of the candidate's statement (rendered now if it is missing)."""
    from .deliver import statement_key, store_statement

    r = store().results.by_result_id(id_number, rid)
    if r is None or r.status != "released":
        raise NotFound("There is no released result with that id on your account.")
    bucket = config.settings().documents_bucket
    key = r.statement_key
    if key != statement_key(r) or not storage.exists(bucket, key):
        key = store_statement(r)
    return storage.download_url(bucket, key, f"statement-{r.reference_number}.pdf")
