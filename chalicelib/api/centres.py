"""Exam centres (issue 13): the staff's `/staff/centres`, and the centres' own JSON API under
`/centre/...` (the pages are under `/centres/...`). Centre sessions are kind "centre"."""
from __future__ import annotations

from typing import Any

from chalice import Response

from .auth import principal
from .body import body, parse_as, spec
from .docs import (
    BOOL,
    DATE,
    INT_NULL,
    NO_CONTENT,
    PAGE,
    S_NULL,
    TS,
    TS_NULL,
    S,
    list_of,
    obj,
    ok,
    operation,
    path_param,
    query,
    ref,
    reply,
)
from .errors import Routes
from .http import Field, check_email, json_response, no_content, page_params

bp = Routes(__name__)

TAG = "exam centres"
_CENTRE: dict = obj({"centre_number": S, "name": S, "country": S, "created_at": TS})
_USER: dict = obj({"user_id": S, "email": S, "name": S, "role": {"enum": ["manager", "user"]},
                   "status": {"enum": ["invited", "active"]}})
_CANDIDATE: dict = obj({"id_number": S, "first_name": S, "family_name": S, "date_of_birth": DATE,
                        "exams": {"type": "array", "items": obj({"exam_code": S, "exam_date": DATE})}})
_ENTRY: dict = obj({"result_id": S, "exam_code": S, "exam_name": S, "exam_date": DATE, "exam_format": S,
                    "status": {"enum": ["pending", "released", "withdrawn"]}, "overall_score": INT_NULL,
                    "grade": S_NULL, "cefr_level": S_NULL})
_NEW_SECRET: dict = obj({"id_number": S, "secret_number": {"type": "string", "description": "shown once"},
                         "confirmation": {"type": "string", "description": "post to .../confirmation "
                                          "within 15 minutes for the Confirmation of Entry PDF"}})
_ID = path_param("id_number")


@body
class CreateCentre:
    centre_number: str = spec(Field(str, max_len=10))
    name: str = spec(Field(str, max_len=200))
    country: str = spec(Field(str, max_len=2))
    manager_name: str = spec(Field(str, max_len=200))
    manager_email: str = spec(Field(str, check=check_email))


@body
class Login:
    email: str = spec(Field(str, check=check_email))
    password: str = spec(Field(str, max_len=1024))


@body
class SetPassword:
    token: str = spec(Field(str, max_len=200))
    password: str = spec(Field(str, max_len=1024))


@body
class NewUser:
    name: str = spec(Field(str, max_len=200))
    email: str = spec(Field(str, check=check_email))


@body
class Confirmation:
    confirmation: str = spec(Field(str, max_len=1000))


def _actor() -> Any:
    from ..services import centres

    return centres.actor(principal(bp.current_request, "centre"))


# ---------------------------------------------------------------- staff
@bp.route("/staff/centres", methods=["POST"])
@operation("staff", "Create an exam centre; its manager is emailed a link to choose a password",
           {"201": reply(obj({**_CENTRE["properties"], "manager": _USER}), "Created")}, body=CreateCentre)
def create_centre() -> Response:
    from ..services import centres

    who = principal(bp.current_request, "staff")
    data = parse_as(bp.current_request, CreateCentre)
    return json_response(centres.create_centre(vars(data), who.subject), 201)


@bp.route("/staff/centres", methods=["GET"])
@operation("staff", "Exam centres, by centre number", {"200": ok(list_of("centres", _CENTRE, paged=True))},
           params=PAGE)
def list_centres() -> dict:
    from ..services import centres

    principal(bp.current_request, "staff")
    limit, cursor = page_params(bp.current_request)
    return centres.list_centres(limit, cursor)


# ---------------------------------------------------------------- a centre's users
@bp.route("/centre/login", methods=["POST"])
@operation(TAG, "Log in (a centre user)", {"200": ok(ref("Session"))}, public=True, body=Login)
def login() -> dict:
    from ..services import centres

    data = parse_as(bp.current_request, Login)
    return centres.login(data.email, data.password)


@bp.route("/centre/set-password", methods=["POST"])
@operation(TAG, "Set the password from the emailed token", NO_CONTENT, public=True, body=SetPassword)
def set_password() -> Response:
    from ..services import centres

    data = parse_as(bp.current_request, SetPassword)
    centres.set_password(data.token, data.password)
    return no_content()


@bp.route("/centre/me", methods=["GET"])
@operation(TAG, "The signed-in user and their centre", {"200": ok(obj({**_USER["properties"],
                                                                      "centre": _CENTRE}))})
def me() -> dict:
    from ..services import centres

    who = _actor()
    return centres.user_view(who.user) | {"centre": centres.centre_view(who.centre)}


@bp.route("/centre/users", methods=["GET"])
@operation(TAG, "The centre's users", {"200": ok(list_of("users", _USER))})
def list_users() -> dict:
    from ..services import centres

    return centres.list_users(_actor())


@bp.route("/centre/users", methods=["POST"])
@operation(TAG, "Add a colleague (the manager only): they are emailed a link to choose a password",
           {"201": reply(_USER, "Created")}, body=NewUser)
def add_user() -> Response:
    from ..services import centres

    data = parse_as(bp.current_request, NewUser)
    return json_response(centres.add_user(_actor(), vars(data)), 201)


@bp.route("/centre/users/{user_id}", methods=["DELETE"])
@operation(TAG, "Remove a colleague (the manager only); their sessions end", NO_CONTENT,
           params=[path_param("user_id")])
def remove_user(user_id: str) -> Response:
    from ..services import centres

    centres.remove_user(_actor(), user_id)
    return no_content()


@bp.route("/centre/audit", methods=["GET"])
@operation(TAG, "Secret numbers reissued and accounts reset by the centre, newest first (the manager only)",
           {"200": ok(list_of("events", obj({"action": {"enum": ["reissue", "reset"]}, "id_number": S,
                                             "user_id": S, "user_name": S, "at": TS})))})
def audit() -> dict:
    from ..services import centre_actions

    return centre_actions.audit(_actor())


# ---------------------------------------------------------------- candidates
@bp.route("/centre/candidates", methods=["GET"])
@operation(TAG, "The centre's candidates: by ID number, name or exam date",
           {"200": ok(list_of("candidates", _CANDIDATE, paged=True))},
           params=[query("q", "an ID number, or words of the name", {"type": "string", "maxLength": 100}),
                   query("exam_date", "YYYY-MM-DD", {"type": "string", "format": "date"}), *PAGE])
def candidates() -> dict:
    from ..services import centres

    who = _actor()
    limit, cursor = page_params(bp.current_request)
    q = bp.current_request.query_params or {}
    return centres.search(who, q.get("q", ""), q.get("exam_date", ""), cursor, limit)


@bp.route("/centre/candidates/{id_number}", methods=["GET"])
@operation(TAG, "One of the centre's candidates: entries, results, registration",
           {"200": ok(obj({**_CANDIDATE["properties"], "registered": BOOL, "email_verified": BOOL,
                           "secret_reissued_at": TS_NULL, "entries": {"type": "array", "items": _ENTRY}}))},
           params=[_ID])
def candidate(id_number: str) -> dict:
    from ..services import centres

    return centres.candidate(_actor(), id_number)


@bp.route("/centre/candidates/{id_number}/secret", methods=["POST"])
@operation(TAG, "Reissue the Secret number: the old one stops working (20 reissues and resets a day "
           "per centre)", {"201": reply(_NEW_SECRET, "Created")}, params=[_ID])
def reissue(id_number: str) -> Response:
    from ..services import centre_actions

    return json_response(centre_actions.reissue_secret(_actor(), id_number), 201)


@bp.route("/centre/candidates/{id_number}/reset", methods=["POST"])
@operation(TAG, "Reset the candidate's account (email and password cleared, sessions ended) and "
           "reissue the Secret number; results and shares are kept", {"201": reply(_NEW_SECRET, "Created")},
           params=[_ID])
def reset(id_number: str) -> Response:
    from ..services import centre_actions

    return json_response(centre_actions.reset_account(_actor(), id_number), 201)


@bp.route("/centre/candidates/{id_number}/confirmation", methods=["POST"])
@operation(TAG, "The Confirmation of Entry PDF with the new Secret number",
           {"200": {"description": "One-page PDF", "content": {"application/pdf": {
               "schema": {"type": "string", "contentMediaType": "application/pdf"}}}}},
           params=[_ID], body=Confirmation)
def confirmation(id_number: str) -> Response:
    from ..services import centre_actions

    data = parse_as(bp.current_request, Confirmation)
    pdf = centre_actions.confirmation_pdf(_actor(), id_number, data.confirmation)
    return Response(body=pdf, status_code=200, headers={
        "Content-Type": "application/pdf", "Cache-Control": "no-store",
        "Content-Disposition": f'attachment; filename="confirmation-of-entry-{id_number[:20]}.pdf"'})

