#!/usr/bin/env python3
"""Upload the built web assets (chalicelib/web/static, `make assets`) to the stage's assets
bucket, under assets/, each with its content type and `Cache-Control: public, max-age=31536000,
immutable` (their names carry a hash of their content). Files already there are kept: a page
rendered by the previous version of the functions still finds its stylesheet during a deploy.

A step of `make deploy` (before `cdk deploy`, when the stack exists, and after it), not a CDK
BucketDeployment: that needs a custom-resource Lambda with wildcard S3 actions, which this stack
does not allow (tests/infra/test_stack.py), and the assets are built by npm, not at synth time.

    infra/.venv/bin/python infra/publish_assets.py exam-results-prod [--if-exists]
"""
from __future__ import annotations

import mimetypes
import sys
from pathlib import Path

STATIC = Path(__file__).resolve().parents[1] / "chalicelib" / "web" / "static"
PREFIX = "assets"
IMMUTABLE = "public, max-age=31536000, immutable"
SKIP = {".built"}


def bucket_of(stack_name: str) -> str | None:
    import boto3
    from botocore.exceptions import ClientError

    try:
        [stack] = boto3.client("cloudformation").describe_stacks(StackName=stack_name)["Stacks"]
    except ClientError:
        return None
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}
    return outputs.get("AssetsBucketName")


def publish(bucket: str) -> int:
    import boto3

    s3 = boto3.client("s3")
    count = 0
    for path in sorted(p for p in STATIC.rglob("*") if p.is_file() and p.name not in SKIP):
        key = f"{PREFIX}/{path.relative_to(STATIC).as_posix()}"
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        s3.upload_file(str(path), bucket, key, ExtraArgs={"ContentType": kind, "CacheControl": IMMUTABLE})
        count += 1
    return count


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    if not (STATIC / "manifest.json").exists():
        print("the web assets are not built: run `make assets`", file=sys.stderr)
        return 1
    bucket = bucket_of(argv[0])
    if bucket is None:
        if "--if-exists" in argv:
            return 0
        print(f"no stack {argv[0]} with an AssetsBucketName output", file=sys.stderr)
        return 1
    print(f"{publish(bucket)} asset files uploaded to s3://{bucket}/{PREFIX}/")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
