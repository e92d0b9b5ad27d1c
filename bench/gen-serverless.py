#!/usr/bin/env python3
"""Writes N serverless templates of mixed front-ends (CloudFormation YAML/JSON, SAM,
Serverless Framework, Terraform) into OUT, each in its own folder, with a mix of good and
bad settings so every scanner has work to do. Deterministic (seeded)."""
import json, os, random, sys

out, n = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 2000
rnd = random.Random(42)
RUNTIMES = ["python3.8", "python3.12", "nodejs16.x", "nodejs22.x", "java21", "go1.x"]

def cfn(i):
    rt, bad = rnd.choice(RUNTIMES), rnd.random() < 0.5
    return f"""AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  Stage: {{Type: String, Default: prod}}
Resources:
  Role{i}:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement: [{{Effect: Allow, Principal: {{Service: lambda.amazonaws.com}}, Action: sts:AssumeRole}}]
      Policies:
        - PolicyName: p
          PolicyDocument:
            Statement:
              - Effect: Allow
                Action: {'"*"' if bad else '[dynamodb:GetItem]'}
                Resource: {'"*"' if bad else '!Sub arn:aws:dynamodb:${AWS::Region}:${AWS::AccountId}:table/t'}
  Fn{i}:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: {rt}
      Handler: index.handler
      Role: !GetAtt Role{i}.Arn
      Timeout: {900 if bad else 30}
      Code: {{ZipFile: "def handler(e, c): return 1"}}
      Environment:
        Variables:
          STAGE: !Ref Stage
          DB_PASSWORD: {'hunter2-secret-value' if bad else '"{{{{resolve:secretsmanager:db}}}}"'}
  Url{i}:
    Type: AWS::Lambda::Url
    Properties:
      AuthType: {'NONE' if bad else 'AWS_IAM'}
      TargetFunctionArn: !GetAtt Fn{i}.Arn
  Sg{i}:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: sg
      SecurityGroupIngress:
        - {{IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: {'0.0.0.0/0' if bad else '10.0.0.0/8'}}}
  Logs{i}:
    Type: AWS::Logs::LogGroup
    Properties:
      LogGroupName: !Sub /aws/lambda/${{Fn{i}}}
      {'' if bad else 'RetentionInDays: 90'}
"""

def cfn_json(i):
    bad = rnd.random() < 0.5
    return json.dumps({"AWSTemplateFormatVersion": "2010-09-09", "Resources": {
        f"Fn{i}": {"Type": "AWS::Lambda::Function", "Properties": {
            "Runtime": rnd.choice(RUNTIMES), "Handler": "i.h", "Role": "arn:aws:iam::1:role/r",
            "Code": {"ZipFile": "x"}, "TracingConfig": {"Mode": "PassThrough" if bad else "Active"}}},
        f"Perm{i}": {"Type": "AWS::Lambda::Permission", "Properties": {
            "Action": "lambda:InvokeFunction", "FunctionName": {"Ref": f"Fn{i}"},
            "Principal": "*" if bad else "s3.amazonaws.com", **({} if bad else {"SourceAccount": "1"})}}}}, indent=2)

def sam(i):
    bad = rnd.random() < 0.5
    return f"""AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Runtime: {rnd.choice(RUNTIMES)}
    Timeout: 30
    {'Tracing: Active' if not bad else ''}
Resources:
  Api{i}:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      CodeUri: src/
      Policies:
        - {'AdministratorAccess' if bad else 'AWSLambdaBasicExecutionRole'}
        - DynamoDBCrudPolicy: {{TableName: t}}
      Events:
        Get:
          Type: Api
          Properties:
            Path: /items/{i}
            Method: get
            {'' if bad else 'Auth: {Authorizer: AWS_IAM}'}
"""

def sls(i):
    bad = rnd.random() < 0.5
    return f"""service: svc{i}
provider:
  name: aws
  runtime: {rnd.choice(RUNTIMES)}
  timeout: {600 if bad else 20}
  environment:
    API_TOKEN: {'abcd1234efgh5678' if bad else '${ssm:/svc/token}'}
  iam:
    role:
      statements:
        - Effect: Allow
          Action: {'"s3:*"' if bad else '[s3:GetObject]'}
          Resource: {'"*"' if bad else 'arn:aws:s3:::bucket/*'}
functions:
  a:
    handler: a.h
    events:
      - http:
          path: /a
          method: get
          {'' if bad else 'authorizer: aws_iam'}
  b:
    handler: b.h
    events:
      - httpApi: 'POST /b'
"""

TRACING_ON = 'tracing_config {\n    mode = "Active"\n  }'
TRACING_OFF = ''


def tf(i):
    bad = rnd.random() < 0.5
    return f"""variable "runtime" {{
  default = "{rnd.choice(RUNTIMES)}"
}}

resource "aws_iam_role" "r{i}" {{
  name = "r{i}"
  assume_role_policy = jsonencode({{ Statement = [{{ Effect = "Allow", Principal = {{ Service = "lambda.amazonaws.com" }}, Action = "sts:AssumeRole" }}] }})
}}

resource "aws_iam_role_policy" "p{i}" {{
  role = aws_iam_role.r{i}.id
  policy = jsonencode({{
    Statement = [{{ Effect = "Allow", Action = {'"*"' if bad else '["sqs:SendMessage"]'}, Resource = "*" }}]
  }})
}}

resource "aws_lambda_function" "f{i}" {{
  function_name = "f{i}"
  role          = aws_iam_role.r{i}.arn
  runtime       = var.runtime
  handler       = "index.handler"
  filename      = "f.zip"
  timeout       = {900 if bad else 30}
  {TRACING_OFF if bad else TRACING_ON}
}}

resource "aws_lambda_function_url" "u{i}" {{
  function_name      = aws_lambda_function.f{i}.function_name
  authorization_type = "{'NONE' if bad else 'AWS_IAM'}"
}}

resource "aws_security_group" "sg{i}" {{
  name = "sg{i}"
  ingress {{
    from_port   = 3389
    to_port     = 3389
    protocol    = "tcp"
    cidr_blocks = ["{'0.0.0.0/0' if bad else '10.0.0.0/8'}"]
  }}
}}
"""

KINDS = [("cfn", "template.yaml", cfn), ("cfnjson", "template.json", cfn_json), ("sam", "template.yaml", sam),
         ("sls", "serverless.yml", sls), ("tf", "main.tf", tf)]
for i in range(n):
    kind, name, gen = KINDS[i % len(KINDS)]
    d = os.path.join(out, f"{kind}-{i:05d}")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "w") as f:
        f.write(gen(i))
print(f"wrote {n} templates to {out}")
