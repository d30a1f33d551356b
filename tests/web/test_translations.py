"""Every message of the pages has a Spanish translation: the messages are extracted from the
templates and views now (as `make translations-update` does), so a new English string that
nobody added to the .po fails here too."""
from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WEB = ROOT / "chalicelib" / "web"
PO = WEB / "translations" / "es" / "LC_MESSAGES" / "messages.po"


def _extracted() -> set[str]:
    from babel.messages.extract import extract_from_dir
    from babel.messages.frontend import parse_mapping_cfg

    with (ROOT / "babel.cfg").open() as f:
        method_map, options_map = parse_mapping_cfg(f)
    out = set()
    for _file, _line, message, _comments, _context in extract_from_dir(str(WEB), method_map, options_map):
        out.add(message[0] if isinstance(message, tuple) else message)
    return out


def _catalog():
    from babel.messages.pofile import read_po

    with PO.open("rb") as f:
        return read_po(f, locale="es")


def test_every_message_in_the_pages_has_a_spanish_translation():
    catalog = _catalog()
    translated = {
        (m.id[0] if isinstance(m.id, tuple) else m.id) for m in catalog
        if m.id and "fuzzy" not in m.flags and (all(m.string) if isinstance(m.string, tuple) else m.string)
    }
    extracted = _extracted()
    assert len(extracted) > 40
    assert sorted(extracted - translated) == []


def test_placeholders_survive_translation():
    import re

    for m in _catalog():
        if not m.id:
            continue
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        wanted = set(re.findall(r"%\(\w+\)[sd]", ids[-1]))
        for s in strings:
            assert set(re.findall(r"%\(\w+\)[sd]", s)) == wanted, m.id
