"""The verifiers' account pages through chalice.test.Client: register, join, set password, sign in
(with the two-factor step), Your organisation (Primary User vs Admin User), email notifications.
Each form's bad paths: every invalid field at once, CSRF, wrong credentials, another
organisation's ids, an Admin User's POSTs, a form sent twice."""

from __future__ import annotations

import re

import pytest

from tests.api.conftest import outbox, token_in  # noqa: F401  (fixture: outbox)
from tests.api.verifier_kit import PASSWORD, add_admin, make_org, staff  # noqa: F401  (fixtures)

from .conftest import Browser

REG = {
    "first_name": "Ada", "family_name": "Okafor", "job_title": "Admissions officer",
    "email": "ada@uni-west.ac.uk", "confirm_email": "ada@uni-west.ac.uk",
    "organisation_name": "University of the West", "organisation_type": "university",
    "website": "https://www.uni-west.ac.uk/", "country": "GB",
}
ORG = "/organisations/your-organisation"
NAMES = {"first_name": "X", "family_name": "Y", "job_title": "Z"}


def sign_in(visitor: Browser, email: str, password: str = PASSWORD):
    return visitor.submit("/organisations/sign-in", "/organisations/sign-in",
                          {"email": email, "password": password})


def summary_links(page) -> set[str]:
    box = page.text.split('govuk-error-summary', 1)[1].split("</div>\n</div>", 1)[0]
    return set(re.findall(r'href="#([a-z_]+)"', box))


def user_item(email: str):
    from chalicelib.db.store import store

    user_id = store().verifier_users.id_for_email(email)
    return store().verifier_users.get(user_id) if user_id else None


@pytest.fixture
def primary(visitor, make_org):  # noqa: F811
    org = make_org()
    assert sign_in(visitor, org.email).status == 303
    return org


# ---------------------------------------------------------------- start, register, join
def test_start_page_links_in_both_languages(visitor, client) -> None:
    page = visitor.get("/organisations")
    assert page.status == 200
    for words in ("Register your organisation", "Join an existing account", "Sign in"):
        assert page.has(words)
    assert 'href="/organisations/register"' in page.text and 'href="/organisations/join"' in page.text
    # the verifiers' own header: their service's name, linking to their start page
    assert re.search(r'<a href="/organisations" class="board-header__brand">\s*<svg[^>]*>.*?</svg>\s*'
                     r'<span>Results Verification Service</span>', page.text, re.S)
    es = Browser(client, "es").get("/organisations")
    assert es.has("Registrar su organización") and es.has('lang="es"')


def test_register_every_field_at_once_then_the_email_domain_beside_the_email(visitor) -> None:
    page = visitor.submit("/organisations/register", "/organisations/register", {})
    assert page.status == 400 and page.has("There is a problem")
    assert summary_links(page) == {"first_name", "family_name", "job_title", "email", "confirm_email",
                                   "organisation_name", "organisation_type", "website", "country"}
    wrong = visitor.submit("/organisations/register", "/organisations/register",
                           {**REG, "email": "ada@gmail.com", "confirm_email": "ada@gmail.com"})
    assert wrong.status == 400
    assert summary_links(wrong) == {"email"}
    assert wrong.has("Enter an email address at uni-west.ac.uk, your organisation's website")
    assert 'value="University of the West"' in wrong.text  # what was typed is kept


def test_register_stores_the_language_in_use_and_a_second_time_is_refused(client, api, staff,  # noqa: F811
                                                                         outbox) -> None:  # noqa: F811
    es = Browser(client, "es")
    done = es.submit("/organisations/register", "/organisations/register", REG)
    assert done.status == 303 and done.headers["location"] == "/organisations/registered"
    assert es.get("/organisations/registered").has("Su organización está registrada")
    assert user_item(REG["email"]).language == "es"
    [mail] = outbox(REG["email"])
    assert str(mail["Subject"]) == "Hemos recibido el registro de su organización"
    again = es.submit("/organisations/register", "/organisations/register", REG)  # the form sent twice
    assert again.status == 400 and summary_links(again) == {"website"}
    # the approval, sent later by staff (in English), is written in the language stored
    org_id = user_item(REG["email"]).org_id
    assert api.post(f"/staff/organisations/{org_id}/approve", token=staff).status == 200
    approved = str(outbox(REG["email"])[-1]["Subject"])
    assert approved == "Su organización ha sido aprobada: establezca su contraseña"


def test_missing_csrf_is_the_400_page(visitor, primary) -> None:
    assert visitor.post("/organisations/register", REG).status == 400
    r = visitor.post(ORG + "/users", {"first_name": "Sam", "family_name": "Lee", "job_title": "Clerk",
                                      "email": "sam@uni-north.ac.uk"})
    assert r.status == 400 and r.has("Sorry, we could not accept that form")
    assert user_item("sam@uni-north.ac.uk") is None


def test_join_request_then_the_primary_user_approves_it(visitor, client, primary, outbox) -> None:  # noqa: F811
    other = Browser(client, "es")
    empty = other.submit("/organisations/join", "/organisations/join", {})
    assert empty.status == 400 and summary_links(empty) == {"first_name", "family_name", "job_title", "email"}
    person = {"first_name": "Bea", "family_name": "Sol", "job_title": "Registrar",
              "email": "bea@uni-north.ac.uk"}
    sent = other.submit("/organisations/join", "/organisations/join", person)
    assert sent.status == 303 and sent.headers["location"] == "/organisations/join/sent"
    outbox()  # the worker stores the request
    page = visitor.get(ORG)
    assert page.has("bea@uni-north.ac.uk") and page.has("Approve") and page.has("Decline")
    request_id = re.search(r"/join-requests/([^/]+)/approve", page.text).group(1)
    approved = visitor.submit(ORG, f"{ORG}/join-requests/{request_id}/approve", {})
    assert approved.status == 303
    assert user_item("bea@uni-north.ac.uk").language == "es"  # the requester's language
    twice = visitor.submit(ORG, f"{ORG}/join-requests/{request_id}/approve", {})
    assert twice.status == 404
    # a request whose address got an account meanwhile: removed, and the page says why
    cy = {**person, "first_name": "Cy", "email": "cy@uni-north.ac.uk"}
    assert other.submit("/organisations/join", "/organisations/join", cy).status == 303
    outbox()
    request_id = re.search(r"/join-requests/([^/]+)/approve", visitor.get(ORG).text).group(1)
    assert visitor.submit(ORG, ORG + "/users", cy).status == 303
    done = visitor.submit(ORG, f"{ORG}/join-requests/{request_id}/approve", {})
    assert done.headers["location"] == ORG + "?done=join-has-account"
    page = visitor.get(done.headers["location"])
    assert page.has("That person already has an account") and "/join-requests/" not in page.text


# ---------------------------------------------------------------- set password, sign in
def test_set_password_page_from_the_approval_email(visitor, client, api, staff, outbox) -> None:  # noqa: F811
    assert visitor.submit("/organisations/register", "/organisations/register", REG).status == 303
    org_id = user_item(REG["email"]).org_id
    assert api.post(f"/staff/organisations/{org_id}/approve", token=staff).status == 200
    [mail] = [m for m in outbox(REG["email"]) if "/organisations/set-password?token=" in
              m.get_body(preferencelist=("plain",)).get_content()]
    token = token_in(mail)
    assert visitor.get("/organisations/set-password?token=nonsense").status == 400
    page = visitor.get(f"/organisations/set-password?token={token}")
    assert page.status == 200 and page.has("Confirm password")
    es = Browser(client, "es")
    bad = es.submit(f"/organisations/set-password?token={token}", "/organisations/set-password",
                    {"token": token, "password": PASSWORD, "confirm_password": "other-words-here"})
    assert bad.status == 400 and summary_links(bad) == {"confirm_password"}
    ok = es.submit(f"/organisations/set-password?token={token}", "/organisations/set-password",
                   {"token": token, "password": PASSWORD, "confirm_password": PASSWORD})
    assert ok.status == 303 and ok.headers["location"] == "/organisations/password-saved"
    assert user_item(REG["email"]).language == "es"
    spent = es.get(f"/organisations/set-password?token={token}")
    assert spent.status == 400 and spent.has("Este enlace no funciona")
    used = es.submit("/organisations/sign-in", "/organisations/set-password",  # the form sent twice
                     {"token": token, "password": PASSWORD, "confirm_password": PASSWORD})
    assert used.status == 400 and used.has("Este enlace no funciona")


def test_sign_in_same_reply_for_unknown_and_wrong_then_the_lock_out_is_a_page(visitor, make_org) -> None:  # noqa: F811
    org = make_org()
    wrong = sign_in(visitor, org.email, "not-the-password")
    unknown = sign_in(visitor, "nobody@uni-north.ac.uk", "not-the-password")
    assert wrong.status == unknown.status == 400
    assert wrong.has("The email address or password is not correct")
    assert unknown.has("The email address or password is not correct")
    for _ in range(6):
        last = sign_in(visitor, org.email, "not-the-password")
    assert last.status == 429 and last.has("You have tried to sign in too many times")
    assert "__Host-session" not in visitor.cookies


def test_sign_in_goes_to_shared_results_and_sign_out_ends_the_session(visitor, make_org) -> None:  # noqa: F811
    org = make_org()
    done = sign_in(visitor, org.email)
    assert done.status == 303 and done.headers["location"] == "/organisations/shared-results"
    page = visitor.get(ORG)
    assert page.status == 200 and page.has("Your organisation") and page.has("Email notifications")
    assert 'action="/organisations/sign-out"' in page.text and 'aria-current="page"' in page.text
    assert visitor.get("/organisations/sign-in").headers.get("location") == "/organisations/shared-results"
    token = visitor.cookies["__Host-session"]
    out = visitor.submit(ORG, "/organisations/sign-out", {})
    assert out.status == 303 and out.headers["location"] == "/organisations/signed-out"
    visitor.cookies["__Host-session"] = token  # the old cookie no longer works: ended on the server
    assert visitor.get(ORG).headers["location"] == "/organisations/sign-in"


def test_forgotten_password_sends_a_set_password_link(visitor, make_org, outbox) -> None:  # noqa: F811
    org = make_org()
    empty = visitor.submit("/organisations/forgotten-password", "/organisations/forgotten-password", {})
    assert empty.status == 400 and summary_links(empty) == {"email"}
    sent = visitor.submit("/organisations/forgotten-password", "/organisations/forgotten-password",
                          {"email": org.email})
    assert sent.status == 303
    texts = [m.get_body(preferencelist=("plain",)).get_content() for m in outbox(org.email)]
    assert any("/organisations/set-password?token=" in t for t in texts[1:])


# ---------------------------------------------------------------- your organisation
def test_primary_user_adds_edits_and_removes_a_user(visitor, primary, outbox) -> None:  # noqa: F811
    page = visitor.get(ORG)
    for words in ("Add user", "Create API key", "Join requests", "Webhooks"):
        assert page.has(words)
    person = {"first_name": "Sam", "family_name": "Lee", "job_title": "Clerk", "email": "sam@uni-north.ac.uk"}
    wrong = visitor.submit(ORG, ORG + "/users", {**person, "email": "sam@elsewhere.org"})
    assert wrong.status == 400 and summary_links(wrong) == {"email"}
    added = visitor.submit(ORG, ORG + "/users", person)
    assert added.status == 303 and added.headers["location"] == ORG + "?done=user-added"
    assert visitor.get(added.headers["location"]).has("The user is added")
    assert len(outbox("sam@uni-north.ac.uk")) == 1
    twice = visitor.submit(ORG, ORG + "/users", person)  # the form sent twice
    assert twice.status == 400 and twice.has("This email address already has an account")
    sam = user_item("sam@uni-north.ac.uk")
    edit = visitor.submit(f"{ORG}/users/{sam.user_id}", f"{ORG}/users/{sam.user_id}",
                          {"first_name": "Samuel", "family_name": "Lee", "job_title": "Clerk"})
    assert edit.status == 303 and user_item("sam@uni-north.ac.uk").first_name == "Samuel"
    removed = visitor.submit(ORG, f"{ORG}/users/{sam.user_id}/remove", {})
    assert removed.status == 303 and user_item("sam@uni-north.ac.uk") is None
    assert visitor.submit(ORG, f"{ORG}/users/{sam.user_id}/remove", {}).status == 404  # twice


def test_another_organisations_user_cannot_be_changed_or_removed(visitor, primary, make_org,  # noqa: F811
                                                                  add_admin) -> None:  # noqa: F811
    other = make_org("uni-south.ac.uk", "University of the South")
    _, their_admin = add_admin(other)
    assert visitor.submit(ORG, f"{ORG}/users/{their_admin}/remove", {}).status == 404
    assert visitor.get(f"{ORG}/users/{their_admin}").status == 404
    r = visitor.submit(ORG, f"{ORG}/users/{their_admin}", NAMES)
    assert r.status == 404
    still = user_item("sam@uni-south.ac.uk")
    assert still is not None and still.first_name == "Sam"


def test_an_admin_user_sees_no_primary_controls_and_is_refused(client, make_org, add_admin,  # noqa: F811
                                                                api) -> None:
    org = make_org()
    add_admin(org)
    key = api.post("/organisation/api-keys", {"name": "HR"}, token=org.token).json
    hook = api.post("/organisation/webhooks", {"url": "https://hooks.example.org/a"}, token=org.token).json
    admin = Browser(client)
    assert sign_in(admin, "sam@uni-north.ac.uk").status == 303
    page = admin.get(ORG)
    assert page.status == 200 and page.has("University of the North") and page.has("Admin User")
    for words in ("Add user", "Create API key", "Revoke", "Approve", "Remove", "Add webhook"):
        assert not page.has(words), words
    person = {"first_name": "Eve", "family_name": "Ng", "job_title": "Clerk", "email": "eve@uni-north.ac.uk"}
    token = page.csrf()
    for path, fields in ((ORG + "/users", person), (f"{ORG}/users/{org.user_id}/remove", {}),
                         (f"{ORG}/users/{org.user_id}", NAMES),
                         (ORG + "/api-keys", {"key_name": "mine"}),
                         (f"{ORG}/api-keys/{key['key_id']}/revoke", {}),
                         (ORG + "/webhooks", {"url": "https://hooks.example.org/x"}),
                         (f"{ORG}/webhooks/{hook['webhook_id']}/remove", {}),
                         (f"{ORG}/join-requests/{org.user_id}/approve", {}),
                         (f"{ORG}/join-requests/{org.user_id}/decline", {})):
        r = admin.post(path, {"csrf_token": token, **fields})
        assert r.status == 403 and r.has("You cannot do this"), path
    assert user_item("eve@uni-north.ac.uk") is None
    assert user_item(org.email).first_name == "Ada"
    assert len(api.get("/organisation/api-keys", token=org.token).json["api_keys"]) == 1
    assert len(api.get("/organisation/webhooks", token=org.token).json["webhooks"]) == 1


def test_api_key_shown_once_read_only_then_revoked(visitor, primary) -> None:
    empty = visitor.submit(ORG, ORG + "/api-keys", {"key_name": ""})
    assert empty.status == 400 and summary_links(empty) == {"key_name"}
    shown = visitor.submit(ORG, ORG + "/api-keys", {"key_name": "HR system"})
    assert shown.status == 200 and shown.has("Your new API key")
    field = re.search(r'<input[^>]*id="secret"[^>]*>', shown.text).group(0)
    assert "readonly" in field and re.search(r'value="rvs_[^"]+"', field)
    assert re.search(r'<label[^>]*for="secret"', shown.text)
    page = visitor.get(ORG)
    assert page.has("HR system") and page.has("Never used") and "rvs_" in page.text
    assert re.search(r'value="rvs_', page.text) is None  # the whole key is never shown again
    key_id = re.search(r"/api-keys/([^/]+)/revoke", page.text).group(1)
    assert visitor.submit(ORG, f"{ORG}/api-keys/{key_id}/revoke", {}).status == 303
    assert visitor.submit(ORG, f"{ORG}/api-keys/{key_id}/revoke", {}).status == 404


def test_webhooks_add_refuse_show_failing_and_remove(visitor, primary) -> None:
    bad = visitor.submit(ORG, ORG + "/webhooks", {"url": "http://hooks.example.org/x"})
    assert bad.status == 400 and summary_links(bad) == {"url"}
    shown = visitor.submit(ORG, ORG + "/webhooks", {"url": "https://hooks.example.org/x"})
    assert shown.status == 200 and re.search(r'value="whsec_', shown.text)
    twice = visitor.submit(ORG, ORG + "/webhooks", {"url": "https://hooks.example.org/x"})
    assert twice.status == 400 and twice.has("This web address is registered already")
    from chalicelib.db import models as m
    from chalicelib.db.store import store

    [hook] = store().webhooks.of_org(primary.org_id)
    store().webhooks.t.update(hook, [m.Webhook.status.set("failing"),
                                     m.Webhook.last_failure_at.set("2026-06-14T10:00:00Z")])
    page = visitor.get(ORG)
    assert page.has("Failing") and page.has("Deliveries have failed since 14 June 2026")
    assert visitor.submit(ORG, f"{ORG}/webhooks/{hook.webhook_id}/remove", {}).status == 303
    assert store().webhooks.of_org(primary.org_id) == []


# ---------------------------------------------------------------- notifications
def test_notifications_saved_with_the_language_in_use(client, make_org) -> None:  # noqa: F811
    org = make_org()
    es = Browser(client, "es")
    assert sign_in(es, org.email).status == 303
    page = es.get("/organisations/notifications")
    assert page.has("Con qué frecuencia") and page.has("Semanalmente")
    bad = es.submit("/organisations/notifications", "/organisations/notifications", {"frequency": "hourly"})
    assert bad.status == 400 and summary_links(bad) == {"frequency"}
    ok = es.submit("/organisations/notifications", "/organisations/notifications", {"frequency": "weekly"})
    assert ok.status == 303
    user = user_item(org.email)
    assert (user.frequency, user.language) == ("weekly", "es")
    assert re.search(r'value="weekly"[^>]*checked', es.get("/organisations/notifications").text)


# ---------------------------------------------------------------- two-factor
def test_two_factor_set_up_from_the_page_then_the_code_step(visitor, client, primary) -> None:
    import pyotp

    from tests.two_factor import fresh_code, wrong

    start = visitor.submit("/organisations/two-factor", "/organisations/two-factor/start", {})
    assert start.status == 200 and 'src="data:image/svg+xml' in start.text
    secret = re.search(r'<code class="board-secret"[^>]*>([A-Z2-7]+)</code>', start.text).group(1)
    refused = visitor.post("/organisations/two-factor/confirm",
                           {"csrf_token": start.csrf(), "code": wrong(secret)})
    assert refused.status == 400 and secret in refused.text  # the same secret shown again
    done = visitor.post("/organisations/two-factor/confirm",
                        {"csrf_token": start.csrf(), "code": fresh_code(secret)})
    assert done.status == 200 and done.has("Your recovery codes")
    codes = re.findall(r"<code>([a-z0-9]{5}-[a-z0-9]{5})</code>", done.text)
    assert len(codes) == 10

    other = Browser(client)
    step = sign_in(other, primary.email)
    assert step.status == 200 and step.has("Enter the code from your authenticator app")
    assert "__Host-session" not in other.cookies
    mfa_token = re.search(r'name="mfa_token" value="([^"]+)"', step.text).group(1)
    bad = other.post("/organisations/sign-in/code", {"csrf_token": step.csrf(), "mfa_token": mfa_token,
                                                     "code": wrong(secret)})
    assert bad.status == 400 and bad.has("The code is not correct")
    good = other.post("/organisations/sign-in/code", {"csrf_token": step.csrf(), "mfa_token": mfa_token,
                                                      "code": codes[0]})
    assert good.status == 303 and good.headers["location"] == "/organisations/shared-results"
    assert other.get(ORG).status == 200
    assert pyotp  # the app's algorithm


def test_a_missing_or_spent_code_step_goes_back_to_sign_in(visitor) -> None:
    page = visitor.get("/organisations/sign-in")
    r = visitor.post("/organisations/sign-in/code",
                     {"csrf_token": page.csrf(), "mfa_token": "nope", "code": "1"})
    assert r.status == 400 and r.has("Your sign-in has expired")


def test_an_organisation_that_requires_two_factor_enrols_at_sign_in(client, make_org,  # noqa: F811
                                                                    add_admin, api) -> None:  # noqa: F811
    from tests.two_factor import fresh_code, wrong

    org = make_org()
    add_admin(org)
    assert api.put_json("/organisation/mfa", {"required": True}, token=org.token).status == 200
    admin = Browser(client)
    step = sign_in(admin, "sam@uni-north.ac.uk")
    assert step.status == 200 and step.has("Your organisation requires two-factor sign-in")
    assert 'src="data:image/svg+xml' in step.text
    secret = re.search(r'<code class="board-secret"[^>]*>([A-Z2-7]+)</code>', step.text).group(1)
    mfa_token = re.search(r'name="mfa_token" value="([^"]+)"', step.text).group(1)
    fields = {"csrf_token": step.csrf(), "mfa_token": mfa_token, "secret": secret,
              "otpauth_uri": re.search(r'name="otpauth_uri" value="([^"]+)"', step.text).group(1)}
    refused = admin.post("/organisations/sign-in/code", {**fields, "code": wrong(secret)})
    assert refused.status == 400 and secret in refused.text  # the QR code and the secret shown again
    done = admin.post("/organisations/sign-in/code", {**fields, "code": fresh_code(secret)})
    assert done.status == 200 and done.has("Your recovery codes")
    assert admin.get(ORG).status == 200
