# ruff: noqa: F811 - pytest fixtures imported from verifier_kit are redefined as arguments
"""Candidates invite an organisation that is not listed (issue 13): the email goes only to an
address at the website's domain, never carries a result, at most 3 a day per candidate, not
twice to one address; when the organisation is approved each inviter is told once."""
from __future__ import annotations

from .verifier_kit import (  # noqa: F401 - fixtures
    candidate,
    candidate_login,
    make_candidate,
    make_result,
    registration,
    staff,
)

INVITE = "/candidates/me/invitations"


def register(api, domain: str, name: str) -> str:
    return api.post("/verifiers/register", registration(domain, name)).json["org_id"]


def invite(api, token: str, email: str, website: str, **more):
    return api.post(INVITE, {"email": email, "website": website, **more}, token=token)


def text_of(mail) -> str:
    return mail.get_body(("plain",)).get_content()


def html_of(mail) -> str:
    return mail.get_body(("html",)).get_content()


def test_invitation_is_emailed_without_result_data(api, candidate, outbox):
    rid = make_result()
    r = invite(api, candidate, "Admissions@Uni-West.ac.uk", "https://www.uni-west.ac.uk/study", result_id=rid)
    assert r.status == 202, r.json
    assert r.json == {"email": "admissions@uni-west.ac.uk", "website": "https://www.uni-west.ac.uk/study",
                      "domain": "uni-west.ac.uk", "status": "sent"}
    [mail] = outbox("admissions@uni-west.ac.uk")
    assert str(mail["Subject"]) == "You are invited to receive exam results online"
    text, html = text_of(mail), html_of(mail)
    assert "Hello," in text and "Zoë, a candidate of Exam Board English Qualifications" in text
    assert "https://results.example/organisations" in text and "https://results.example/organisations" in html
    for secret in ("175", "172", "B2", "Grade", "SOR-2025-000001", "Łukasiewicz", "SIR094701", "2004-03-09",
                   "B2 First", ".example/results", "token="):
        assert secret not in text and secret not in html, secret


def test_invitation_in_the_candidates_language(api, outbox):
    from chalicelib.db import models as m

    make_candidate("SIR094702", "Lucía", "García")
    account = m.CandidateAccount.get(*m.CandidateAccount.keys("SIR094702"))
    account.update(actions=[m.CandidateAccount.language.set("es")])
    token = candidate_login(api, "SIR094702")
    assert invite(api, token, "info@colegio.es", "colegio.es").status == 202
    [mail] = outbox("info@colegio.es")
    assert str(mail["Subject"]) == "Le invitamos a recibir resultados de exámenes en línea"
    assert "Lucía, candidato/a de Exam Board English Qualifications" in text_of(mail)


def test_address_must_be_at_the_websites_domain(api, candidate, outbox):
    r = invite(api, candidate, "someone@gmail.com", "https://www.uni-west.ac.uk")
    assert r.status == 400 and "email" in r.json["fields"]
    r = invite(api, candidate, "admissions@uni-west.ac.uk.evil.example", "uni-west.ac.uk")
    assert r.status == 400 and "email" in r.json["fields"]
    r = invite(api, candidate, "admissions@uni-west.ac.uk", "not a website")
    assert r.status == 400 and "website" in r.json["fields"]
    r = invite(api, candidate, "not-an-address", "uni-west.ac.uk")
    assert r.status == 400 and "email" in r.json["fields"]
    # a subdomain of the website is fine (as for an organisation's registration)
    assert invite(api, candidate, "office@admissions.uni-west.ac.uk", "uni-west.ac.uk").status == 202
    assert outbox("gmail.com") == [] and outbox("evil.example") == []
    assert len(outbox("admissions.uni-west.ac.uk")) == 1


def test_needs_a_candidate_session_and_own_result(api, candidate):
    assert api.post(INVITE, {"email": "a@uni-west.ac.uk", "website": "uni-west.ac.uk"}).status == 401
    make_candidate("OTH000001", "Other", "Person")
    others = make_result("OTH000001", reference_number="SOR-OTHER-0001")
    assert invite(api, candidate, "a@uni-west.ac.uk", "uni-west.ac.uk", result_id=others).status == 404


def test_at_most_three_a_day_and_not_twice_to_one_address(api, candidate, outbox):
    for n in range(3):
        assert invite(api, candidate, f"a@uni{n}.example", f"uni{n}.example").json["status"] == "sent"
    # the same address again: not sent again, not counted, even with another website
    again = invite(api, candidate, "a@uni0.example", "https://uni0.example/")
    assert again.status == 202 and again.json["status"] == "already_invited"
    r = invite(api, candidate, "a@uni3.example", "uni3.example")
    assert r.status == 429 and r.json["error"] == "rate_limited" and int(r.headers["retry-after"]) > 0
    assert len(outbox("a@uni0.example")) == 1 and outbox("a@uni3.example") == []
    # another candidate has their own three
    make_candidate("SIR094702", "Lucía", "García")
    other = candidate_login(api, "SIR094702")
    assert invite(api, other, "a@uni3.example", "uni3.example").json["status"] == "sent"


def test_an_approved_organisation_is_not_invited(api, candidate, staff, outbox):
    org_id = register(api, "uni-east.ac.uk", "University of the East")
    # registered and waiting: recorded, not written to
    r = invite(api, candidate, "office@uni-east.ac.uk", "uni-east.ac.uk")
    assert r.status == 202 and r.json["status"] == "awaiting_approval"
    assert outbox("office@uni-east.ac.uk") == []
    assert api.post(f"/staff/organisations/{org_id}/approve", token=staff).status == 200
    r = invite(api, candidate, "other@uni-east.ac.uk", "https://www.uni-east.ac.uk")
    assert r.status == 409
    # the candidate was told (the pending organisation was awaited)
    told = [mm for mm in outbox("SIR094701@example.org") if "can now receive" in str(mm["Subject"])]
    assert len(told) == 1


def test_approval_tells_each_inviter_once_and_only_theirs(api, candidate, staff, outbox):
    from chalicelib.db import models as m

    make_candidate("SIR094702", "Lucía", "García")
    account = m.CandidateAccount.get(*m.CandidateAccount.keys("SIR094702"))
    account.update(actions=[m.CandidateAccount.language.set("es")])
    lucia = candidate_login(api, "SIR094702")
    make_candidate("SIR094703", "Ola", "Nowak")
    ola = candidate_login(api, "SIR094703")
    # Zoë invites two addresses of the same organisation, Lucía one; Ola invites another one
    assert invite(api, candidate, "admissions@uni-west.ac.uk", "uni-west.ac.uk").status == 202
    assert invite(api, candidate, "dean@uni-west.ac.uk", "https://uni-west.ac.uk").status == 202
    assert invite(api, lucia, "admissions@uni-west.ac.uk", "www.uni-west.ac.uk").status == 202
    assert invite(api, ola, "office@uni-south.ac.uk", "uni-south.ac.uk").status == 202

    def told(id_number: str) -> list:
        return [mm for mm in outbox(f"{id_number}@example.org") if "invit" in str(mm["Subject"]).lower()]

    assert told("SIR094701") == [] and told("SIR094702") == []
    org_id = register(api, "uni-west.ac.uk", "University of the West")
    assert api.post(f"/staff/organisations/{org_id}/approve", token=staff).status == 200
    [zoe_mail] = told("SIR094701")
    assert str(zoe_mail["Subject"]) == "An organisation you invited can now receive your results"
    assert "University of the West" in text_of(zoe_mail)
    assert "https://results.example/results" in text_of(zoe_mail)
    [lucia_mail] = told("SIR094702")
    assert str(lucia_mail["Subject"]) == "Una organización que usted invitó ya puede recibir sus resultados"
    assert told("SIR094703") == []  # another organisation's invitation is not affected
    # the invitations are done: telling again sends nothing
    from chalicelib.services import invitations

    assert invitations.tell_inviters("uni-west.ac.uk", "University of the West") == 0
    assert len(told("SIR094701")) == 1 and len(told("SIR094702")) == 1
    keys = m.Invitation.keys("uni-south.ac.uk", "SIR094703", "office@uni-south.ac.uk")
    ola_invite = m.Invitation.get(*keys)
    assert ola_invite.done_at is None
    org_south = register(api, "uni-south.ac.uk", "South")
    assert api.post(f"/staff/organisations/{org_south}/approve", token=staff).status == 200
    assert len(told("SIR094703")) == 1
