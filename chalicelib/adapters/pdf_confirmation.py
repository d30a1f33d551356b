"""Confirmation of Entry PDF (one A4 page): what an exam centre prints for a candidate after
reissuing their Secret number: the ID number, the new Secret number, the exams and dates, and
where to register. Drawn by the Statement of Results' reportlab renderer (pdf_writer: the same
embedded DejaVu fonts, registered once per process). Reportlab is imported on the first render."""
from __future__ import annotations

import io
from dataclasses import dataclass, field

from chalicelib.adapters.pdf_layout import (
    BOARD_NAME,
    BOLD,
    GREY,
    INK,
    MARGIN,
    NAVY,
    PAGE_H,
    PAGE_W,
    PANEL,
    REGULAR,
    RULE,
    Op,
    Rect,
    Text,
    clean,
    fit_line,
    format_date,
    wrap,
)

_WORDS = {
    "en": {"title": "Confirmation of Entry", "name": "Candidate", "id": "ID number",
           "secret": "Secret number", "centre": "Exam centre", "exams": "Your exams", "issued": "Issued on",
           "keep": "Keep this page safe: with your ID number and Secret number you register for your "
                   "results.",
           "old": "This Secret number replaces any you were given before: an earlier one no longer works.",
           "where": "Register at", "paper": "paper-based", "computer": "computer-based"},
    "es": {"title": "Confirmación de inscripción", "name": "Candidato", "id": "Número de identificación",
           "secret": "Número secreto", "centre": "Centro examinador", "exams": "Sus exámenes",
           "issued": "Emitido el",
           "keep": "Guarde esta página: con su número de identificación y su número secreto se registra "
                   "para ver sus resultados.",
           "old": "Este número secreto sustituye a cualquier otro que le dieran antes: el anterior ya "
                  "no sirve.",
           "where": "Regístrese en", "paper": "en papel", "computer": "por ordenador"},
}


@dataclass(frozen=True)
class ConfirmationData:
    id_number: str
    secret_number: str
    first_name: str
    family_name: str
    centre_number: str
    centre_name: str
    register_url: str
    issued_at: str  # YYYY-MM-DD
    exams: list[tuple[str, str, str]] = field(default_factory=list)  # (exam name, date, format)
    lang: str = "en"


def layout(data: ConfirmationData, measure: object) -> list[Op]:
    from collections.abc import Callable
    from typing import cast

    m = cast(Callable[[int, str, float], float], measure)

    def line_at(font: int, size: float, x: float, y: float, text: str,
                color: tuple[float, float, float]) -> Text:
        fitted, fitted_size = fit_line(m, font, clean(text), size, width)
        return Text(font, fitted_size, x, y, fitted, color)

    w = _WORDS.get(data.lang, _WORDS["en"])
    width = PAGE_W - 2 * MARGIN
    ops: list[Op] = [Rect(0, PAGE_H - 90, PAGE_W, 90, NAVY, None),
                     Text(BOLD, 11, MARGIN, PAGE_H - 40, BOARD_NAME, (1.0, 1.0, 1.0)),
                     Text(BOLD, 22, MARGIN, PAGE_H - 70, w["title"], (1.0, 1.0, 1.0))]
    y = PAGE_H - 130
    ops += [Text(REGULAR, 10, MARGIN, y, w["name"], GREY),
            line_at(BOLD, 14, MARGIN, y - 18, f"{data.first_name} {data.family_name}", INK)]
    y -= 60
    ops.append(Rect(MARGIN, y - 70, width, 90, PANEL, RULE))
    half = width / 2
    for i, (label, value) in enumerate(((w["id"], data.id_number), (w["secret"], data.secret_number))):
        x = MARGIN + 16 + i * half
        ops += [Text(REGULAR, 10, x, y, label, GREY), Text(BOLD, 26, x, y - 40, clean(value), NAVY)]
    y -= 110
    ops += [Text(REGULAR, 10, MARGIN, y, w["centre"], GREY),
            line_at(REGULAR, 12, MARGIN, y - 16, f"{data.centre_name} ({data.centre_number})", INK)]
    y -= 50
    ops.append(Text(BOLD, 13, MARGIN, y, w["exams"], NAVY))
    y -= 22
    for exam_name, day, fmt in data.exams[:12]:
        line = f"{format_date(day)} \u2013 {clean(exam_name)} ({w.get(fmt, fmt)})"
        ops.append(line_at(REGULAR, 11, MARGIN, y, line, INK))
        y -= 18
    y -= 20
    for text in (w["keep"], w["old"]):
        for line in wrap(m, REGULAR, text, 11, width):
            ops.append(Text(REGULAR, 11, MARGIN, y, line, INK))
            y -= 16
        y -= 6
    y -= 10
    ops += [Text(REGULAR, 10, MARGIN, y, w["where"], GREY),
            line_at(BOLD, 12, MARGIN, y - 16, data.register_url, NAVY)]
    ops.append(Text(REGULAR, 9, MARGIN, 40, f"{w['issued']} {format_date(data.issued_at)}", GREY))
    return ops


def render_confirmation(data: ConfirmationData) -> bytes:
    from reportlab.pdfgen.canvas import Canvas

    from chalicelib.adapters.pdf import _get_renderer
    from chalicelib.adapters.pdf_writer import PRODUCER

    renderer = _get_renderer()
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=(PAGE_W, PAGE_H), pageCompression=1, invariant=1, pdfVersion=(1, 7),
                    initialFontName=renderer.fonts[REGULAR].fontName)
    canvas.setTitle(_WORDS.get(data.lang, _WORDS["en"])["title"])
    canvas.setAuthor(BOARD_NAME)
    canvas.setCreator(PRODUCER)
    canvas.setProducer(PRODUCER)
    renderer.draw(canvas, layout(data, renderer.measure))
    canvas.showPage()
    canvas.save()
    return out.getvalue()
