"""Where everything goes on the Statement of Results page, as a list of drawing operations.

The layout is independent of how the PDF is written (:mod:`pdf_writer` draws the operations with
reportlab). Text is measured with the embedded font's advance widths (``Measure``), so long
values shrink, wrap or are cut to fit.
Coordinates are PDF points, origin bottom-left, A4 portrait.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from chalicelib.domain.statement import StatementData

PAGE_W = 595.276
PAGE_H = 841.89
MARGIN = 50.0
CONTENT_W = PAGE_W - 2 * MARGIN

REGULAR, BOLD = 0, 1
BOARD_NAME = "Exam Board English Qualifications"
TITLE = "Statement of Results"
DASH = "\u2013"  # en dash: shown for a missing score, grade or level
ELLIPSIS = "\u2026"

Color = tuple[float, float, float]
NAVY: Color = (0.055, 0.184, 0.357)
INK: Color = (0.10, 0.11, 0.13)
GREY: Color = (0.37, 0.39, 0.43)
RULE: Color = (0.78, 0.80, 0.85)
PANEL: Color = (0.93, 0.95, 0.98)
WHITE: Color = (1.0, 1.0, 1.0)
PALE: Color = (0.78, 0.84, 0.93)

Measure = Callable[[int, str, float], float]  # (font, text, size) -> width in points


class Text(NamedTuple):
    font: int
    size: float
    x: float  # left end of the baseline
    y: float
    text: str
    color: Color


class Rect(NamedTuple):
    x: float
    y: float
    w: float
    h: float
    fill: Color | None
    stroke: Color | None
    line_width: float = 0.5


class QrCode(NamedTuple):
    x: float  # top-left corner of the symbol (inside its quiet zone)
    y: float
    module: float  # side of one module in points
    runs: list[tuple[int, int, int]]  # dark runs: (row, first column, length)


Op = Text | Rect | QrCode

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December")
_FORMATS = {"paper": "Paper-based", "computer": "Computer-based"}

FOOTNOTE = (
    f"This statement is issued by {BOARD_NAME} and records the results shown above. To check that "
    "it is genuine, scan the QR code or open the address printed beneath it: the details shown "
    "there must match this document. Results are reported on the English Scale; levels follow the "
    "Common European Framework of Reference (CEFR)."
)


def clean(text: str) -> str:
    """NFC-normalised text with control and other non-printing characters turned into spaces."""
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
    if not text.isprintable():
        text = "".join(ch if ch.isprintable() else " " for ch in text)
    return " ".join(text.split()) if "  " in text else text.strip()


def format_date(value: str) -> str:
    """"2025-06-14" -> "14 June 2025"; anything else is shown as given."""
    parts = value.split("-")
    if len(parts) == 3 and all(p.isdigit() for p in parts) and 1 <= int(parts[1]) <= 12:
        return f"{int(parts[2])} {_MONTHS[int(parts[1]) - 1]} {parts[0]}"
    return clean(value)


def format_score(value: int | None) -> str:
    return DASH if value is None else str(value)


def fit_line(measure: Measure, font: int, text: str, size: float, max_width: float,
             min_size: float = 6.0) -> tuple[str, float]:
    """Shrink ``text`` to fit ``max_width`` on one line; below ``min_size``, cut it with an ellipsis."""
    width = measure(font, text, size)
    if width <= max_width:
        return text, size
    scaled = size * max_width / width
    if scaled >= min_size:
        return text, int(scaled * 4) / 4.0  # quarter points, rounded down
    while text and measure(font, text + ELLIPSIS, min_size) > max_width:
        text = text[:-1]
    return text.rstrip() + ELLIPSIS, min_size


def wrap(measure: Measure, font: int, text: str, size: float, max_width: float) -> list[str]:
    """Break ``text`` into lines at spaces (and after hyphens); over-long words are broken anywhere."""
    words = re.findall(r"\S+?(?:-|(?=\s)|$)\s*", text)
    lines: list[str] = []
    line = ""
    for word in words:
        candidate = line + word
        if measure(font, candidate.rstrip(), size) <= max_width:
            line = candidate
            continue
        if line:
            lines.append(line.rstrip())
        line = ""
        while measure(font, word.rstrip(), size) > max_width:  # a word wider than the line
            cut = len(word) - 1
            while cut > 1 and measure(font, word[:cut], size) > max_width:
                cut -= 1
            lines.append(word[:cut])
            word = word[cut:]
        line = word
    if line.strip():
        lines.append(line.rstrip())
    return lines


def wrap_anywhere(measure: Measure, font: int, text: str, size: float, max_width: float) -> list[str]:
    """Break ``text`` (an address, say) into full lines, anywhere."""
    lines = []
    while text:
        cut = len(text)
        while cut > 1 and measure(font, text[:cut], size) > max_width:
            cut = max(1, min(cut - 1, int(cut * max_width / measure(font, text[:cut], size)) + 1))
        lines.append(text[:cut])
        text = text[cut:]
    return lines


def fit_block(measure: Measure, font: int, text: str, max_size: float, min_size: float, max_width: float,
              max_height: float, leading: float = 1.2) -> tuple[list[str], float]:
    """The largest size (down to ``min_size``) at which ``text`` fits the box, wrapped if need be."""
    size = max_size
    while True:
        if measure(font, text, size) <= max_width:
            return [text], size
        lines = wrap(measure, font, text, size, max_width)
        if len(lines) * size * leading <= max_height or size <= min_size:
            break
        size = max(min_size, size - 1)
    max_lines = max(1, int(max_height // (size * leading)))
    if len(lines) > max_lines:
        last = " ".join(lines[max_lines - 1 :])
        lines = lines[: max_lines - 1] + [fit_line(measure, font, last, size, max_width, size)[0]]
    return lines, size


def _centred(measure: Measure, font: int, text: str, size: float, cx: float, y: float, color: Color,
             max_width: float) -> Text:
    text, size = fit_line(measure, font, text, size, max_width)
    return Text(font, size, cx - measure(font, text, size) / 2, y, text, color)


def _right(measure: Measure, font: int, text: str, size: float, right: float, y: float, color: Color,
           max_width: float) -> Text:
    text, size = fit_line(measure, font, text, size, max_width)
    return Text(font, size, right - measure(font, text, size), y, text, color)


# Geometry shared by the static and the variable parts.
_COLUMNS = (MARGIN, MARGIN + 170, MARGIN + 340)
_COLUMN_W = 150.0
_RESULTS_Y, _RESULTS_H = 382.0, 80.0
_TABLE_TOP, _TABLE_BOTTOM = 352.0, 214.0
_QR_SIZE = 104.0
_QR_COLUMN_W = 150.0  # the QR code, its caption and the address, centred in a column on the right
_QR_CX = PAGE_W - MARGIN - _QR_COLUMN_W / 2
_QR_X, _QR_Y = _QR_CX - _QR_SIZE / 2, 100.0  # bottom-left of the QR area (with quiet zone)
_LEFT_W = PAGE_W - MARGIN - _QR_COLUMN_W - MARGIN - 20  # the block left of the QR column


def static_ops(measure: Measure) -> list[Op]:
    """Everything that is the same on every statement."""
    ops: list[Op] = [
        Rect(0, PAGE_H - 72, PAGE_W, 72, NAVY, None),
        Rect(0, PAGE_H - 76, PAGE_W, 4, PALE, None),
        Text(BOLD, 17, MARGIN, PAGE_H - 38, BOARD_NAME, WHITE),
        Text(REGULAR, 9, MARGIN, PAGE_H - 55, "Official results document", PALE),
        Text(BOLD, 26, MARGIN, 728, TITLE, NAVY),
        Rect(MARGIN, 694, CONTENT_W, 0.8, RULE, None),
        Text(BOLD, 8, MARGIN, 672, "CANDIDATE", NAVY),
        Text(BOLD, 8, MARGIN, 548, "EXAMINATION", NAVY),
        Text(BOLD, 8, MARGIN, 476, "RESULTS", NAVY),
        Rect(MARGIN, _RESULTS_Y, CONTENT_W, _RESULTS_H, PANEL, None),
        Text(BOLD, 9, MARGIN + 10, _TABLE_TOP + 8, "Component", GREY),
        Rect(MARGIN, _TABLE_TOP, CONTENT_W, 0.8, NAVY, None),
        Text(REGULAR, 8, MARGIN, 196, "Reference number", GREY),
        Text(REGULAR, 8, MARGIN, 158, "Date of issue", GREY),
        Rect(_QR_X, _QR_Y, _QR_SIZE, _QR_SIZE, None, RULE, 0.5),
        Rect(MARGIN, 56, CONTENT_W, 0.5, RULE, None),
        Text(REGULAR, 7, MARGIN, 44, f"{BOARD_NAME} \u00b7 {TITLE}", GREY),
    ]
    ops.append(_right(measure, BOLD, "Score", 9, PAGE_W - MARGIN - 10, _TABLE_TOP + 8, GREY, 100))
    ops.append(_right(measure, REGULAR, "Page 1 of 1", 7, PAGE_W - MARGIN, 44, GREY, 100))
    ops.append(_centred(measure, BOLD, "Scan to verify", 8, _QR_CX, _QR_Y - 11, NAVY, 150))
    for x, label in zip(_COLUMNS, ("Date of birth", "Candidate ID number", "Centre number")):
        ops.append(Text(REGULAR, 8, x, 600, label, GREY))
    for x, label in zip(_COLUMNS, ("Examination", "Date of examination", "Format")):
        ops.append(Text(REGULAR, 8, x, 528, label, GREY))
    col_w = CONTENT_W / 3
    for i, label in enumerate(("Overall score", "Grade", "CEFR level")):
        cx = MARGIN + col_w * (i + 0.5)
        ops.append(_centred(measure, REGULAR, label, 9, cx, _RESULTS_Y + _RESULTS_H - 20, GREY, col_w - 10))
    for i in (1, 2):
        ops.append(Rect(MARGIN + col_w * i, _RESULTS_Y + 12, 0.6, _RESULTS_H - 24, RULE, None))
    y = 116.0
    for line in wrap(measure, REGULAR, FOOTNOTE, 7, _LEFT_W):
        ops.append(Text(REGULAR, 7, MARGIN, y, line, GREY))
        y -= 9.5
    return ops


def qr_runs(matrix: list[bytes]) -> list[tuple[int, int, int]]:
    """Horizontal runs of dark modules, row by row, from a QR matrix of 0/1 bytes."""
    runs = []
    for row, cells in enumerate(matrix):
        for m in re.finditer(b"\x01+", cells):
            runs.append((row, m.start(), m.end() - m.start()))
    return runs


def variable_ops(data: StatementData, measure: Measure, qr_matrix: list[bytes]) -> list[Op]:
    """Everything that depends on the statement."""
    ops: list[Op] = []
    exam_name = clean(data.exam_name)
    text, size = fit_line(measure, REGULAR, exam_name, 13, CONTENT_W, 8)
    ops.append(Text(REGULAR, size, MARGIN, 708, text, GREY))

    name = clean(f"{clean(data.first_name)} {clean(data.family_name)}")
    lines, size = fit_block(measure, BOLD, name, 20, 7, CONTENT_W, 42)
    leading = size * 1.2
    y = 642.0 if len(lines) == 1 else 664 - size
    for line in lines:
        ops.append(Text(BOLD, size, MARGIN, y, line, INK))
        y -= leading

    values = (format_date(data.date_of_birth), clean(data.id_number), clean(data.centre_number))
    for x, value in zip(_COLUMNS, values):
        text, size = fit_line(measure, REGULAR, value, 11, _COLUMN_W)
        ops.append(Text(REGULAR, size, x, 585, text, INK))
    exam_format = _FORMATS.get(data.exam_format.lower(), clean(data.exam_format))
    exam = exam_name if not data.exam_code else f"{exam_name} ({clean(data.exam_code)})"
    for x, value in zip(_COLUMNS, (exam, format_date(data.exam_date), exam_format)):
        text, size = fit_line(measure, REGULAR, value, 11, _COLUMN_W)
        ops.append(Text(REGULAR, size, x, 513, text, INK))

    col_w = CONTENT_W / 3
    results = (format_score(data.overall_score), clean(data.grade or "") or DASH,
               clean(data.cefr_level or "") or DASH)
    for i, value in enumerate(results):
        cx = MARGIN + col_w * (i + 0.5)
        ops.append(_centred(measure, BOLD, value, 28, cx, _RESULTS_Y + 20, NAVY, col_w - 16))

    n = max(1, len(data.components))
    row_h = min(22.0, (_TABLE_TOP - _TABLE_BOTTOM) / n)
    size = min(11.0, row_h * 0.62)
    top = _TABLE_TOP
    for i, (component, score) in enumerate(data.components):
        if i % 2:
            ops.append(Rect(MARGIN, top - row_h, CONTENT_W, row_h, PANEL, None))
        baseline = top - row_h / 2 - size * 0.36
        text, fsize = fit_line(measure, REGULAR, clean(component), size, CONTENT_W - 120, min(size, 5))
        ops.append(Text(REGULAR, fsize, MARGIN + 10, baseline, text, INK))
        ops.append(_right(measure, BOLD, format_score(score), size, PAGE_W - MARGIN - 10, baseline, INK, 90))
        top -= row_h
    ops.append(Rect(MARGIN, top - 0.5, CONTENT_W, 0.5, RULE, None))

    text, size = fit_line(measure, BOLD, clean(data.reference_number), 13, _LEFT_W)
    ops.append(Text(BOLD, size, MARGIN, 180, text, INK))
    text, size = fit_line(measure, REGULAR, format_date(data.issued_on), 11, _LEFT_W)
    ops.append(Text(REGULAR, size, MARGIN, 144, text, INK))

    count = len(qr_matrix)
    module = _QR_SIZE / (count + 8)
    ops.append(QrCode(_QR_X + 4 * module, _QR_Y + _QR_SIZE - 4 * module, module, qr_runs(qr_matrix)))
    y = _QR_Y - 20
    most = 3
    code = clean(data.check_code)
    if code:  # the check code, bold, under the caption; the address beneath it in two lines at most
        for line in wrap_anywhere(measure, BOLD, code, 7, _QR_COLUMN_W)[:2]:
            ops.append(_centred(measure, BOLD, line, 7, _QR_CX, y, INK, _QR_COLUMN_W))
            y -= 8.4
        most = 2
    url_lines = wrap_anywhere(measure, REGULAR, clean(data.verification_url), 6, _QR_COLUMN_W)
    if len(url_lines) > most:
        rest = "".join(url_lines[most - 1:])
        url_lines = url_lines[:most - 1] + [fit_line(measure, REGULAR, rest, 6, _QR_COLUMN_W, 6)[0]]
    for line in url_lines:
        ops.append(_centred(measure, REGULAR, line, 6, _QR_CX, y, GREY, _QR_COLUMN_W))
        y -= 7.2
    return ops
