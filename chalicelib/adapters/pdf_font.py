"""A small TrueType reader and a fast incremental subsetter for PDF embedding.

The font is parsed once per process. Every character used in a document gets its own CID, and
CID == glyph id in the embedded subset (``/CIDToGIDMap /Identity``), so one subset serves the
content stream (glyph ids as 2-byte codes), the ``/W`` widths and the ToUnicode CMap.

A :class:`FontSubsetter` is built once with a *base* character set (ASCII and every character of
the static page text): their glyphs, widths and CMap entries are laid out once and stay at fixed
CIDs 1..K, so the static parts of the page never change. Per document only the extra characters
(accents, other scripts) are appended after the base.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterable
from pathlib import Path

_ARG_1_AND_2_ARE_WORDS = 0x0001
_WE_HAVE_A_SCALE = 0x0008
_MORE_COMPONENTS = 0x0020
_WE_HAVE_AN_X_AND_Y_SCALE = 0x0040
_WE_HAVE_A_TWO_BY_TWO = 0x0080

# Tables copied unchanged into every subset (when the font has them): hinting programs and metrics
# the rasterisers read. cmap is not needed: a CIDFontType2 with /CIDToGIDMap /Identity maps codes
# straight to glyph ids.
_STATIC_TABLES = (b"OS/2", b"cvt ", b"fpgm", b"prep")


def _checksum(data: bytes) -> int:
    if len(data) % 4:
        data += b"\0" * (4 - len(data) % 4)
    return sum(struct.unpack(f">{len(data) // 4}I", data)) & 0xFFFFFFFF


def _pad4(data: bytes) -> bytes:
    return data + b"\0" * (-len(data) % 4)


class TrueTypeFont:
    """The parts of a TrueType (glyf-outline) font needed to subset it and measure text."""

    def __init__(self, path: Path | str) -> None:
        self.data = data = Path(path).read_bytes()
        if data[:4] not in (b"\x00\x01\x00\x00", b"true"):
            raise ValueError(f"{path}: not a TrueType font with glyf outlines")
        (num_tables,) = struct.unpack_from(">H", data, 4)
        self.tables: dict[bytes, tuple[int, int]] = {}
        for i in range(num_tables):
            tag, _cs, off, length = struct.unpack_from(">4sIII", data, 12 + 16 * i)
            self.tables[tag] = (off, length)
        head = self.table(b"head")
        self.units_per_em: int = struct.unpack_from(">H", head, 18)[0]
        self.bbox: tuple[int, int, int, int] = struct.unpack_from(">hhhh", head, 36)
        loca_format: int = struct.unpack_from(">h", head, 50)[0]
        hhea = self.table(b"hhea")
        self.ascent: int
        self.descent: int
        self.ascent, self.descent = struct.unpack_from(">hh", hhea, 4)
        n_hmetrics: int = struct.unpack_from(">H", hhea, 34)[0]
        self.num_glyphs: int = struct.unpack_from(">H", self.table(b"maxp"), 4)[0]

        hmtx = self.table(b"hmtx")
        metrics = list(struct.iter_unpack(">Hh", hmtx[: 4 * n_hmetrics]))
        last_advance = metrics[-1][0]
        extra_lsb = struct.unpack_from(f">{self.num_glyphs - n_hmetrics}h", hmtx, 4 * n_hmetrics)
        self.hmetrics: list[tuple[int, int]] = metrics + [(last_advance, lsb) for lsb in extra_lsb]

        loca = self.table(b"loca")
        if loca_format == 0:
            self.loca = [2 * v for v in struct.unpack_from(f">{self.num_glyphs + 1}H", loca)]
        else:
            self.loca = list(struct.unpack_from(f">{self.num_glyphs + 1}I", loca))
        self.glyf_offset = self.tables[b"glyf"][0]
        self.cmap: dict[int, int] = self._read_cmap()

        post = self.table(b"post")
        self.italic_angle = struct.unpack_from(">i", post, 4)[0] / 65536.0
        cap_gid = self.cmap.get(ord("H"), 0)
        glyph = self.glyph(cap_gid)
        self.cap_height: int = struct.unpack_from(">h", glyph, 8)[0] if glyph else self.ascent

    def table(self, tag: bytes) -> bytes:
        off, length = self.tables[tag]
        return self.data[off : off + length]

    def glyph(self, gid: int) -> bytes:
        start = self.glyf_offset + self.loca[gid]
        return self.data[start : self.glyf_offset + self.loca[gid + 1]]

    def _read_cmap(self) -> dict[int, int]:
        cmap = self.table(b"cmap")
        (n_sub,) = struct.unpack_from(">H", cmap, 2)
        subtables: dict[tuple[int, int, int], int] = {}
        for i in range(n_sub):
            platform, encoding, offset = struct.unpack_from(">HHI", cmap, 4 + 8 * i)
            (fmt,) = struct.unpack_from(">H", cmap, offset)
            subtables[(platform, encoding, fmt)] = offset
        result: dict[int, int] = {}
        for key in ((3, 10, 12), (0, 4, 12), (0, 6, 12)):
            if key in subtables:
                off = subtables[key]
                (n_groups,) = struct.unpack_from(">I", cmap, off + 12)
                for start, end, gid in struct.iter_unpack(">III", cmap[off + 16 : off + 16 + 12 * n_groups]):
                    for cp in range(start, end + 1):
                        result[cp] = gid + cp - start
                return result
        for key in ((3, 1, 4), (0, 3, 4), (0, 4, 4), (0, 0, 4), (0, 1, 4), (0, 2, 4)):
            if key in subtables:
                off = subtables[key]
                seg2 = struct.unpack_from(">H", cmap, off + 6)[0]
                seg = seg2 // 2
                ends = struct.unpack_from(f">{seg}H", cmap, off + 14)
                starts = struct.unpack_from(f">{seg}H", cmap, off + 16 + seg2)
                deltas = struct.unpack_from(f">{seg}h", cmap, off + 16 + 2 * seg2)
                ro_pos = off + 16 + 3 * seg2
                range_offsets = struct.unpack_from(f">{seg}H", cmap, ro_pos)
                for i in range(seg):
                    start, end, delta, ro = starts[i], ends[i], deltas[i], range_offsets[i]
                    if start == 0xFFFF:
                        continue
                    for cp in range(start, end + 1):
                        if ro == 0:
                            gid = (cp + delta) & 0xFFFF
                        else:
                            pos = ro_pos + 2 * i + ro + 2 * (cp - start)
                            gid = struct.unpack_from(">H", cmap, pos)[0]
                            if gid:
                                gid = (gid + delta) & 0xFFFF
                        if gid:
                            result[cp] = gid
                return result
        raise ValueError("font has no Unicode cmap")

    def components(self, glyph: bytes) -> list[tuple[int, int]]:
        """(byte offset of the glyph index, glyph id) of each component of a composite glyph."""
        if len(glyph) < 10 or struct.unpack_from(">h", glyph, 0)[0] >= 0:
            return []
        found = []
        pos = 10
        while True:
            flags, gid = struct.unpack_from(">HH", glyph, pos)
            found.append((pos + 2, gid))
            pos += 4 + (4 if flags & _ARG_1_AND_2_ARE_WORDS else 2)
            if flags & _WE_HAVE_A_SCALE:
                pos += 2
            elif flags & _WE_HAVE_AN_X_AND_Y_SCALE:
                pos += 4
            elif flags & _WE_HAVE_A_TWO_BY_TWO:
                pos += 8
            if not flags & _MORE_COMPONENTS:
                return found


class SubsetResult:
    """One document's subset of a font: everything the PDF font objects need."""

    __slots__ = ("cids", "font_program", "tag", "to_unicode", "widths")

    def __init__(self, cids: dict[str, int], font_program: tuple[bytes, int], widths: bytes,
                 to_unicode: bytes, tag: str) -> None:
        self.cids = cids  # char -> CID (== glyph id in the subset)
        self.font_program = font_program  # the TrueType file: (zlib stream, uncompressed length)
        self.widths = widths  # the /W array, e.g. b"[0[600 318 ...]]"
        self.to_unicode = to_unicode  # the ToUnicode CMap, uncompressed
        self.tag = tag  # the six-letter subset tag


def _utf16_hex(char: str) -> str:
    return char.encode("utf-16-be").hex().upper()


_CMAP_HEAD = (
    "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
    "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
    "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
    "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
)
_CMAP_TAIL = "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"


def _bfchar_blocks(entries: list[tuple[int, str]]) -> str:
    out = []
    for i in range(0, len(entries), 100):
        chunk = entries[i : i + 100]
        out.append(f"{len(chunk)} beginbfchar\n")
        out.extend(f"<{cid:04X}> <{_utf16_hex(ch)}>\n" for cid, ch in chunk)
        out.append("endbfchar\n")
    return "".join(out)


class FontSubsetter:
    """Subsets one font per document, with a fixed base laid out once."""

    def __init__(self, font: TrueTypeFont, base_chars: Iterable[str]) -> None:
        self.font = font
        self._scale = 1000.0 / font.units_per_em
        # Glyph order of the base: .notdef, one glyph per base character, then composite components.
        self._base_cids: dict[str, int] = {}
        order: list[int] = [0]
        for ch in dict.fromkeys(base_chars):
            self._base_cids[ch] = len(order)
            order.append(font.cmap.get(ord(ch), 0))
        self._base_new_of_orig: dict[int, int] = {}
        for new, orig in enumerate(order):
            self._base_new_of_orig.setdefault(orig, new)
        self._close_components(order, self._base_new_of_orig)
        self._base_order = order
        glyphs = [self._glyph_bytes(orig, self._base_new_of_orig) for orig in order]
        self._base_glyf = b"".join(glyphs)
        self._base_loca = self._loca(glyphs, 0)
        self._base_hmtx = b"".join(struct.pack(">Hh", *font.hmetrics[g]) for g in order)
        self._base_widths = " ".join(str(self.width1000(g)) for g in order)
        self._base_cmap = _bfchar_blocks([(cid, ch) for ch, cid in self._base_cids.items()])
        self._static = {tag: font.table(tag) for tag in _STATIC_TABLES if tag in font.tables}
        self._static_sums = {tag: _checksum(t) for tag, t in self._static.items()}
        post = bytearray(font.table(b"post")[:32])
        post[0:4] = b"\x00\x03\x00\x00"  # format 3: no glyph names
        self._post = bytes(post)
        self._head = font.table(b"head")
        self._hhea = font.table(b"hhea")
        self._maxp = font.table(b"maxp")
        self._prepare_static_chunk()
        self._width_cache: dict[str, int] = {}
        self.base_result = self._build([])

    def width1000(self, orig_gid: int) -> int:
        return round(self.font.hmetrics[orig_gid][0] * self._scale)

    def char_width(self, ch: str) -> int:
        """Advance width of a character in 1/1000 em (the .notdef width when the font lacks it)."""
        w = self._width_cache.get(ch)
        if w is None:
            w = self._width_cache[ch] = self.width1000(self.font.cmap.get(ord(ch), 0))
        return w

    def text_width(self, text: str, size: float) -> float:
        cache = self._width_cache
        total = 0
        for ch in text:
            w = cache.get(ch)
            if w is None:
                w = self.char_width(ch)
            total += w
        return total * size / 1000.0

    @property
    def base_cids(self) -> dict[str, int]:
        return self._base_cids

    def _close_components(self, order: list[int], new_of_orig: dict[int, int], start: int = 0) -> None:
        font = self.font
        i = start
        while i < len(order):
            for _pos, comp in font.components(font.glyph(order[i])):
                if comp not in new_of_orig:
                    new_of_orig[comp] = len(order)
                    order.append(comp)
            i += 1

    def _glyph_bytes(self, orig: int, new_of_orig: dict[int, int]) -> bytes:
        glyph = self.font.glyph(orig)
        comps = self.font.components(glyph)
        if comps:
            buf = bytearray(glyph)
            for pos, comp in comps:
                struct.pack_into(">H", buf, pos, new_of_orig[comp])
            glyph = bytes(buf)
        return _pad4(glyph)

    @staticmethod
    def _loca(glyphs: list[bytes], start: int) -> list[int]:
        offsets = []
        pos = start
        for g in glyphs:
            offsets.append(pos)
            pos += len(g)
        offsets.append(pos)
        return offsets

    def subset(self, chars: Iterable[str]) -> SubsetResult:
        """The subset for the base plus ``chars`` (characters outside the base get new CIDs)."""
        base_cids = self._base_cids
        extra = [ch for ch in dict.fromkeys(chars) if ch not in base_cids]
        if not extra:
            return self.base_result
        return self._build(extra)

    def _build(self, extra: list[str]) -> SubsetResult:
        base_cids = self._base_cids
        font = self.font
        cids = dict(base_cids)
        order = list(self._base_order)
        new_of_orig = dict(self._base_new_of_orig)
        n_base = len(order)
        for ch in extra:
            cids[ch] = len(order)
            orig = font.cmap.get(ord(ch), 0)  # missing glyphs show as .notdef but keep their Unicode
            new_of_orig.setdefault(orig, len(order))
            order.append(orig)
        self._close_components(order, new_of_orig, n_base)
        extra_glyphs = [self._glyph_bytes(orig, new_of_orig) for orig in order[n_base:]]
        extra_glyf = b"".join(extra_glyphs)
        loca_values = self._base_loca + self._loca(extra_glyphs, self._base_loca[-1])[1:]
        loca = struct.pack(f">{len(loca_values)}I", *loca_values)
        hmetrics = font.hmetrics
        hmtx = self._base_hmtx + b"".join(struct.pack(">Hh", *hmetrics[g]) for g in order[n_base:])
        n = len(order)
        program = self._assemble(extra_glyf, loca, hmtx, n)

        widths = self._base_widths
        if n > n_base:
            widths += " " + " ".join(str(self.width1000(g)) for g in order[n_base:])
        extra_cmap = _bfchar_blocks([(cids[ch], ch) for ch in extra])
        to_unicode = (_CMAP_HEAD + self._base_cmap + extra_cmap + _CMAP_TAIL).encode("ascii")
        key = zlib.crc32("".join(extra).encode("utf-8", "surrogatepass"))
        tag = ""
        for _ in range(6):
            key, r = divmod(key, 26)
            tag += chr(65 + r)
        return SubsetResult(cids, program, f"[0[{widths}]]".encode("ascii"), to_unicode, tag)

    def _prepare_static_chunk(self) -> None:
        """Lay out, once, the part of every subset's file that never changes, and deflate it.

        File layout: directory | head hhea maxp | OS/2 cvt fpgm prep post (static) | glyf (base glyphs,
        static, then this document's extras) | loca | hmtx. The static middle is compressed once;
        per document only the small head and tail are deflated (see :func:`deflate_join`).
        """
        static = [(tag, _pad4(data), len(data)) for tag, data in sorted(self._static.items())]
        static.append((b"post", self._post, len(self._post)))
        self._static_layout = static
        self._static_raw = b"".join(data for _tag, data, _len in static) + self._base_glyf
        self._static_chunk = Precompressed(self._static_raw)
        self._base_glyf_sum = _checksum(self._base_glyf)
        self._post_sum = _checksum(self._post)

    def _assemble(self, extra_glyf: bytes, loca: bytes, hmtx: bytes, num_glyphs: int) -> tuple[bytes, int]:
        """The TrueType file of a subset: (zlib stream, uncompressed length)."""
        hhea = self._hhea[:34] + struct.pack(">H", num_glyphs)
        maxp = self._maxp[:4] + struct.pack(">H", num_glyphs) + self._maxp[6:]
        head = bytearray(self._head)
        head[8:12] = b"\0\0\0\0"
        struct.pack_into(">h", head, 50, 1)  # long loca offsets
        num = 3 + len(self._static_layout) + 3
        offset = 12 + 16 * num
        entries: dict[bytes, tuple[int, int, int]] = {}  # tag -> (checksum, offset, length)
        front = []
        for tag, data in ((b"head", bytes(head)), (b"hhea", hhea), (b"maxp", maxp)):
            padded = _pad4(data)
            front.append(padded)
            entries[tag] = (_checksum(padded), offset, len(data))
            offset += len(padded)
        for tag, padded, length in self._static_layout:
            cs = self._post_sum if tag == b"post" else self._static_sums[tag]
            entries[tag] = (cs, offset, length)
            offset += len(padded)
        glyf_len = len(self._base_glyf) + len(extra_glyf)
        entries[b"glyf"] = ((self._base_glyf_sum + _checksum(extra_glyf)) & 0xFFFFFFFF, offset, glyf_len)
        offset += glyf_len
        entries[b"loca"] = (_checksum(loca), offset, len(loca))
        offset += len(loca)
        entries[b"hmtx"] = (_checksum(hmtx), offset, len(hmtx))
        tail = extra_glyf + loca + _pad4(hmtx)

        entry_selector = num.bit_length() - 1
        search_range = 16 << entry_selector
        directory = struct.pack(">IHHHH", 0x00010000, num, search_range, entry_selector,
                                num * 16 - search_range)
        total = 0
        for tag in sorted(entries):
            cs, off, length = entries[tag]
            total += cs
            directory += struct.pack(">4sIII", tag, cs, off, length)
        total = (total + _checksum(directory)) & 0xFFFFFFFF
        struct.pack_into(">I", head, 8, (0xB1B0AFBA - total) & 0xFFFFFFFF)
        front[0] = _pad4(bytes(head))
        prefix = directory + b"".join(front)
        stream = deflate_join([prefix, self._static_chunk, tail])
        return stream, len(prefix) + len(self._static_raw) + len(tail)


class Precompressed:
    """A piece of a zlib stream compressed once and reused: raw deflate blocks ending byte-aligned."""

    __slots__ = ("deflated", "raw")

    def __init__(self, raw: bytes, level: int = 9) -> None:
        comp = zlib.compressobj(level, zlib.DEFLATED, -15)
        self.raw = raw
        self.deflated = comp.compress(raw) + comp.flush(zlib.Z_SYNC_FLUSH)


def deflate_join(parts: list[bytes | Precompressed], level: int = 6) -> bytes:
    """A zlib (FlateDecode) stream of the concatenation of ``parts``.

    Each part is deflated on its own and ends on a byte boundary (a sync flush), so deflated parts
    can simply be concatenated; precompressed parts are reused as they are. Only the Adler-32 of
    the whole needs the raw bytes, and it is cheap.
    """
    out = [b"\x78\x9c"]
    adler = 1
    for part in parts:
        if isinstance(part, Precompressed):
            out.append(part.deflated)
            adler = zlib.adler32(part.raw, adler)
        elif part:
            comp = zlib.compressobj(level, zlib.DEFLATED, -15)
            out.append(comp.compress(part) + comp.flush(zlib.Z_SYNC_FLUSH))
            adler = zlib.adler32(part, adler)
    out.append(b"\x03\x00")  # an empty final block (fixed Huffman, BFINAL set)
    out.append(adler.to_bytes(4, "big"))
    return b"".join(out)
