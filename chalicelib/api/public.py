"""Public routes: the exam catalogue and the health check."""
from __future__ import annotations

from chalice import Response

from .errors import Routes

bp = Routes(__name__)


@bp.route("/health", methods=["GET"])
def health() -> dict:
    return {"status": "ok"}


@bp.route("/exams", methods=["GET"])
def exams() -> dict:
    from ..domain.exams import catalogue

    return {"exams": catalogue()}


@bp.route("/openapi.json", methods=["GET"])
def openapi_document() -> Response:
    """The OpenAPI 3.1 document of every route (built on the first request, then cached)."""
    from .http import json_response
    from .openapi import document

    return json_response(document())
