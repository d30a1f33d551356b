"""Synthesise the stack once, in-process, for the infra tests (run with infra/.venv: see `make infra-test`).

The stack packages the real app at the repository root with `chalice package`, exactly as
`make infra` does; only the output directories are temporary."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

INFRA = Path(__file__).resolve().parents[2] / "infra"
STAGE = "prod"
SENDER = "results@exam-board.example"
BASE_URL = "https://results.exam-board.example"


@pytest.fixture(scope="session")
def synth_dir(tmp_path_factory):
    """Where the stack is synthesised: cdk.out/, and chalice.out/ with the deployment package."""
    return tmp_path_factory.mktemp("synth")


@pytest.fixture(scope="session")
def stack(synth_dir):
    os.environ.setdefault("JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION", "1")
    os.environ.setdefault("JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION", "1")
    os.environ["AWS_DEFAULT_REGION"] = "eu-west-1"
    if str(INFRA) not in sys.path:
        sys.path.append(str(INFRA))  # after the repo root: `import app` is the service's app.py
    import aws_cdk as cdk
    from stacks.service import ExamResultsStack, StageSettings

    cwd = os.getcwd()
    os.chdir(synth_dir)  # the Chalice construct writes chalice.out/ into the working directory
    try:
        app = cdk.App(outdir=str(synth_dir / "cdk.out"))
        settings = StageSettings(stage=STAGE, sender_email=SENDER, public_base_url=BASE_URL,
                                 alarm_email="ops@exam-board.example")
        built = ExamResultsStack(app, f"exam-results-{STAGE}", settings,
                                 env=cdk.Environment(account="123456789012", region="eu-west-1"))
        app.synth()
    finally:
        os.chdir(cwd)
    return built


@pytest.fixture(scope="session")
def template(stack):
    from aws_cdk.assertions import Template

    return Template.from_stack(stack)


@pytest.fixture(scope="session")
def resources_json(template):
    return template.to_json()["Resources"]


@pytest.fixture(scope="session")
def chalice_app(stack):
    """The repository's Chalice app object, as `chalice package` imported it for this stage."""
    import app

    return app.app


@pytest.fixture(scope="session")
def deployment_zip(stack, synth_dir):
    """The functions' code as `chalice package` built it for the stack (app and dependencies)."""
    (found,) = synth_dir.glob("chalice.out/*/deployment.zip")
    return found
