"""Settings from the environment, in one place.

Names of AWS resources are read here and nowhere else. The same variables are set by
`infra/` on AWS (through the Chalice construct's stage config) and by the local stack
(`devstack/`, which is not deployed and which nothing here imports: it sets the environment
before it imports the app). Resource names default to the names derived from STAGE.

Import cost matters (cold start): this module imports only the standard library.

The pepper (the HMAC key of secret-number hashes and limiter keys) has no default. On AWS
`SECRET_PEPPER_NAME` names a Secrets Manager secret, read at run time with Powertools
parameters (cached for `PEPPER_MAX_AGE_S`) and never put in an environment variable; the
local stack and the tests set `SECRET_PEPPER` to a development value themselves, which only
the stages "local" and "test" accept. Without either, `settings()` refuses.

The secret is versioned, so that the pepper can be rotated without invalidating the hashes
stored under the old one: `{"current": "v2", "pepper": "...", "v2": "..."}` ("pepper" is the
first version, the one infra/ generates: `{"pepper": "..."}` alone means current = "pepper").
`pepper()` is the current one (new hashes), `pepper(version)` an older one (verifying a hash
that recorded its version). Rotation, step by step: docs/pepper-rotation.md.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from functools import lru_cache

STAGE = os.environ.get("STAGE", "local")

# Resource names are needed at import time by Chalice's event decorators, so they are
# module constants as well as fields of Settings.
MAIN_TABLE = os.environ.get("MAIN_TABLE", f"exam-results-{STAGE}-main")
IDEMPOTENCY_TABLE = os.environ.get("IDEMPOTENCY_TABLE", f"exam-results-{STAGE}-idempotency")
BATCH_BUCKET = os.environ.get("BATCH_BUCKET", f"exam-results-{STAGE}-batches")
DOCUMENTS_BUCKET = os.environ.get("DOCUMENTS_BUCKET", f"exam-results-{STAGE}-documents")
UPLOADS_QUEUE = os.environ.get("UPLOADS_QUEUE", f"exam-results-{STAGE}-uploads")
WORK_QUEUE = os.environ.get("WORK_QUEUE", f"exam-results-{STAGE}-work")
WEBHOOK_QUEUE = os.environ.get("WEBHOOK_QUEUE", f"exam-results-{STAGE}-webhooks")
# How many workers may send statements and emails at once (SQS event source's maximum
# concurrency, 2 to 1000): sized to the account's SES sending rate, so that a release cannot
# outrun it, nor take the Lambda concurrency the API needs. A worker sends ~10 emails a second.
WORK_MAX_CONCURRENCY = int(os.environ.get("WORK_MAX_CONCURRENCY", "5"))
# The KMS key (Ed25519) that signs credentials (chalicelib/credentials/signer.py); unset, the
# local stack and the tests sign with a key file under .local/ (stages "local" and "test" only).
CREDENTIAL_KEY_ID = os.environ.get("CREDENTIAL_KEY_ID") or None


@dataclass(frozen=True)
class Settings:
    stage: str
    region: str
    main_table: str
    idempotency_table: str
    batch_bucket: str
    documents_bucket: str
    uploads_queue: str
    work_queue: str
    webhook_queue: str
    sender_email: str
    public_base_url: str
    # Where the pepper comes from: a Secrets Manager secret's name or ARN (AWS), or None when
    # SECRET_PEPPER holds a development value (local stack, tests). See `pepper()`.
    pepper_secret_name: str | None
    session_hours: int
    endpoint_url: str | None

    @property
    def is_local(self) -> bool:
        return self.stage in ("local", "test")

    @property
    def secret_pepper(self) -> str:
        """Key for HMACs of low-entropy secrets (the 4-digit Secret number) and limiter keys:
        the current version of the pepper."""
        return pepper()


@lru_cache(maxsize=1)
def settings() -> Settings:
    env = os.environ
    return Settings(
        stage=STAGE,
        region=env.get("AWS_DEFAULT_REGION", env.get("AWS_REGION", "eu-west-1")),
        main_table=MAIN_TABLE,
        idempotency_table=IDEMPOTENCY_TABLE,
        batch_bucket=BATCH_BUCKET,
        documents_bucket=DOCUMENTS_BUCKET,
        uploads_queue=UPLOADS_QUEUE,
        work_queue=WORK_QUEUE,
        webhook_queue=WEBHOOK_QUEUE,
        sender_email=env.get("SENDER_EMAIL", "results@exam-board.example"),
        public_base_url=env.get("PUBLIC_BASE_URL", "http://127.0.0.1:8000").rstrip("/"),
        pepper_secret_name=_pepper_source(env),
        session_hours=int(env.get("SESSION_HOURS", "12")),
        endpoint_url=env.get("AWS_ENDPOINT_URL") or None,
    )


def staff_alert_emails() -> list[str]:
    """STAFF_ALERT_EMAIL: the address(es), comma-separated, that are told when an organisation
    registers and waits for approval (a team mailbox); none when unset."""
    raw = os.environ.get("STAFF_ALERT_EMAIL", "")
    return [a.strip() for a in raw.split(",") if a.strip()]


class ConfigurationError(RuntimeError):
    """A setting the service cannot run without is missing or not allowed in this stage."""


# Powertools caches the secret for this long: a rotated pepper reaches every function within it.
PEPPER_MAX_AGE_S = int(os.environ.get("PEPPER_MAX_AGE_S", "300"))
FIRST_PEPPER_VERSION = "pepper"  # the key infra/ generates the secret under


def _pepper_source(env: os._Environ[str] | dict[str, str]) -> str | None:
    name = env.get("SECRET_PEPPER_NAME") or None
    if name:
        return name
    if not env.get("SECRET_PEPPER"):
        raise ConfigurationError(
            "no pepper: set SECRET_PEPPER_NAME (the Secrets Manager secret; infra/ does) or, for the "
            "local stack and tests only, SECRET_PEPPER")
    if STAGE not in ("local", "test"):
        raise ConfigurationError(
            f"stage {STAGE!r}: the pepper must come from Secrets Manager (SECRET_PEPPER_NAME), "
            "not from a plain SECRET_PEPPER environment variable")
    return None


def peppers() -> tuple[str, dict[str, str]]:
    """(current version, {version: pepper}). From the secret on AWS (fetched lazily, cached
    by Powertools for PEPPER_MAX_AGE_S); locally from SECRET_PEPPER, as the first version."""
    name = settings().pepper_secret_name
    if name is None:
        return FIRST_PEPPER_VERSION, {FIRST_PEPPER_VERSION: os.environ["SECRET_PEPPER"]}
    from aws_lambda_powertools.utilities.parameters import get_secret

    raw = get_secret(name, max_age=PEPPER_MAX_AGE_S)
    doc = json.loads(raw if isinstance(raw, str) else bytes(raw).decode())
    current = doc.get("current", FIRST_PEPPER_VERSION) if isinstance(doc, dict) else None
    versions = {k: v for k, v in doc.items() if k != "current" and isinstance(v, str) and v} \
        if isinstance(doc, dict) else {}
    if not isinstance(current, str) or current not in versions:
        raise ConfigurationError(f"the pepper secret {name!r} must be {{\"current\": V, V: pepper, ...}}")
    return current, versions


def pepper(version: str | None = None) -> str:
    """The pepper of `version` (default: the current one, for new hashes)."""
    current, versions = peppers()
    wanted = version or current
    if wanted not in versions:
        raise ConfigurationError(f"the pepper secret has no version {wanted!r}")
    return versions[wanted]


def pepper_version() -> str:
    """The version new hashes are made with (to be stored next to each hash)."""
    return peppers()[0]
