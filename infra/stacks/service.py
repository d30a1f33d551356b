"""The whole service on AWS, one stack per stage.

Declares what `chalicelib/resources.py` specifies (tables, buckets, queues with dead-letter
queues, the S3 -> SQS notification for `incoming/`), the SES sender, the pepper secret,
alarms, and deploys the Chalice app at the repository root with `chalice.cdk.Chalice`.
The app's own event handlers and schedules come from app.py: Chalice packages whatever it
declares, and the loops below (batch item failures, permissions, alarms) cover every
function and SQS event source found in the packaged template.

Call `naming.configure(stage)` before constructing (infra/app.py does).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_ses as ses
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from . import naming

# Lambda: the API handler answers within API Gateway's 29 s; event handlers get more.
DEFAULT_TIMEOUT_S = 60
DEFAULT_MEMORY_MB = 1024
# Per-function settings by handler name in app.py, applied to the packaged functions (the
# construct's stage_config outranks Chalice's per-function config, so it cannot carry them).
FUNCTION_SETTINGS: dict[str, dict[str, int]] = {
    # one whole batch file per invocation (it checks its remaining time and re-queues the rest)
    "on_upload": {"lambda_timeout": 900, "lambda_memory_size": 2048},
    # up to 10 deliveries a batch, each may wait services/webhooks.py's TIMEOUT_S (10 s) to connect
    # and again to read: 10 x 20 s = 200 s at worst
    "on_webhook": {"lambda_timeout": 300},
    # one run walks every organisation's new shares and sends the digests
    "on_digests": {"lambda_timeout": 900},
}
# SQS visibility timeout = 6 x the consuming function's timeout (AWS's advice for event sources).
VISIBILITY_FACTOR = 6
DLQ_RETENTION = cdk.Duration.days(14)
QUEUE_RETENTION = cdk.Duration.days(4)

DOWNLOADS_DAYS = 30
REPORTS_DAYS = 90
INCOMING_DAYS = 90
API_5XX_RATE_THRESHOLD = 0.05  # 5 % of requests in 5 minutes

# The web assets (chalicelib/web/static, content-hashed names): served by CloudFront from S3 under
# /assets/*, uploaded by infra/publish_assets.py (`make deploy`), cached for a year.
ASSETS_PREFIX = "assets"
IMMUTABLE = "public, max-age=31536000, immutable"

# API Gateway's own replies (a path with no route, throttling, its own failures) in the service's
# JSON error body, {"error", "message"} (chalicelib/domain/errors.py): type -> (status, code, message).
# `$context.error.messageString` is API Gateway's own message, already a quoted JSON string.
GATEWAY_REPLIES: dict[str, tuple[int | None, str, str | None]] = {
    "MISSING_AUTHENTICATION_TOKEN": (404, "not_found", "There is nothing at this path."),
    "THROTTLED": (429, "rate_limited", "Too many requests: try again later."),
    "REQUEST_TOO_LARGE": (413, "payload_too_large", "The request is too large."),
    "DEFAULT_4XX": (None, "validation_error", None),
    "DEFAULT_5XX": (None, "internal_error", "Something went wrong on our side: try again later."),
}


@dataclass(frozen=True)
class StageSettings:
    stage: str
    sender_email: str
    public_base_url: str
    alarm_email: str | None = None
    api_gateway_stage: str = "api"
    # The distribution's own name (an alias), with an ACM certificate in us-east-1 for it; without
    # them the distribution answers on its *.cloudfront.net name only.
    domain_name: str | None = None
    certificate_arn: str | None = None
    # STAFF_ALERT_EMAIL: the board's staff mailbox, told when an organisation waits for approval
    staff_alert_email: str | None = None


def _config() -> Any:
    from chalicelib import config

    return config


def _timeout_of(function_settings: dict[str, Any]) -> int:
    return int(function_settings.get("lambda_timeout", DEFAULT_TIMEOUT_S))


class ExamResultsStack(cdk.Stack):
    def __init__(self, scope: Construct, construct_id: str, settings: StageSettings, **kwargs: Any) -> None:
        super().__init__(scope, construct_id, **kwargs)
        names = naming.configure(settings.stage)
        # Imported only now: config.py reads STAGE and the names at import time.
        from chalicelib import config, resources

        assert config.UPLOADS_QUEUE == names["UPLOADS_QUEUE"], "chalicelib.config names another stage"
        self.settings = settings
        self.names = names

        self.tables = self._tables(resources)
        self.buckets = self._buckets(resources, settings)
        self.queues, self.dlqs = self._queues(resources)
        self._incoming_notification(resources)
        self.sender = ses.EmailIdentity(
            self, "Sender", identity=ses.Identity.email(settings.sender_email)
        )
        self.pepper_name = naming.pepper_secret_name(settings.stage)
        # {"pepper": <64 random characters>}: the first version of a versioned secret (rotation
        # adds {"current": "v2", "v2": ...}: docs/pepper-rotation.md); the generator is left as
        # it was, as changing it would make CloudFormation replace a deployed stage's value. The
        # functions read it at run time (chalicelib/config.py: Powertools get_secret, cached);
        # no environment variable and no template holds its value.
        self.pepper = secretsmanager.Secret(
            self,
            "Pepper",
            secret_name=self.pepper_name,
            description="HMAC key for secret numbers and limiter keys, versioned (SECRET_PEPPER_NAME)",
            generate_secret_string=secretsmanager.SecretStringGenerator(
                secret_string_template="{}", generate_string_key="pepper",
                password_length=64, exclude_punctuation=True,
            ),
        )
        self.pepper.apply_removal_policy(cdk.RemovalPolicy.RETAIN)

        # Signs credentials (chalicelib/credentials/signer.py): Ed25519, never leaves KMS; the
        # functions may only Sign with it. Kept on stack deletion: did.json lists every key
        # ever used, and old credentials verify only while their key's record stays.
        self.signing_key = kms.Key(
            self, "CredentialSigningKey", key_spec=kms.KeySpec.ECC_NIST_EDWARDS25519,
            key_usage=kms.KeyUsage.SIGN_VERIFY, removal_policy=cdk.RemovalPolicy.RETAIN,
            description="Signs the service's verifiable credentials (Ed25519, eddsa-rdfc-2022)",
        )
        self.chalice = self._chalice_app(settings, names)
        self.functions = self._sam_resources("AWS::Serverless::Function")
        self._function_settings()
        self.sqs_event_sources = self._enable_batch_item_failures()
        self._grant()
        self._alarms(settings)
        self._gateway_replies()
        self.assets_bucket, self.distribution = self._distribution(settings)

        cdk.CfnOutput(self, "ApiUrl", value=self.chalice.sam_template.get_output("EndpointURL").value)
        cdk.CfnOutput(self, "AssetsBucketName", value=self.assets_bucket.bucket_name)
        cdk.CfnOutput(self, "CredentialKeyId", value=self.signing_key.key_id)
        cdk.CfnOutput(self, "DistributionDomainName", value=self.distribution.distribution_domain_name)
        for var, name in names.items():
            cdk.CfnOutput(self, "Name" + var.title().replace("_", ""), value=name)

    # ------------------------------------------------------------------ DynamoDB
    def _tables(self, resources: Any) -> dict[str, dynamodb.Table]:
        tables: dict[str, dynamodb.Table] = {}
        for spec in resources.TABLES:
            name = spec["TableName"]
            types = {a["AttributeName"]: a["AttributeType"] for a in spec["AttributeDefinitions"]}

            def attribute(key_schema: list[dict[str, str]], kind: str,
                          types: dict[str, str] = types) -> dynamodb.Attribute | None:
                for key in key_schema:
                    if key["KeyType"] == kind:
                        attr_name = key["AttributeName"]
                        return dynamodb.Attribute(
                            name=attr_name, type=dynamodb.AttributeType(_ATTRIBUTE_TYPES[types[attr_name]])
                        )
                return None

            partition = attribute(spec["KeySchema"], "HASH")
            assert partition is not None
            table = dynamodb.Table(
                self,
                _logical(name.rsplit("-", 1)[-1]) + "Table",
                table_name=name,
                partition_key=partition,
                sort_key=attribute(spec["KeySchema"], "RANGE"),
                billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
                point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                    point_in_time_recovery_enabled=True
                ),
                time_to_live_attribute=resources.TTL_ATTRIBUTES.get(name),
                deletion_protection=True,
                removal_policy=cdk.RemovalPolicy.RETAIN,
            )
            for gsi in spec.get("GlobalSecondaryIndexes", []):
                gsi_partition = attribute(gsi["KeySchema"], "HASH")
                assert gsi_partition is not None
                table.add_global_secondary_index(
                    index_name=gsi["IndexName"],
                    partition_key=gsi_partition,
                    sort_key=attribute(gsi["KeySchema"], "RANGE"),
                    projection_type=dynamodb.ProjectionType(gsi["Projection"]["ProjectionType"]),
                )
            tables[name] = table
        return tables

    # ------------------------------------------------------------------ S3
    def _buckets(self, resources: Any, settings: StageSettings) -> dict[str, s3.Bucket]:
        buckets: dict[str, s3.Bucket] = {}
        for name in resources.BUCKETS:
            rules = [
                s3.LifecycleRule(id="abort-incomplete-uploads",
                                 abort_incomplete_multipart_upload_after=cdk.Duration.days(7)),
                s3.LifecycleRule(id="expire-downloads", prefix="downloads/",
                                 expiration=cdk.Duration.days(DOWNLOADS_DAYS)),
                s3.LifecycleRule(id="expire-reports", prefix="reports/",
                                 expiration=cdk.Duration.days(REPORTS_DAYS)),
            ]
            cors = None
            if name == self.names["BATCH_BUCKET"]:
                # Batch files are kept (they are the record of what was published), but moved to an
                # archive class once the release is over.
                rules.append(s3.LifecycleRule(
                    id="archive-incoming", prefix=resources.INCOMING_PREFIX,
                    transitions=[s3.Transition(storage_class=s3.StorageClass.GLACIER_INSTANT_RETRIEVAL,
                                               transition_after=cdk.Duration.days(INCOMING_DAYS))],
                ))
                # Staff browsers PUT batch files straight to S3 with a presigned URL.
                cors = [s3.CorsRule(allowed_methods=[s3.HttpMethods.PUT],
                                    allowed_origins=[settings.public_base_url],
                                    allowed_headers=["content-type"], max_age=3600)]
            buckets[name] = s3.Bucket(
                self,
                _logical(name.rsplit("-", 1)[-1]) + "Bucket",
                bucket_name=name,
                encryption=s3.BucketEncryption.S3_MANAGED,
                block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
                object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
                enforce_ssl=True,
                lifecycle_rules=rules,
                cors=cors,
                removal_policy=cdk.RemovalPolicy.RETAIN,
            )
        return buckets

    # ------------------------------------------------------------------ SQS
    def _queues(self, resources: Any) -> tuple[dict[str, sqs.Queue], dict[str, sqs.Queue]]:
        queues: dict[str, sqs.Queue] = {}
        dlqs: dict[str, sqs.Queue] = {}
        timeouts = self._queue_consumer_timeouts()
        for name in resources.QUEUES:
            timeout = VISIBILITY_FACTOR * timeouts.get(name, DEFAULT_TIMEOUT_S)
            short = _logical(name.removeprefix(f"{naming.APP_NAME}-{self.settings.stage}-"))
            dlq = sqs.Queue(
                self, f"{short}DeadLetterQueue",
                queue_name=resources.dlq_name(name),
                retention_period=DLQ_RETENTION,
                encryption=sqs.QueueEncryption.SQS_MANAGED,
                enforce_ssl=True,
            )
            queues[name] = sqs.Queue(
                self, f"{short}Queue",
                queue_name=name,
                visibility_timeout=cdk.Duration.seconds(timeout),
                retention_period=QUEUE_RETENTION,
                encryption=sqs.QueueEncryption.SQS_MANAGED,
                enforce_ssl=True,
                dead_letter_queue=sqs.DeadLetterQueue(
                    queue=dlq, max_receive_count=resources.MAX_RECEIVE_COUNT
                ),
            )
            dlqs[name] = dlq
        return queues, dlqs

    def _queue_consumer_timeouts(self) -> dict[str, int]:
        """queue name -> timeout of the function app.py attaches to it (its largest)."""
        import importlib

        # the repository's app.py (naming.configure put the repo root first on sys.path)
        chalice_app: Any = importlib.import_module("app").app
        out: dict[str, int] = {}
        for handler in chalice_app.event_sources:
            queue = getattr(handler, "queue", None)
            if isinstance(queue, str):
                timeout = _timeout_of(FUNCTION_SETTINGS.get(handler.name, {}))
                out[queue] = max(out.get(queue, 0), timeout)
        return out

    def _incoming_notification(self, resources: Any) -> None:
        """S3 ObjectCreated under incoming/ of the batch bucket -> the uploads queue.

        Declared on the bucket itself (not with CDK's notifications custom resource, whose
        Lambda needs s3:PutBucketNotification on every bucket). S3 checks it may send to the
        queue when the bucket is created, so the bucket waits for the queue policy."""
        bucket = self.buckets[self.names["BATCH_BUCKET"]]
        uploads = self.queues[self.names["UPLOADS_QUEUE"]]
        uploads.add_to_resource_policy(iam.PolicyStatement(
            sid="AllowBatchBucketNotifications",
            principals=[iam.ServicePrincipal("s3.amazonaws.com")],
            actions=["sqs:SendMessage"],
            resources=[uploads.queue_arn],
            conditions={
                "ArnLike": {"aws:SourceArn": f"arn:{cdk.Aws.PARTITION}:s3:::{self.names['BATCH_BUCKET']}"},
                "StringEquals": {"aws:SourceAccount": cdk.Aws.ACCOUNT_ID},
            },
        ))
        cfn_bucket = bucket.node.default_child
        assert isinstance(cfn_bucket, s3.CfnBucket)
        cfn_bucket.notification_configuration = s3.CfnBucket.NotificationConfigurationProperty(
            queue_configurations=[s3.CfnBucket.QueueConfigurationProperty(
                event="s3:ObjectCreated:*",
                queue=uploads.queue_arn,
                filter=s3.CfnBucket.NotificationFilterProperty(
                    s3_key=s3.CfnBucket.S3KeyFilterProperty(rules=[
                        s3.CfnBucket.FilterRuleProperty(name="prefix", value=resources.INCOMING_PREFIX)
                    ])
                ),
            )]
        )
        queue_policy = uploads.node.find_child("Policy")  # made by add_to_resource_policy / enforce_ssl
        cfn_bucket.add_resource_dependency(queue_policy.node.default_child)  # type: ignore[arg-type]

    # ------------------------------------------------------------------ the Chalice app
    def _chalice_app(self, settings: StageSettings, names: dict[str, str]) -> Any:
        from chalice.cdk import Chalice

        environment = {
            "STAGE": settings.stage,
            **names,
            "SENDER_EMAIL": settings.sender_email,
            # empty: nobody is told (set it to the staff mailbox, comma-separated for several)
            "STAFF_ALERT_EMAIL": settings.staff_alert_email or "",
            # The distribution's address: its alias (settings.domain_name) when one is given,
            # else the configured public_base_url. Not the generated *.cloudfront.net name: the
            # distribution's origin is this API, so the functions cannot reference it (a cycle).
            "PUBLIC_BASE_URL": settings.public_base_url,
            # Same origin as the pages: CloudFront serves /assets/* from the assets bucket.
            "ASSETS_BASE_URL": f"/{ASSETS_PREFIX}",
            # The secret's name, not its value: read at run time (GetSecretValue, granted below).
            "SECRET_PEPPER_NAME": self.pepper_name,
            # The credential signing key (Sign only, granted below); its public key is recorded
            # in the table after deploy by infra/register_signing_key.py.
            "CREDENTIAL_KEY_ID": self.signing_key.key_id,
            "POWERTOOLS_SERVICE_NAME": naming.APP_NAME,
            "POWERTOOLS_METRICS_NAMESPACE": "ExamResults",
            "POWERTOOLS_TRACE_DISABLED": "true",
            "LOG_LEVEL": "INFO",
            # Read when `chalice package` imports app.py (the work queue's event source): set it
            # in the environment of `make infra` / `make deploy` to match the SES sending rate.
            "WORK_MAX_CONCURRENCY": str(_config().WORK_MAX_CONCURRENCY),
        }
        stage_config = {
            "api_gateway_stage": settings.api_gateway_stage,
            "environment_variables": environment,
            "lambda_timeout": DEFAULT_TIMEOUT_S,
            "lambda_memory_size": DEFAULT_MEMORY_MB,
            "automatic_layer": False,
            "xray": False,
        }
        chalice = Chalice(self, "App", source_dir=str(naming.REPO_ROOT), stage_config=stage_config)
        # The functions read the secret by name at run time: create it first.
        for fn in _sam_resources_of(chalice, "AWS::Serverless::Function").values():
            fn.add_resource_dependency(self.pepper.node.default_child)
        return chalice

    def _sam_resources(self, resource_type: str) -> dict[str, cdk.CfnResource]:
        return _sam_resources_of(self.chalice, resource_type)

    def _function_settings(self) -> None:
        for logical_id, fn in self.functions.items():
            handler = str(_raw_properties(self.chalice.sam_template, logical_id).get("Handler", ""))
            overrides = FUNCTION_SETTINGS.get(handler.removeprefix("app."), {})
            if "lambda_timeout" in overrides:
                fn.add_property_override("Timeout", overrides["lambda_timeout"])
            if "lambda_memory_size" in overrides:
                fn.add_property_override("MemorySize", overrides["lambda_memory_size"])

    def _enable_batch_item_failures(self) -> dict[str, dict[str, Any]]:
        """`ReportBatchItemFailures` on every SQS event source (Chalice has no setting for it):
        without it Lambda ignores the handlers' partial batch responses. Returns
        "<function>.<event>" -> the event's properties (with the queue name)."""
        found: dict[str, dict[str, Any]] = {}
        template = self.chalice.sam_template
        for logical_id, fn in self.functions.items():
            events = _raw_properties(template, logical_id).get("Events", {})
            for event_name, event in events.items():
                if event.get("Type") != "SQS":
                    continue
                fn.add_property_override(
                    f"Events.{event_name}.Properties.FunctionResponseTypes", ["ReportBatchItemFailures"]
                )
                queue_name = _queue_name(event["Properties"]["Queue"])
                if queue_name not in self.names.values():
                    raise ValueError(f"{logical_id} reads SQS queue {queue_name!r}, which this stack lacks")
                found[f"{logical_id}.{event_name}"] = {**event["Properties"], "QueueName": queue_name,
                                                       "Function": logical_id}
        return found

    # ------------------------------------------------------------------ IAM
    def _grant(self) -> None:
        """Least privilege for the functions' role: named actions on the declared resources."""
        role = self.chalice.get_role("DefaultRole")
        statements: list[iam.PolicyStatement] = []
        main = self.tables[self.names["MAIN_TABLE"]]
        idempotency = self.tables[self.names["IDEMPOTENCY_TABLE"]]
        statements.append(iam.PolicyStatement(
            sid="MainTable",
            actions=["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:PutItem",
                     "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem",
                     "dynamodb:ConditionCheckItem", "dynamodb:DescribeTable"],
            resources=[main.table_arn, f"{main.table_arn}/index/*"],
        ))
        statements.append(iam.PolicyStatement(
            sid="IdempotencyTable",
            actions=["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem",
                     "dynamodb:DescribeTable"],
            resources=[idempotency.table_arn],
        ))
        bucket_arns = [b.bucket_arn for b in self.buckets.values()]
        statements.append(iam.PolicyStatement(
            sid="BucketObjects",
            actions=["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
            resources=[f"{arn}/*" for arn in bucket_arns],
        ))
        # Without ListBucket a HEAD of a missing key is a 403, not the 404 storage.exists() expects.
        statements.append(iam.PolicyStatement(sid="BucketList", actions=["s3:ListBucket"],
                                              resources=bucket_arns))
        statements.append(iam.PolicyStatement(
            sid="QueueSend",
            actions=["sqs:SendMessage", "sqs:GetQueueUrl", "sqs:GetQueueAttributes"],
            resources=[q.queue_arn for q in self.queues.values()],
        ))
        consumed = sorted({e["QueueName"] for e in self.sqs_event_sources.values()})
        if consumed:
            statements.append(iam.PolicyStatement(
                sid="QueueConsume",
                actions=["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility",
                         "sqs:GetQueueAttributes"],
                resources=[self.queues[name].queue_arn for name in consumed],
            ))
        statements.append(iam.PolicyStatement(
            sid="PepperRead", actions=["secretsmanager:GetSecretValue"], resources=[self.pepper.secret_arn],
        ))
        statements.append(iam.PolicyStatement(
            sid="CredentialSign", actions=["kms:Sign"], resources=[self.signing_key.key_arn],
            conditions={"StringEquals": {"kms:SigningAlgorithm": "ED25519_SHA_512",
                                         "kms:MessageType": "RAW"}},
        ))
        statements.append(iam.PolicyStatement(
            sid="SendAsSender",
            actions=["ses:SendRawEmail", "ses:SendEmail"],
            resources=[self.format_arn(service="ses", resource="identity",
                                       resource_name=self.settings.sender_email)],
            conditions={"StringEquals": {"ses:FromAddress": self.settings.sender_email}},
        ))
        policy = iam.Policy(self, "AppAccess", statements=statements)
        policy.attach_to_role(role)
        # Chalice's generated policy: CloudWatch Logs on every log group. Narrow it to this stack's.
        log_groups = (f"arn:{cdk.Aws.PARTITION}:logs:{cdk.Aws.REGION}:{cdk.Aws.ACCOUNT_ID}"
                      ":log-group:/aws/lambda/")
        self.chalice.get_resource("DefaultRole").add_property_override("Policies", [{
            "PolicyName": "DefaultRolePolicy",
            "PolicyDocument": {"Version": "2012-10-17", "Statement": [{
                "Sid": "FunctionLogs",
                "Effect": "Allow",
                "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
                "Resource": [f"{log_groups}{cdk.Aws.STACK_NAME}-*", f"{log_groups}{cdk.Aws.STACK_NAME}-*:*"],
            }]},
        }])

    # ------------------------------------------------------------------ alarms
    def _alarms(self, settings: StageSettings) -> None:
        topic = sns.Topic(self, "Alarms", display_name=f"{naming.APP_NAME} {settings.stage} alarms",
                          enforce_ssl=True)
        if settings.alarm_email:
            topic.add_subscription(subscriptions.EmailSubscription(settings.alarm_email))
        action = cw_actions.SnsAction(topic)
        period = cdk.Duration.minutes(5)

        def alarm(construct_id: str, description: str, metric: cloudwatch.IMetric, threshold: float,
                  comparison: cloudwatch.ComparisonOperator) -> None:
            a = cloudwatch.Alarm(
                self, construct_id, alarm_description=description, metric=metric, threshold=threshold,
                evaluation_periods=1, comparison_operator=comparison,
                treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            )
            a.add_alarm_action(action)
            a.add_ok_action(action)

        for name, dlq in self.dlqs.items():
            alarm(
                f"{_logical(name.rsplit('-', 1)[-1])}DeadLetters",
                f"Messages parked in {dlq.queue_name}: "
                f"a handler failed them {self.max_receive_count()} times",
                dlq.metric_approximate_number_of_messages_visible(period=period, statistic="Maximum"),
                0, cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
            )
        api_name = self._api_name()
        labels = {"ApiName": api_name, "Stage": settings.api_gateway_stage}
        errors = cloudwatch.Metric(namespace="AWS/ApiGateway", metric_name="5XXError", dimensions_map=labels,
                                   statistic="Sum", period=period)
        requests = cloudwatch.Metric(namespace="AWS/ApiGateway", metric_name="Count", dimensions_map=labels,
                                     statistic="Sum", period=period)
        alarm(
            "Api5xxRate", f"More than {API_5XX_RATE_THRESHOLD:.0%} of API requests answered 5xx in 5 minutes",
            cloudwatch.MathExpression(expression="IF(requests > 0, errors / requests, 0)",
                                      using_metrics={"errors": errors, "requests": requests},
                                      label="5xx rate", period=period),
            API_5XX_RATE_THRESHOLD, cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        )
        for logical_id, fn in self.functions.items():
            alarm(
                f"{logical_id}Errors", f"{logical_id} raised errors (uncaught exceptions, timeouts)",
                cloudwatch.Metric(namespace="AWS/Lambda", metric_name="Errors", statistic="Sum",
                                  period=period, dimensions_map={"FunctionName": fn.ref}),
                0, cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
            )

    # ------------------------------------------------------------------ API Gateway's own replies
    def _gateway_replies(self) -> None:
        replies = {}
        for kind, (status, code, message) in GATEWAY_REPLIES.items():
            said = json.dumps(message) if message else "$context.error.messageString"
            reply: dict[str, Any] = {
                "ResponseParameters": {"Headers": {"Content-Type": "'application/json'",
                                                   "Cache-Control": "'no-store'"}},
                "ResponseTemplates": {"application/json": f'{{"error": "{code}", "message": {said}}}'},
            }
            if status is not None:
                reply["StatusCode"] = str(status)
            replies[kind] = reply
        for api in self._sam_resources("AWS::Serverless::Api").values():
            api.add_property_override("GatewayResponses", replies)

    # ------------------------------------------------------------------ CloudFront
    def _distribution(self, settings: StageSettings) -> tuple[s3.Bucket, cloudfront.Distribution]:
        """One distribution in front of everything: /assets/* from a private bucket (origin access
        control, a year's immutable caching), the rest from the API (no caching; the viewer's
        cookies, query strings and headers but Host passed on)."""
        bucket = s3.Bucket(
            self, "AssetsBucket",
            encryption=s3.BucketEncryption.S3_MANAGED,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            enforce_ssl=True,
            removal_policy=cdk.RemovalPolicy.RETAIN,
        )
        immutable = cloudfront.ResponseHeadersPolicy(
            self, "ImmutableAssets",
            comment="Web assets have content-hashed names: cache them for a year",
            custom_headers_behavior=cloudfront.ResponseCustomHeadersBehavior(custom_headers=[
                cloudfront.ResponseCustomHeader(header="Cache-Control", value=IMMUTABLE, override=True),
            ]),
        )
        apis = self._sam_resources("AWS::Serverless::Api")
        [api_id] = apis
        api_domain = cdk.Fn.join("", [apis[api_id].ref, ".execute-api.", self.region, ".", self.url_suffix])
        api_origin = origins.HttpOrigin(
            api_domain, origin_path=f"/{settings.api_gateway_stage}",
            protocol_policy=cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
        )
        aliases = {}
        if settings.domain_name and settings.certificate_arn:
            from aws_cdk import aws_certificatemanager as acm

            aliases = {"domain_names": [settings.domain_name],
                       "certificate": acm.Certificate.from_certificate_arn(self, "Certificate",
                                                                           settings.certificate_arn)}
        distribution = cloudfront.Distribution(
            self, "Distribution",
            comment=f"{naming.APP_NAME} {settings.stage}: pages, API and assets",
            http_version=cloudfront.HttpVersion.HTTP2_AND_3,
            minimum_protocol_version=cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
            price_class=cloudfront.PriceClass.PRICE_CLASS_100,
            default_behavior=cloudfront.BehaviorOptions(
                origin=api_origin,
                viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
                allowed_methods=cloudfront.AllowedMethods.ALLOW_ALL,
                cache_policy=cloudfront.CachePolicy.CACHING_DISABLED,
                origin_request_policy=cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
                compress=True,
            ),
            additional_behaviors={
                f"/{ASSETS_PREFIX}/*": cloudfront.BehaviorOptions(
                    origin=origins.S3BucketOrigin.with_origin_access_control(bucket),
                    viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
                    allowed_methods=cloudfront.AllowedMethods.ALLOW_GET_HEAD,
                    cache_policy=cloudfront.CachePolicy.CACHING_OPTIMIZED,
                    response_headers_policy=immutable,
                    compress=True,
                ),
            },
            **aliases,
        )
        return bucket, distribution

    def max_receive_count(self) -> int:
        from chalicelib import resources

        return int(resources.MAX_RECEIVE_COUNT)

    def _api_name(self) -> str:
        """API Gateway names a SAM Api with a DefinitionBody after the document's info.title."""
        apis = self._sam_resources("AWS::Serverless::Api")
        for logical_id in apis:
            props = _raw_properties(self.chalice.sam_template, logical_id)
            name = props.get("Name") or props.get("DefinitionBody", {}).get("info", {}).get("title")
            if name:
                return str(name)
        return naming.APP_NAME


_ATTRIBUTE_TYPES = {"S": "STRING", "N": "NUMBER", "B": "BINARY"}


def _logical(word: str) -> str:
    return "".join(part.capitalize() for part in word.split("-"))


def _sam_resources_of(chalice: Any, resource_type: str) -> dict[str, cdk.CfnResource]:
    """Logical id -> resource of the packaged SAM template, for one resource type."""
    out: dict[str, cdk.CfnResource] = {}
    for logical_id, resource in _sam_template_json(chalice).get("Resources", {}).items():
        if resource.get("Type") == resource_type:
            out[logical_id] = chalice.get_resource(logical_id)
    return out


def _sam_template_json(chalice: Any) -> dict[str, Any]:
    import json
    import os

    path = os.path.join(chalice._sam_package_dir, "sam.json")
    with open(path) as f:
        return dict(json.load(f))


def _raw_properties(template: Any, logical_id: str) -> dict[str, Any]:
    """The properties of a resource as `chalice package` wrote them (CfnInclude keeps SAM
    resources as raw CfnResources)."""
    chalice = template.node.scope
    return dict(_sam_template_json(chalice)["Resources"][logical_id].get("Properties", {}))


def _queue_name(queue: Any) -> str:
    """The queue name out of Chalice's `Fn::Sub` ARN (or a literal ARN)."""
    text = queue["Fn::Sub"] if isinstance(queue, dict) else str(queue)
    return str(text).rsplit(":", 1)[-1]
