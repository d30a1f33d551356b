"""The board console's exam centres page (issue 13), area "staff", English only (staff pages are
not translated): the centres, and a form to create one (its manager is emailed a link to choose
a password). The same service as `POST/GET /staff/centres`."""
from __future__ import annotations

from chalice import Response

from .core import Ctx, FormErrors, page
from .forms import FORM
from .routes import bp

FIELDS = ("centre_number", "name", "country", "manager_name", "manager_email")
MESSAGES = {
    "centre_number": "Enter the centre number: 2 to 10 letters or digits, as in the entries file",
    "name": "Enter the centre's name",
    "country": "Enter the country as a 2-letter code, like GB",
    "manager_name": "Enter the centre manager's full name",
    "manager_email": "Enter the centre manager's email address, like name@example.com",
}


def _page(ctx: Ctx, status: int = 200, form: dict | None = None, errors: FormErrors | None = None,
          created: str | None = None) -> Response:
    from ..services import centres

    query = ctx.request.query_params or {}
    listing: dict = {"centres": [], "next_cursor": None}
    try:
        listing = centres.list_centres(50, query.get("cursor"))
    except Exception as err:  # a bad cursor: the first page
        from ..domain.errors import ValidationError

        if not isinstance(err, ValidationError):
            raise
        listing = centres.list_centres(50, None)
    return ctx.render("board/centres.html", status=status, area="staff", signed_in=True,
                      centres=listing["centres"], next_cursor=listing["next_cursor"], form=form or {},
                      errors=errors or FormErrors(), created=created or query.get("created"),
                      title="Exam centres")


@bp.route("/board/centres", methods=["GET"])
@page
def board_centres(ctx: Ctx) -> Response:
    ctx.require("staff")
    return _page(ctx)


@bp.route("/board/centres", methods=["POST"], content_types=[FORM])
@page
def board_create_centre(ctx: Ctx) -> Response:
    from ..domain.errors import Conflict, ValidationError
    from ..services import centres

    who = ctx.require("staff")
    form = ctx.form()
    data = {name: form.get(name, "").strip() for name in FIELDS}
    errors = FormErrors()
    try:
        out = centres.create_centre(data, who.subject)
    except ValidationError as err:
        for name in FIELDS:
            if name in (err.fields or {}):
                errors.add(name, MESSAGES[name])
    except Conflict as err:
        field = "centre_number" if "centre number" in err.message else "manager_email"
        errors.add(field, "A centre with this centre number exists already" if field == "centre_number"
                   else "This email address already has an exam centre account")
    else:
        return ctx.redirect(f"/board/centres?created={out['centre_number']}")
    return _page(ctx, status=400, form=data, errors=errors)
