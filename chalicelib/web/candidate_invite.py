"""Inviting an organisation that is not listed (issue 13): the share page offers the form when
a search finds nothing; `POST /results/<id>/share/invite` calls services/invitations.py, as the
JSON route `POST /candidates/me/invitations` does, then 303s back to the share page with a
confirmation (`?invited=<status>`)."""
from __future__ import annotations

from chalice import Response

from .candidate_results import CANDIDATE, _result, _share_page
from .core import Ctx, FormErrors, page
from .forms import FORM
from .routes import bp, not_found_page


@bp.route("/results/{result_id}/share/invite", methods=["POST"], content_types=[FORM])
@page
def invite(ctx: Ctx, result_id: str) -> Response:
    from ..domain.domains import website_domain
    from ..domain.errors import Conflict, RateLimited, ValidationError
    from ..services import invitations
    from .candidate_account import check_email

    form = ctx.form()
    who = ctx.require(CANDIDATE)
    row = _result(ctx, who, result_id)
    if row is None or row["status"] != "released":
        return not_found_page(ctx)
    email, website = form.get("email", "").strip(), form.get("website", "").strip()
    q = form.get("q", "").strip()[:200]
    errors = FormErrors()
    if not email:
        errors.add("email", ctx.gettext("Enter the organisation’s email address"))
    else:
        check_email(ctx, errors, email)
    if not website:
        errors.add("website", ctx.gettext("Enter the organisation’s website"))
    elif len(website) > 200 or website_domain(website) is None:
        errors.add("website", ctx.gettext("Enter a web address like https://www.example.ac.uk"))
    status = 400
    if not errors:
        try:
            made = invitations.invite(who.subject, email, website, row["result_id"], ctx.lang)
        except ValidationError as err:
            fields = err.fields or {}
            if "website" in fields:
                errors.add("website", ctx.gettext("Enter a web address like https://www.example.ac.uk"))
            if "email" in fields:
                errors.add("email", ctx.gettext("Enter an email address at the organisation’s website"))
        except Conflict:
            errors.add("website", ctx.gettext(
                "This organisation is already registered: search for its name to share your result"))
        except RateLimited:
            status = 429
            errors.add("email", ctx.gettext("You can send at most %(num)s invitations a day. Try again "
                                            "tomorrow.") % {"num": invitations.INVITES_PER_DAY})
        else:
            return ctx.redirect(f"/results/{row['result_id']}/share?invited={made['status']}")
    return _share_page(ctx, row, q, [], errors, status=status,
                       invite={"email": email, "website": website})
