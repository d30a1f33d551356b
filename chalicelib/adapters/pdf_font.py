"""reportlab's TrueType font, embedded as one Type0 (CIDFontType2, Identity-H) font per document.

reportlab parses the font, measures text and subsets the glyph program (``TTFontFace.makeSubset``,
``addSubsetObjects``); only the PDF font dictionaries differ from its ``TTFont``, which writes
simple fonts of 256 codes each, gives every character the font lacks the one code 0 (so it no
longer extracts as itself) and has no ToUnicode entries beyond the Basic Multilingual Plane.
Here each distinct character of the document gets its own two-byte code (CID, from 1), the
CIDToGIDMap points it at its glyph in the subset (.notdef if the font lacks it) and the ToUnicode
map gives the character back, so every name extracts as written.
"""
from __future__ import annotations

import hashlib
from typing import Any
from weakref import WeakKeyDictionary

from reportlab.pdfbase import pdfdoc
from reportlab.pdfbase.ttfonts import TTFont

_MAX_CID = 0xD7FF  # codes are written as UTF-16 code units (see splitString)


class _DocumentCodes:
    """The codes one document uses: CID n is ``chars[n - 1]``."""

    def __init__(self) -> None:
        self.cids: dict[str, int] = {}
        self.chars: list[str] = []
        self.name: str | None = None  # resource name, e.g. "F1"


class Type0TTFont(TTFont):  # type: ignore[misc]
    def __init__(self, name: str, filename: str) -> None:
        super().__init__(name, filename, shapable=False)
        self._documents: WeakKeyDictionary[Any, _DocumentCodes] = WeakKeyDictionary()

    def _codes(self, doc: Any) -> _DocumentCodes:
        codes = self._documents.get(doc)
        if codes is None:
            codes = self._documents[doc] = _DocumentCodes()
        return codes

    def splitString(self, text: str | bytes, doc: Any, encoding: str = "utf-8") -> list[tuple[int, bytes]]:
        """``text`` as two-byte codes, all in "subset" 0 (a Type0 font has room for every glyph)."""
        if isinstance(text, bytes):
            text = text.decode(encoding)
        codes = self._codes(doc)
        cids, chars = codes.cids, codes.chars
        for ch in text:
            if ch not in cids:
                if len(chars) >= _MAX_CID:
                    raise ValueError("too many distinct characters for one font in one document")
                chars.append(ch)
                cids[ch] = len(chars)
        # Each CID below U+D800 is one UTF-16 code unit: big-endian, that is the two-byte code.
        return [(0, "".join([chr(cids[ch]) for ch in text]).encode("utf-16-be"))]

    def getSubsetInternalName(self, subset: int, doc: Any) -> str:
        codes = self._codes(doc)
        if codes.name is None:
            codes.name = f"F{len(doc.fontMapping) + 1}"
            doc.fontMapping[self.fontName] = "/" + codes.name
            doc.delayedFonts.append(self)  # addObjects is called when the document is saved
        return "/" + codes.name

    def addObjects(self, doc: Any) -> None:
        codes = self._documents.pop(doc, None) or _DocumentCodes()
        assert codes.name is not None
        face = self.face
        points = [ord(ch) for ch in codes.chars]
        tag = bytes(65 + b % 26 for b in hashlib.md5("".join(codes.chars).encode("utf-8", "surrogatepass"),
                                                     usedforsecurity=False).digest()[:6]).decode("ascii")
        base_font = f"{tag}+{face.name.decode('latin-1')}"
        descriptor = face.addSubsetObjects(doc, base_font, points)  # glyph program subsetted by reportlab

        gids: dict[int, int] = {0: 0}  # old glyph -> new glyph, numbered as makeSubset numbers them
        cid_to_gid = bytearray(2)
        for point in points:
            gid = gids.setdefault(face.charToGlyph.get(point, 0), len(gids))
            cid_to_gid += gid.to_bytes(2, "big")
        widths = [round(face.getCharWidth(point)) for point in points]

        cidfont = pdfdoc.PDFDictionary({
            "Type": "/Font", "Subtype": "/CIDFontType2", "BaseFont": pdfdoc.PDFName(base_font),
            "CIDSystemInfo": pdfdoc.PDFDictionary({
                "Registry": pdfdoc.PDFString("Adobe"), "Ordering": pdfdoc.PDFString("Identity"),
                "Supplement": 0}),
            "FontDescriptor": descriptor,
            "DW": round(face.defaultWidth),
            "W": pdfdoc.PDFArray([1, pdfdoc.PDFArray(widths)]),
            "CIDToGIDMap": doc.Reference(_stream(doc, bytes(cid_to_gid)), f"cidToGid:{base_font}"),
        })
        font = pdfdoc.PDFDictionary({
            "Type": "/Font", "Subtype": "/Type0", "BaseFont": pdfdoc.PDFName(base_font),
            "Encoding": "/Identity-H",
            "DescendantFonts": pdfdoc.PDFArray([doc.Reference(cidfont, f"cidFont:{base_font}")]),
            "ToUnicode": doc.Reference(_stream(doc, to_unicode(codes.chars)), f"toUnicode:{base_font}"),
        })
        doc.Reference(font, codes.name)
        doc.idToObject["BasicFonts"].dict[codes.name] = pdfdoc.PDFObjectReference(codes.name)


def _stream(doc: Any, content: bytes) -> Any:
    stream = pdfdoc.PDFStream(content=content)
    if doc.compression:
        stream.filters = [pdfdoc.PDFZCompress]
    return stream


def to_unicode(chars: list[str]) -> bytes:
    """A ToUnicode CMap: CID n (two bytes) -> ``chars[n - 1]`` as UTF-16 (surrogate pairs beyond the BMP)."""
    entries = [f"<{cid:04X}> <{ch.encode('utf-16-be', 'surrogatepass').hex().upper()}>"
               for cid, ch in enumerate(chars, 1)]
    blocks = []
    for start in range(0, len(entries), 100):  # at most 100 entries per bfchar block
        chunk = entries[start:start + 100]
        blocks.append(f"{len(chunk)} beginbfchar\n" + "\n".join(chunk) + "\nendbfchar")
    return (
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
        "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
        + "\n".join(blocks)
        + "\nendcmap\nCMapName currentdict /CMap defineresource pop\nend\nend"
    ).encode("ascii")
