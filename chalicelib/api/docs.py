"""Each route's OpenAPI metadata, declared beside the route:

    @bp.route("/candidates/login", methods=["POST"])
    @operation("candidates", "Log in", {"200": ok(ref("Session"))}, public=True, body=Login)
    def login() -> dict: ...

`operation` attaches an `Operation` to the view; the blueprint's `route` (api/errors.py `Routes`)
files it in `OPERATIONS` under (METHOD, path). chalicelib/api/openapi.py builds the document
from that registry (request bodies from the body dataclasses' field specs, api/body.py).
The helpers below build the small JSON Schema pieces the declarations use. Standard library
only, and nothing is built but these small dicts when the app is imported (cold start).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .http import DEFAULT_LIMIT, MAX_LIMIT

Schema = dict[str, Any]
JSON = "application/json"


@dataclass(frozen=True)
class Operation:
    tag: str
    summary: str
    responses: dict[str, Schema]
    security: str = "bearer"  # "bearer" | "public" | "api_key"
    body: type | None = None  # an api/body.py dataclass
    params: tuple[Schema, ...] = ()


OPERATIONS: dict[tuple[str, str], Operation] = {}  # (METHOD, path) -> its operation


def operation(tag: str, summary: str, responses: dict[str, Schema], *, public: bool = False,
              api_key: bool = False, body: type | None = None,
              params: list[Schema] | tuple[Schema, ...] = ()) -> Callable[[Any], Any]:
    """Declare a view's OpenAPI operation (put it under `@bp.route`)."""
    op = Operation(tag, summary, responses, "public" if public else "api_key" if api_key else "bearer",
                   body, tuple(params))

    def attach(view: Any) -> Any:
        view.__openapi__ = op
        return view

    return attach


def register(view: Any, path: str, methods: list[str]) -> None:
    """Called by the blueprint's `route`: file the view's operation under each method."""
    op = getattr(view, "__openapi__", None)
    if op is not None:
        for method in methods:
            OPERATIONS[(method.upper(), path)] = op


# ---------------------------------------------------------------- schema pieces
def ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def obj(props: dict[str, Schema], required: list[str] | None = None) -> Schema:
    """A reply object: these properties always present (unless `required` says otherwise);
    more may be added later without breaking clients."""
    return {"type": "object", "properties": props,
            "required": list(props) if required is None else required}


S: Schema = {"type": "string"}
S_NULL: Schema = {"type": ["string", "null"]}
INT: Schema = {"type": "integer"}
INT_NULL: Schema = {"type": ["integer", "null"]}
BOOL: Schema = {"type": "boolean"}
TS: Schema = {"type": "string", "description": "ISO 8601 UTC timestamp"}
TS_NULL: Schema = {"type": ["string", "null"], "description": "ISO 8601 UTC timestamp, or null"}
DATE: Schema = {"type": "string", "format": "date"}
CURSOR: Schema = {"type": ["string", "null"], "description": "pass as ?cursor= for the next page; "
                  "null on the last page"}


def list_of(key: str, item: Schema, paged: bool = False) -> Schema:
    props: dict[str, Schema] = {key: {"type": "array", "items": item}}
    if paged:
        props["next_cursor"] = CURSOR
    return obj(props)


def reply(schema: Schema, description: str) -> Schema:
    return {"description": description, "content": {JSON: {"schema": schema}}}


def ok(schema: Schema) -> Schema:
    return reply(schema, "OK")


NO_CONTENT: dict[str, Schema] = {"204": {"description": "Done; no body."}}


def query(name: str, description: str, schema: Schema | None = None, required: bool = False) -> Schema:
    return {"name": name, "in": "query", "required": required, "description": description,
            "schema": schema or {"type": "string"}}


def path_param(name: str) -> Schema:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}


PAGE: tuple[Schema, ...] = (
    query("limit", f"page size (default {DEFAULT_LIMIT})", {"type": "integer", "minimum": 1,
                                                            "maximum": MAX_LIMIT}),
    query("cursor", "the `next_cursor` of the previous page", {"type": "string", "maxLength": 2000}),
)


def pdf(redirect: str) -> dict[str, Schema]:
    return {
        "200": {"description": "The Statement of Results", "content": {"application/pdf": {
            "schema": {"type": "string", "contentMediaType": "application/pdf"}}}},
        redirect: {"description": "Redirect to a short-lived URL of the stored PDF",
                   "headers": {"Location": {"schema": {"type": "string"}, "required": True}}},
    }
