"""What every page shares: the request's context (language, cookies, session, CSRF), rendering
with the security headers, redirects, and the error pages. Standard library and chalice only at
import time; jinja2, babel and the services are imported on the render path.

    @bp.route("/sign-in", methods=["GET"])
    @page
    def sign_in(ctx: Ctx) -> Response:
        return ctx.render("sign_in.html", title=ctx.gettext("Sign in"))
"""
from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import os
import secrets
from collections.abc import Callable
from typing import Any

from chalice import Response

from . import i18n
from .forms import FormErrors, FormTooLarge, parse_form

SESSION_COOKIE = "__Host-session"
CSRF_COOKIE = "__Host-csrf"  # the pre-session cookie that anonymous forms' tokens are tied to
CSRF_FIELD = "csrf_token"
_COOKIE_ATTRS = "Path=/; Secure; HttpOnly; SameSite=Lax"


def assets_base_url() -> str:
    """Where the built assets are served from: `make run` serves /assets itself; on AWS it is
    CloudFront's /assets (or another origin) through ASSETS_BASE_URL."""
    return os.environ.get("ASSETS_BASE_URL", "/assets").rstrip("/")


def csp(nonce: str, form_action: tuple[str, ...] = ()) -> str:
    """`form_action`: origins a page's forms may post to besides 'self' (the board's upload form
    posts to the batch bucket): set per page with `ctx.allow_form_action`."""
    targets = " ".join(("'self'", *form_action))
    return ("default-src 'self'; "
            f"script-src 'self' 'nonce-{nonce}'; "
            f"style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action {targets}; "
            "base-uri 'none'")


def security_headers(nonce: str, form_action: tuple[str, ...] = ()) -> dict[str, str]:
    return {
        "Content-Security-Policy": csp(nonce, form_action),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
        "Cache-Control": "no-store",
    }


def parse_cookies(header: str | None) -> dict[str, str]:
    out: dict[str, str] = {}
    for part in (header or "").split(";"):
        name, sep, value = part.strip().partition("=")
        if sep and name and name not in out:
            out[name] = value.strip().strip('"')
    return out


def cookie(name: str, value: str, max_age: int | None = None) -> str:
    age = f"; Max-Age={max_age}" if max_age is not None else ""
    return f"{name}={value}; {_COOKIE_ATTRS}{age}"


class SignInRequired(Exception):
    """The page needs a session of one of its kinds: the visitor goes to that area's sign-in."""

    def __init__(self, sign_in: str = "/sign-in") -> None:
        super().__init__(sign_in)
        self.sign_in = sign_in


class BadCsrf(Exception):
    pass


class Ctx:
    """One request to a page."""

    def __init__(self, request: Any) -> None:
        self.request = request
        self.headers = request.headers or {}
        self.cookies = parse_cookies(self.headers.get("cookie"))
        self.lang = i18n.choose(self.cookies, self.headers)
        self.nonce = secrets.token_urlsafe(16)
        self.set_cookies: list[str] = []
        self._principal: Any = None
        self.form_action: tuple[str, ...] = ()

    def allow_form_action(self, origin: str) -> None:
        """This page's forms may also post to `origin` (scheme://host[:port], no path)."""
        self.form_action = (*self.form_action, origin)

    # ------------------------------------------------------------ words
    def gettext(self, message: str, **values: Any) -> str:
        text = i18n.translations(self.lang).gettext(message)
        return text % values if values else text

    def ngettext(self, singular: str, plural: str, n: int, **values: Any) -> str:
        text = i18n.translations(self.lang).ngettext(singular, plural, n)
        return text % {"num": n, **values}

    # ------------------------------------------------------------ session
    @property
    def session_token(self) -> str | None:
        token = self.cookies.get(SESSION_COOKIE)
        return token if token and len(token) <= 200 else None

    def principal(self, *kinds: str) -> Any:
        """The signed-in principal of one of `kinds`, or None."""
        if self._principal is None and self.session_token:
            from ..domain.errors import Unauthenticated
            from ..services.security import authenticate

            try:
                self._principal = authenticate(f"Bearer {self.session_token}", kinds)
            except Unauthenticated:
                return None
        return self._principal

    def require(self, *kinds: str) -> Any:
        who = self.principal(*kinds)
        if who is None:
            from .nav import AREA_OF_KIND, area

            raise SignInRequired(area(AREA_OF_KIND.get(kinds[0]) if kinds else None).sign_in)
        return who

    def start_session(self, session: dict, hours: int) -> None:
        """After a successful sign-in: the cookie holding the session token."""
        self.set_cookies.append(cookie(SESSION_COOKIE, session["token"], hours * 3600))
        self.cookies[SESSION_COOKIE] = session["token"]

    def end_session(self) -> None:
        self.set_cookies.append(cookie(SESSION_COOKIE, "", 0))
        self.cookies.pop(SESSION_COOKIE, None)

    # ------------------------------------------------------------ CSRF
    def _csrf_binding(self, create: bool) -> str | None:
        """What a CSRF token is tied to: the session cookie when there is one, else the
        pre-session cookie (created when a page with a form is shown)."""
        if self.session_token:
            return "s:" + hashlib.sha256(self.session_token.encode()).hexdigest()
        pre = self.cookies.get(CSRF_COOKIE)
        if (not pre or len(pre) > 100) and create:
            pre = secrets.token_urlsafe(32)
            self.cookies[CSRF_COOKIE] = pre
            self.set_cookies.append(cookie(CSRF_COOKIE, pre))
        return "a:" + pre if pre else None

    @staticmethod
    def _sign(binding: str) -> str:
        from .. import config

        key = config.settings().secret_pepper.encode()
        mac = hmac.new(key, b"csrf\x1f" + binding.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(mac).decode().rstrip("=")

    def csrf_token(self) -> str:
        binding = self._csrf_binding(create=True)
        assert binding is not None
        return self._sign(binding)

    def form(self) -> dict[str, str]:
        """The posted form, after its CSRF token is checked (BadCsrf: a 400 page)."""
        try:
            data = parse_form(self.request.raw_body)
        except FormTooLarge:
            raise BadCsrf() from None
        binding = self._csrf_binding(create=False)
        sent = data.pop(CSRF_FIELD, "")
        if binding is None or not hmac.compare_digest(sent.encode(), self._sign(binding).encode()):
            raise BadCsrf()
        return data

    # ------------------------------------------------------------ replies
    def render(self, template: str, status: int = 200, **values: Any) -> Response:
        from .render import render

        body = render(self, template, values)
        return self.reply(body, status)

    def reply(self, body: str, status: int = 200, headers: dict[str, str] | None = None) -> Response:
        out: dict[str, Any] = {"Content-Type": "text/html; charset=utf-8",
                               **security_headers(self.nonce, self.form_action),
                               **(headers or {})}
        if self.set_cookies:
            # Several Set-Cookie: Chalice sends a list as multiValueHeaders.
            out["Set-Cookie"] = self.set_cookies if len(self.set_cookies) > 1 else self.set_cookies[0]
        return Response(body=body, status_code=status, headers=out)

    def redirect(self, location: str) -> Response:
        """303 See Other: after a successful POST, and for a page that needs signing in."""
        return self.reply("", 303, {"Location": location})


def safe_next(value: str | None, default: str = "/") -> str:
    """A path on this site to go back to (never another origin: no `//host` nor `/\\host`)."""
    if value and value.startswith("/") and not value.startswith(("//", "/\\")) and len(value) < 500:
        return value
    return default


def page(view: Callable[..., Response]) -> Callable[..., Response]:
    """Decorate a page view taking a `Ctx` (after `@bp.route`, which passes the path's
    parameters through): a page that needs signing in redirects to the sign-in page, a bad CSRF
    token gets the 400 page, anything unexpected the 500 page (logged, without its values)."""
    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Response:
        from .routes import bp

        ctx = Ctx(bp.current_request)
        try:
            return view(ctx, *args, **kwargs)
        except SignInRequired as needed:
            if ctx.session_token:
                ctx.end_session()  # an expired or ended session: its cookie goes too
            return ctx.redirect(needed.sign_in)
        except BadCsrf:
            return ctx.render("errors/csrf.html", status=400,
                              title=ctx.gettext("Sorry, we could not accept that form"))
        except Exception:  # noqa: BLE001 - the page's last resort
            from ..observability import logger

            logger().exception("unhandled error in a page", extra={"view": view.__name__})
            return ctx.render("errors/500.html", status=500,
                              title=ctx.gettext("Sorry, there is a problem with the service"))

    return wrapped


__all__ = ["BadCsrf", "Ctx", "FormErrors", "SignInRequired", "page", "safe_next"]
