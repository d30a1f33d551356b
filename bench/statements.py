"""Statement of Results rendering rate: the service's renderer against plain reportlab.

Both draw the same page (the same layout operations, the same DejaVu Sans TTF fonts, the same QR
matrix), single-threaded, in the same run. ``python -m bench.statements`` prints one figure a line.
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from typing import Any

from chalicelib.adapters.pdf import StatementData, render_statement

FIRST_NAMES = ["Zoë", "John", "Ελένη", "Дмитрий", "María José", "Nguyễn Thị", "Søren", "Ana-Lucía",
               "Oluwaseun", "Chloé", "Jürgen", "Αλέξανδρος", "Ольга", "Łucja", "Siobhán", "Ahmed", "Priya",
               "Björk"]
FAMILY_NAMES = ["Łukasiewicz-Nguyễn", "Smith", "Παπαδοπούλου", "Иванов", "García Pérez", "Thị Minh Khai",
                "Kierkegaard", "Fernández de Córdoba", "Adébáyọ̀", "Dupont-Lefèvre", "Müller", "Οικονόμου",
                "Кузнецова", "Wójcik", "Ní Bhraonáin", "Al-Rashid", "Venkataraman", "Guðmundsdóttir"]
EXAMS = [("FCE", "B2 First"), ("CAE", "C1 Advanced"), ("CPE", "C2 Proficiency"), ("PET", "B1 Preliminary")]


def statements(n: int) -> list[StatementData]:
    out = []
    for i in range(n):
        code, exam = EXAMS[i % len(EXAMS)]
        token = (i * 2654435761) % 2**32
        scores = [160 + (i * 7 + k * 13) % 50 for k in range(5)]
        out.append(StatementData(
            first_name=FIRST_NAMES[i % len(FIRST_NAMES)],
            family_name=FAMILY_NAMES[(i * 7) % len(FAMILY_NAMES)],
            date_of_birth=f"{1990 + i % 20}-{1 + i % 12:02d}-{1 + i % 28:02d}",
            id_number=f"ID{100000 + i * 37}",
            centre_number=f"GB{100 + i % 400}",
            exam_code=code, exam_name=exam, exam_date="2025-06-14",
            exam_format="paper" if i % 3 else "computer",
            overall_score=sum(scores) // 5, grade="ABC"[i % 3], cefr_level=exam[:2],
            components=[("Reading", scores[0]), ("Use of English", scores[1]), ("Writing", scores[2]),
                        ("Listening", scores[3]), ("Speaking", None if i % 11 == 0 else scores[4])],
            reference_number=f"SOR-2025-{i:06d}-{(i * 7919) % 10000:04d}",
            verification_url=f"https://results.example.org/verify/SOR-2025-{i:06d}?t={token:08x}",
            issued_on="2025-07-20",
        ))
    return out


def reportlab_renderer() -> Callable[[StatementData], bytes]:
    """A plain reportlab rendering of the same page with the same TTF fonts (reportlab subsets them)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    from chalicelib.adapters.pdf_layout import PAGE_H, PAGE_W, QrCode, Rect, Text, static_ops
    from chalicelib.adapters.pdf_writer import FONT_FILES, StatementRenderer

    names = {}
    for index, path in FONT_FILES.items():
        names[index] = path.stem
        pdfmetrics.registerFont(TTFont(path.stem, str(path)))
    layout = StatementRenderer()  # only for the layout: the same operations as the fast writer draws
    static = static_ops(layout.measure)

    def render(data: StatementData) -> bytes:
        buf = io.BytesIO()
        c = canvas.Canvas(buf, pagesize=(PAGE_W, PAGE_H), pageCompression=1)
        c.setTitle("Statement of Results")
        for op in static + layout.layout(data):
            if isinstance(op, Text):
                c.setFillColorRGB(*op.color)
                c.setFont(names[op.font], op.size)
                c.drawString(op.x, op.y, op.text)
            elif isinstance(op, Rect):
                if op.fill is not None:
                    c.setFillColorRGB(*op.fill)
                if op.stroke is not None:
                    c.setStrokeColorRGB(*op.stroke)
                    c.setLineWidth(op.line_width)
                stroke, fill = int(op.stroke is not None), int(op.fill is not None)
                c.rect(op.x, op.y, op.w, op.h, stroke=stroke, fill=fill)
            elif isinstance(op, QrCode):
                c.setFillColorRGB(0, 0, 0)
                path = c.beginPath()
                m = op.module
                for row, col, length in op.runs:
                    path.rect(op.x + col * m, op.y - (row + 1) * m, length * m, m)
                c.drawPath(path, stroke=0, fill=1)
        c.showPage()
        c.save()
        return buf.getvalue()

    return render


def _rate(render: Callable[[StatementData], Any], items: list[StatementData]) -> float:
    render(items[0])  # warm: fonts loaded, static parts built
    start = time.perf_counter()
    for item in items:
        render(item)
    return len(items) / (time.perf_counter() - start)


def run(n: int = 600, n_baseline: int = 120) -> dict[str, float]:
    fast = _rate(render_statement, statements(n))
    baseline = _rate(reportlab_renderer(), statements(n_baseline))
    return {"statements_per_s": round(fast, 1), "statements_vs_baseline": round(fast / baseline, 2)}


if __name__ == "__main__":
    for name, value in run().items():
        print(f"{name}: {value}")
