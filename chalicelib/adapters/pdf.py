"""Statement of Results PDF: ``render_statement(StatementData) -> bytes`` (one A4 page).

Cheap to import (no PDF library, no font loaded): the reportlab renderer in :mod:`pdf_writer` is
built on the first call (the DejaVu fonts are registered then) and reused for the life of the
process (one Lambda container renders many statements). The page is laid out in :mod:`pdf_layout`.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from chalicelib.domain.statement import StatementData

if TYPE_CHECKING:
    from chalicelib.adapters.pdf_writer import StatementRenderer

__all__ = ["render_statement"]

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
