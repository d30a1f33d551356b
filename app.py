"""The Chalice app: routes by audience (blueprints), error handling, event handlers.

Handlers stay thin and import their services lazily: a cold start loads only chalice and
the standard library here (see bench/ import_ratio)."""
from __future__ import annotations

from chalice import Chalice, Cron, Rate

from chalicelib import config
from chalicelib.api import (
    candidates,
    checks,
    machine,
    public,
    sharing,
    staff,
    staff_orgs,
    verifiers,
    webhooks,
)
from chalicelib.api import centres as centres_api
from chalicelib.api import credentials as credential_routes
from chalicelib.api.errors import handle_errors
from chalicelib.web import routes as web

app = Chalice(app_name="exam-results", configure_logs=False)  # Powertools logs JSON
app.api.binary_types = ["application/pdf", "application/zip", "application/octet-stream"]
app.register_middleware(handle_errors, "http")
app.register_middleware(web.html_errors, "http")  # a browser's 404/405 is a page
app.register_blueprint(public.bp)
app.register_blueprint(candidates.bp)
app.register_blueprint(staff.bp)
app.register_blueprint(verifiers.bp)
app.register_blueprint(sharing.bp)
app.register_blueprint(staff_orgs.bp)
app.register_blueprint(machine.bp)
app.register_blueprint(webhooks.bp)
app.register_blueprint(credential_routes.bp)
app.register_blueprint(centres_api.bp)
app.register_blueprint(checks.bp)
app.register_blueprint(web.bp)  # the pages (chalicelib/web/README.md)


# ------------------------------------------------------------------ events
# S3 -> SQS "uploads" (declared in infra/, and in the local stack): one batch file each.
@app.on_sqs_message(queue=config.UPLOADS_QUEUE, batch_size=1)
def on_upload(event):  # type: ignore[no-untyped-def]
    from chalicelib.events.uploads import handle

    return handle(event.to_dict(), event.context)


# SQS "work": one job per candidate (statement PDF + email), idempotent; partial failures reported.
@app.on_sqs_message(queue=config.WORK_QUEUE, batch_size=10, maximum_concurrency=config.WORK_MAX_CONCURRENCY)
def on_work(event):  # type: ignore[no-untyped-def]
    from chalicelib.events.work import handle

    return handle(event.to_dict(), event.context)


# Held results (release_at) are released when due; only then are their emails fanned out.
@app.schedule(Rate(5, unit=Rate.MINUTES))
def release_due(event):  # type: ignore[no-untyped-def]
    from chalicelib.events.release import handle

    return handle(event.to_dict(), event.context)


# Verifiers' digests of new shares: daily at 07:00 UTC; the weekly ones go on the first run of
# each ISO week (services/digests.py keeps to one email per user per period).
@app.schedule(Cron(0, 7, "*", "*", "?", "*"))
def on_digests(event):  # type: ignore[no-untyped-def]
    from chalicelib.events.digests import handle

    return handle(event.to_dict(), event.context)


# Webhook deliveries: one attempt per message; failures are rescheduled with backoff for 24 h.
@app.on_sqs_message(queue=config.WEBHOOK_QUEUE, batch_size=10)
def on_webhook(event):  # type: ignore[no-untyped-def]
    from chalicelib.events.webhooks import handle

    return handle(event.to_dict(), event.context)
