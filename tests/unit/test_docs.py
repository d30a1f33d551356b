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
