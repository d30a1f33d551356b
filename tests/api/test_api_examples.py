"""The OpenAPI document's examples (chalicelib/api/examples.py) are valid against their own
schemas, and name operations that exist."""
from __future__ import annotations

import jsonschema
import pytest

from chalicelib.api.examples import EXAMPLES


def _valid(doc: dict, schema: dict, example: object) -> None:
    # the target schema under the whole document, so that its "#/components/..." refs resolve
    root = {**doc, "x-target": schema, "$ref": "#/x-target"}
    jsonschema.Draft202012Validator(root).validate(example)


@pytest.mark.parametrize("key", sorted(EXAMPLES))
def test_each_example_matches_its_schema(key: tuple[str, str], app_module) -> None:
    from chalicelib.api.openapi import document

    doc = document()
    method, path = key
    operation = doc["paths"][path][method.lower()]
    for status, example in EXAMPLES[key].items():
        if status == "request":
            media = operation["requestBody"]["content"]["application/json"]
        else:
            media = operation["responses"][status]["content"]["application/json"]
        assert media["example"] == example
        _valid(doc, media["schema"], example)


def test_a_broken_example_is_caught(app_module) -> None:
    from chalicelib.api.openapi import document

    doc = document()
    reply = doc["paths"]["/api/v1/results"]["get"]["responses"]["200"]
    schema = reply["content"]["application/json"]["schema"]
    with pytest.raises(jsonschema.ValidationError):
        _valid(doc, schema, {"overall_score": "high"})
