"""The fast Statement of Results writer: a hand-built PDF, static parts prepared once per process.

Per statement only this is done: lay out the variable text (pdf_layout), encode the QR code, write
the variable content stream with text as glyph ids, subset the two fonts (the base glyphs are
already laid out and deflated), and write the objects with their xref offsets. The static page
drawing is one precompressed content stream shared by every statement.

Objects: 1 Catalog, 2 Pages, 3 Page, 4 static content, 5 variable content, 6-10 the regular font
(Type0, CIDFontType2, FontDescriptor, FontFile2, ToUnicode), 11-15 the bold font, 16 Info.
"""

from __future__ import annotations

import hashlib
import zlib
from pathlib import Path

import segno

from chalicelib.adapters.pdf import StatementData
from chalicelib.adapters.pdf_font import FontSubsetter, SubsetResult, TrueTypeFont
from chalicelib.adapters.pdf_layout import (
    BASE_CHARS,
    BOLD,
    PAGE_H,
    PAGE_W,
    REGULAR,
    TITLE,
    Color,
    Op,
    QrCode,
    Rect,
    Text,
    clean,
    static_ops,
    variable_ops,
)

FONT_DIR = Path(__file__).resolve().parent.parent / "assets" / "fonts"
FONT_FILES = {REGULAR: FONT_DIR / "DejaVuSans.ttf", BOLD: FONT_DIR / "DejaVuSans-Bold.ttf"}
PRODUCER = "Exam Board results service"
# A fixed mask: choosing the best of eight by penalty score is what makes segno slow (~7 ms, not ~1 ms);
# any mask gives a valid symbol that decodes.
QR_MASK = 2
QR_ERROR = "m"


def _num(value: float) -> str:
    if value == int(value):
        return str(int(value))
    return f"{value:.3f}".rstrip("0").rstrip(".")


def _color(color: Color) -> str:
    return " ".join(_num(c) for c in color)


def _pdf_text_string(text: str) -> bytes:
    return b"<FEFF" + text.encode("utf-16-be").hex().upper().encode("ascii") + b">"


class _Encoder:
    """Text -> hex glyph-id strings for one font, with a cache of the base characters' codes."""

    def __init__(self, cids: dict[str, int]) -> None:
        self.codes = {ch: f"{cid:04X}" for ch, cid in cids.items()}

    def encode(self, text: str, subset: SubsetResult) -> str:
        codes = self.codes
        try:
            return "".join([codes[ch] for ch in text])
        except KeyError:
            cids = subset.cids
            return "".join([codes.get(ch) or f"{cids[ch]:04X}" for ch in text])


def content_stream(ops: list[Op], encoders: dict[int, _Encoder], subsets: dict[int, SubsetResult]) -> bytes:
    """PDF drawing operators for ``ops``."""
    out: list[str] = []
    fill: Color | None = None
    in_text = False
    font: tuple[int, float] | None = None
    for op in ops:
        if isinstance(op, Text):
            if not op.text:
                continue
            if not in_text:
                out.append("BT")
                in_text = True
            if op.color != fill:
                fill = op.color
                out.append(f"{_color(fill)} rg")
            if (op.font, op.size) != font:
                font = (op.font, op.size)
                out.append(f"/F{op.font + 1} {_num(op.size)} Tf")
            hexed = encoders[op.font].encode(op.text, subsets[op.font])
            out.append(f"1 0 0 1 {_num(op.x)} {_num(op.y)} Tm <{hexed}> Tj")
            continue
        if in_text:
            out.append("ET")
            in_text = False
            font = None
        if isinstance(op, Rect):
            rect = f"{_num(op.x)} {_num(op.y)} {_num(op.w)} {_num(op.h)} re"
            if op.fill is not None and op.fill != fill:
                fill = op.fill
                out.append(f"{_color(fill)} rg")
            if op.stroke is not None:
                out.append(f"{_color(op.stroke)} RG {_num(op.line_width)} w")
                out.append(f"{rect} {'B' if op.fill is not None else 'S'}")
            else:
                out.append(f"{rect} f")
        elif isinstance(op, QrCode):
            # Module units, y down from the symbol's top-left; one path, one fill.
            out.append(f"q 0 0 0 rg {_num(op.module)} 0 0 {_num(-op.module)} {_num(op.x)} {_num(op.y)} cm")
            out.append("\n".join([f"{c} {r} {n} 1 re" for r, c, n in op.runs]))
            out.append("f Q")
    if in_text:
        out.append("ET")
    return "\n".join(out).encode("ascii")


def _stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d /Filter /FlateDecode%s >>\nstream\n%s\nendstream" % (len(data), extra, data)


class StatementRenderer:
    """Renders statements; build one per process (font parsing and static drawing happen here)."""

    def __init__(self) -> None:
        self.subsetters = {i: FontSubsetter(TrueTypeFont(path), BASE_CHARS) for i, path in FONT_FILES.items()}
        self.encoders = {i: _Encoder(s.base_cids) for i, s in self.subsetters.items()}
        base = {i: s.base_result for i, s in self.subsetters.items()}
        static = static_ops(self.measure)
        for op in static:
            if isinstance(op, Text):
                missing = set(op.text) - set(BASE_CHARS)
                assert not missing, f"static text uses characters outside the base: {missing}"
        self._static_content = _stream(zlib.compress(content_stream(static, self.encoders, base), 9))
        self._font_consts = {}
        for i, sub in self.subsetters.items():
            font = sub.font
            scale = 1000.0 / font.units_per_em
            name = Path(FONT_FILES[i]).stem.replace(" ", "")
            bbox = " ".join(str(round(v * scale)) for v in font.bbox)
            descriptor = (
                f"/Flags 32 /FontBBox [{bbox}] /ItalicAngle {_num(font.italic_angle)} "
                f"/Ascent {round(font.ascent * scale)} /Descent {round(font.descent * scale)} "
                f"/CapHeight {round(font.cap_height * scale)} /StemV {120 if i == BOLD else 80}"
            )
            self._font_consts[i] = (name.encode("ascii"), descriptor.encode("ascii"))
        page = (
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %s %s] "
            b"/Resources << /Font << /F1 6 0 R /F2 11 0 R >> /ProcSet [/PDF /Text] >> "
            b"/Contents [4 0 R 5 0 R] >>" % (_num(PAGE_W).encode(), _num(PAGE_H).encode())
        )
        self._head_objects = [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            page,
            self._static_content,
        ]

    def measure(self, font: int, text: str, size: float) -> float:
        return self.subsetters[font].text_width(text, size)

    def qr_matrix(self, url: str) -> list[bytes]:
        qr = segno.make_qr(url, error=QR_ERROR, mask=QR_MASK, boost_error=False)
        return [bytes(row) for row in qr.matrix]

    def layout(self, data: StatementData) -> list[Op]:
        return variable_ops(data, self.measure, self.qr_matrix(clean(data.verification_url)))

    def _font_objects(self, index: int, first: int, subset: SubsetResult) -> list[bytes]:
        name, descriptor = self._font_consts[index]
        base_font = b"/" + subset.tag.encode("ascii") + b"+" + name
        program, length1 = subset.font_program
        return [
            b"<< /Type /Font /Subtype /Type0 /BaseFont %s /Encoding /Identity-H /DescendantFonts [%d 0 R] "
            b"/ToUnicode %d 0 R >>" % (base_font, first + 1, first + 4),
            b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont %s "
            b"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> "
            b"/FontDescriptor %d 0 R /CIDToGIDMap /Identity /DW 1000 /W %s >>"
            % (base_font, first + 2, subset.widths),
            b"<< /Type /FontDescriptor /FontName %s %s /FontFile2 %d 0 R >>"
            % (base_font, descriptor, first + 3),
            _stream(program, b" /Length1 %d" % length1),
            _stream(zlib.compress(subset.to_unicode, 6)),
        ]

    def render(self, data: StatementData) -> bytes:
        ops = self.layout(data)
        chars: dict[int, set[str]] = {REGULAR: set(), BOLD: set()}
        for op in ops:
            if isinstance(op, Text):
                chars[op.font].update(op.text)
        subsets = {i: sub.subset(chars[i]) for i, sub in self.subsetters.items()}
        content = zlib.compress(content_stream(ops, self.encoders, subsets), 6)

        objects = list(self._head_objects)
        objects.append(_stream(content))
        objects += self._font_objects(REGULAR, 6, subsets[REGULAR])
        objects += self._font_objects(BOLD, 11, subsets[BOLD])
        info = b"<< /Title %s /Subject %s /Creator %s /Producer %s" % (
            _pdf_text_string(TITLE), _pdf_text_string(clean(data.reference_number)),
            _pdf_text_string(PRODUCER), _pdf_text_string(PRODUCER))
        issued = data.issued_on.replace("-", "")
        if len(issued) == 8 and issued.isdigit():
            info += b" /CreationDate (D:%s000000Z)" % issued.encode("ascii")
        objects.append(info + b" >>")
        return self._assemble(objects, data)

    @staticmethod
    def _assemble(objects: list[bytes], data: StatementData) -> bytes:
        out = [b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"]
        pos = len(out[0])
        offsets = []
        for number, body in enumerate(objects, 1):
            chunk = b"%d 0 obj\n%s\nendobj\n" % (number, body)
            offsets.append(pos)
            pos += len(chunk)
            out.append(chunk)
        out.append(b"xref\n0 %d\n0000000000 65535 f\r\n" % (len(objects) + 1))
        out.append(b"".join([b"%010d 00000 n\r\n" % off for off in offsets]))
        key = f"{data.reference_number}|{data.issued_on}".encode("utf-8", "replace")
        doc_id = hashlib.md5(key, usedforsecurity=False)
        hex_id = doc_id.hexdigest().encode("ascii")
        out.append(
            b"trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R /ID [<%s> <%s>] >>\nstartxref\n%d\n%%%%EOF\n"
            % (len(objects) + 1, len(objects), hex_id, hex_id, pos)
        )
        return b"".join(out)
