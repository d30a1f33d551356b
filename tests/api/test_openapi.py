"""The OpenAPI document is valid, covers every route and nothing else, and is served."""
from __future__ import annotations

import json
import sys

import pytest

from chalicelib.api import openapi
from chalicelib.api.http import Field, check_date, check_email, validate


def app_routes() -> set[tuple[str, str]]:
    import app

    # The web pages (chalicelib/web: HTML, forms) are not operations of the JSON API.
    return {(method.upper(), path) for path, methods in app.app.routes.items()
            for method, entry in methods.items()
            if not entry.view_function.__module__.startswith("chalicelib.web")}


def test_the_document_is_valid_openapi_3_1() -> None:
    from openapi_spec_validator import OpenAPIV31SpecValidator
    from openapi_spec_validator import validate as validate_spec

    doc = openapi.document()
    assert doc["openapi"].startswith("3.1")
    validate_spec(doc, cls=OpenAPIV31SpecValidator)


def test_every_route_is_documented_and_nothing_else() -> None:
    documented = openapi.operations()
    routes = app_routes()
    assert routes - documented == set(), "routes the OpenAPI document lacks"
    assert documented - routes == set(), "documented operations no route serves"


def test_every_operation_says_who_may_call_it_and_how_it_fails() -> None:
    doc = openapi.document()
    schemes = set(doc["components"]["securitySchemes"])
    assert schemes == {"bearerAuth", "apiKey"}
    for path, item in doc["paths"].items():
        for method, operation in item.items():
            where = f"{method.upper()} {path}"
            assert "security" in operation, where
            assert {name for req in operation["security"] for name in req} <= schemes, where
            responses = operation["responses"]
            assert any(code.startswith(("2", "3")) for code in responses), where
            assert {"4XX", "429", "5XX"} <= set(responses), where
            if path.startswith("/api/v1/"):
                assert operation["security"] == [{"apiKey": []}], where
            if method in ("post", "put", "patch") and "requestBody" in operation:
                body = operation["requestBody"]["content"]["application/json"]["schema"]
                assert body["additionalProperties"] is False, where


def test_request_bodies_come_from_the_views_field_specs() -> None:
    from chalicelib.api import candidates, verifiers

    doc = openapi.document()
    register = doc["paths"]["/candidates/register"]["post"]["requestBody"]["content"]["application/json"]
    schema = register["schema"]
    assert set(schema["properties"]) == set(candidates.REGISTER)
    assert set(schema["required"]) == set(candidates.REGISTER)
    assert schema["properties"]["email"]["format"] == "email"
    assert schema["properties"]["accept_terms"] == {"type": "boolean"}
    # A PATCH parsed with partial=True requires nothing
    patch = doc["paths"]["/candidates/me"]["patch"]["requestBody"]["content"]["application/json"]["schema"]
    assert "required" not in patch and set(patch["properties"]) == set(candidates.PROFILE)
    # The nested organisation object of a verifier registration, with its types
    org = doc["paths"]["/verifiers/register"]["post"]["requestBody"]["content"]["application/json"]
    org_schema = org["schema"]["properties"]["organisation"]
    assert org_schema["additionalProperties"] is False
    assert set(org_schema["properties"]["type"]["enum"]) == set(verifiers.organisation_spec()["type"].choices
                                                                 or ())


def test_field_schema_maps_each_rule() -> None:
    assert openapi.field_schema(Field(str, max_len=40)) == {
        "type": "string", "maxLength": 40, "pattern": r"\S"}
    assert openapi.field_schema(Field(str, required=False, max_len=64)) == {
        "type": ["string", "null"], "maxLength": 64}
    assert openapi.field_schema(Field(str, choices=("a", "b")))["enum"] == ["a", "b"]
    assert openapi.field_schema(Field(str, check=check_email))["format"] == "email"
    assert openapi.field_schema(Field(str, check=check_date))["format"] == "date"
    assert openapi.field_schema(Field(list, max_len=None)) == {"type": "array"}
    # And a value the schema refuses is refused by the view's validation too (and the other way)
    spec = {"kind": Field(str, choices=("entries", "results")), "n": Field(int, required=False)}
    body = openapi.body_schema(spec)
    from jsonschema import Draft202012Validator

    checker = Draft202012Validator(body)
    for sample in ({"kind": "entries"}, {"kind": "entries", "n": None}, {"kind": "other"},
                   {"kind": "entries", "extra": 1}, {"n": 3}, {"kind": True}):
        schema_ok = checker.is_valid(sample)
        try:
            validate(sample, spec)
            view_ok = True
        except Exception:
            view_ok = False
        assert schema_ok == view_ok, sample


def test_openapi_json_is_served_without_a_session(api) -> None:
    # When anyone asks for the document
    r = api.get("/openapi.json")
    # Then it is the document, as JSON
    assert r.status == 200
    assert r.headers["content-type"].startswith("application/json")
    assert r.json == json.loads(json.dumps(openapi.document()))


def test_importing_the_module_builds_nothing() -> None:
    # The document is built on the first request, not when the app is imported (cold start)
    import importlib

    openapi._build.cache_clear()
    importlib.reload(openapi)
    assert openapi._build.cache_info().currsize == 0


@pytest.mark.parametrize("module", ["chalicelib.api.openapi"])
def test_the_module_imports_no_aws_library(module: str) -> None:
    import subprocess

    code = (f"import sys, {module}; "
            "print(','.join(m for m in ('boto3', 'pynamodb', 'jsonschema') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
