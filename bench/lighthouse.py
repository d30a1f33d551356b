"""Lighthouse 12.2.3 (npm) over the local stack: the start page, sign-in and the signed-in
results page, each scored for accessibility, best practices and performance (0-100).

Prints `lighthouse_<page>_<category>: <score>`. Targets: accessibility 100, best practices
>= 95, performance >= 95. Slow (a stack, three Chromium runs): not part of the default
`make bench`; run it by name, `python -m bench lighthouse` (or `python -m bench.lighthouse`).
Needs node/npm (npx fetches lighthouse@12.2.3 once) and Debian's full Chromium (`make chromium-full`)."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

LIGHTHOUSE = "lighthouse@12.2.3"
CHROME = os.environ.get("CHROME_PATH", "/usr/lib/chromium/chromium")
CATEGORIES = ("accessibility", "best-practices", "performance")


def _signed_in_cookie(base: str, id_number: str, password: str) -> str:
    """Sign in through the page's own form (CSRF token and pre-session cookie) and return the
    Cookie header of the browser session."""
    import requests

    http = requests.Session()
    form = http.get(f"{base}/sign-in", timeout=10)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
    assert csrf, "no CSRF token on /sign-in"
    # __Host- cookies are Secure: requests keeps them for https only, so carry them by hand
    jar = {c.name: c.value for c in http.cookies}
    jar.update({k: v for k, v in form.cookies.items()})
    r = http.post(f"{base}/sign-in", data={"csrf_token": csrf.group(1), "id_number": id_number,
                                           "password": password},
                  headers={"Cookie": "; ".join(f"{k}={v}" for k, v in jar.items())},
                  allow_redirects=False, timeout=10)
    assert r.status_code == 303, (r.status_code, r.text[:500])
    jar.update({k: v for k, v in r.cookies.items()})
    assert "__Host-session" in jar, "no session cookie after signing in"
    return "; ".join(f"{k}={v}" for k, v in jar.items())


def _score(url: str, headers: dict[str, str] | None, out: Path) -> dict[str, int]:
    cmd = ["npx", "--yes", LIGHTHOUSE, url, "--quiet", "--output=json", f"--output-path={out}",
           f"--only-categories={','.join(CATEGORIES)}",
           "--chrome-flags=--headless=new --no-sandbox --disable-gpu"]
    if headers:
        cmd.append(f"--extra-headers={json.dumps(headers)}")
    subprocess.run(cmd, check=True, env={**os.environ, "CHROME_PATH": CHROME}, timeout=300,
                   stdout=subprocess.DEVNULL)
    report = json.loads(out.read_text())
    landed = report.get("finalDisplayedUrl") or report.get("finalUrl")
    if landed != url:
        print(f"# {url}: Lighthouse ended on {landed} (redirected)", file=sys.stderr)
    failing = [(a["id"], a["score"]) for a in report["audits"].values()
               if a.get("score") is not None and a["score"] < 1 and a.get("scoreDisplayMode") == "binary"]
    if failing:
        print(f"# {url}: binary audits not passed: {failing}", file=sys.stderr)
    return {c: round(100 * (report["categories"][c]["score"] or 0)) for c in CATEGORIES}


def run() -> dict[str, float]:
    import requests

    from tests.browser.conftest import ENTRIES, ID_NUMBER, PASSWORD, RESULTS, _upload
    from tests.e2e.conftest import start_stack

    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="lighthouse-") as tmp:
        stack = start_stack(Path(tmp) / "stack")
        try:
            base, http = stack.base_url, requests.Session()
            auth = {"Authorization": f"Bearer {stack.staff_token()}"}
            rows = lambda data: data.strip().count(b"\n")  # noqa: E731 - lines after the header
            assert _upload(http, base, auth, "entries", ENTRIES)["rows_ok"] == rows(ENTRIES)
            reg = {"id_number": ID_NUMBER, "secret_number": "2468", "email": "zoe.web@example.org",
                   "password": PASSWORD, "country": "PL", "first_language": "pl", "accept_terms": True,
                   "marketing_opt_in": False}
            assert http.post(f"{base}/candidates/register", json=reg).status_code == 201
            assert _upload(http, base, auth, "results", RESULTS)["rows_ok"] == rows(RESULTS)
            cookie = _signed_in_cookie(base, ID_NUMBER, PASSWORD)
            pages = {"start": ("/", None), "sign_in": ("/sign-in", None),
                     "results": ("/results", {"Cookie": cookie})}
            for name, (path, headers) in pages.items():
                scores = _score(f"{base}{path}", headers, Path(tmp) / f"{name}.json")
                for category, value in scores.items():
                    figures[f"lighthouse_{name}_{category.replace('-', '_')}"] = value
        finally:
            stack.stop()
    return figures


if __name__ == "__main__":
    for key, value in run().items():
        print(f"{key}: {value:g}")
