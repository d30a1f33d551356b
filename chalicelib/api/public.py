"""Public routes: the exam catalogue and the health check."""
from __future__ import annotations

from .errors import Routes

bp = Routes(__name__)


@bp.route("/health", methods=["GET"])
def health() -> dict:
    return {"status": "ok"}


@bp.route("/exams", methods=["GET"])
def exams() -> dict:
    from ..domain.exams import catalogue

    return {"exams": catalogue()}
