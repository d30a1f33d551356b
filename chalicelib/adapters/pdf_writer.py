"""The Statement of Results drawn with reportlab: the layout's operations (:mod:`pdf_layout`) on one
A4 canvas, in DejaVu Sans (:mod:`pdf_font`: registered once per process, subsetted per document
by reportlab), with the QR code from segno. Imported on the first render only (reportlab is heavy).
"""

from __future__ import annotations

import io
from pathlib import Path

import segno
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from chalicelib.adapters.pdf_font import Type0TTFont
from chalicelib.adapters.pdf_layout import (
    BOARD_NAME,
    BOLD,
    PAGE_H,
    PAGE_W,
    REGULAR,
    TITLE,
    Op,
    QrCode,
    Rect,
    Text,
    clean,
    static_ops,
    variable_ops,
)
from chalicelib.domain.statement import StatementData

FONT_DIR = Path(__file__).resolve().parent.parent / "assets" / "fonts"
FONT_FILES = {REGULAR: FONT_DIR / "DejaVuSans.ttf", BOLD: FONT_DIR / "DejaVuSans-Bold.ttf"}
PRODUCER = "Exam Board results service"
# A fixed mask: choosing the best of eight by penalty score is what makes segno slow (~7 ms, not ~1 ms);
# any mask gives a valid symbol that decodes.
QR_MASK = 2
QR_ERROR = "m"


def _registered(path: Path) -> Type0TTFont:
    name = f"Statement-{path.stem}"  # our own name: another reportlab user may register DejaVu itself
    try:
        font = pdfmetrics.getFont(name)
    except KeyError:
        font = None
    if not isinstance(font, Type0TTFont):
        font = Type0TTFont(name, str(path))
        pdfmetrics.registerFont(font)
    return font


class StatementRenderer:
    """Renders statements; build one per process (fonts are parsed and registered here)."""

    def __init__(self) -> None:
        self.fonts = {i: _registered(path) for i, path in FONT_FILES.items()}
        self.static = static_ops(self.measure)

    def measure(self, font: int, text: str, size: float) -> float:
        return float(self.fonts[font].stringWidth(text, size))

    def qr_matrix(self, url: str) -> list[bytes]:
        qr = segno.make_qr(url, error=QR_ERROR, mask=QR_MASK, boost_error=False)
        return [bytes(row) for row in qr.matrix]

    def layout(self, data: StatementData) -> list[Op]:
        return variable_ops(data, self.measure, self.qr_matrix(clean(data.verification_url)))

    def render(self, data: StatementData) -> bytes:
        out = io.BytesIO()
        canvas = Canvas(out, pagesize=(PAGE_W, PAGE_H), pageCompression=1, invariant=1, pdfVersion=(1, 7),
                        initialFontName=self.fonts[REGULAR].fontName)
        canvas.setTitle(TITLE)
        canvas.setAuthor(BOARD_NAME)
        canvas.setSubject(clean(data.reference_number))
        canvas.setCreator(PRODUCER)
        canvas.setProducer(PRODUCER)
        self.draw(canvas, self.static + self.layout(data))
        canvas.showPage()
        canvas.save()
        return out.getvalue()

    def draw(self, canvas: Canvas, ops: list[Op]) -> None:
        text = None  # consecutive Text ops share one text object (one BT ... ET), placed by Tm each
        for op in ops:
            if isinstance(op, Text):
                if op.text:
                    if text is None:
                        text = canvas.beginText()
                    text.setFillColorRGB(*op.color)
                    text.setFont(self.fonts[op.font].fontName, op.size)
                    text.setTextOrigin(op.x, op.y)
                    text.textOut(op.text)
                continue
            if text is not None:
                canvas.drawText(text)
                text = None
            if isinstance(op, Rect):
                if op.fill is not None:
                    canvas.setFillColorRGB(*op.fill)
                if op.stroke is not None:
                    canvas.setStrokeColorRGB(*op.stroke)
                    canvas.setLineWidth(op.line_width)
                stroke, fill = int(op.stroke is not None), int(op.fill is not None)
                canvas.rect(op.x, op.y, op.w, op.h, stroke=stroke, fill=fill)
            elif isinstance(op, QrCode):  # one path of the dark runs, y down from the symbol's top-left
                canvas.setFillColorRGB(0, 0, 0)
                path = canvas.beginPath()
                m = op.module
                for row, col, length in op.runs:
                    path.rect(op.x + col * m, op.y - (row + 1) * m, length * m, m)
                canvas.drawPath(path, stroke=0, fill=1)
        if text is not None:
            canvas.drawText(text)
