"""Creates deployed serverless resources in a running moto server through the AWS APIs
(boto3), for the `palisade cloud aws` tests and bench/cloud.sh.

usage: python seed.py ENDPOINT rules        one fire and one no-fire case per rule
       python seed.py ENDPOINT roles        permissions boundaries and role last use
       python seed.py ENDPOINT layers       layers with a public and a private policy
       python seed.py ENDPOINT targets      dead-letter queues and on-failure destinations
       python seed.py ENDPOINT bench N      N functions, each with its own role and policies
       python seed.py ENDPOINT translated OUTPUT.json...
                                            the functions, roles and URLs of CloudFormation
                                            templates (sam-translator's output)
Prints a JSON summary (the ARNs the tests look for) on standard output.
"""
import hashlib
import io
import json
import os
import re
import sys
import zipfile

import boto3
import botocore.exceptions

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
    deleted, in another region; functions, an event bus and a bucket; roles that may send to
    them or not. moto drops
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
    # On-failure destinations that are not read, only judged against the role (and, for a
    # function, the listed functions): another function, an event bus, an S3 bucket.
    bus = f"arn:aws:events:{REGION}:{ACCOUNT}:event-bus/failures"
    bucket = "arn:aws:s3:::failed-batches"
    invoker = role("invoker-role", {"deliver": [
        {"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": fn_arn("dest-handler-fn")},
        {"Effect": "Allow", "Action": "events:PutEvents", "Resource": bus},
        {"Effect": "Allow", "Action": "s3:PutObject", "Resource": f"{bucket}/*"},
        {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": bucket}]})
    bucket_only = role("bucket-arn-role", {"deliver": [
        {"Effect": "Allow", "Action": ["s3:PutObject", "s3:ListBucket"], "Resource": bucket}]})
    unlisted = role("unlisted-bucket-role", {"deliver": [
        {"Effect": "Allow", "Action": "s3:PutObject", "Resource": f"{bucket}/aws/lambda/*"}]})
    function("dest-handler-fn", invoker)
    for name, r, target in (("dest-fn-ok", invoker, fn_arn("dest-handler-fn")),
                            ("dest-fn-mute", mute, fn_arn("dest-handler-fn")),
                            ("dest-fn-gone", invoker, fn_arn("deleted-fn")),
                            ("dest-bus-ok", invoker, bus),
                            ("dest-bus-mute", mute, bus)):
        function(name, r)
        lam.put_function_event_invoke_config(FunctionName=name, DestinationConfig={
            "OnFailure": {"Destination": target}})
    for name, r in (("dest-s3-ok", invoker), ("dest-s3-arn-only", bucket_only),
                    ("dest-s3-unlisted", unlisted)):
        function(name, r)
        lam.create_event_source_mapping(FunctionName=name, EventSourceArn=stream, StartingPosition="LATEST",
                                        DestinationConfig={"OnFailure": {"Destination": bucket}})
    proxy = []
    for name, target in dead_letters.items():
        proxy += ["--dead-letter", name, target]
    proxy += ["--invoke-config", fn_arn("alias-fn") + ":live", "-",
              "--invoke-config", fn_arn("alias-fn") + ":safe", enc]
    return {"account": ACCOUNT, "enc": enc, "plain": plain, "open": open_q, "gone": gone,
            "far": far, "other": other, "enc_topic": enc_topic, "plain_topic": plain_topic,
            "bus": bus, "bucket": bucket, "proxy": proxy}


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


class Unresolved(Exception):
    """A value this seeder cannot give moto; the function is skipped and counted."""


def short(name):
    """Lambda and IAM names hold 64 characters: a long name keeps its head and a digest."""
    if len(name) <= 64:
        return name
    return name[:55] + "-" + hashlib.sha1(name.encode()).hexdigest()[:8]


class Template:
    def __init__(self, path):
        self.stem = os.path.splitext(os.path.basename(path))[0]
        with open(path) as f:
            self.doc = json.load(f)
        self.res = self.doc.get("Resources") or {}
        self.params = self.doc.get("Parameters") or {}
        self.roles = {k: short(f"{self.stem}-{k}") for k, r in self.res.items()
                      if r.get("Type") == "AWS::IAM::Role"}
        self.fns = {k: short(f"{self.stem}-{k}") for k, r in self.res.items()
                    if r.get("Type") == "AWS::Lambda::Function"}
        self.policies = {}  # logical id of an AWS::IAM::ManagedPolicy -> its ARN once created

    def ref(self, name, attr=None):
        pseudo = {"AWS::Region": REGION, "AWS::AccountId": ACCOUNT, "AWS::Partition": "aws",
                  "AWS::StackName": self.stem, "AWS::URLSuffix": "amazonaws.com",
                  "AWS::StackId": f"arn:aws:cloudformation:{REGION}:{ACCOUNT}:stack/{self.stem}/1"}
        if attr is None and name in pseudo:
            return pseudo[name]
        if attr is None and name in self.params:
            if "Default" not in self.params[name]:
                raise Unresolved(f"parameter without a default: {name}")
            return self.resolve(self.params[name]["Default"])
        if name in self.roles:
            if attr in (None, "RoleName"):
                return self.roles[name]
            if attr == "Arn":
                return f"arn:aws:iam::{ACCOUNT}:role/{self.roles[name]}"
        if name in self.fns and attr in (None, "Arn"):
            return self.fns[name] if attr is None else fn_arn(self.fns[name])
        if name in self.res and self.res[name].get("Type") == "AWS::IAM::ManagedPolicy" and attr is None:
            return self.managed_policy(name)
        if name in self.res:
            # Another resource of the template (a table, a queue, a bucket): a specific ARN
            # naming it. The rules compared ask whether a Resource is `*`, not which one it is.
            kind = self.res[name].get("Type", "x").split("::")[1].lower()
            return f"arn:aws:{kind}:{REGION}:{ACCOUNT}:{self.stem}/{name}" + (f"/{attr}" if attr and attr != "Arn" else "")
        raise Unresolved(f"reference to nothing in the template: {name}{'.' + attr if attr else ''}")

    def sub(self, text, local):
        def one(m):
            key = m.group(1)
            if key.startswith("!"):
                return "${" + key[1:] + "}"
            if key in local:
                return str(local[key])
            if "." in key:
                name, attr = key.split(".", 1)
                return str(self.ref(name, attr))
            return str(self.ref(key))
        return re.sub(r"\$\{([^}]+)\}", one, text)

    def resolve(self, v):
        if isinstance(v, list):
            return [x for x in (self.resolve(x) for x in v) if x is not NO_VALUE]
        if not isinstance(v, dict):
            if isinstance(v, str) and "{{resolve:" in v:
                raise Unresolved("dynamic reference: " + v)
            return v
        if len(v) == 1:
            (k, a), = v.items()
            if k == "Ref":
                return NO_VALUE if a == "AWS::NoValue" else self.ref(a)
            if k == "Fn::GetAtt":
                name, attr = a if isinstance(a, list) else a.split(".", 1)
                return self.ref(name, attr)
            if k == "Fn::Sub":
                if isinstance(a, list):
                    return self.sub(a[0], {n: self.resolve(x) for n, x in a[1].items()})
                return self.sub(a, {})
            if k == "Fn::Join":
                return a[0].join(str(x) for x in self.resolve(a[1]))
            if k == "Fn::If":
                return self.resolve(a[1] if self.condition(a[0]) else a[2])
            if k.startswith("Fn::") or k == "Condition":
                raise Unresolved(f"intrinsic {k}")
        out = {}
        for k, x in v.items():
            x = self.resolve(x)
            if x is not NO_VALUE:
                out[k] = x
        return out

    def condition(self, name):
        """The value of condition `name` with the parameters' defaults."""
        conds = self.doc.get("Conditions") or {}
        if name not in conds:
            raise Unresolved(f"condition not in the template: {name}")
        return self.truth(conds[name])

    def truth(self, v):
        if isinstance(v, bool):
            return v
        if isinstance(v, dict) and len(v) == 1:
            (k, a), = v.items()
            if k == "Condition":
                return self.condition(a)
            if k == "Fn::Equals":
                if "AWS::" in json.dumps(a):
                    # The account, region or stack is known only where it is deployed.
                    raise Unresolved("condition on a pseudo parameter")
                x, y = (self.resolve(e) for e in a)
                return str(x).lower() == str(y).lower() if isinstance(x, bool) or isinstance(y, bool) else x == y
            if k == "Fn::Not":
                return not self.truth(a[0])
            if k == "Fn::And":
                return all(self.truth(e) for e in a)
            if k == "Fn::Or":
                return any(self.truth(e) for e in a)
        raise Unresolved(f"condition not evaluable: {json.dumps(v)[:60]}")

    def managed_policy(self, name):
        if name not in self.policies:
            doc = versioned(self.resolve(self.res[name]["Properties"]["PolicyDocument"]))
            self.policies[name] = iam.create_policy(PolicyName=short(f"{self.stem}-{name}"),
                                                    PolicyDocument=json.dumps(doc))["Policy"]["Arn"]
        return self.policies[name]

    def role(self, name):
        """Creates role `name` with its trust, inline, attached and standalone policies."""
        props = self.res[name].get("Properties") or {}
        trust = self.resolve(props.get("AssumeRolePolicyDocument") or json.loads(TRUST))
        inline = {}
        for p in self.resolve(props.get("Policies") or []):
            if not isinstance(p, dict) or "PolicyName" not in p or "PolicyDocument" not in p:
                raise Unresolved("inline policy without PolicyName or PolicyDocument")
            inline[p["PolicyName"]] = versioned(p["PolicyDocument"])
        for k, r in self.res.items():
            if r.get("Type") == "AWS::IAM::Policy":
                p = r.get("Properties") or {}
                if name in [x.get("Ref") for x in p.get("Roles") or [] if isinstance(x, dict)]:
                    inline[self.resolve(p["PolicyName"])] = versioned(self.resolve(p["PolicyDocument"]))
        attached = [self.resolve(a) for a in props.get("ManagedPolicyArns") or []]
        boundary = props.get("PermissionsBoundary")
        extra = {"PermissionsBoundary": self.resolve(boundary)} if boundary else {}
        for a in attached + list(extra.values()):
            if not isinstance(a, str) or not a.startswith("arn:aws:iam::"):
                raise Unresolved(f"managed policy not an IAM ARN: {a}")
            try:
                iam.get_policy(PolicyArn=a)
            except iam.exceptions.NoSuchEntityException:
                raise Unresolved(f"managed policy moto does not know: {a}")
        iam.create_role(RoleName=self.roles[name], AssumeRolePolicyDocument=json.dumps(trust), **extra)
        for pname, doc in inline.items():
            iam.put_role_policy(RoleName=self.roles[name], PolicyName=pname, PolicyDocument=json.dumps(doc))
        for a in attached:
            iam.attach_role_policy(RoleName=self.roles[name], PolicyArn=a)

    def function(self, name, created_roles):
        props = self.res[name].get("Properties") or {}
        if "Condition" in self.res[name] and not self.condition(self.res[name]["Condition"]):
            raise Unresolved("condition false: not deployed")
        if props.get("PackageType") == "Image" or "Runtime" not in props:
            raise Unresolved("container image function (no Runtime)")
        role = props.get("Role")
        if isinstance(role, str) or not (isinstance(role, dict) and "Fn::GetAtt" in role):
            raise Unresolved("role outside the template")
        role_id = self.resolve_role_id(role)
        if role_id not in created_roles:
            self.role(role_id)
            created_roles.add(role_id)
        args = dict(FunctionName=self.fns[name], Role=self.ref(role_id, "Arn"), Code={"ZipFile": CODE},
                    Runtime=self.resolve(props["Runtime"]), Handler=str(self.resolve(props.get("Handler", "index.handler"))))
        for key in ("MemorySize", "Timeout"):
            if key in props:
                args[key] = int(self.resolve(props[key]))
        if "Environment" in props:
            env = self.resolve(props["Environment"]).get("Variables") or {}
            args["Environment"] = {"Variables": {k: v if isinstance(v, str) else json.dumps(v)
                                                 for k, v in env.items()}}
        if "TracingConfig" in props:
            args["TracingConfig"] = {"Mode": self.resolve(props["TracingConfig"]).get("Mode", "PassThrough")}
        if "KmsKeyArn" in props:
            args["KMSKeyArn"] = self.resolve(props["KmsKeyArn"])
        if "Architectures" in props:
            args["Architectures"] = self.resolve(props["Architectures"])
        reserved = self.resolve(props["ReservedConcurrentExecutions"]) if "ReservedConcurrentExecutions" in props else None
        urls = []
        for r in self.res.values():
            p = r.get("Properties") or {}
            if r.get("Type") == "AWS::Lambda::Url" and self.aliased(p.get("TargetFunctionArn"), name):
                raise Unresolved("function URL on an alias")
            if r.get("Type") == "AWS::Lambda::Url" and self.targets(p.get("TargetFunctionArn"), name):
                if "Qualifier" in p:
                    raise Unresolved("function URL on an alias")
                url = {"AuthType": self.resolve(p["AuthType"])}
                if "Cors" in p:
                    url["Cors"] = self.resolve(p["Cors"])
                urls.append(url)
        lam.create_function(**args)
        try:
            if reserved is not None:
                lam.put_function_concurrency(FunctionName=self.fns[name], ReservedConcurrentExecutions=int(reserved))
            for url in urls:
                lam.create_function_url_config(FunctionName=self.fns[name], **url)
        except Exception:
            # Half a function would not be the template's: none at all, counted as skipped.
            lam.delete_function(FunctionName=self.fns[name])
            raise
        return role_id

    def resolve_role_id(self, role):
        a = role["Fn::GetAtt"]
        rid = a[0] if isinstance(a, list) else a.split(".")[0]
        if rid not in self.roles:
            raise Unresolved(f"role not an AWS::IAM::Role of the template: {rid}")
        return rid

    def aliased(self, v, name):
        """Whether `v` refers to an alias of function `name` (moto has no
        ListFunctionUrlConfigs, so a URL on an alias is not seen live)."""
        target = v.get("Ref") if isinstance(v, dict) else None
        alias = self.res.get(target) if isinstance(target, str) else None
        return bool(alias and alias.get("Type") == "AWS::Lambda::Alias" and
                    self.targets((alias.get("Properties") or {}).get("FunctionName"), name))

    def targets(self, v, name):
        return v in ({"Ref": name}, {"Fn::GetAtt": [name, "Arn"]}, {"Fn::GetAtt": f"{name}.Arn"})


NO_VALUE = object()


def versioned(doc):
    """IAM reads a policy without `Version` as the 2008 language; moto refuses it. The rules
    compared do not depend on the version (no policy variables), so it is set."""
    return {"Version": "2012-10-17", **doc} if isinstance(doc, dict) and "Version" not in doc else doc


def translated(paths):
    """Deploys the Lambda functions of each template with their roles and URLs. Prints, per
    deployed function, its template stem, logical id, deployed name and role (logical id
    and name), and per skipped function the reason."""
    deployed, skipped = [], []
    for path in paths:
        t = Template(path)
        created = set()
        for name in t.fns:
            try:
                role_id = t.function(name, created)
            except Unresolved as e:
                skipped.append({"template": t.stem, "function": name, "reason": str(e).split(": ")[0]})
                continue
            except (KeyError, TypeError, ValueError, AttributeError) as e:
                skipped.append({"template": t.stem, "function": name,
                                "reason": f"property of an unexpected shape ({type(e).__name__})"})
                continue
            except botocore.exceptions.ParamValidationError:
                skipped.append({"template": t.stem, "function": name,
                                "reason": "property the Lambda API does not accept"})
                continue
            except botocore.exceptions.ClientError as e:
                skipped.append({"template": t.stem, "function": name,
                                "reason": "moto refused " + e.operation_name + ": " + e.response["Error"]["Code"]})
                continue
            deployed.append({"template": t.stem, "function": name, "name": t.fns[name],
                             "role": role_id, "role_name": t.roles[role_id]})
    return {"account": ACCOUNT, "deployed": deployed, "skipped": skipped}


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
elif MODE == "translated":
    print(json.dumps(translated(sys.argv[3:])))
elif MODE == "bench":
    print(json.dumps(bench(int(sys.argv[3]))))
else:
    sys.exit(f"unknown mode {MODE}")
