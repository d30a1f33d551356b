"""The console's batches (PAGES.md "Exam board staff", batches): upload an entries or results CSV
straight to S3 with a presigned POST form (no JavaScript, no file through Lambda), the batches
newest first, and each batch's page (progress, refreshing itself while it works; the bad rows by
row number; the full error report)."""
from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from chalice import Response

from .board import STAFF_PAGE, staff
from .core import Ctx, FormErrors, page
from .routes import bp

PAGE_SIZE = 50
STATUS = {"awaiting_upload": ("Waiting for the file", "govuk-tag--grey"),
          "processing": ("Processing", "govuk-tag--blue"),
          "completed": ("Completed", "govuk-tag--green"),
          "completed_with_errors": ("Completed with errors", "govuk-tag--orange"),
          "failed": ("Failed", "govuk-tag--red")}
REFRESH_SECONDS = 3


def _batches_page(ctx: Ctx, errors: FormErrors | None = None, status: int = 200) -> Response:
    from .. import config
    from ..domain.errors import ValidationError
    from ..services import batches

    cursor = (ctx.request.query_params or {}).get("cursor") or None
    try:
        listing = batches.list_page(PAGE_SIZE, cursor)
    except ValidationError:  # a made-up or stale cursor: the first page
        listing = batches.list_page(PAGE_SIZE, None)
    form = batches.upload_form(f"{config.settings().public_base_url}/board/batches/uploaded")
    target = urlsplit(form["url"])
    ctx.allow_form_action(f"{target.scheme}://{target.netloc}")  # this page's form posts to S3
    return ctx.render("board/batches.html", status=status, upload=form, batches=listing["batches"],
                      next_cursor=listing["next_cursor"], STATUS=STATUS, errors=errors or FormErrors(),
                      title="Batches", **STAFF_PAGE)


@bp.route("/board/batches", methods=["GET"])
@page
def board_batches(ctx: Ctx) -> Response:
    staff(ctx)
    return _batches_page(ctx)


@bp.route("/board/batches/uploaded", methods=["GET"])
@page
def board_batch_uploaded(ctx: Ctx) -> Response:
    """Where S3 sends the browser after the upload form's POST (303 with `bucket` and `key`)."""
    from ..domain.errors import NotFound
    from ..services import batches

    who = staff(ctx)
    query = ctx.request.query_params or {}
    try:
        batch_id = batches.uploaded(query.get("bucket", ""), query.get("key", ""), who.subject)
    except NotFound:
        errors = FormErrors()
        errors.add("file", "Choose a CSV file to upload")
        return _batches_page(ctx, errors, status=400)
    return ctx.redirect(f"/board/batches/{batch_id}")


def working(batch: dict[str, Any]) -> bool:
    """Still changing: the file is being read, or its statements and emails are being made."""
    if batch["status"] in ("awaiting_upload", "processing"):
        return True
    return bool(batch["statements_generated"] + batch["jobs_failed"] < batch["jobs_total"])


@bp.route("/board/batches/{batch_id}", methods=["GET"])
@page
def board_batch(ctx: Ctx, batch_id: str) -> Response:
    from ..domain.errors import NotFound
    from ..services import batches
    from .routes import not_found_page

    staff(ctx)
    try:
        batch = batches.get(batch_id[:100])
    except NotFound:
        return not_found_page(ctx)
    batch["errors"] = sorted(batch["errors"], key=lambda e: e["row"])
    stopped = (ctx.request.query_params or {}).get("refresh") == "off"
    refresh = REFRESH_SECONDS if working(batch) and not stopped else None
    reply = ctx.render("board/batch.html", batch=batch, STATUS=STATUS, refresh=refresh,
                       working=working(batch), title=f"Batch {batch['filename']}", **STAFF_PAGE)
    if refresh:
        # The HTTP twin of <meta http-equiv="refresh"> (no JavaScript): a timed refresh in the
        # page itself fails WCAG 2.2.1 (axe meta-refresh); the page links a way to stop it.
        reply.headers["Refresh"] = str(refresh)
    return reply
