"""Statement of Results PDF: real text, one A4 page, any script, missing values, long names."""

from __future__ import annotations

import io
import logging
import shutil
import subprocess
import sys
import warnings
from dataclasses import replace
from pathlib import Path

import pytest
from pypdf import PdfReader

from chalicelib.adapters.pdf import render_statement
from chalicelib.domain.statement import StatementData

A4 = (595.28, 841.89)
UNICODE_NAME = ("Zoë", "Łukasiewicz-Nguyễn")


def statement(**changes: object) -> StatementData:
    data = StatementData(
        first_name=UNICODE_NAME[0], family_name=UNICODE_NAME[1], date_of_birth="2004-03-09",
        id_number="AB1234567", centre_number="GB123", exam_code="FCE", exam_name="B2 First",
        exam_date="2025-06-14", exam_format="computer", overall_score=176, grade="B", cefr_level="B2",
        components=[("Reading", 175), ("Use of English", 180), ("Writing", 169), ("Listening", 182),
                    ("Speaking", 174)],
        reference_number="SOR-2025-000123-7K4Q",
        verification_url="https://results.example.org/verify/SOR-2025-000123-7K4Q?t=8f3a9c2b",
        issued_on="2025-07-20",
    )
    return replace(data, **changes)  # type: ignore[arg-type]


def read(pdf: bytes, caplog: pytest.LogCaptureFixture) -> PdfReader:
    """Parse strictly: any pypdf warning (logged or raised) fails the test."""
    with caplog.at_level(logging.WARNING, logger="pypdf"), warnings.catch_warnings():
        warnings.simplefilter("error")
        reader = PdfReader(io.BytesIO(pdf), strict=True)
        reader.pages[0].extract_text()
    assert [r for r in caplog.records if r.name.startswith("pypdf")] == []
    return reader


def text_of(pdf: bytes, caplog: pytest.LogCaptureFixture) -> str:
    return read(pdf, caplog).pages[0].extract_text()


def test_unicode_name_scores_grade_level_and_reference_are_real_text(
        caplog: pytest.LogCaptureFixture) -> None:
    # Given a statement for a candidate with a Polish/Vietnamese name
    data = statement()
    # When it is rendered
    text = text_of(render_statement(data), caplog)
    # Then the text can be extracted
    assert "Zoë Łukasiewicz-Nguyễn" in text
    assert "Statement of Results" in text
    assert "Exam Board English Qualifications" in text
    for name, score in data.components:
        assert f"{name} {score}" in text
    assert "176" in text and "B2" in text
    assert "176 B B2" in text  # overall score, grade, CEFR level
    assert data.reference_number in text
    assert "9 March 2004" in text and "AB1234567" in text and "GB123" in text
    assert "14 June 2025" in text and "Computer-based" in text


@pytest.mark.parametrize("first, family", [
    ("Ελένη", "Παπαδοπούλου"),
    ("Дмитрий", "Иванов"),
    ("Søren Ólafur", "Guðmundsdóttir Ní Bhraonáin"),
])
def test_greek_cyrillic_and_other_latin_names(first: str, family: str,
                                              caplog: pytest.LogCaptureFixture) -> None:
    text = text_of(render_statement(statement(first_name=first, family_name=family)), caplog)
    assert f"{first} {family}" in text


def test_one_a4_page_small_file_with_fonts_embedded_as_subsets(caplog: pytest.LogCaptureFixture) -> None:
    pdf = render_statement(statement())
    reader = read(pdf, caplog)
    assert pdf.startswith(b"%PDF-1.7") and pdf.rstrip().endswith(b"%%EOF")
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (float(box.width), float(box.height)) == pytest.approx(A4, abs=0.5)
    assert len(pdf) < 100_000
    fonts = reader.pages[0]["/Resources"]["/Font"]
    for key in ("/F1", "/F2"):
        font = fonts[key].get_object()
        assert font["/Subtype"] == "/Type0" and font["/Encoding"] == "/Identity-H"
        descendant = font["/DescendantFonts"][0].get_object()
        tag, _, name = str(descendant["/BaseFont"]).lstrip("/").partition("+")
        assert len(tag) == 6 and tag.isupper() and name.startswith("DejaVuSans")  # a subset
        program = descendant["/FontDescriptor"]["/FontFile2"].get_object().get_data()
        assert program[:4] == b"\x00\x01\x00\x00" and len(program) < 60_000


def test_missing_scores_grade_and_level_render_as_a_dash(caplog: pytest.LogCaptureFixture) -> None:
    data = statement(overall_score=None, grade=None, cefr_level=None,
                     components=[("Reading", 175), ("Speaking", None)])
    text = text_of(render_statement(data), caplog)
    assert "Speaking \u2013" in text
    assert "Reading 175" in text
    assert "\u2013 \u2013 \u2013" in text  # overall score, grade, CEFR level
    assert "None" not in text


def test_characters_absent_from_the_font_do_not_crash_and_still_extract(
        caplog: pytest.LogCaptureFixture) -> None:
    # DejaVu Sans has no CJK ideographs and no emoji: they are drawn as .notdef boxes
    data = statement(first_name="李\u5c0f\u9f8d", family_name="Smith \U0001F600", id_number="ID\x07 12")
    text = text_of(render_statement(data), caplog)
    assert "李小龍 Smith \U0001F600" in text
    assert "ID 12" in text  # control characters become spaces


def test_long_names_and_values_stay_on_the_page(caplog: pytest.LogCaptureFixture) -> None:
    from chalicelib.adapters.pdf import _get_renderer
    from chalicelib.adapters.pdf_layout import MARGIN, PAGE_W, Text

    long_name = statement(
        first_name="Αλέξανδρος Παναγιώτης Χριστοδουλόπουλος-Παπαδημητρίου Maximilian",
        family_name="Rahmaninov-Voznesenskiy von Schleswig-Holstein-Sonderburg-Glücksburg " * 3,
        exam_name="Certificate of Proficiency in English for Academic and Professional Purposes",
        centre_number="CENTRE-" + "9" * 60, reference_number="SOR-" + "X" * 120,
        components=[(f"Component with a rather long descriptive name number {i}", 100 + i)
                    for i in range(12)],
        verification_url="https://results.example.org/verify/" + "a" * 300,
    )
    renderer = _get_renderer()
    for op in renderer.layout(long_name):
        if isinstance(op, Text):
            right = op.x + renderer.measure(op.font, op.text, op.size)
            assert op.x >= MARGIN - 0.01 and right <= PAGE_W - MARGIN + 0.01, op
            assert op.size >= 4
    text = text_of(render_statement(long_name), caplog)
    assert "Χριστοδουλόπουλος" in text.replace("\n", " ")
    assert "Component with a rather long descriptive name number 11" in text


def test_a_single_unbreakable_long_name_is_wrapped_not_overflowing() -> None:
    from chalicelib.adapters.pdf import _get_renderer
    from chalicelib.adapters.pdf_layout import MARGIN, PAGE_W, Text

    renderer = _get_renderer()
    ops = renderer.layout(statement(first_name="", family_name="W" * 200))
    for op in ops:
        if isinstance(op, Text):
            assert op.x + renderer.measure(op.font, op.text, op.size) <= PAGE_W - MARGIN + 0.01


def test_rendering_is_deterministic() -> None:
    assert render_statement(statement()) == render_statement(statement())


def test_importing_the_adapter_is_cheap() -> None:
    heavy = "('reportlab', 'segno', 'chalicelib.adapters.pdf_writer')"
    code = f"import sys, chalicelib.adapters.pdf; print(sorted(m for m in {heavy} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[2])
    assert out.stdout.strip() == "[]"


@pytest.mark.skipif(not (shutil.which("pdftoppm") and shutil.which("zbarimg")),
                    reason="needs poppler-utils and zbar-tools")
def test_renders_cleanly_and_the_qr_code_decodes_to_the_verification_url(tmp_path: Path) -> None:
    data = statement(first_name="Ελένη", family_name="Дмитриевна-Nguyễn")
    pdf = tmp_path / "s.pdf"
    pdf.write_bytes(render_statement(data))
    raster = subprocess.run(["pdftoppm", "-png", "-r", "150", str(pdf), str(tmp_path / "s")],
                            capture_output=True, text=True, check=True)
    assert raster.stderr == ""  # poppler reports font or syntax errors here
    decoded = subprocess.run(["zbarimg", "-q", "--raw", str(tmp_path / "s-1.png")],
                             capture_output=True, text=True, check=True)
    assert decoded.stdout.strip() == data.verification_url


@pytest.mark.parametrize("changes", [
    {"components": []},
    {"first_name": "", "family_name": "", "id_number": "", "exam_name": "", "exam_date": "",
     "exam_format": "", "grade": "", "cefr_level": "", "reference_number": "", "issued_on": "",
     "date_of_birth": "not a date"},
    {"verification_url": ""},
    {"reference_number": "SOR\ud800(x)", "verification_url": "https://x.example/\udc00"},  # lone surrogates
    {"first_name": "a\u0301b\u0308c", "family_name": "\u200f\u202eRTL\ttab\nline"},
])
def test_empty_or_odd_values_do_not_crash(changes: dict[str, object],
                                          caplog: pytest.LogCaptureFixture) -> None:
    assert len(read(render_statement(statement(**changes)), caplog).pages) == 1


def test_each_character_gets_its_own_two_byte_code_until_they_run_out() -> None:
    from chalicelib.adapters.pdf_font import Type0TTFont
    from chalicelib.adapters.pdf_layout import REGULAR
    from chalicelib.adapters.pdf_writer import FONT_FILES

    class Doc:  # what the font needs of a reportlab document before it is saved
        def __init__(self) -> None:
            self.fontMapping: dict[str, str] = {}
            self.delayedFonts: list[object] = []

    font, doc = Type0TTFont("Test-DejaVuSans", str(FONT_FILES[REGULAR])), Doc()
    # characters the font lacks (CJK, emoji) are codes of their own too, so they extract as themselves
    assert font.splitString("A李\U0001F600A", doc) == [(0, b"\x00\x01\x00\x02\x00\x03\x00\x01")]
    assert font.getSubsetInternalName(0, doc) == "/F1" and doc.fontMapping == {"Test-DejaVuSans": "/F1"}
    many = "".join(map(chr, range(0x20000, 0x20000 + 0xD7FF - 3)))  # up to the last code, 0xD7FF
    assert font.splitString(many, doc)[0][1][-2:] == b"\xd7\xff"
    with pytest.raises(ValueError, match="too many distinct characters"):
        font.splitString("\u00e9", doc)
