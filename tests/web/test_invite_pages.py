# ruff: noqa: F811 - fixtures imported from test_candidate_pages are redefined as arguments
"""The share page's invitation form (issue 13): offered only when a search finds nothing, every
problem summarised, missing CSRF refused, 3 a day (the 4th a form error), a confirmation, Spanish."""
from __future__ import annotations

import re

from tests.api.conftest import outbox  # noqa: F401  (fixture)

from .test_candidate_pages import approved_org, entry, registered, released, sign_in  # noqa: F401

GOOD = {"q": "Lodz", "email": "admissions@uni.lodz.pl", "website": "https://www.uni.lodz.pl"}


def invite_url(rid: str) -> str:
    return f"/results/{rid}/share/invite"


def test_the_form_appears_only_when_nothing_is_found(visitor, released):
    approved_org("King's College London", "GB", "https://www.kcl.ac.uk")
    sign_in(visitor)
    assert "Send invitation" not in visitor.get(f"/results/{released}/share").text
    found = visitor.get(f"/results/{released}/share?q=king")
    assert found.has("1 organisation found") and "Send invitation" not in found.text
    assert f'action="{invite_url(released)}"' not in found.text
    nothing = visitor.get(f"/results/{released}/share?q=lodz")
    assert nothing.has("0 organisations found") and nothing.has("Invite the organisation to register")
    for label in ("Organisation email address", "Organisation website"):
        assert re.search(rf"<label[^>]*>\s*{re.escape(label)}\s*</label>", nothing.text), label
    assert f'action="{invite_url(released)}"' in nothing.text and nothing.has("Send invitation")


def test_invite_then_confirmation_and_the_email(visitor, released, outbox):
    sign_in(visitor)
    page_path = f"/results/{released}/share?q=lodz"
    assert visitor.post(invite_url(released), GOOD).status == 400  # no CSRF token
    assert outbox("admissions@uni.lodz.pl") == []
    made = visitor.submit(page_path, invite_url(released), GOOD)
    assert made.status == 303 and made.headers["location"] == f"/results/{released}/share?invited=sent"
    page = visitor.get(made.headers["location"])
    assert page.has("We have sent your invitation")
    [mail] = outbox("admissions@uni.lodz.pl")
    assert "https://results.example/organisations" in mail.get_body(("plain",)).get_content()
    again = visitor.submit(page_path, invite_url(released), GOOD)
    assert again.headers["location"].endswith("?invited=already_invited")
    assert visitor.get(again.headers["location"]).has("You have already invited this organisation")
    assert len(outbox("admissions@uni.lodz.pl")) == 1
    # a status that is not ours shows nothing
    assert not visitor.get(f"/results/{released}/share?invited=<b>").has("Success")


def test_errors_are_summarised_and_kept(visitor, released, outbox):
    sign_in(visitor)
    page_path = f"/results/{released}/share?q=lodz"
    empty = visitor.submit(page_path, invite_url(released), {"q": "lodz", "email": "", "website": ""})
    assert empty.status == 400 and empty.has("There is a problem")
    assert 'href="#email"' in empty.text and 'href="#website"' in empty.text
    assert empty.has("Enter the organisation’s email address")
    assert empty.has("Enter the organisation’s website")
    assert empty.has("0 organisations found")  # the search is shown again with the form
    elsewhere = visitor.submit(page_path, invite_url(released),
                               {"q": "lodz", "email": "someone@gmail.com", "website": "https://www.uni.lodz.pl"})
    assert elsewhere.status == 400 and elsewhere.has("Enter an email address at the organisation’s website")
    assert 'value="someone@gmail.com"' in elsewhere.text
    assert 'value="https://www.uni.lodz.pl"' in elsewhere.text
    bad = visitor.submit(page_path, invite_url(released),
                         {"q": "lodz", "email": "nope", "website": "not a site"})
    assert bad.status == 400 and bad.has("Enter an email address in the correct format")
    assert bad.has("Enter a web address like https://www.example.ac.uk")
    assert outbox("gmail.com") == []


def test_the_fourth_invitation_of_the_day_is_a_form_error(visitor, released, outbox):
    sign_in(visitor)
    page_path = f"/results/{released}/share?q=lodz"
    for n in range(3):
        r = visitor.submit(page_path, invite_url(released),
                           {"q": "lodz", "email": f"a@uni{n}.example", "website": f"uni{n}.example"})
        assert r.status == 303, r.text
    fourth = visitor.submit(page_path, invite_url(released),
                            {"q": "lodz", "email": "a@uni3.example", "website": "uni3.example"})
    assert fourth.status == 429 and fourth.has("There is a problem")
    assert fourth.has("You can send at most 3 invitations a day") and 'href="#email"' in fourth.text
    assert outbox("a@uni3.example") == []


def test_an_approved_organisation_is_found_instead(visitor, released):
    approved_org("King's College London", "GB", "https://www.kcl.ac.uk")
    sign_in(visitor)
    r = visitor.submit(f"/results/{released}/share?q=lodz", invite_url(released),
                       {"q": "lodz", "email": "info@kcl.ac.uk", "website": "kcl.ac.uk"})
    assert r.status == 400 and r.has("This organisation is already registered")


def test_another_candidates_result_or_signed_out(visitor, released, client):
    from .conftest import Browser

    sign_in(visitor)
    token = visitor.get(f"/results/{released}/share?q=lodz").csrf()
    assert visitor.post(invite_url("nope"), {"csrf_token": token, **GOOD}).status == 404
    stranger = Browser(client)
    r = stranger.submit("/sign-in", invite_url(released), GOOD)
    assert r.status == 303 and r.headers["location"].startswith("/sign-in")


def test_in_spanish(visitor, released, outbox):
    sign_in(visitor)
    visitor.accept_language = "es"
    page = visitor.get(f"/results/{released}/share?q=lodz")
    assert page.has("Correo electrónico de la organización") and page.has("Sitio web de la organización")
    assert page.has("Enviar invitación")
    made = visitor.submit(f"/results/{released}/share?q=lodz", invite_url(released), GOOD)
    assert visitor.get(made.headers["location"]).has("Hemos enviado su invitación")
    [mail] = outbox("admissions@uni.lodz.pl")
    assert str(mail["Subject"]) == "Le invitamos a recibir resultados de exámenes en línea"
