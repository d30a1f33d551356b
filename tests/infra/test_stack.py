"""The synthesised CloudFormation template: what the service needs on AWS, and nothing broader.

Expectations come from the same sources the app and the local stack use
(chalicelib/resources.py, chalicelib/config.py, the app's declared event sources), so a
handler or a table added there is checked here without editing these tests."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from aws_cdk.assertions import Match

from .conftest import BASE_URL, SENDER, STAGE

REPO = Path(__file__).resolve().parents[2]


def of_type(resources: dict, kind: str) -> dict:
    return {k: v for k, v in resources.items() if v["Type"] == kind}


def by_name(resources: dict, kind: str, name_property: str, name: str) -> tuple[str, dict]:
    found = [(k, v) for k, v in of_type(resources, kind).items()
             if v["Properties"].get(name_property) == name]
    assert len(found) == 1, f"expected one {kind} named {name}, found {len(found)}"
    return found[0]


def sqs_events(resources: dict) -> list[tuple[str, str, dict]]:
    """(function logical id, event name, event properties) for every SQS event source."""
    out = []
    for fn_id, fn in of_type(resources, "AWS::Serverless::Function").items():
        for event_name, event in fn["Properties"].get("Events", {}).items():
            if event["Type"] == "SQS":
                out.append((fn_id, event_name, event["Properties"]))
    return out


def queue_name_of(event_properties: dict) -> str:
    queue = event_properties["Queue"]
    return (queue["Fn::Sub"] if isinstance(queue, dict) else queue).rsplit(":", 1)[-1]


# ------------------------------------------------------------------ DynamoDB
def test_every_table_of_the_resource_spec_is_declared_on_demand_with_recovery_and_ttl(resources_json):
    from chalicelib import resources

    for spec in resources.TABLES:
        # Given the table spec the local stack creates
        # Then the template declares the same keys and indexes, on demand, with PITR and TTL
        _, table = by_name(resources_json, "AWS::DynamoDB::Table", "TableName", spec["TableName"])
        props = table["Properties"]
        assert props["BillingMode"] == "PAY_PER_REQUEST"
        assert props["KeySchema"] == spec["KeySchema"]
        assert sorted(props["AttributeDefinitions"], key=str) == sorted(spec["AttributeDefinitions"], key=str)
        declared_gsis = {g["IndexName"]: g for g in props.get("GlobalSecondaryIndexes", [])}
        assert set(declared_gsis) == {g["IndexName"] for g in spec.get("GlobalSecondaryIndexes", [])}
        for gsi in spec.get("GlobalSecondaryIndexes", []):
            assert declared_gsis[gsi["IndexName"]]["KeySchema"] == gsi["KeySchema"]
            assert declared_gsis[gsi["IndexName"]]["Projection"] == gsi["Projection"]
        assert props["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
        assert props["TimeToLiveSpecification"] == {
            "AttributeName": resources.TTL_ATTRIBUTES[spec["TableName"]], "Enabled": True}
        assert props["DeletionProtectionEnabled"] is True
        assert table["DeletionPolicy"] == "Retain"


def test_tables_are_named_for_the_stage(resources_json):
    names = {t["Properties"]["TableName"] for t in of_type(resources_json, "AWS::DynamoDB::Table").values()}
    assert names == {f"exam-results-{STAGE}-main", f"exam-results-{STAGE}-idempotency"}


# ------------------------------------------------------------------ S3
def test_buckets_are_private_encrypted_tls_only_and_kept(resources_json):
    from chalicelib import resources

    policies = of_type(resources_json, "AWS::S3::BucketPolicy")
    for name in resources.BUCKETS:
        bucket_id, bucket = by_name(resources_json, "AWS::S3::Bucket", "BucketName", name)
        props = bucket["Properties"]
        assert props["PublicAccessBlockConfiguration"] == {
            "BlockPublicAcls": True, "BlockPublicPolicy": True, "IgnorePublicAcls": True,
            "RestrictPublicBuckets": True}
        [sse] = props["BucketEncryption"]["ServerSideEncryptionConfiguration"]
        assert sse["ServerSideEncryptionByDefault"]["SSEAlgorithm"] in ("AES256", "aws:kms")
        assert props["OwnershipControls"]["Rules"] == [{"ObjectOwnership": "BucketOwnerEnforced"}]
        assert bucket["DeletionPolicy"] == "Retain"
        # And its policy refuses any request without TLS
        [policy] = [p for p in policies.values() if p["Properties"]["Bucket"] == {"Ref": bucket_id}]
        denies = [s for s in policy["Properties"]["PolicyDocument"]["Statement"] if s["Effect"] == "Deny"]
        assert any(s["Condition"] == {"Bool": {"aws:SecureTransport": "false"}} for s in denies)


def lifecycle(resources_json: dict, bucket_name: str) -> dict[str, dict]:
    _, bucket = by_name(resources_json, "AWS::S3::Bucket", "BucketName", bucket_name)
    return {r.get("Prefix", ""): r for r in bucket["Properties"]["LifecycleConfiguration"]["Rules"]}


def test_downloads_and_reports_expire_and_incoming_files_are_archived(resources_json):
    from chalicelib import config, resources

    for name in resources.BUCKETS:
        rules = lifecycle(resources_json, name)
        assert rules["downloads/"]["ExpirationInDays"] == 30
        assert rules["reports/"]["ExpirationInDays"] == 90
        assert rules[""]["AbortIncompleteMultipartUpload"] == {"DaysAfterInitiation": 7}
        assert all(r["Status"] == "Enabled" for r in rules.values())
    incoming = lifecycle(resources_json, config.BATCH_BUCKET)[resources.INCOMING_PREFIX]
    assert incoming["Transitions"] == [{"StorageClass": "GLACIER_IR", "TransitionInDays": 90}]


def test_staff_browsers_may_put_batch_files_only_from_the_service_origin(resources_json):
    from chalicelib import config

    _, bucket = by_name(resources_json, "AWS::S3::Bucket", "BucketName", config.BATCH_BUCKET)
    [rule] = bucket["Properties"]["CorsConfiguration"]["CorsRules"]
    assert rule["AllowedOrigins"] == [BASE_URL]
    assert rule["AllowedMethods"] == ["PUT"]


# ------------------------------------------------------------------ SQS
def test_every_queue_has_its_dead_letter_queue_after_max_receive_count(resources_json):
    from chalicelib import resources

    for name in resources.QUEUES:
        # Given a queue of the spec, Then it redrives to its own DLQ after MAX_RECEIVE_COUNT receives
        _, queue = by_name(resources_json, "AWS::SQS::Queue", "QueueName", name)
        dlq_id, dlq = by_name(resources_json, "AWS::SQS::Queue", "QueueName", resources.dlq_name(name))
        redrive = queue["Properties"]["RedrivePolicy"]
        assert redrive == {"deadLetterTargetArn": {"Fn::GetAtt": [dlq_id, "Arn"]},
                           "maxReceiveCount": resources.MAX_RECEIVE_COUNT}
        assert dlq["Properties"]["MessageRetentionPeriod"] == 14 * 24 * 3600
        for q in (queue, dlq):
            assert q["Properties"]["SqsManagedSseEnabled"] is True


def test_queue_names_are_the_ones_the_app_was_packaged_with(chalice_app):
    # Chalice's SQS decorators take the queue NAME at package time: the names must be this stage's.
    for source in chalice_app.event_sources:
        if hasattr(source, "queue") and source.queue is not None:
            assert source.queue.startswith(f"exam-results-{STAGE}-")


def test_every_sqs_handler_reports_batch_item_failures(resources_json, chalice_app):
    events = sqs_events(resources_json)
    declared = [s for s in chalice_app.event_sources if type(s).__name__ == "SQSEventConfig"]
    # Given every @app.on_sqs_message of app.py, Then each became an event source in the template
    assert len(events) == len(declared) >= 1
    assert sorted(queue_name_of(p) for _, _, p in events) == sorted(s.queue for s in declared)
    for fn_id, event_name, props in events:
        assert props.get("FunctionResponseTypes") == ["ReportBatchItemFailures"], f"{fn_id}.{event_name}"


def test_the_work_queue_cannot_outrun_the_ses_sending_rate(resources_json):
    from chalicelib import config

    [props] = [p for _, _, p in sqs_events(resources_json) if queue_name_of(p) == config.WORK_QUEUE]
    assert props["ScalingConfig"]["MaximumConcurrency"] == config.WORK_MAX_CONCURRENCY >= 2


def test_queues_outlast_their_consumers_timeouts(resources_json):
    # Lambda refuses an SQS source whose visibility timeout is shorter than the function's timeout;
    # AWS advises six times it so that retries of a throttled batch do not double-deliver.
    functions = of_type(resources_json, "AWS::Serverless::Function")
    for fn_id, _, props in sqs_events(resources_json):
        _, queue = by_name(resources_json, "AWS::SQS::Queue", "QueueName", queue_name_of(props))
        assert queue["Properties"]["VisibilityTimeout"] >= 6 * functions[fn_id]["Properties"]["Timeout"]


def test_event_handlers_get_the_time_their_work_needs(resources_json, chalice_app):
    from stacks.service import DEFAULT_TIMEOUT_S, FUNCTION_SETTINGS

    functions = {v["Properties"]["Handler"]: v["Properties"]
                 for v in of_type(resources_json, "AWS::Serverless::Function").values()}
    assert functions["app.on_upload"]["Timeout"] == 900  # one whole batch file per invocation
    assert functions["app.app"]["Timeout"] == DEFAULT_TIMEOUT_S  # API Gateway gives up at 29 s anyway
    for source in chalice_app.event_sources:
        wanted = FUNCTION_SETTINGS.get(source.name, {}).get("lambda_timeout", DEFAULT_TIMEOUT_S)
        assert functions[f"app.{source.name}"]["Timeout"] == wanted


def test_new_files_under_incoming_notify_the_uploads_queue(resources_json):
    from chalicelib import config, resources

    # Given the batch bucket
    _, bucket = by_name(resources_json, "AWS::S3::Bucket", "BucketName", config.BATCH_BUCKET)
    uploads_id, _ = by_name(resources_json, "AWS::SQS::Queue", "QueueName", config.UPLOADS_QUEUE)
    # Then ObjectCreated under incoming/ goes to the uploads queue
    [notification] = bucket["Properties"]["NotificationConfiguration"]["QueueConfigurations"]
    assert notification["Event"] == "s3:ObjectCreated:*"
    assert notification["Queue"] == {"Fn::GetAtt": [uploads_id, "Arn"]}
    rules = notification["Filter"]["S3Key"]["Rules"]
    assert rules == [{"Name": "prefix", "Value": resources.INCOMING_PREFIX}]
    # And the uploads queue lets that bucket (and only it) send, before the bucket is created
    [(policy_id, policy)] = [(k, v) for k, v in of_type(resources_json, "AWS::SQS::QueuePolicy").items()
                             if v["Properties"]["Queues"] == [{"Ref": uploads_id}]]
    [allow] = [s for s in policy["Properties"]["PolicyDocument"]["Statement"] if s["Effect"] == "Allow"]
    assert allow["Principal"] == {"Service": "s3.amazonaws.com"}
    assert allow["Action"] == "sqs:SendMessage"
    source = json.dumps(allow["Condition"]["ArnLike"]["aws:SourceArn"])
    assert source.endswith(f':s3:::{config.BATCH_BUCKET}"]]}}')
    assert policy_id in bucket["DependsOn"]


def test_no_custom_resource_lambda_is_needed(resources_json):
    # CDK's notification handler would need s3:PutBucketNotification on "*": the stack avoids it.
    kinds = {v["Type"] for v in resources_json.values()}
    assert not any(k.startswith("Custom::") or k == "AWS::Lambda::Function" for k in kinds)


# ------------------------------------------------------------------ the Chalice app
def config_variables() -> set[str]:
    """Every environment variable chalicelib/config.py reads."""
    source = (REPO / "chalicelib" / "config.py").read_text()
    return set(re.findall(r"""(?:os\.environ|env)\.get\(\s*["']([A-Z0-9_]+)["']""", source))


# Set by Lambda itself (AWS_REGION), only for the local stack and tests (endpoint, a development
# pepper), or with a fine default.
NOT_FROM_INFRA = {"AWS_DEFAULT_REGION", "AWS_REGION", "AWS_ENDPOINT_URL", "SESSION_HOURS", "SECRET_PEPPER",
                  "PEPPER_MAX_AGE_S"}


def test_every_function_gets_every_name_config_reads(resources_json):
    from chalicelib import config

    wanted = config_variables() - NOT_FROM_INFRA
    assert {"STAGE", "MAIN_TABLE", "WEBHOOK_QUEUE", "SENDER_EMAIL", "PUBLIC_BASE_URL",
            "SECRET_PEPPER_NAME"} <= wanted
    functions = of_type(resources_json, "AWS::Serverless::Function")
    assert functions
    for fn_id, fn in functions.items():
        env = fn["Properties"]["Environment"]["Variables"]
        missing = wanted - set(env)
        assert not missing, f"{fn_id} lacks {sorted(missing)}"
        assert "AWS_ENDPOINT_URL" not in env
        assert env["STAGE"] == STAGE
        assert env["MAIN_TABLE"] == config.MAIN_TABLE
        assert env["UPLOADS_QUEUE"] == config.UPLOADS_QUEUE
        assert env["SENDER_EMAIL"] == SENDER
        assert env["PUBLIC_BASE_URL"] == BASE_URL
        assert fn["Properties"]["Runtime"] == "python3.11"


def test_the_pepper_is_a_generated_secret_the_functions_read_at_run_time(resources_json):
    [(secret_id, secret)] = of_type(resources_json, "AWS::SecretsManager::Secret").items()
    assert "SecretString" not in secret["Properties"]
    assert secret["Properties"]["GenerateSecretString"]["GenerateStringKey"] == "pepper"
    for fn in of_type(resources_json, "AWS::Serverless::Function").values():
        env = fn["Properties"]["Environment"]["Variables"]
        # its name, never its value: no variable holds the pepper or a reference resolving to it
        assert env["SECRET_PEPPER_NAME"] == secret["Properties"]["Name"]
        assert "SECRET_PEPPER" not in env
        assert "resolve:secretsmanager" not in json.dumps(env)
        assert secret_id in fn["DependsOn"]
    # The functions' role may read this secret, and only this one, and do nothing else with it
    assert allowed(resources_json, "secretsmanager:GetSecretValue") == [{"Ref": secret_id}]
    secret_actions = {a for st in identity_statements(resources_json) for a in as_list(st["Action"])
                      if a.startswith("secretsmanager:")}
    assert secret_actions == {"secretsmanager:GetSecretValue"}


def test_schedules_of_the_app_are_packaged(resources_json, chalice_app):
    declared = [s for s in chalice_app.event_sources if type(s).__name__ == "ScheduledEventConfig"]
    scheduled = [e for fn in of_type(resources_json, "AWS::Serverless::Function").values()
                 for e in fn["Properties"].get("Events", {}).values() if e["Type"] == "Schedule"]
    assert len(scheduled) == len(declared)


def test_the_sender_identity_is_declared(template):
    template.has_resource_properties("AWS::SES::EmailIdentity", {"EmailIdentity": SENDER})


# ------------------------------------------------------------------ IAM
def identity_statements(resources_json: dict) -> list[dict]:
    out = []
    for res in of_type(resources_json, "AWS::IAM::Policy").values():
        out += res["Properties"]["PolicyDocument"]["Statement"]
    for res in of_type(resources_json, "AWS::IAM::Role").values():
        for policy in res["Properties"].get("Policies", []):
            out += policy["PolicyDocument"]["Statement"]
        assert not res["Properties"].get("ManagedPolicyArns"), "no managed (broad) policies"
    return out


def as_list(value) -> list:
    return value if isinstance(value, list) else [value]


def test_no_wildcard_actions_or_resources_in_any_identity_policy(resources_json):
    statements = identity_statements(resources_json)
    assert statements
    for st in statements:
        assert st["Effect"] == "Allow"
        for action in as_list(st["Action"]):
            assert "*" not in action, st
        for resource in as_list(st["Resource"]):
            assert resource != "*", st
            if isinstance(resource, str):
                assert not resource.endswith(":*:*"), st


def allowed(resources_json: dict, action: str) -> list:
    return [r for st in identity_statements(resources_json) if action in as_list(st["Action"])
            for r in as_list(st["Resource"])]


def test_the_functions_reach_only_the_declared_tables_buckets_and_queues(resources_json):
    from chalicelib import config

    main_id, _ = by_name(resources_json, "AWS::DynamoDB::Table", "TableName", config.MAIN_TABLE)
    assert {"Fn::GetAtt": [main_id, "Arn"]} in allowed(resources_json, "dynamodb:Query")
    assert allowed(resources_json, "dynamodb:Scan") == []  # no table scans on AWS either
    assert allowed(resources_json, "dynamodb:DeleteTable") == []
    batches_id, _ = by_name(resources_json, "AWS::S3::Bucket", "BucketName", config.BATCH_BUCKET)
    object_arns = json.dumps(allowed(resources_json, "s3:GetObject"))
    assert batches_id in object_arns
    work_id, _ = by_name(resources_json, "AWS::SQS::Queue", "QueueName", config.WORK_QUEUE)
    assert {"Fn::GetAtt": [work_id, "Arn"]} in allowed(resources_json, "sqs:SendMessage")
    # The consumers may receive only from queues an event source reads
    consumed = {queue_name_of(p) for _, _, p in sqs_events(resources_json)}
    receive = allowed(resources_json, "sqs:ReceiveMessage")
    assert len(receive) == len(consumed)
    for name in consumed:
        queue_id, _ = by_name(resources_json, "AWS::SQS::Queue", "QueueName", name)
        assert {"Fn::GetAtt": [queue_id, "Arn"]} in receive


def test_ses_sending_is_limited_to_the_sender_identity(resources_json):
    [statement] = [st for st in identity_statements(resources_json)
                   if "ses:SendRawEmail" in as_list(st["Action"])]
    assert json.dumps(statement["Resource"]).endswith(f':identity/{SENDER}"]]}}')
    assert statement["Condition"] == {"StringEquals": {"ses:FromAddress": SENDER}}


def test_logs_are_limited_to_this_stacks_functions(resources_json):
    resources = allowed(resources_json, "logs:PutLogEvents")
    assert resources
    for r in resources:
        assert {"Ref": "AWS::StackName"} in r["Fn::Join"][1]


# ------------------------------------------------------------------ alarms
def test_a_message_in_any_dead_letter_queue_raises_an_alarm(template, resources_json):
    from chalicelib import resources

    for name in resources.QUEUES:
        dlq_id, _ = by_name(resources_json, "AWS::SQS::Queue", "QueueName", resources.dlq_name(name))
        template.has_resource_properties("AWS::CloudWatch::Alarm", {
            "MetricName": "ApproximateNumberOfMessagesVisible",
            "Namespace": "AWS/SQS",
            "Dimensions": [{"Name": "QueueName", "Value": {"Fn::GetAtt": [dlq_id, "QueueName"]}}],
            "Threshold": 0,
            "ComparisonOperator": "GreaterThanThreshold",
            "AlarmActions": Match.any_value(),
        })


def test_api_5xx_rate_and_lambda_errors_raise_alarms(template, resources_json):
    alarms = of_type(resources_json, "AWS::CloudWatch::Alarm")
    rate = [a for a in alarms.values() if "Metrics" in a["Properties"]
            and any(m.get("MetricStat", {}).get("Metric", {}).get("MetricName") == "5XXError"
                    for m in a["Properties"]["Metrics"])]
    assert len(rate) == 1
    assert rate[0]["Properties"]["Threshold"] == 0.05
    for fn_id in of_type(resources_json, "AWS::Serverless::Function"):
        template.has_resource_properties("AWS::CloudWatch::Alarm", {
            "MetricName": "Errors", "Namespace": "AWS/Lambda",
            "Dimensions": [{"Name": "FunctionName", "Value": {"Ref": fn_id}}],
        })
    topic_id = next(iter(of_type(resources_json, "AWS::SNS::Topic")))
    for alarm in alarms.values():
        assert alarm["Properties"]["AlarmActions"] == [{"Ref": topic_id}]
    template.has_resource_properties("AWS::SNS::Subscription", {"Protocol": "email",
                                                                "Endpoint": "ops@exam-board.example"})


def test_the_5xx_alarm_watches_the_api_chalice_deploys(resources_json):
    [api] = of_type(resources_json, "AWS::Serverless::Api").values()
    title = api["Properties"]["DefinitionBody"]["info"]["title"]
    alarms = of_type(resources_json, "AWS::CloudWatch::Alarm").values()
    [rate] = [a for a in alarms if "Metrics" in a["Properties"]]
    stats = [m["MetricStat"]["Metric"] for m in rate["Properties"]["Metrics"] if "MetricStat" in m]
    for metric in stats:
        assert {"Name": "ApiName", "Value": title} in metric["Dimensions"]
        assert {"Name": "Stage", "Value": api["Properties"]["StageName"]} in metric["Dimensions"]


# ------------------------------------------------------------------ the template as a whole
def test_cfn_lint_finds_no_error(template, tmp_path):
    path = tmp_path / "template.json"
    path.write_text(json.dumps(template.to_json()))
    cfn_lint = Path(sys.executable).with_name("cfn-lint")
    result = subprocess.run([str(cfn_lint), "--format", "parseable", str(path)],
                            capture_output=True, text=True, check=False)
    # cfn-lint's exit status is a bit field: 2 = errors, 4 = warnings, 8 = informational; 1 = it failed
    assert result.returncode & 0b11 == 0, result.stdout + result.stderr


def test_one_stage_per_process():
    from stacks import naming

    with pytest.raises(RuntimeError):
        naming.configure("staging")  # chalicelib.config was imported for "prod"
    with pytest.raises(ValueError):
        naming.resource_names("Prod_1")


# ------------------------------------------------------------------ CloudFront, assets, gateway replies
def the_distribution(resources_json: dict) -> dict:
    [dist] = of_type(resources_json, "AWS::CloudFront::Distribution").values()
    return dict(dist["Properties"]["DistributionConfig"])


def test_one_distribution_serves_assets_from_a_private_bucket_through_origin_access_control(resources_json):
    config = the_distribution(resources_json)
    origins = {o["Id"]: o for o in config["Origins"]}
    [assets] = [b for b in config["CacheBehaviors"] if b["PathPattern"] == "/assets/*"]
    s3_origin = origins[assets["TargetOriginId"]]
    [oac_id] = of_type(resources_json, "AWS::CloudFront::OriginAccessControl")
    assert s3_origin["OriginAccessControlId"] == {"Fn::GetAtt": [oac_id, "Id"]}
    assert s3_origin["S3OriginConfig"] == {"OriginAccessIdentity": ""}  # OAC, not the legacy OAI
    [(bucket_id, bucket)] = [(k, v) for k, v in of_type(resources_json, "AWS::S3::Bucket").items()
                             if {"Fn::GetAtt": [k, "RegionalDomainName"]} == s3_origin["DomainName"]]
    props = bucket["Properties"]
    assert props["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True, "BlockPublicPolicy": True, "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True}
    assert bucket["DeletionPolicy"] == "Retain"
    # only this distribution may read it
    [policy] = [p for p in of_type(resources_json, "AWS::S3::BucketPolicy").values()
                if p["Properties"]["Bucket"] == {"Ref": bucket_id}]
    [allow] = [s for s in policy["Properties"]["PolicyDocument"]["Statement"] if s["Effect"] == "Allow"]
    assert allow["Principal"] == {"Service": "cloudfront.amazonaws.com"}
    assert allow["Action"] == "s3:GetObject"
    assert "AWS:SourceArn" in allow["Condition"]["StringEquals"]


def test_assets_are_cached_for_a_year_as_immutable(resources_json):
    config = the_distribution(resources_json)
    [assets] = [b for b in config["CacheBehaviors"] if b["PathPattern"] == "/assets/*"]
    assert assets["ViewerProtocolPolicy"] == "redirect-to-https"
    assert assets["AllowedMethods"] == ["GET", "HEAD"]
    assert assets["CachePolicyId"] == "658327ea-f89d-4fab-a63d-7e88639e58f6"  # Managed-CachingOptimized
    policies = of_type(resources_json, "AWS::CloudFront::ResponseHeadersPolicy")
    policy = policies[assets["ResponseHeadersPolicyId"]["Ref"]]["Properties"]["ResponseHeadersPolicyConfig"]
    [header] = policy["CustomHeadersConfig"]["Items"]
    assert header == {"Header": "Cache-Control", "Value": "public, max-age=31536000, immutable",
                      "Override": True}


def test_everything_else_goes_to_the_api_uncached_with_cookies_query_and_headers(resources_json):
    config = the_distribution(resources_json)
    origins = {o["Id"]: o for o in config["Origins"]}
    default = config["DefaultCacheBehavior"]
    api_origin = origins[default["TargetOriginId"]]
    [api_id] = of_type(resources_json, "AWS::Serverless::Api")
    assert {"Ref": api_id} in api_origin["DomainName"]["Fn::Join"][1]
    assert api_origin["OriginPath"] == "/api"
    assert api_origin["CustomOriginConfig"]["OriginProtocolPolicy"] == "https-only"
    assert default["CachePolicyId"] == "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"  # Managed-CachingDisabled
    # Managed-AllViewerExceptHostHeader: every cookie, query string and header but Host
    assert default["OriginRequestPolicyId"] == "b689b0a8-53d0-40ab-baf2-68738e2966ac"
    assert set(default["AllowedMethods"]) == {"GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"}
    assert default["ViewerProtocolPolicy"] == "redirect-to-https"


def test_the_functions_link_assets_and_pages_on_the_distribution(resources_json):
    for fn in of_type(resources_json, "AWS::Serverless::Function").values():
        env = fn["Properties"]["Environment"]["Variables"]
        assert env["ASSETS_BASE_URL"] == "/assets"  # same origin: the distribution's /assets/*
        assert env["PUBLIC_BASE_URL"] == BASE_URL


def test_api_gateway_s_own_replies_are_the_service_s_json_errors(resources_json):
    [api] = of_type(resources_json, "AWS::Serverless::Api").values()
    replies = api["Properties"]["GatewayResponses"]
    expected = {"MISSING_AUTHENTICATION_TOKEN": ("404", "not_found"),
                "DEFAULT_4XX": (None, "validation_error"), "DEFAULT_5XX": (None, "internal_error")}
    for kind, (status, code) in expected.items():
        reply = replies[kind]
        assert reply.get("StatusCode") == status, kind
        assert reply["ResponseParameters"]["Headers"]["Content-Type"] == "'application/json'"
        body = reply["ResponseTemplates"]["application/json"]
        filled = json.loads(body.replace("$context.error.messageString", '"Forbidden"'))
        assert set(filled) == {"error", "message"} and filled["error"] == code, kind


# ------------------------------------------------------------------ the deployment package
# The functions run on Lambda's python3.11 runtime (chalice packages for the Python it runs on),
# which is Amazon Linux 2: glibc 2.26. A compiled wheel for a newer glibc,
# or one `chalice package` built here from source (tagged linux_x86_64, linked against this
# machine's libraries), cannot be imported there.
LAMBDA_GLIBC = (2, 26)


def _loadable_on_lambda(tag: str) -> bool:
    python, abi, platform = tag.split("-")
    pure = abi == "none" and "py3" in python.split(".")
    stable_abi = abi == "abi3" and python.startswith("cp3") and int(python[3:]) <= 11
    if not (pure or stable_abi or abi == python == "cp311"):
        return False  # built for another Python than the functions' 3.11
    if platform == "any":
        return True
    legacy = {"manylinux1_x86_64": (2, 5), "manylinux2010_x86_64": (2, 12), "manylinux2014_x86_64": (2, 17)}
    if platform in legacy:
        return legacy[platform] <= LAMBDA_GLIBC
    found = re.fullmatch(r"manylinux_(\d+)_(\d+)_x86_64", platform)
    return bool(found) and (int(found[1]), int(found[2])) <= LAMBDA_GLIBC


def test_every_packaged_dependency_is_a_wheel_lambda_can_load(deployment_zip):
    import zipfile

    with zipfile.ZipFile(deployment_zip) as package:
        wheels = {name.split("/")[0]: package.read(name).decode()
                  for name in package.namelist() if re.fullmatch(r"[^/]+\.dist-info/WHEEL", name)}
    assert "reportlab-5.1.0.dist-info" in wheels  # the dependencies are in the package at all
    tags = {dist: re.findall(r"^Tag: (\S+)$", text, re.M) for dist, text in wheels.items()}
    unloadable = {dist: found for dist, found in tags.items() if not any(map(_loadable_on_lambda, found))}
    assert unloadable == {}, f"wheels Lambda's python3.11 (glibc 2.26) cannot load: {unloadable}"
