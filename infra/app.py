#!/usr/bin/env python3
"""The CDK app: one stack per stage, written to infra/cdk.out.

    cd infra && .venv/bin/python app.py -c stage=prod          (what `make infra` does)
    cd infra && npx aws-cdk@2 deploy -c stage=prod ...          (what `make deploy` does; cdk.json)

Context (-c key=value, or the environment variable in brackets):
  stage (CDK_STAGE, default "prod"), sender_email (SENDER_EMAIL), public_base_url
  (PUBLIC_BASE_URL), alarm_email (ALARM_EMAIL, optional), staff_alert_email (STAFF_ALERT_EMAIL,
  optional: the staff mailbox told of organisations waiting for approval). Account and region come from
  the deploying credentials (CDK_DEFAULT_ACCOUNT / CDK_DEFAULT_REGION), eu-west-1 by default.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # `stacks` (infra/ before the repo root)

import aws_cdk as cdk
from stacks.naming import APP_NAME, configure
from stacks.service import ExamResultsStack, StageSettings


def settings_from(app: cdk.App) -> StageSettings:
    def setting(key: str, env: str, default: str | None = None) -> str | None:
        value = app.node.try_get_context(key)
        return str(value) if value is not None else os.environ.get(env, default)

    stage = setting("stage", "CDK_STAGE", "prod") or "prod"
    return StageSettings(
        stage=stage,
        sender_email=setting("sender_email", "SENDER_EMAIL", "results@exam-board.example") or "",
        public_base_url=(setting("public_base_url", "PUBLIC_BASE_URL", "https://results.exam-board.example")
                         or "").rstrip("/"),
        alarm_email=setting("alarm_email", "ALARM_EMAIL"),
        staff_alert_email=setting("staff_alert_email", "STAFF_ALERT_EMAIL"),
    )


def context_from(argv: list[str]) -> dict[str, str]:
    """`-c key=value` pairs, as the CDK CLI takes them (it passes them in CDK_CONTEXT_JSON)."""
    context: dict[str, str] = {}
    args = iter(argv)
    for arg in args:
        if arg in ("-c", "--context"):
            key, _, value = next(args, "").partition("=")
            if not key or not value:
                raise SystemExit(f"usage: app.py [-c key=value]...; got {arg} {key}")
            context[key] = value
        else:
            raise SystemExit(f"unknown argument {arg!r}; usage: app.py [-c key=value]...")
    return context


def main(argv: list[str] | None = None) -> cdk.App:
    outdir = os.environ.get("CDK_OUTDIR") or str(Path(__file__).resolve().parent / "cdk.out")
    app = cdk.App(outdir=outdir, context=context_from(sys.argv[1:] if argv is None else argv))
    settings = settings_from(app)
    configure(settings.stage)  # before chalicelib / the Chalice app are imported
    region = os.environ.get("CDK_DEFAULT_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "eu-west-1"
    os.environ.setdefault("AWS_DEFAULT_REGION", region)  # `chalice package` builds a client for it
    env = cdk.Environment(account=os.environ.get("CDK_DEFAULT_ACCOUNT"), region=region)
    ExamResultsStack(app, f"{APP_NAME}-{settings.stage}", settings, env=env,
                     description=f"Exam results service ({settings.stage})")
    app.synth()
    return app


if __name__ == "__main__":
    main()
