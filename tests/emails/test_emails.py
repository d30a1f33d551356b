"""Every email in English and Spanish: HTML from its template with the board's identity and a
plain-text twin, the action link on a page of PUBLIC_BASE_URL, no score in a results email, and
no message of the "emails" catalogue without its Spanish."""
from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EMAILS = ROOT / "chalicelib" / "emails"
PO = EMAILS / "translations" / "es" / "LC_MESSAGES" / "emails.po"
BASE = "https://results.example"
TOKEN = "tok_ABC-123_xyz"


@pytest.fixture(autouse=True)
def _settings(monkeypatch):
    from chalicelib import config

    monkeypatch.setenv("PUBLIC_BASE_URL", BASE)
    monkeypatch.setenv("SECRET_PEPPER", "test-pepper-not-secret")
    config.settings.cache_clear()
    yield
    config.settings.cache_clear()


def _emails(language: str):
    """(name, Email, page path of its action link or None) for every email messages.py builds."""
    from chalicelib.services import messages as m

    lg = {"language": language}
    set_password = "/organisations/set-password"
    return [
        ("verify_email", m.verify_email("a@x.org", "Ana", TOKEN, **lg), "/verify-email"),
        ("email_changed_notice", m.email_changed_notice("a@x.org", "Ana", **lg), None),
        ("password_reset", m.password_reset("a@x.org", None, TOKEN, **lg), "/reset-password"),
        ("verifier_password_reset",
         m.password_reset("a@x.org", "Kim", TOKEN, "/verifiers/set-password", **lg), set_password),
        ("password_changed", m.password_changed("a@x.org", "Ana", **lg), None),
        ("org_registered", m.org_registered("k@x.org", "Kim", "Uni North", **lg), None),
        ("org_approved", m.org_approved("k@x.org", "Kim", "Uni North", TOKEN, **lg), set_password),
        ("org_rejected", m.org_rejected("k@x.org", "Kim", "Uni North", "Not a university", **lg), None),
        ("verifier_invited", m.verifier_invited("k@x.org", "Kim", "Uni North", TOKEN, **lg),
         "/organisations/set-password"),
        ("join_requested", m.join_requested("k@x.org", "Kim", "Lee", "lee@x.org", "Uni North", **lg),
         "/organisations"),
        ("join_declined", m.join_declined("k@x.org", "Kim", "Uni North", **lg), None),
        ("shares_alert", m.shares_alert("k@x.org", "Kim", "Uni North", 3, "weekly", **lg),
         "/organisations/shared-results"),
        ("results_released", m.results_released("a@x.org", "Ana", "English B2 First", **lg), "/sign-in"),
        ("result_updated", m.result_updated("a@x.org", None, "English B2 First", **lg), "/sign-in"),
        ("org_invitation", m.org_invitation("k@x.org", "Ana", **lg), "/organisations"),
        ("invited_org_approved", m.invited_org_approved("a@x.org", "Ana", "Uni North", **lg), "/results"),
    ]


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.lang: str | None = None
        self.styles_or_scripts = 0
        self.tables = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a":
            self.hrefs.append(a["href"])
        if tag == "html":
            self.lang = a.get("lang")
        if tag in ("style", "script", "link"):
            self.styles_or_scripts += 1
        if tag == "table":
            self.tables += 1


@pytest.mark.parametrize("language", ["en", "es"])
def test_every_email_renders_with_its_link_on_a_page(language):
    for name, mail, page in _emails(language):
        html = _Links()
        html.feed(mail.html)
        assert html.lang == language, name
        assert html.styles_or_scripts == 0 and html.tables == 0, name  # inline styles only, no layout tables
        assert "#0b5d5b" in mail.html and "Exam Board English Qualifications" in mail.html, name
        assert mail.subject and "\n" not in mail.subject, name
        assert mail.text.strip() and "<" not in mail.text.replace("<b>", ""), name
        if page is None:
            assert html.hrefs == [], name
            continue
        [href] = set(html.hrefs)
        assert href.split("?")[0] == BASE + page, name
        assert href in mail.text, name  # the plain-text twin carries the same link
        if page in ("/verify-email", "/reset-password", "/organisations/set-password"):
            assert href.endswith("?token=" + TOKEN), name


def test_spanish_emails_are_in_spanish():
    english = {name: mail for name, mail, _ in _emails("en")}
    for name, mail, _ in _emails("es"):
        assert mail.subject != english[name].subject, name
        assert "Este correo se ha enviado automáticamente" in mail.text, name
        assert "Dear" not in mail.text, name


def test_an_unknown_or_missing_language_is_english():
    from chalicelib.services import messages as m

    for lang in (None, "", "fr", "xx-YY"):
        assert m.verify_email("a@x.org", "Ana", TOKEN, language=lang).subject == "Confirm your email address"
    spanish = m.verify_email("a@x.org", "Ana", TOKEN, language="es-ES")
    assert spanish.subject == "Confirme su correo electrónico"


def test_the_language_of_an_account_is_its_own_or_english():
    from chalicelib.db import models
    from chalicelib.services.messages import language_of

    assert models.CandidateAccount().language == "en" and models.VerifierUser().language == "en"
    assert language_of(models.CandidateAccount(language="es")) == "es"
    assert language_of(object()) == "en"


@pytest.mark.parametrize("language", ["en", "es"])
def test_results_emails_hold_no_score(language):
    from chalicelib.services import messages as m

    for mail in (m.results_released("a@x.org", "Ana", "English B2 First", language=language),
                 m.result_updated("a@x.org", "Ana", "English B2 First", language=language)):
        for part in (mail.subject, mail.text, mail.html):
            assert not re.search(r"score|grade|puntuaci|calificaci|\bCEFR\b|MCER", part, re.I)
            assert not re.search(r"\b1\d\d\b", re.sub(r"#[0-9a-f]{6}|\d+px|[\d.]+;", "", part))


def test_the_requester_s_words_are_escaped_and_never_a_link():
    from chalicelib.services import messages as m

    evil = 'Your account is locked, go to http://evil.example <b>now</b> <a href="http://evil.example">x</a>'
    mail = m.join_requested("k@x.org", "Kim", evil, "lee@x.org", "Uni North", language="es")
    assert "<b>now</b>" not in mail.html and "&lt;b&gt;now&lt;/b&gt;" in mail.html
    parsed = _Links()
    parsed.feed(mail.html)
    assert parsed.hrefs == [BASE + "/organisations"]
    assert "evil" not in mail.subject


# ---------------------------------------------------------------- the catalogue
def _extracted() -> set[str]:
    from babel.messages.extract import extract_from_dir
    from babel.messages.frontend import parse_mapping_cfg

    with (EMAILS / "babel.cfg").open() as f:
        method_map, options_map = parse_mapping_cfg(f)
    return {message[0] if isinstance(message, tuple) else message
            for _f, _l, message, _c, _x in extract_from_dir(str(EMAILS), method_map, options_map)}


def _catalog():
    from babel.messages.pofile import read_po

    with PO.open("rb") as f:
        return read_po(f, locale="es", domain="emails")


def test_every_message_of_the_emails_has_a_spanish_translation():
    translated = {
        (msg.id[0] if isinstance(msg.id, tuple) else msg.id) for msg in _catalog()
        if msg.id and "fuzzy" not in msg.flags
        and (all(msg.string) if isinstance(msg.string, tuple) else msg.string)
    }
    extracted = _extracted()
    assert len(extracted) > 40
    assert sorted(extracted - translated) == []


def test_placeholders_survive_translation():
    for msg in _catalog():
        if not msg.id:
            continue
        ids = msg.id if isinstance(msg.id, tuple) else (msg.id,)
        strings = msg.string if isinstance(msg.string, tuple) else (msg.string,)
        wanted = set(re.findall(r"%\(\w+\)[sd]", ids[-1]))
        for s in strings:
            assert set(re.findall(r"%\(\w+\)[sd]", s)) == wanted, msg.id
