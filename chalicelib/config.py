"""Settings from the environment, in one place.

Names of AWS resources are read here and nowhere else. The same variables are set by
`infra/` on AWS (through the Chalice construct's stage config) and by the local stack
(`devstack/`, which is not deployed and which nothing here imports: it sets the environment
before it imports the app). Resource names default to the names derived from STAGE.

Import cost matters (cold start): this module imports only the standard library.
"""
from __future__ import annotations

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
    # Key for HMACs of low-entropy secrets (the 4-digit Secret number) and for signing.
    # On AWS it comes from Secrets Manager via the environment; locally a fixed dev value.
    secret_pepper: str
    session_hours: int
    endpoint_url: str | None

    @property
    def is_local(self) -> bool:
        return self.stage in ("local", "test")


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
        secret_pepper=env.get("SECRET_PEPPER", "local-development-pepper-not-for-production"),
        session_hours=int(env.get("SESSION_HOURS", "12")),
        endpoint_url=env.get("AWS_ENDPOINT_URL") or None,
    )
