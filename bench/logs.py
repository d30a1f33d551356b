"""The log redactor (chalicelib/observability.redact) on long lines: every log line of every
Lambda, and the local stack's access log, passes through it.

    log_redact_64kb_ms   one 64 kB line of address characters with no address in it (the worst
                         case of the old, quadratic pattern: about 45 s)
    log_redact_line_us   an ordinary access-log line with a token and an address in it"""
from __future__ import annotations

import time


def _per_call(fn, text: str, repeat: int) -> float:
    started = time.perf_counter()
    for _ in range(repeat):
        fn(text)
    return (time.perf_counter() - started) / repeat


def run() -> dict[str, float]:
    from chalicelib.observability import redact

    long_line = "GET /x?" + "a%b." * 16_384 + " HTTP/1.1"
    line = ('127.0.0.1 - - [30/Nov/2026 15:00:00] "GET /verify-email?'
            'token=w-2PSXMcB78EYj37CFn2fZNP76e0X5ne7Rxt07ivlzM&email=zoe%40mail.example.org HTTP/1.1" 303 -')
    return {"log_redact_64kb_ms": _per_call(redact, long_line, 20) * 1e3,
            "log_redact_line_us": _per_call(redact, line, 2000) * 1e6}
