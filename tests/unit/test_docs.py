"""The project's own contracts (docs/) stay true: the operations index of docs/api.md is the
OpenAPI document's, and the README links only inside the repository."""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_operations_index_of_api_md_is_the_documents() -> None:
    from devstack import apidoc

    assert apidoc.current() == apidoc.index(), "docs/api.md is stale: run `python -m devstack.apidoc`"


def test_links_in_the_readme_and_docs_stay_inside_the_repository() -> None:
    for doc in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        text = doc.read_text(encoding="utf-8")
        assert "../shared/" not in text, f"{doc.name} points outside the repository"
        for target in re.findall(r"\]\(([^)#\s]+)", doc.read_text(encoding="utf-8")):
            if target.startswith(("http://", "https://", "mailto:")):
                continue
            assert not target.startswith("../shared"), f"{doc.name} links outside the repository: {target}"
            assert (doc.parent / target).exists(), f"{doc.name}: {target} does not exist"


def _readme_csv(header_start: str) -> list[dict[str, str]]:
    import csv
    import io

    blocks = re.findall(r"```csv\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), re.S)
    [block] = [b for b in blocks if b.startswith(header_start)]
    return list(csv.DictReader(io.StringIO(block)))


def test_the_readmes_example_batch_files_are_valid() -> None:
    from chalicelib.domain.results_rows import validate_row
    from chalicelib.services.centres import check_centre
    from chalicelib.services.entries import validate_entry

    entries = _readme_csv("id_number,secret_number,")
    results = _readme_csv("id_number,exam_code,")
    assert entries and results
    for row in entries:
        assert validate_entry(row)[1] == [], row
    for row in results:
        assert validate_row(row)[1] == [], row
    centres = _readme_csv("centre_number,name,")
    assert centres
    for row in centres:
        assert check_centre(row)[1] == {}, row
