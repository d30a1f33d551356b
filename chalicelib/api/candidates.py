"""Candidate routes (API.md "Candidates"). Thin: parse, call one service, reply."""
from __future__ import annotations

from chalice import Response

from .auth import principal
from .body import body, field_specs, given, parse_as, spec
from .docs import NO_CONTENT, S, list_of, obj, ok, operation, path_param, pdf, ref, reply
from .errors import Routes
from .http import Field, check_email, json_response, no_content

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

_ID_NUMBER = Field(str, max_len=40)
_EMAIL = Field(str, check=check_email)
_TOKEN = Field(str, max_len=200)


@body
class Register:
    id_number: str = spec(_ID_NUMBER)
    secret_number: str = spec(Field(str, max_len=20))
    email: str = spec(_EMAIL)
    password: str = spec(_PASSWORD)
    country: str = spec(_COUNTRY)
    first_language: str = spec(_LANGUAGE)
    accept_terms: bool = spec(Field(bool))
    marketing_opt_in: bool = spec(Field(bool))


@body
class VerifyEmail:
    token: str = spec(_TOKEN)


@body
class Login:
    id_number: str = spec(_ID_NUMBER)
    password: str = spec(_PASSWORD)


@body
class ChangePassword:
    current_password: str = spec(_PASSWORD)
    new_password: str = spec(_PASSWORD)


@body
class PasswordReset:
    id_number: str = spec(_ID_NUMBER)
    email: str = spec(_EMAIL)


@body
class Lookup:
    enabled: bool = spec(Field(bool))


@body
class PasswordResetConfirm:
    token: str = spec(_TOKEN)
    new_password: str = spec(_PASSWORD)


@body(partial=True)
class Profile:
    """PATCH: any of these; the email needs current_password."""
    country: str | None = spec(_COUNTRY)
    first_language: str | None = spec(_LANGUAGE)
    marketing_opt_in: bool | None = spec(Field(bool))
    email: str | None = spec(_EMAIL)
    current_password: str | None = spec(_PASSWORD)


def _me():  # type: ignore[no-untyped-def]
    return principal(bp.current_request, "candidate")


@bp.route("/candidates/register", methods=["POST"])
@operation("candidates", "Register with ID number and Secret number",
           {"201": reply(obj({"id_number": S, "email": S, "email_verified": {"const": False}}),
                         "Registered; a confirmation email is on its way")}, public=True, body=Register)
def register() -> Response:
    from ..services import candidates

    data = parse_as(bp.current_request, Register)
    return json_response(candidates.register(given(data)), 201)


@bp.route("/candidates/verify-email", methods=["POST"])
@operation("candidates", "Verify the email address with the emailed token",
           {"200": ok(obj({"email_verified": {"const": True}}))}, public=True, body=VerifyEmail)
def verify_email() -> dict:
    from ..services import candidates

    return candidates.verify_email(parse_as(bp.current_request, VerifyEmail).token)


@bp.route("/candidates/verify-email/resend", methods=["POST"])
@operation("candidates", "Send the verification email again",
           {"202": reply(obj({"status": S}), "Sent (unless already verified)")})
def resend_verification() -> Response:
    from ..services import candidates

    candidates.resend_verification(_me().subject)
    return json_response({"status": "sent"}, 202)


@bp.route("/candidates/login", methods=["POST"])
@operation("candidates", "Log in", {"200": ok(ref("Session"))}, public=True, body=Login)
def login() -> dict:
    from ..services import candidates

    data = parse_as(bp.current_request, Login)
    return candidates.login(data.id_number, data.password)


@bp.route("/auth/logout", methods=["POST"])
@operation("sessions", "End this session (candidate, verifier or staff)", NO_CONTENT)
def logout() -> Response:
    from ..services.security import end_session

    end_session(principal(bp.current_request, "candidate", "verifier", "staff"))
    return no_content()


@bp.route("/candidates/me", methods=["GET"])
@operation("candidates", "The candidate's profile", {"200": ok(ref("CandidateProfile"))})
def me() -> dict:
    from ..services import candidates

    return candidates.get_profile(_me().subject)


@bp.route("/candidates/me", methods=["PATCH"])
@operation("candidates", "Change profile fields (the email needs current_password)",
           {"200": ok(ref("CandidateProfile"))}, body=Profile)
def update_me() -> dict:
    from ..services import candidates

    who = _me()
    data = parse_as(bp.current_request, Profile)
    return candidates.update_profile(who.subject, given(data))


@bp.route("/candidates/me/password", methods=["POST"])
@operation("candidates", "Change the password; other sessions end", NO_CONTENT, body=ChangePassword)
def change_password() -> Response:
    from ..services import candidates

    who = _me()
    data = parse_as(bp.current_request, ChangePassword)
    candidates.change_password(who, data.current_password, data.new_password)
    return no_content()


@bp.route("/candidates/password-reset", methods=["POST"])
@operation("candidates", "Ask for a password reset link (no enumeration)",
           {"202": reply(ref("Accepted"), "Accepted, whatever the account")}, public=True, body=PasswordReset)
def password_reset() -> Response:
    from ..services import candidates

    data = parse_as(bp.current_request, PasswordReset)
    candidates.request_password_reset(data.id_number, data.email)
    return json_response({"status": "accepted", "message": "If the ID number and email match an "
                          "account, we have sent a link to reset the password."}, 202)


@bp.route("/candidates/password-reset/confirm", methods=["POST"])
@operation("candidates", "Set a new password with the emailed token", NO_CONTENT, public=True,
           body=PasswordResetConfirm)
def password_reset_confirm() -> Response:
    from ..services import candidates

    data = parse_as(bp.current_request, PasswordResetConfirm)
    candidates.confirm_password_reset(data.token, data.new_password)
    return no_content()


@bp.route("/candidates/me/results", methods=["GET"])
@operation("candidates", "Released results and pending entries",
           {"200": ok(list_of("results", ref("Result")))})
def results() -> dict:
    from ..services import candidates

    return candidates.list_results(_me().subject)


_RESULT_ID = path_param("result_id")


@bp.route("/candidates/me/results/{result_id}", methods=["GET"])
@operation("candidates", "One result", {"200": ok(ref("Result"))}, params=[_RESULT_ID])
def result(result_id: str) -> dict:
    from ..services import candidates

    return candidates.get_result(_me().subject, result_id)


@bp.route("/candidates/me/results/{result_id}/lookup", methods=["PUT"])
@operation("candidates", "Turn look-ups of this result by reference number + date of birth on or off "
           "(on by default; shares are not affected)", {"200": ok(ref("Result"))}, body=Lookup,
           params=[_RESULT_ID])
def result_lookup(result_id: str) -> dict:
    """Turn look-ups of this result by reference number + date of birth on or off."""
    from ..services import candidates

    who = _me()
    data = parse_as(bp.current_request, Lookup)
    return candidates.set_lookup(who.subject, result_id, data.enabled)


@bp.route("/candidates/me/results/{result_id}/statement", methods=["GET"])
@operation("candidates", "The Statement of Results PDF of a released result: a redirect to a short-lived "
           "URL of it", {"302": pdf("302")["302"]}, params=[_RESULT_ID])
def result_statement(result_id: str) -> Response:
    from ..services import candidates

    url = candidates.statement_url(_me().subject, result_id)
    return Response(body="", status_code=302, headers={"Location": url, "Cache-Control": "no-store"})


def __getattr__(name: str) -> dict[str, Field]:
    """REGISTER / PROFILE: those bodies as {name: Field} specs, built on first use
    (tests/api/test_openapi.py compares the document with them)."""
    bodies: dict[str, type] = {"REGISTER": Register, "PROFILE": Profile}
    if name in bodies:
        return field_specs(bodies[name])
    raise AttributeError(name)
