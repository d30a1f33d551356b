"""The logger singleton, built on first use (Powertools costs ~60 ms to import).

Log lines are JSON. Never log a password, secret number, token or email address: pass
identifiers that are not secret (a batch id, a hashed subject) and counts. As a second line
of defence, every serialised line (exception text and stack trace included: SES, for one,
puts addresses in its error messages) is passed through `redact`."""
from __future__ import annotations

import logging
import re
from collections.abc import Callable
from functools import lru_cache, wraps
from typing import Any

SERVICE = "exam-results"

# "@" also percent-encoded, as an address appears in a query string; the local part leaves out
# the rarely used "/", "?", "=" and "&", so that a URL's path and query around it stay readable.
# The local part starts where a run of its characters starts (the lookbehind): without it, a
# long run with no "@" (a fuzzed URL, a base64 blob in an error) was scanned again from each of
# its characters, quadratic in the line's length (16 kB took 2.7 s). Every address the loose form
# found is still found: the match from the run's start reaches the same "@".
_LOCAL = r"[A-Za-z0-9.!#$%'*+^_`{|}~-]"
_EMAIL = re.compile(rf"(?<!{_LOCAL}){_LOCAL}+(?:@|%40)[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
# secrets.token_urlsafe(32) is 43 characters of the URL-safe alphabet
_TOKEN = re.compile(r"(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])")
_BEARER = re.compile(r"(?i)(bearer\s+|x-api-key[\"':\s]+|token=)[^\s\"'&,}]+")
# Query-string values that identify a candidate or open an account (a verifier's search is
# GET ...?reference_number=...&date_of_birth=...; emailed links carry ?token=...).
_QUERY = re.compile(r"(?i)([?&](?:token|reference_number|date_of_birth|secret_number|password|email|q)=)"
                    r"[^\s\"'&#]+")
# An exam centre's pages and API name a candidate by ID number in the path (/centres/candidates/<id>)
_ID_IN_PATH = re.compile(r"(?<=/)[A-Za-z]{3}[0-9]{6}(?=[/?#\s\"']|$)")


def redact(text: str) -> str:
    text = _QUERY.sub(lambda m: m.group(1) + "[redacted]", text)
    text = _ID_IN_PATH.sub("[id]", text)
    text = _BEARER.sub(lambda m: m.group(1) + "[redacted]", text)
    text = _EMAIL.sub("[email]", text)
    return _TOKEN.sub("[token]", text)


@lru_cache(maxsize=1)
def logger() -> Any:
    from aws_lambda_powertools import Logger
    from aws_lambda_powertools.logging.formatter import LambdaPowertoolsFormatter

    class RedactingFormatter(LambdaPowertoolsFormatter):
        def serialize(self, log: Any) -> str:
            return redact(super().serialize(log))

    log = Logger(service=SERVICE, logger_formatter=RedactingFormatter())
    # Lambda's runtime puts a handler on the root logger: propagating would print each line a
    # second time, in plain text and unredacted.
    logging.getLogger(SERVICE).propagate = False
    return log


def lambda_handler(handle: Callable[[dict, Any], Any]) -> Callable[[dict, Any], Any]:
    """Decorate an event handler (chalicelib/events/*.py) with Powertools'
    `inject_lambda_context`, so that every log line of the invocation carries the request id,
    the function's name and the cold-start flag. Powertools is imported on the first call, not
    when the handler module is imported. A call without a Lambda context (a test, a benchmark
    calling the handler directly) runs the handler as it is."""
    injected: list[Callable[[dict, Any], Any]] = []

    @wraps(handle)
    def wrapper(event: dict, context: Any) -> Any:
        if context is None:
            return handle(event, context)
        if not injected:
            injected.append(logger().inject_lambda_context(handle))
        return injected[0](event, context)

    return wrapper
