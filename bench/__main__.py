"""`make bench`: run every benchmark module and print each figure as one line `name: value`.

Each module under bench/ exposes `run() -> dict[str, float]`. Run one with
`python -m bench <module> [<module> ...]`, e.g. `python -m bench startup`. The modules in SLOW
run only when named (`python -m bench lighthouse`)."""
from __future__ import annotations

import importlib
import pkgutil
import sys
import time
from pathlib import Path

SLOW = {"lighthouse"}  # a local stack and three Chromium runs: minutes, not seconds


def main(argv: list[str]) -> int:
    here = Path(__file__).parent
    names = argv or sorted(m.name for m in pkgutil.iter_modules([str(here)])
                           if not m.name.startswith("_") and m.name not in SLOW)
    failed = 0
    for name in names:
        started = time.perf_counter()
        try:
            figures = importlib.import_module(f"bench.{name}").run()
        except Exception as err:
            print(f"# {name} failed: {type(err).__name__}: {err}", file=sys.stderr)
            failed += 1
            continue
        for key, value in figures.items():
            print(f"{key}: {value:.3f}" if isinstance(value, float) else f"{key}: {value}", flush=True)
        print(f"# {name} took {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
