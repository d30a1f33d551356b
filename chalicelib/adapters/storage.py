"""S3: objects, streams and short-lived URLs."""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .aws import client

URL_SECONDS = 300


def put(bucket: str, key: str, body: bytes, content_type: str) -> None:
    client("s3").put_object(Bucket=bucket, Key=key, Body=body, ContentType=content_type)


def get(bucket: str, key: str) -> bytes:
    return bytes(client("s3").get_object(Bucket=bucket, Key=key)["Body"].read())


def exists(bucket: str, key: str) -> bool:
    from botocore.exceptions import ClientError

    try:
        client("s3").head_object(Bucket=bucket, Key=key)
        return True
    except ClientError as err:
        if err.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
            return False
        raise


def head(bucket: str, key: str) -> dict[str, Any]:
    return dict(client("s3").head_object(Bucket=bucket, Key=key))


def stream_lines(bucket: str, key: str) -> Iterator[bytes]:
    """The object's lines with their line ends, read as a stream (memory stays flat)."""
    body = client("s3").get_object(Bucket=bucket, Key=key)["Body"]
    try:
        yield from body.iter_lines(chunk_size=64 * 1024, keepends=True)
    finally:
        body.close()


def download_url(bucket: str, key: str, filename: str | None = None, seconds: int = URL_SECONDS) -> str:
    params: dict[str, Any] = {"Bucket": bucket, "Key": key}
    if filename:
        params["ResponseContentDisposition"] = f'attachment; filename="{filename}"'
    return str(client("s3").generate_presigned_url("get_object", Params=params, ExpiresIn=seconds))


def upload_url(bucket: str, key: str, content_type: str = "text/csv", seconds: int = 3600) -> str:
    return str(client("s3").generate_presigned_url(
        "put_object", Params={"Bucket": bucket, "Key": key, "ContentType": content_type}, ExpiresIn=seconds))


def upload_form(bucket: str, key_prefix: str, fields: dict[str, str], max_bytes: int,
                seconds: int = 3600) -> dict[str, Any]:
    """A presigned POST (an HTML form straight to S3): {"url", "fields"}. The form names its own
    `key` under `key_prefix` (`${filename}` is the chosen file's name); each of `fields` must be
    sent as given; the file is 1 byte to `max_bytes`."""
    conditions: list[Any] = [{name: value} for name, value in fields.items()]
    conditions.append(["content-length-range", 1, max_bytes])
    post = client("s3").generate_presigned_post(bucket, key_prefix + "${filename}", Fields=dict(fields),
                                                Conditions=conditions, ExpiresIn=seconds)
    post["fields"].pop("key", None)  # the form's own field (starts-with key_prefix)
    return dict(post)
