"""Forms: `application/x-www-form-urlencoded` bodies, and the errors a page shows for them.

    form = ctx.form()                     # {"id_number": "...", ...}, CSRF already checked
    errors = FormErrors()
    if not form.get("id_number"):
        errors.add("id_number", _("Enter your ID number"))
    if errors:
        return ctx.render("sign_in.html", status=400, form=form, errors=errors)
"""
from __future__ import annotations

from urllib.parse import parse_qs

FORM = "application/x-www-form-urlencoded"
MAX_FORM_BYTES = 64 * 1024


class FormTooLarge(Exception):
    pass


def parse_form(raw: bytes | None) -> dict[str, str]:
    """The fields of a form body; a field sent twice keeps its first value (checkbox groups
    read `parse_form_lists`)."""
    return {k: v[0] for k, v in parse_form_lists(raw).items()}


def parse_form_lists(raw: bytes | None) -> dict[str, list[str]]:
    raw = raw or b""
    if len(raw) > MAX_FORM_BYTES:
        raise FormTooLarge()
    return parse_qs(raw.decode("utf-8", errors="replace"), keep_blank_values=True, max_num_fields=200)


class FormErrors:
    """Field name -> message, in the order found (the order of the error summary). The
    field's id in the page is its name, so the summary's links are `#<name>`."""

    def __init__(self) -> None:
        self.by_field: dict[str, str] = {}

    def add(self, field: str, message: str) -> None:
        self.by_field.setdefault(field, message)

    def __bool__(self) -> bool:
        return bool(self.by_field)

    def get(self, field: str) -> dict | None:
        """For a macro's `errorMessage` parameter."""
        message = self.by_field.get(field)
        return {"text": message} if message else None

    def summary(self) -> list[dict]:
        """For govukErrorSummary's `errorList`."""
        return [{"text": message, "href": f"#{field}"} for field, message in self.by_field.items()]
