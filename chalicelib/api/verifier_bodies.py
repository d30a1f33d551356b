"""The verifier routes' request bodies (api/body.py), each field with its `Field` spec."""
from __future__ import annotations

from .body import body, field_specs, spec
from .http import Field, check_date, check_email

_NAME = Field(str, max_len=100)
_PASSWORD = Field(str, max_len=1024)
_EMAIL = Field(str, check=check_email)


def _org_type() -> Field:
    from ..services.organisations import ORG_TYPES  # a service module: imported on first use

    return Field(str, choices=ORG_TYPES)


def _org_country(value: str) -> str | None:
    from ..domain.locales import organisation_country_problem

    return organisation_country_problem(value)


def _frequency() -> Field:
    from ..services.verifier_users import FREQUENCIES

    return Field(str, choices=FREQUENCIES)


def _template_fields() -> dict:
    from ..services import templates

    return {"items": {"type": "string", "enum": list(templates.FIELDS)}, "minItems": 1, "uniqueItems": True}


@body
class Organisation:
    name: str = spec(Field(str, max_len=200))
    type: str = spec(_org_type)
    website: str = spec(Field(str, max_len=300))
    country: str = spec(Field(str, max_len=100, check=_org_country))


@body
class Person:
    first_name: str = spec(_NAME)
    family_name: str = spec(_NAME)
    job_title: str = spec(_NAME)
    email: str = spec(_EMAIL)


@body
class Register(Person):
    confirm_email: str = spec(Field(str, max_len=320))
    organisation: Organisation = spec(Field(dict, max_len=None), nested=Organisation)


@body
class SetPassword:
    token: str = spec(Field(str, max_len=200))
    password: str = spec(_PASSWORD)


@body
class PasswordReset:
    email: str = spec(_EMAIL)


@body
class Login:
    email: str = spec(_EMAIL)
    password: str = spec(_PASSWORD)


@body
class LoginMfa:
    mfa_token: str = spec(Field(str, max_len=200))
    code: str = spec(Field(str, max_len=32))


@body
class MfaCode:
    code: str = spec(Field(str, max_len=32))


@body
class OrgMfa:
    required: bool = spec(Field(bool))


@body
class Notifications:
    frequency: str = spec(_frequency)


@body(partial=True)
class UserUpdate:
    first_name: str | None = spec(_NAME)
    family_name: str | None = spec(_NAME)
    job_title: str | None = spec(_NAME)


@body
class Search:
    reference_number: str = spec(Field(str, max_len=160))
    date_of_birth: str = spec(Field(str, check=check_date))


@body
class Download:
    share_ids: list = spec(Field(list, max_len=None),
                           schema={"items": {"type": "string", "minLength": 1, "maxLength": 64},
                                   "minItems": 1})
    format: str = spec(Field(str, choices=("pdf", "csv")))
    template_id: str | None = spec(Field(str, required=False, max_len=64))


@body
class Template:
    name: str = spec(_NAME)
    fields: list = spec(Field(list, max_len=None), schema=_template_fields)


@body
class ApiKey:
    name: str = spec(_NAME)


def organisation_spec() -> dict[str, Field]:
    """The `organisation` object of a registration as {name: Field} (its types live in the
    service: imported on first use)."""
    return field_specs(Organisation)
