"""CSV templates: an organisation's own choice and order of fields."""
from __future__ import annotations

import pytest

from chalicelib.domain.errors import NotFound, ValidationError
from chalicelib.services import templates


def test_create_list_use_and_delete(actor, memory_store):
    # Given an organisation with no templates of its own
    assert [t["template_id"] for t in templates.list_templates(actor)["templates"]] == ["default"]
    # When it creates one
    made = templates.create(actor, "  Admissions  ", ["family_name", "first_name", "cefr_level"])
    # Then it is listed after the default, named as typed (trimmed), its fields in its order
    listed = templates.list_templates(actor)["templates"]
    assert listed[1] == {"template_id": made["template_id"], "name": "Admissions",
                         "fields": ["family_name", "first_name", "cefr_level"]}
    assert templates.fields_of("o1", made["template_id"]) == ["family_name", "first_name", "cefr_level"]
    # And deleting it removes it, after which it is not found
    templates.delete(actor, made["template_id"])
    with pytest.raises(NotFound):
        templates.fields_of("o1", made["template_id"])
    assert memory_store.items == {}


def test_another_organisations_template_is_not_found(actor):
    made = templates.create(actor, "Ours", ["id_number"])
    with pytest.raises(NotFound):
        templates.fields_of("o2", made["template_id"])


@pytest.mark.parametrize("fields", [[], ["id_number", "id_number"], ["password"], [3]])
def test_bad_field_lists_are_refused(actor, fields):
    with pytest.raises(ValidationError):
        templates.create(actor, "Bad", fields)


def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised():
    rows = [{"candidate": {"first_name": "=HYPERLINK(\"http://x\")", "family_name": "+1", "id_number": "A"}}]
    out = templates.render_csv(["first_name", "family_name", "id_number"], rows).decode("utf-8-sig")
    import csv

    assert next(csv.reader(out.splitlines()[1:])) == ["'=HYPERLINK(\"http://x\")", "'+1", "A"]
