"""Public routes: the exam catalogue and the health check."""
from __future__ import annotations

from chalice import Response

from .docs import list_of, obj, ok, operation, ref
from .errors import Routes

bp = Routes(__name__)


@bp.route("/health", methods=["GET"])
@operation("public", "Health check", {"200": ok(obj({"status": {"const": "ok"}}))}, public=True)
def health() -> dict:
    return {"status": "ok"}


@bp.route("/exams", methods=["GET"])
@operation("public", "The exam catalogue", {"200": ok(list_of("exams", ref("Exam")))}, public=True)
def exams() -> dict:
    from ..domain.exams import catalogue

    return {"exams": catalogue()}


@bp.route("/openapi.json", methods=["GET"])
@operation("public", "This document", {"200": ok({"type": "object", "required": ["openapi", "paths"]})},
           public=True)
def openapi_document() -> Response:
    """The OpenAPI 3.1 document of every route (built on the first request, then cached)."""
    from .http import json_response
    from .openapi import document

    return json_response(document())
