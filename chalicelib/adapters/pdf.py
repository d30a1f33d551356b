"""Statement of Results PDF: ``render_statement(StatementData) -> bytes`` (one A4 page).

Cheap to import (no PDF library, no font loaded): the renderer in :mod:`pdf_writer` is built on the
first call and reused for the life of the process (one Lambda container renders many statements).
The page is laid out in :mod:`pdf_layout`; fonts are subsetted by :mod:`pdf_font`.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from chalicelib.adapters.pdf_writer import StatementRenderer

__all__ = ["StatementData", "render_statement"]


@dataclass(frozen=True)
class StatementData:
    first_name: str
    family_name: str
    date_of_birth: str  # YYYY-MM-DD
    id_number: str
    centre_number: str
    exam_code: str
    exam_name: str
    exam_date: str  # YYYY-MM-DD
    exam_format: str  # "paper" / "computer"
    overall_score: int | None
    grade: str | None
    cefr_level: str | None
    components: list[tuple[str, int | None]]  # (name, score), e.g. ("Reading", 175)
    reference_number: str
    verification_url: str  # encoded as a QR code on the page
    issued_on: str  # YYYY-MM-DD


_renderer: StatementRenderer | None = None
_lock = threading.Lock()


def _get_renderer() -> StatementRenderer:
    global _renderer
    if _renderer is None:
        with _lock:
            if _renderer is None:
                from chalicelib.adapters.pdf_writer import StatementRenderer

                _renderer = StatementRenderer()
    return _renderer


def render_statement(data: StatementData) -> bytes:
    """The Statement of Results for ``data`` as a one-page A4 PDF (fonts embedded as subsets)."""
    return _get_renderer().render(data)
