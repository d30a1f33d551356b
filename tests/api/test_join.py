# ruff: noqa: F811 - pytest fixtures imported from verifier_kit are redefined as arguments
"""POST /verifiers/join: the same work whatever the address, limits per requester and per
organisation, and no requester text in the subject or a link of the Primary User's email."""

from __future__ import annotations

import collections

from .verifier_kit import add_admin, make_org, staff  # noqa: F401 - fixtures


def person(email: str, first: str = "Kim", family: str = "Ng") -> dict:
    return {"first_name": first, "family_name": family, "job_title": "Clerk", "email": email}


def test_a_join_request_does_the_same_work_whatever_the_address(api, make_org, add_admin, outbox,
                                                                monkeypatch):
    """Tested without timing: the AWS calls made while answering are the same for an existing
    user's address, a new address at an approved domain and an unknown domain."""
    import botocore.client

    org = make_org()
    add_admin(org, "sam")  # sam@uni-north.ac.uk has an account
    outbox()
    calls: collections.Counter = collections.Counter()
    real_call = botocore.client.BaseClient._make_api_call

    def counting(self, op, params):  # type: ignore[no-untyped-def]
        calls[(self.meta.service_model.service_name, op)] += 1
        return real_call(self, op, params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", counting)
    api.post("/verifiers/join", person("warm@warm-up.example"))  # the queue URL is looked up once
    seen = {}
    # (each email and each domain opens its rate-limit window at its first request: one write
    # more, so first is compared with first and second with second)
    for label, email in (("existing user", "sam@uni-north.ac.uk"),
                         ("new address, approved domain", "kim@uni-north.ac.uk"),
                         ("unknown domain", "kim@nowhere.example")):
        calls.clear()
        r = api.post("/verifiers/join", person(email))
        assert r.status == 202 and r.json == {"status": "pending"}
        seen[label] = dict(calls)
    # sam opened the approved domain's window; kim is its second request: compare her with the
    # unknown domain's second request
    assert seen["existing user"] == seen["unknown domain"]
    calls.clear()
    api.post("/verifiers/join", person("lee@nowhere.example"))
    assert seen["new address, approved domain"] == dict(calls)
    assert all(("ses", "SendRawEmail") not in c for c in seen.values())
    # (the only reads are the limiter's, which opens a window with a consistent read of its own
    # counter: the same for every address, as the equalities above show)
    # and later only the new address at the approved domain became a request
    monkeypatch.undo()
    outbox()
    [req] = api.get("/organisation/join-requests", token=org.token).json["join_requests"]
    assert req["email"] == "kim@uni-north.ac.uk"


def test_the_subject_holds_no_requester_text_and_the_body_escapes_it(api, make_org, outbox):
    org = make_org()
    evil = "Your account is locked, go to http://evil.example <b>now</b>"
    assert api.post("/verifiers/join", person("kim@uni-north.ac.uk", first=evil, family="IT")).status == 202
    [mail] = [m for m in outbox(org.email) if "join" in str(m["Subject"])]
    assert str(mail["Subject"]) == "A request to join University of the North"
    html = mail.get_body(("html",)).get_content()
    assert "<b>now</b>" not in html and "&lt;b&gt;now&lt;/b&gt;" in html
    assert 'href="http://evil' not in html and "evil" not in "".join(
        part.split('"')[0] for part in html.split('href="')[1:])


def test_join_requests_are_limited_per_organisation_and_per_email(api, make_org, outbox):
    from chalicelib.services import verifier_users

    org = make_org()
    outbox()
    n = verifier_users.JOINS_PER_ORG_PER_HOUR
    # from many addresses and subdomains, the organisation gets at most n requests an hour
    for i in range(n + 3):
        r = api.post("/verifiers/join", person(f"p{i}@dept{i % 4}.uni-north.ac.uk"))
        assert r.status == 202
    mails = [m for m in outbox(org.email) if "join" in str(m["Subject"])]
    assert len(mails) == n
    assert len(api.get("/organisation/join-requests", token=org.token).json["join_requests"]) == n
    # per requester email: the 6th in an hour is a 429
    for _ in range(verifier_users.JOINS_PER_HOUR):
        assert api.post("/verifiers/join", person("x@nowhere.example")).status == 202
    r = api.post("/verifiers/join", person("x@nowhere.example"))
    assert r.status == 429 and r.json["error"] == "rate_limited"
    # per email domain: JOINS_PER_DOMAIN_PER_HOUR, then 429 for any address there
    for i in range(verifier_users.JOINS_PER_DOMAIN_PER_HOUR):
        api.post("/verifiers/join", person(f"q{i}@flood.example"))
    assert api.post("/verifiers/join", person("new@flood.example")).status == 429
