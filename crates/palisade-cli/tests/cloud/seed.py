"""Creates deployed serverless resources in a running moto server through the AWS APIs
(boto3), for the `palisade cloud aws` tests and bench/cloud.sh.

usage: python seed.py ENDPOINT rules        one fire and one no-fire case per rule
       python seed.py ENDPOINT roles        permissions boundaries and role last use
       python seed.py ENDPOINT layers       layers with a public and a private policy
       python seed.py ENDPOINT targets      dead-letter queues and on-failure destinations
       python seed.py ENDPOINT bench N      N functions, each with its own role and policies
Prints a JSON summary (the ARNs the tests look for) on standard output.
"""
import io
import json
import sys
import zipfile

import boto3

ENDPOINT, MODE = sys.argv[1], sys.argv[2]
REGION = "us-east-1"
KW = dict(endpoint_url=ENDPOINT, region_name=REGION,
          aws_access_key_id="testing", aws_secret_access_key="testing")
iam, lam, apigw, apigw2, logs = (boto3.client(s, **KW) for s in
                                 ("iam", "lambda", "apigateway", "apigatewayv2", "logs"))
ACCOUNT = boto3.client("sts", **KW).get_caller_identity()["Account"]
TRUST = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]})


def code():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("index.py", "def handler(e, c):\n    return {'statusCode': 200}\n")
    return buf.getvalue()


CODE = code()


def role(name, inline=None, attached=(), boundary=None):
    extra = {"PermissionsBoundary": boundary} if boundary else {}
    arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=TRUST, **extra)["Role"]["Arn"]
    for pname, statements in (inline or {}).items():
        iam.put_role_policy(RoleName=name, PolicyName=pname, PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": statements}))
    for p in attached:
        iam.attach_role_policy(RoleName=name, PolicyArn=p)
    return arn


def function(name, role_arn, **extra):
    args = dict(FunctionName=name, Runtime="python3.12", Role=role_arn, Handler="index.handler",
                Code={"ZipFile": CODE}, Timeout=10, MemorySize=512)
    args.update(extra)
    return lam.create_function(**args)["FunctionArn"]


def fn_arn(name):
    return f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}"


def integration_uri(name):
    return f"arn:aws:apigateway:{REGION}:lambda:path/2015-03-31/functions/{fn_arn(name)}/invocations"


def rules():
    out = {"account": ACCOUNT}
    wide_policy = iam.create_policy(PolicyName="pass-any-role", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}]}))["Policy"]["Arn"]
    wide = role("wide-role", {"everything": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]},
                [wide_policy])
    tight = role("tight-role", {"logs": [{"Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                                          "Resource": f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/aws/lambda/good-fn:*"}]})
    shared = role("shared-role", {"read": [{"Effect": "Allow", "Action": "dynamodb:GetItem",
                                             "Resource": f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/t"}]})
    selfmod = role("selfmod-role", {"deploy-self": [{"Effect": "Allow", "Action": "lambda:UpdateFunctionCode",
                                                       "Resource": fn_arn("selfmod-fn")}]})

    # Fires: deprecated runtime, long timeout, plaintext secret without a CMK, no tracing,
    # no reserved concurrency, public URL with wildcard CORS and credentials, public
    # invoke permission, S3 trigger without a DLQ, log group without retention.
    function("open-fn", wide, Runtime="python3.7", Timeout=900, MemorySize=128,
             Environment={"Variables": {"DB_PASSWORD": "hunter2-prod-Secret!9", "LOG_LEVEL": "debug"}})
    lam.create_function_url_config(FunctionName="open-fn", AuthType="NONE",
                                   Cors={"AllowOrigins": ["*"], "AllowCredentials": True})
    lam.add_permission(FunctionName="open-fn", StatementId="public", Action="lambda:InvokeFunction",
                       Principal="*")
    lam.add_permission(FunctionName="open-fn", StatementId="from-s3", Action="lambda:InvokeFunction",
                       Principal="s3.amazonaws.com", SourceArn="arn:aws:s3:::uploads")
    logs.create_log_group(logGroupName="/aws/lambda/open-fn")

    # No fires: current runtime, short timeout, tracing, reserved concurrency, no secret in
    # the environment, IAM URL, permission scoped by source, no asynchronous invoker,
    # retention. (moto does not keep KMSKeyArn or DeadLetterConfig, so the CMK and DLQ
    # cases are left to the unit tests.)
    function("good-fn", tight, TracingConfig={"Mode": "Active"},
             Environment={"Variables": {"LOG_LEVEL": "info"}})

    lam.put_function_concurrency(FunctionName="good-fn", ReservedConcurrentExecutions=5)
    lam.create_function_url_config(FunctionName="good-fn", AuthType="AWS_IAM")
    lam.add_permission(FunctionName="good-fn", StatementId="from-api", Action="lambda:InvokeFunction",
                       Principal="apigateway.amazonaws.com",
                       SourceArn=f"arn:aws:execute-api:{REGION}:{ACCOUNT}:*/*/GET/keyed")
    logs.create_log_group(logGroupName="/aws/lambda/good-fn")
    logs.put_retention_policy(logGroupName="/aws/lambda/good-fn", retentionInDays=365)

    function("shared-a", shared)
    function("shared-b", shared)
    function("selfmod-fn", selfmod)

    # REST API: one open method, one behind an API key, both on open-fn / good-fn.
    api = apigw.create_rest_api(name="rest-api")["id"]
    root = [r for r in apigw.get_resources(restApiId=api)["items"] if r["path"] == "/"][0]["id"]
    for path, target, key in (("open", "open-fn", False), ("keyed", "good-fn", True)):
        rid = apigw.create_resource(restApiId=api, parentId=root, pathPart=path)["id"]
        apigw.put_method(restApiId=api, resourceId=rid, httpMethod="GET", authorizationType="NONE",
                         apiKeyRequired=key)
        apigw.put_integration(restApiId=api, resourceId=rid, httpMethod="GET", type="AWS_PROXY",
                              integrationHttpMethod="POST", uri=integration_uri(target))
    dep = apigw.create_deployment(restApiId=api, stageName="prod")
    out["rest_api"] = api

    # HTTP API: one route without an authorizer, one with a JWT authorizer.
    api2 = apigw2.create_api(Name="http-api", ProtocolType="HTTP")["ApiId"]
    auth = apigw2.create_authorizer(ApiId=api2, AuthorizerType="JWT", Name="jwt",
                                    IdentitySource=["$request.header.Authorization"],
                                    JwtConfiguration={"Audience": ["a"], "Issuer": "https://issuer.example.com"})["AuthorizerId"]
    for key, target, jwt in (("GET /public", "open-fn", False), ("GET /private", "good-fn", True)):
        integ = apigw2.create_integration(ApiId=api2, IntegrationType="AWS_PROXY",
                                          IntegrationUri=fn_arn(target), PayloadFormatVersion="2.0")["IntegrationId"]
        extra = {"AuthorizationType": "JWT", "AuthorizerId": auth} if jwt else {}
        apigw2.create_route(ApiId=api2, RouteKey=key, Target=f"integrations/{integ}", **extra)
    apigw2.create_stage(ApiId=api2, StageName="logged", AccessLogSettings={
        "DestinationArn": f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:access", "Format": "$context.requestId"})
    out["http_api"] = api2
    return out


def managed(name, statements):
    return iam.create_policy(PolicyName=name, PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": statements}))["Policy"]["Arn"]


def roles():
    # A boundary that lets through reading one bucket and passing one role.
    edge = managed("edge", [
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/*"},
        {"Effect": "Allow", "Action": "iam:PassRole", "Resource": f"arn:aws:iam::{ACCOUNT}:role/worker"}])
    # A boundary that lets through writing logs only, and denies IAM.
    logs_only = managed("logs-only", [
        {"Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"], "Resource": "*"},
        {"Effect": "Deny", "Action": "iam:*", "Resource": "*"}])
    capped = role("capped-role", {"wide": [
        {"Effect": "Allow", "Action": "*", "Resource": "*"},
        {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"},
        {"Effect": "Allow", "Action": "lambda:UpdateFunctionCode", "Resource": fn_arn("capped-fn")}]},
        boundary=edge)
    function("capped-fn", capped)
    blocked = role("blocked-role", {"wide": [
        {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
        {"Effect": "Allow", "Action": ["iam:PutRolePolicy", "iam:PassRole"], "Resource": "*"}]},
        boundary=logs_only)
    function("blocked-fn", blocked)
    # The same wide grant without a boundary: one role never used, one used just now
    # (assumed, then used to call STS, which moto records as the role's last use).
    idle = role("idle-role", {"wide": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})
    function("idle-fn", idle)
    busy = role("busy-role", {"wide": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})
    function("busy-fn", busy)
    creds = boto3.client("sts", **KW).assume_role(RoleArn=busy, RoleSessionName="seed")["Credentials"]
    boto3.client("sts", endpoint_url=ENDPOINT, region_name=REGION,
                 aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                 aws_session_token=creds["SessionToken"]).get_caller_identity()
    last = iam.get_role(RoleName="busy-role")["Role"].get("RoleLastUsed", {}).get("LastUsedDate")
    return {"account": ACCOUNT, "busy_last_used": str(last) if last else None}


def layers():
    lay = lambda name: lam.publish_layer_version(LayerName=name, Content={"ZipFile": CODE},
                                                 CompatibleRuntimes=["python3.12"])["LayerVersionArn"]
    public, private = lay("public-lib"), lay("private-lib")
    lam.add_layer_version_permission(LayerName="public-lib", VersionNumber=1, StatementId="anyone",
                                     Action="lambda:GetLayerVersion", Principal="*")
    lam.add_layer_version_permission(LayerName="private-lib", VersionNumber=1, StatementId="partner",
                                     Action="lambda:GetLayerVersion", Principal="210987654321")
    r = role("layered-role")
    function("layered-fn", r, Layers=[public, private])
    function("plain-fn", r, Layers=[private])
    return {"account": ACCOUNT, "public": public, "private": private}


def targets():
    """Queues and topics that failed events go to: encrypted or not, open to anyone or not,
    deleted, in another region; roles that may send to them or not. moto drops
    DeadLetterConfig and ignores qualifiers of event invoke configs: the test's proxy adds
    the dead-letter configs and alias configs named in the summary's `proxy` flags."""
    sqs, sns, kinesis = (boto3.client(s, **KW) for s in ("sqs", "sns", "kinesis"))
    far_sqs = boto3.client("sqs", **{**KW, "region_name": "eu-west-1"})
    qarn = lambda url, c=sqs: c.get_queue_attributes(
        QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    enc = qarn(sqs.create_queue(QueueName="enc-dlq", Attributes={"KmsMasterKeyId": "alias/aws/sqs"})["QueueUrl"])
    plain = qarn(sqs.create_queue(QueueName="plain-dlq", Attributes={"SqsManagedSseEnabled": "false"})["QueueUrl"])
    open_url = sqs.create_queue(QueueName="open-dlq", Attributes={"SqsManagedSseEnabled": "true"})["QueueUrl"]
    open_q = qarn(open_url)
    sqs.set_queue_attributes(QueueUrl=open_url, Attributes={"Policy": json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*",
                                                "Action": "sqs:SendMessage", "Resource": open_q}]})})
    gone_url = sqs.create_queue(QueueName="gone-dlq")["QueueUrl"]
    gone = qarn(gone_url)
    sqs.delete_queue(QueueUrl=gone_url)
    far = qarn(far_sqs.create_queue(QueueName="far-dlq", Attributes={"SqsManagedSseEnabled": "false"})["QueueUrl"], far_sqs)
    enc_topic = sns.create_topic(Name="enc-topic", Attributes={"KmsMasterKeyId": "alias/aws/sns"})["TopicArn"]
    plain_topic = sns.create_topic(Name="plain-topic")["TopicArn"]
    other = f"arn:aws:sqs:{REGION}:210987654321:partner-dlq"

    sender = role("sender-role", {"send": [
        {"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "arn:aws:sqs:*:*:*"},
        {"Effect": "Allow", "Action": "sns:Publish", "Resource": f"arn:aws:sns:{REGION}:{ACCOUNT}:*"}]})
    mute = role("mute-role", {"logs": [
        {"Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"], "Resource": "*"}]})
    logs_only = managed("logs-only", [
        {"Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"], "Resource": "*"}])
    capped = role("capped-sender-role", {"send": [
        {"Effect": "Allow", "Action": ["sqs:*", "sns:*"], "Resource": "*"}]}, boundary=logs_only)
    denied = role("denied-sender-role", {"send": [
        {"Effect": "Allow", "Action": "sqs:*", "Resource": "*"},
        {"Effect": "Deny", "Action": "sqs:SendMessage", "Resource": enc}]})

    dead_letters = {"dlq-good-fn": enc, "dlq-gone-fn": gone, "dlq-plain-fn": plain,
                    "dlq-open-fn": open_q, "dlq-far-fn": far, "dlq-mute-fn": enc,
                    "dlq-capped-fn": enc, "dlq-denied-fn": enc, "dlq-partner-fn": other}
    roles_of = {"dlq-mute-fn": mute, "dlq-capped-fn": capped, "dlq-denied-fn": denied}
    for name in dead_letters:
        function(name, roles_of.get(name, sender))
    # Event invoke configs (moto keeps the unqualified one): a topic the role may not publish to.
    function("eic-mute-fn", mute)
    lam.put_function_event_invoke_config(FunctionName="eic-mute-fn", DestinationConfig={
        "OnFailure": {"Destination": enc_topic}})
    # A function invoked by S3, with an on-failure destination for itself and two aliases:
    # `live` without one (its failed events are lost), `safe` with one.
    function("alias-fn", sender)
    lam.add_permission(FunctionName="alias-fn", StatementId="from-s3", Action="lambda:InvokeFunction",
                       Principal="s3.amazonaws.com", SourceArn="arn:aws:s3:::uploads")
    lam.put_function_event_invoke_config(FunctionName="alias-fn", DestinationConfig={
        "OnFailure": {"Destination": enc}})
    for alias in ("live", "safe"):
        lam.create_alias(FunctionName="alias-fn", Name=alias, FunctionVersion="$LATEST")
    # Stream mappings (moto keeps their destinations): an unencrypted topic, an encrypted one.
    kinesis.create_stream(StreamName="clicks", ShardCount=1)
    stream = kinesis.describe_stream(StreamName="clicks")["StreamDescription"]["StreamARN"]
    function("stream-fn", sender)
    function("stream-good-fn", sender)
    for name, topic in (("stream-fn", plain_topic), ("stream-good-fn", enc_topic)):
        lam.create_event_source_mapping(FunctionName=name, EventSourceArn=stream, StartingPosition="LATEST",
                                        DestinationConfig={"OnFailure": {"Destination": topic}})
    proxy = []
    for name, target in dead_letters.items():
        proxy += ["--dead-letter", name, target]
    proxy += ["--invoke-config", fn_arn("alias-fn") + ":live", "-",
              "--invoke-config", fn_arn("alias-fn") + ":safe", enc]
    return {"account": ACCOUNT, "enc": enc, "plain": plain, "open": open_q, "gone": gone,
            "far": far, "other": other, "enc_topic": enc_topic, "plain_topic": plain_topic,
            "proxy": proxy}


def bench(n):
    for i in range(n):
        name = f"bench-{i:05d}"
        r = role(f"{name}-role", {"inline": [{"Effect": "Allow", "Action": ["s3:GetObject"],
                                               "Resource": f"arn:aws:s3:::bucket-{i}/*"}]})
        p = iam.create_policy(PolicyName=f"{name}-policy", PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "dynamodb:*",
                                                     "Resource": "*"}]}))["Policy"]["Arn"]
        iam.attach_role_policy(RoleName=f"{name}-role", PolicyArn=p)
        function(name, r, Environment={"Variables": {"STAGE": "prod", "TABLE": f"t{i}"}})
    return {"account": ACCOUNT, "functions": n}


def unreadable():
    # moto 5.1 answers ListFunctionEventInvokeConfigs with LastModified as an ISO date where
    # the API has epoch seconds: a response the SDK cannot read, reported, not fatal.
    function("eic-fn", role("eic-role"))
    lam.put_function_event_invoke_config(FunctionName="eic-fn", DestinationConfig={
        "OnFailure": {"Destination": f"arn:aws:sqs:{REGION}:{ACCOUNT}:failed-events"}})
    return {"account": ACCOUNT}


if MODE == "rules":
    print(json.dumps(rules()))
elif MODE == "layers":
    print(json.dumps(layers()))
elif MODE == "roles":
    print(json.dumps(roles()))
elif MODE == "unreadable":
    print(json.dumps(unreadable()))
elif MODE == "targets":
    print(json.dumps(targets()))
elif MODE == "bench":
    print(json.dumps(bench(int(sys.argv[3]))))
else:
    sys.exit(f"unknown mode {MODE}")
