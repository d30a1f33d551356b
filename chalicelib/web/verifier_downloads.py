"""The verifiers' downloads (PAGES.md "Verifiers"): `Download selected` from the shared results
(a ZIP of statements or a CSV through services/downloads.py), the history with a `Download` link
while a file lasts (a 303 to a short-lived S3 link, refused when a candidate has since stopped
sharing), and the CSV templates (create, delete)."""

from __future__ import annotations

from chalice import Response

from .core import Ctx, FormErrors, page
from .forms import FORM, parse_form_lists
from .routes import bp, not_found_page
from .verifier_results import inbox, render, verifier

PER_PAGE = 50


def _(message: str) -> str:  # marks a message for pybabel extract; translated when shown
    return message


# The template fields' names as the page shows them (services/templates.py FIELDS, in its order)
FIELD_NAMES = {
    "share_id": _("Share ID"),
    "shared_at": _("Shared at"),
    "first_name": _("First name"),
    "family_name": _("Family name"),
    "date_of_birth": _("Date of birth"),
    "id_number": _("ID number"),
    "exam_code": _("Exam code"),
    "exam_name": _("Exam"),
    "exam_date": _("Exam date"),
    "exam_format": _("Format"),
    "overall_score": _("Overall score"),
    "grade": _("Grade"),
    "cefr_level": _("CEFR level"),
    "components": _("Components"),
    "reference_number": _("Reference number"),
    "released_at": _("Released at"),
}


# ---------------------------------------------------------------- download selected
@bp.route("/organisations/shared-results/download", methods=["POST"], content_types=[FORM])
@page
def download_selected(ctx: Ctx) -> Response:
    from ..domain.errors import NotFound, ValidationError
    from ..services import downloads, templates

    form = ctx.form()
    who = verifier(ctx)
    ids = [s[:64] for s in parse_form_lists(ctx.request.raw_body).get("share_ids", []) if s][:400]
    fmt, template_id = form.get("format", ""), form.get("template_id", "")[:64] or templates.DEFAULT
    errors = FormErrors()
    if not ids:
        errors.add("share_ids", ctx.gettext("Select the results to download"))
    elif len(set(ids)) > downloads.MAX_SHARES:
        errors.add(
            "share_ids", ctx.gettext("Select at most %(num)s results at a time", num=downloads.MAX_SHARES)
        )
    if fmt not in ("pdf", "csv"):
        errors.add("format", ctx.gettext("Select PDF or Data file (CSV)"))
    if not errors:
        try:
            made = downloads.create(who, ids, fmt, template_id if fmt == "csv" else None)
            return ctx.redirect(f"/organisations/downloads?made={made['download_id']}")
        except NotFound as err:
            if "template" in err.message:
                errors.add("template_id", ctx.gettext("Select a template"))
            else:
                errors.add(
                    "share_ids",
                    ctx.gettext(
                        "One or more of the selected results are no longer shared with your organisation. "
                        "Select them again."
                    ),
                )
        except ValidationError:
            errors.add("share_ids", ctx.gettext("Select the results to download"))
    query = {k: form.get(k, "") for k in ("from", "to", "q", "cursor", "format", "template_id")}
    return inbox(ctx, who, query, errors, selected=ids, status=400)


# ---------------------------------------------------------------- history and templates
def _downloads_page(
    ctx: Ctx,
    who: object,
    errors: FormErrors | None = None,
    form: dict | None = None,
    status: int = 200,
    notice: str | None = None,
    made: dict | None = None,
) -> Response:
    from ..domain.errors import ValidationError
    from ..services import downloads, templates

    query = ctx.request.query_params or {}
    try:
        history = downloads.history(who, PER_PAGE, query.get("cursor") or None)  # type: ignore[arg-type]
    except ValidationError:
        history = downloads.history(who, PER_PAGE, None)  # type: ignore[arg-type]
    own = [
        t
        for t in templates.list_templates(who)["templates"]  # type: ignore[arg-type]
        if t["template_id"] != templates.DEFAULT
    ]
    names = {k: ctx.gettext(v) for k, v in FIELD_NAMES.items()}
    for t in own:
        t["field_names"] = [names.get(f, f) for f in t["fields"]]
    return render(
        ctx,
        "verifiers/downloads.html",
        status=status,
        downloads=history["downloads"],
        next_cursor=history["next_cursor"],
        templates=own,
        fields=list(templates.FIELDS),
        names=names,
        form=form or {},
        errors=errors or FormErrors(),
        notice=notice,
        made=made,
        title=ctx.gettext("Downloads"),
    )


@bp.route("/organisations/downloads", methods=["GET"])
@page
def downloads_page(ctx: Ctx) -> Response:
    who = verifier(ctx)
    query = ctx.request.query_params or {}
    made = None
    if query.get("made"):
        from ..services import downloads

        made = next(
            (d for d in downloads.history(who, 5, None)["downloads"] if d["download_id"] == query["made"]),
            None,
        )
    notice = {"created": ctx.gettext("Template created"), "deleted": ctx.gettext("Template deleted")}.get(
        query.get("template") or ""
    )
    return _downloads_page(ctx, who, notice=notice, made=made)


@bp.route("/organisations/downloads/{download_id}/file", methods=["GET"])
@page
def download_file(ctx: Ctx, download_id: str) -> Response:
    """`Download`: a fresh short-lived link (audited), as `GET /organisation/downloads/{id}`."""
    from ..domain.errors import Conflict, NotFound
    from ..services import downloads

    who = verifier(ctx)
    try:
        d = downloads.get(who, download_id[:64])
    except NotFound:
        return not_found_page(ctx)
    except Conflict:
        errors = FormErrors()
        errors.add(
            "history",
            ctx.gettext(
                "Some candidates in that download have stopped sharing their result since it was made, so it "
                "can no longer be downloaded. Select the results you still have and download them again."
            ),
        )
        return _downloads_page(ctx, who, errors=errors, status=409)
    if not d["url"]:
        errors = FormErrors()
        errors.add(
            "history", ctx.gettext("That download has expired. Select the results and download them again.")
        )
        return _downloads_page(ctx, who, errors=errors, status=410)
    return ctx.reply("", 303, {"Location": d["url"]})


@bp.route("/organisations/downloads/templates", methods=["POST"], content_types=[FORM])
@page
def create_template(ctx: Ctx) -> Response:
    from ..services import templates

    form = ctx.form()
    who = verifier(ctx)
    chosen = [
        f
        for f in dict.fromkeys(parse_form_lists(ctx.request.raw_body).get("fields", []))
        if f in templates.FIELDS
    ]
    name = form.get("name", "").strip()
    errors = FormErrors()
    if not name:
        errors.add("name", ctx.gettext("Enter a template name"))
    elif len(name) > 100:
        errors.add("name", ctx.gettext("Template name must be 100 characters or fewer"))
    if not chosen:
        errors.add("fields", ctx.gettext("Select the fields the data file should hold"))
    if errors:
        return _downloads_page(
            ctx, who, errors=errors, form={"name": name[:200], "fields": chosen}, status=400
        )
    templates.create(who, name, chosen)
    return ctx.redirect("/organisations/downloads?template=created#templates")


@bp.route("/organisations/downloads/templates/{template_id}/delete", methods=["POST"], content_types=[FORM])
@page
def delete_template(ctx: Ctx, template_id: str) -> Response:
    from ..domain.errors import NotFound
    from ..services import templates

    ctx.form()
    who = verifier(ctx)
    try:
        templates.delete(who, template_id[:64])
    except NotFound:
        pass  # already deleted (a second click, or another tab): the same page
    return ctx.redirect("/organisations/downloads?template=deleted#templates")
