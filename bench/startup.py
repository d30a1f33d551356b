"""Cold start and password hashing.

- import_ratio: cold `import app` over the floor `import chalice, boto3`, each the median of
  several fresh interpreter processes, alternated in the same run (budget <= 1.3).
- import_app_ms / import_floor_ms: the two medians.
- argon2_ms: one argon2id hash at the parameters the service uses (median of several).
"""
from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUNS = 11


def _cold_import_s(statement: str) -> float:
    code = f"import time; t = time.perf_counter(); {statement}; print(time.perf_counter() - t)"
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                         check=True)
    return float(out.stdout.strip().splitlines()[-1])


def run() -> dict[str, float]:
    floor, app = [], []
    _cold_import_s("import app")  # warm the OS file cache and .pyc files once
    for _ in range(RUNS):
        floor.append(_cold_import_s("import chalice, boto3"))
        app.append(_cold_import_s("import app"))
    floor_s, app_s = statistics.median(floor), statistics.median(app)

    sys.path.insert(0, str(ROOT))
    from chalicelib.domain.passwords import hash_password

    hash_password("warm-up-password")
    times = []
    for i in range(9):
        t = time.perf_counter()
        hash_password(f"benchmark-password-{i}")
        times.append(time.perf_counter() - t)
    return {
        "import_ratio": app_s / floor_s,
        "import_app_ms": app_s * 1000,
        "import_floor_ms": floor_s * 1000,
        "argon2_ms": statistics.median(times) * 1000,
    }


if __name__ == "__main__":
    for k, v in run().items():
        print(f"{k}: {v:.3f}")
