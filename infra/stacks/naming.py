"""The names the app reads from its environment (chalicelib/config.py), for one stage.

Chalice's SQS decorators take a queue NAME when `chalice package` imports app.py, and
config.py builds those names from STAGE at import time. So the CDK process must set the
same environment the Lambda functions get BEFORE anything imports `chalicelib` or `app`:
`configure(stage)` does that, and refuses if chalicelib was already imported for another
stage (its module constants would name another stage's queues).
"""
from __future__ import annotations

import os
import re
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
APP_NAME = "exam-results"
STAGE_RE = re.compile(r"^[a-z][a-z0-9-]{1,20}$")

# Every resource name of chalicelib/config.py, as the local stack derives it from STAGE.
NAME_VARIABLES = {
    "MAIN_TABLE": "main",
    "IDEMPOTENCY_TABLE": "idempotency",
    "BATCH_BUCKET": "batches",
    "DOCUMENTS_BUCKET": "documents",
    "UPLOADS_QUEUE": "uploads",
    "WORK_QUEUE": "work",
    "WEBHOOK_QUEUE": "webhooks",
}


def resource_names(stage: str) -> dict[str, str]:
    if not STAGE_RE.match(stage):
        raise ValueError(f"stage {stage!r}: lower-case letters, digits and '-', 2-21 characters")
    return {var: f"{APP_NAME}-{stage}-{suffix}" for var, suffix in NAME_VARIABLES.items()}


def pepper_secret_name(stage: str) -> str:
    """The Secrets Manager secret holding the versioned pepper (SECRET_PEPPER_NAME)."""
    return f"{APP_NAME}/{stage}/pepper"


def configure(stage: str) -> dict[str, str]:
    """Put STAGE and every resource name into os.environ (and the repo root on sys.path)."""
    names = resource_names(stage)
    loaded = sys.modules.get("chalicelib.config")
    if loaded is not None and getattr(loaded, "STAGE", None) != stage:
        raise RuntimeError(
            f"chalicelib.config was imported for stage {loaded.STAGE!r}, not {stage!r}: "
            "synthesise one stage per process"
        )
    os.environ["STAGE"] = stage
    os.environ.update(names)
    os.environ["SECRET_PEPPER_NAME"] = pepper_secret_name(stage)
    os.environ.pop("SECRET_PEPPER", None)  # a development pepper never reaches a deployment
    os.environ.pop("AWS_ENDPOINT_URL", None)  # never package against a local endpoint
    # `import app` must find the repository's app.py, not infra/app.py.
    while str(REPO_ROOT) in sys.path:
        sys.path.remove(str(REPO_ROOT))
    sys.path.insert(0, str(REPO_ROOT))
    loaded_app = sys.modules.get("app")
    loaded_from = Path(str(getattr(loaded_app, "__file__", ""))).resolve()
    if loaded_app is not None and loaded_from != REPO_ROOT / "app.py":
        raise RuntimeError(f"a module named 'app' other than {REPO_ROOT / 'app.py'} is already imported")
    return names
