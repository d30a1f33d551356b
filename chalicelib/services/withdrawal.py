"""The exam board withdraws a released result (API.md "Withdrawing a result (staff)").

Staff find results by reference number (one Query of the reference index) or by ID number (one
Query of the candidate's partition). In these replies a result's `result_id` is the staff id
`<id_number>.<result id>` (a candidate's result id names a sitting, not a person), which
`POST /staff/results/{result_id}/withdraw` takes.

Withdrawing sets `withdrawn_at`/`withdrawn_reason`/`withdrawn_by` on the result by a conditional
update (still released, still that version, not withdrawn yet), then calls
result_events.on_result_withdrawn once (email, webhooks). Withdrawing twice is a 409. From then
on every view of the result says `"status": "withdrawn"`: the candidate's, the organisations'
(pages, API, downloads), /check and /verify. A later results file does not correct it."""
from __future__ import annotations

from ..adapters import clock
from ..db import models as m
from ..db.store import store
from ..domain.errors import Conflict, NotFound, ValidationError
from ..domain.ids import check_reference_number, normalise_id_number
from ..observability import logger

REASON_MAX = 500


def staff_result_id(r: m.Result) -> str:
    return f"{r.id_number}.{r.result_id}"


def _parse(staff_id: str) -> tuple[str, str] | None:
    id_number, sep, rid = (staff_id or "").partition(".")
    return (id_number, rid) if sep and id_number and rid else None


def staff_view(r: m.Result) -> dict:
    from .candidate_results import result_view

    view = result_view(r)
    if r.status != "released":
        view = view | {"status": "held", "overall_score": None, "grade": None, "cefr_level": None,
                       "released_at": None}
    return view | {"result_id": staff_result_id(r), "id_number": r.id_number,
                   "first_name": r.first_name, "family_name": r.family_name,
                   "withdrawn_at": r.withdrawn_at, "withdrawn_reason": r.withdrawn_reason}


def find(reference_number: str | None = None, id_number: str | None = None) -> dict:
    if bool(reference_number) == bool(id_number):
        raise ValidationError({"reference_number": "Give a reference number or an ID number (one of them)"})
    if reference_number:
        ref = check_reference_number(reference_number)
        found = list({r.pk + r.sk: r for candidate in dict.fromkeys((ref, ref.upper()))
                      for r in store().results.by_reference(candidate)}.values())
    else:
        found = store().results.of_candidate(normalise_id_number(id_number))
    return {"results": [staff_view(r) for r in found]}


def withdraw(staff_id: str, result_id: str, reason: str) -> dict:
    reason = " ".join((reason or "").split())
    if not reason or len(reason) > REASON_MAX:
        raise ValidationError({"reason": f"Enter the reason for withdrawing the result (at most {REASON_MAX} "
                                         "characters)"})
    parsed = _parse(result_id)
    r = store().results.by_result_id(*parsed) if parsed else None
    if r is None or r.status != "released":
        raise NotFound("There is no released result with that id.")
    if r.withdrawn_at:
        raise Conflict("This result is withdrawn already.")
    if not store().results.withdraw(r, clock.iso(), reason, staff_id):
        current = store().results.by_result_id(*parsed)  # type: ignore[misc]
        if current is not None and current.withdrawn_at:
            raise Conflict("This result is withdrawn already.")
        raise Conflict("This result changed while you were withdrawing it: look at it again.")
    logger().info("result withdrawn", extra={"result_id": r.result_id})
    from .result_events import on_result_withdrawn

    on_result_withdrawn(r)
    return staff_view(r)
