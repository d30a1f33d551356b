"""Candidate routes (API.md "Candidates"). Thin: parse, call one service, reply."""
from __future__ import annotations

from chalice import Response

from .auth import principal
from .errors import Routes
from .http import Field, check_email, json_response, no_content, parse_body

bp = Routes(__name__)

_STR = Field(str, max_len=100)
_PASSWORD = Field(str, max_len=1024)  # the policy says 128; a clear message comes from it


def _country(value: str) -> str | None:
    from ..domain.locales import country_problem

    return country_problem(value)


def _language(value: str) -> str | None:
    from ..domain.locales import language_problem

    return language_problem(value)


# ISO 3166-1 alpha-2 / ISO 639-1 codes from CLDR, or "prefer_not_to_say" (domain/locales.py).
_COUNTRY = Field(str, max_len=100, check=_country)
_LANGUAGE = Field(str, max_len=100, check=_language)

REGISTER = {
    "id_number": Field(str, max_len=40), "secret_number": Field(str, max_len=20),
    "email": Field(str, check=check_email), "password": _PASSWORD, "country": _COUNTRY,
    "first_language": _LANGUAGE, "accept_terms": Field(bool), "marketing_opt_in": Field(bool),
}
VERIFY_EMAIL = {"token": Field(str, max_len=200)}
LOGIN = {"id_number": Field(str, max_len=40), "password": _PASSWORD}
CHANGE_PASSWORD = {"current_password": _PASSWORD, "new_password": _PASSWORD}
PASSWORD_RESET = {"id_number": Field(str, max_len=40), "email": Field(str, check=check_email)}
LOOKUP = {"enabled": Field(bool)}
PASSWORD_RESET_CONFIRM = {"token": Field(str, max_len=200), "new_password": _PASSWORD}


def _me():  # type: ignore[no-untyped-def]
    return principal(bp.current_request, "candidate")


@bp.route("/candidates/register", methods=["POST"])
def register() -> Response:
    from ..services import candidates

    data = parse_body(bp.current_request, REGISTER)
    return json_response(candidates.register(data), 201)


@bp.route("/candidates/verify-email", methods=["POST"])
def verify_email() -> dict:
    from ..services import candidates

    data = parse_body(bp.current_request, VERIFY_EMAIL)
    return candidates.verify_email(data["token"])


@bp.route("/candidates/verify-email/resend", methods=["POST"])
def resend_verification() -> Response:
    from ..services import candidates

    candidates.resend_verification(_me().subject)
    return json_response({"status": "sent"}, 202)


@bp.route("/candidates/login", methods=["POST"])
def login() -> dict:
    from ..services import candidates

    data = parse_body(bp.current_request, LOGIN)
    return candidates.login(data["id_number"], data["password"])


@bp.route("/auth/logout", methods=["POST"])
def logout() -> Response:
    from ..services.security import end_session

    end_session(principal(bp.current_request, "candidate", "verifier", "staff"))
    return no_content()


@bp.route("/candidates/me", methods=["GET"])
def me() -> dict:
    from ..services import candidates

    return candidates.get_profile(_me().subject)


PROFILE = {
    "country": _COUNTRY, "first_language": _LANGUAGE, "marketing_opt_in": Field(bool),
    "email": Field(str, check=check_email), "current_password": _PASSWORD,
}


@bp.route("/candidates/me", methods=["PATCH"])
def update_me() -> dict:
    from ..services import candidates

    who = _me()
    data = parse_body(bp.current_request, PROFILE, partial=True)
    return candidates.update_profile(who.subject, data)


@bp.route("/candidates/me/password", methods=["POST"])
def change_password() -> Response:
    from ..services import candidates

    who = _me()
    data = parse_body(bp.current_request, CHANGE_PASSWORD)
    candidates.change_password(who, data["current_password"], data["new_password"])
    return no_content()


@bp.route("/candidates/password-reset", methods=["POST"])
def password_reset() -> Response:
    from ..services import candidates

    data = parse_body(bp.current_request, PASSWORD_RESET)
    candidates.request_password_reset(data["id_number"], data["email"])
    return json_response({"status": "accepted", "message": "If the ID number and email match an "
                          "account, we have sent a link to reset the password."}, 202)


@bp.route("/candidates/password-reset/confirm", methods=["POST"])
def password_reset_confirm() -> Response:
    from ..services import candidates

    data = parse_body(bp.current_request, PASSWORD_RESET_CONFIRM)
    candidates.confirm_password_reset(data["token"], data["new_password"])
    return no_content()


@bp.route("/candidates/me/results", methods=["GET"])
def results() -> dict:
    from ..services import candidates

    return candidates.list_results(_me().subject)


@bp.route("/candidates/me/results/{result_id}", methods=["GET"])
def result(result_id: str) -> dict:
    from ..services import candidates

    return candidates.get_result(_me().subject, result_id)


@bp.route("/candidates/me/results/{result_id}/lookup", methods=["PUT"])
def result_lookup(result_id: str) -> dict:
    """Turn look-ups of this result by reference number + date of birth on or off."""
    from ..services import candidates

    who = _me()
    data = parse_body(bp.current_request, LOOKUP)
    return candidates.set_lookup(who.subject, result_id, data["enabled"])


@bp.route("/candidates/me/results/{result_id}/statement", methods=["GET"])
def result_statement(result_id: str) -> Response:
    from ..services import candidates

    url = candidates.statement_url(_me().subject, result_id)
    return Response(body="", status_code=302, headers={"Location": url, "Cache-Control": "no-store"})
