"""What Chalice deploys (app.py and chalicelib/) never needs the local stack (devstack/)."""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def test_deployed_code_does_not_import_the_local_stack():
    deployed = [ROOT / "app.py", *sorted((ROOT / "chalicelib").rglob("*.py"))]
    offenders = {
        str(p.relative_to(ROOT)): sorted(n for n in _imports(p) if n.split(".")[0] == "devstack")
        for p in deployed
    }
    assert {p: n for p, n in offenders.items() if n} == {}
    assert not (ROOT / "chalicelib" / "local").exists()


def test_no_module_of_the_deployed_code_is_over_400_lines():
    """Issue 9: one use case to a file; a module that grows past 400 lines is split by what it holds."""
    long = {str(p.relative_to(ROOT)): n for p in sorted((ROOT / "chalicelib").rglob("*.py"))
            if (n := len(p.read_text().splitlines())) > 400}
    assert long == {}
