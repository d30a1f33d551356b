"""Request plumbing shared by every blueprint: body parsing, field validation, paging,
error responses. Only the standard library and chalice at import time (cold start)."""
from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from chalice import Response

from ..domain.errors import AppError, PayloadTooLarge, ValidationError

MAX_BODY_BYTES = 256 * 1024
_MISSING = object()


def error_response(err: AppError) -> Response:
    headers: dict[str, Any] = {"Content-Type": "application/json", **err.headers}
    return Response(body=err.body(), status_code=err.status, headers=headers)


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    merged: dict[str, Any] = {"Content-Type": "application/json", **(headers or {})}
    return Response(body=body, status_code=status, headers=merged)


def no_content() -> Response:
    return Response(body="", status_code=204)


def read_json(request: Any) -> dict:
    """The request body as a JSON object, or a 400/413 in the API.md shape."""
    raw = request.raw_body or b""
    if len(raw) > MAX_BODY_BYTES:
        raise PayloadTooLarge(f"The request body is larger than {MAX_BODY_BYTES // 1024} KiB.")
    if not raw.strip():
        raise ValidationError({"body": "a JSON object is required"}, "The request body is empty.")
    try:
        body = json.loads(raw)
    except (ValueError, RecursionError):  # RecursionError: brackets nested too deep to parse
        raise ValidationError({"body": "not valid JSON"}, "The request body is not valid JSON.") from None
    if not _is_unicode(body):
        raise ValidationError({"body": "not valid Unicode text"},
                              "The request body contains text that is not valid Unicode.")
    if not isinstance(body, dict):
        raise ValidationError({"body": "must be a JSON object"}, "The request body must be a JSON object.")
    return body


def _is_unicode(body: Any) -> bool:
    """False when a string (key or value) holds a lone surrogate: JSON's \\ud800 escape is valid
    JSON but not Unicode text, and nothing downstream (UTF-8, DynamoDB, argon2) can take it.
    Re-encoding checks every string at C speed and without recursion of our own."""
    try:
        json.dumps(body, ensure_ascii=False).encode("utf-8")
    except (UnicodeEncodeError, RecursionError):
        return False
    return True


# ---------------------------------------------------------------- field specs
@dataclass(frozen=True)
class Field:
    kind: type | tuple[type, ...]
    required: bool = True
    max_len: int | None = 320
    choices: tuple[str, ...] | None = None
    check: Callable[[Any], str | None] | None = None  # returns a problem, or None

    def problem(self, value: Any) -> str | None:
        kinds = self.kind if isinstance(self.kind, tuple) else (self.kind,)
        if value is None:
            return None if not self.required else "is required"
        # bool is an int in Python; never accept it for a number or a string.
        if isinstance(value, bool) and bool not in kinds:
            return f"must be {_kind_name(kinds)}"
        if not isinstance(value, kinds):
            return f"must be {_kind_name(kinds)}"
        if isinstance(value, str):
            if self.required and not value.strip():
                return "is required"
            if self.max_len is not None and len(value) > self.max_len:
                return f"must be at most {self.max_len} characters"
        if self.choices is not None and value not in self.choices:
            return "must be one of: " + ", ".join(self.choices)
        if self.check is not None:
            return self.check(value)
        return None


def _kind_name(kinds: tuple[type, ...]) -> str:
    names = {str: "a string", bool: "true or false", int: "a whole number", list: "a list",
             dict: "an object", float: "a number"}
    return " or ".join(names.get(k, k.__name__) for k in kinds)


def validate(body: dict, spec: dict[str, Field], *, partial: bool = False) -> dict:
    """Check `body` against `spec`: unknown fields, missing fields and wrong types are all
    reported at once as one validation_error. Returns only the fields present."""
    problems: dict[str, str] = {}
    for name in body:
        if name not in spec:
            problems[name] = "is not a known field"
    out: dict = {}
    for name, field in spec.items():
        value = body.get(name, _MISSING)
        if value is _MISSING:
            if field.required and not partial:
                problems[name] = "is required"
            continue
        problem = field.problem(value)
        if problem:
            problems[name] = problem
        else:
            out[name] = value
    if problems:
        raise ValidationError(problems)
    return out


def parse_body(request: Any, spec: dict[str, Field], *, partial: bool = False) -> dict:
    return validate(read_json(request), spec, partial=partial)


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def check_date(value: str) -> str | None:
    from datetime import date

    if not _DATE.match(value):
        return "must be a date YYYY-MM-DD"
    try:
        date.fromisoformat(value)
    except ValueError:
        return "must be a real date YYYY-MM-DD"
    return None


_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?"
_EMAIL = re.compile(rf"^[^@\s]{{1,64}}@{_LABEL}(?:\.{_LABEL})+$")


def check_email(value: str) -> str | None:
    return None if _EMAIL.match(value.strip()) else "must be an email address like name@example.com"


# ---------------------------------------------------------------- paging
DEFAULT_LIMIT = 50
MAX_LIMIT = 200


def page_params(request: Any) -> tuple[int, str | None]:
    """`?limit=` (checked) and `?cursor=` from the query string. The cursor is opened by the
    service that lists, for its own listing (chalicelib/db/paging.py): anything else is a 400."""
    q = request.query_params or {}
    limit = DEFAULT_LIMIT
    if q.get("limit") not in (None, ""):
        try:
            limit = int(q["limit"])
        except ValueError:
            raise ValidationError({"limit": f"must be a whole number from 1 to {MAX_LIMIT}"}) from None
        if not 1 <= limit <= MAX_LIMIT:
            raise ValidationError({"limit": f"must be a whole number from 1 to {MAX_LIMIT}"})
    return limit, q.get("cursor") or None
