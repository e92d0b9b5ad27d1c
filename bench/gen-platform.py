#!/usr/bin/env python3
"""Writes N root modules and stacks of platform resources into OUT, each in its own
folder: managed clusters, registries, buckets, firewalls, IAM, databases, tables, user
pools, state machines, load balancers and flow logs across AWS (Terraform and
CloudFormation), Azure and Google Cloud (Terraform), about half of each set insecure.
Deterministic (seeded). Usage: gen-platform.py OUT [N]"""
import os
import random
import sys

out, n = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 2000
rnd = random.Random(15)


def pick(bad, worse, better):
    return worse if bad else better


def aws_tf(i):
    b = [rnd.random() < 0.5 for _ in range(8)]
    return f"""resource "aws_vpc" "v{i}" {{
  cidr_block = "10.{i % 250}.0.0/16"
}}
{pick(b[0], "", f'''
resource "aws_flow_log" "fl{i}" {{
  vpc_id       = aws_vpc.v{i}.id
  traffic_type = "ALL"
  log_destination = "arn:aws:s3:::flows-{i}"
  log_destination_type = "s3"
}}''')}

resource "aws_security_group" "db{i}" {{
  name   = "db{i}"
  vpc_id = aws_vpc.v{i}.id
  ingress {{
    from_port   = 5432
    to_port     = 5432
    protocol    = "tcp"
    cidr_blocks = ["{pick(b[1], "0.0.0.0/0", "10.0.0.0/8")}"]
  }}
}}

resource "aws_eks_cluster" "k{i}" {{
  name     = "k{i}"
  role_arn = "arn:aws:iam::123456789012:role/eks"
  version  = "1.31"
  enabled_cluster_log_types = {pick(b[2], "[]", '["api", "audit", "authenticator"]')}
  vpc_config {{
    subnet_ids              = ["subnet-1", "subnet-2"]
    endpoint_public_access  = {pick(b[2], "true", "false")}
    endpoint_private_access = true
  }}
}}

resource "aws_ecr_repository" "r{i}" {{
  name                 = "r{i}"
  image_tag_mutability = "{pick(b[3], "MUTABLE", "IMMUTABLE")}"
  image_scanning_configuration {{
    scan_on_push = {pick(b[3], "false", "true")}
  }}
}}

resource "aws_s3_bucket" "s{i}" {{
  bucket = "bucket-{i}"
}}

resource "aws_s3_bucket_public_access_block" "s{i}" {{
  bucket                  = aws_s3_bucket.s{i}.id
  block_public_acls       = {pick(b[4], "false", "true")}
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}}

resource "aws_db_instance" "d{i}" {{
  identifier          = "d{i}"
  engine              = "postgres"
  instance_class      = "db.t3.micro"
  allocated_storage   = 20
  publicly_accessible = {pick(b[5], "true", "false")}
}}

resource "aws_dynamodb_table" "t{i}" {{
  name     = "t{i}"
  hash_key = "id"
  attribute {{
    name = "id"
    type = "S"
  }}
  point_in_time_recovery {{
    enabled = {pick(b[6], "false", "true")}
  }}
}}

resource "aws_iam_user_policy" "u{i}" {{
  user   = "deploy-{i}"
  policy = jsonencode({{ Statement = [{{ Effect = "Allow", Action = "{pick(b[7], "*", "s3:GetObject")}", Resource = "*" }}] }})
}}

resource "aws_sfn_state_machine" "m{i}" {{
  name       = "m{i}"
  role_arn   = "arn:aws:iam::123456789012:role/sfn"
  definition = "{{}}"
}}
"""


def aws_cfn(i):
    b = [rnd.random() < 0.5 for _ in range(6)]
    return f"""AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Queue{i}:
    Type: AWS::SQS::Queue
    Properties:
      SqsManagedSseEnabled: {pick(b[0], "false", "true")}
  Topic{i}:
    Type: AWS::SNS::Topic
    Properties:
      {pick(b[1], "TopicName: t" + str(i), "KmsMasterKeyId: alias/aws/sns")}
  Bucket{i}:
    Type: AWS::S3::Bucket
    Properties:
      AccessControl: {pick(b[2], "PublicRead", "Private")}
  Search{i}:
    Type: AWS::OpenSearchService::Domain
    Properties:
      EncryptionAtRestOptions:
        Enabled: {pick(b[3], "false", "true")}
      DomainEndpointOptions:
        EnforceHTTPS: {pick(b[3], "false", "true")}
  Pool{i}:
    Type: AWS::Cognito::UserPool
    Properties:
      MfaConfiguration: "{pick(b[4], "OFF", "ON")}"
      EnabledMfas: [SOFTWARE_TOKEN_MFA]
  Role{i}:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {pick(b[5], '"*"', "{Service: lambda.amazonaws.com}")}
            Action: sts:AssumeRole
  Listener{i}:
    Type: AWS::ElasticLoadBalancingV2::Listener
    Properties:
      LoadBalancerArn: arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/a/1
      Port: 80
      Protocol: HTTP
      DefaultActions:
        - Type: forward
          TargetGroupArn: arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/t/1
"""


def azure_tf(i):
    b = [rnd.random() < 0.5 for _ in range(5)]
    return f"""resource "azurerm_resource_group" "g{i}" {{
  name     = "g{i}"
  location = "westeurope"
}}

resource "azurerm_kubernetes_cluster" "k{i}" {{
  name                = "k{i}"
  location            = azurerm_resource_group.g{i}.location
  resource_group_name = azurerm_resource_group.g{i}.name
  dns_prefix          = "k{i}"
  role_based_access_control_enabled = {pick(b[0], "false", "true")}
  local_account_disabled            = {pick(b[0], "false", "true")}
  default_node_pool {{
    name       = "default"
    node_count = 3
    vm_size    = "Standard_D2_v2"
  }}
  network_profile {{
    network_plugin = "azure"
    {pick(b[0], "", 'network_policy = "azure"')}
  }}
}}

resource "azurerm_container_registry" "r{i}" {{
  name                = "r{i}"
  resource_group_name = azurerm_resource_group.g{i}.name
  location            = azurerm_resource_group.g{i}.location
  sku                 = "Premium"
  admin_enabled       = {pick(b[1], "true", "false")}
  public_network_access_enabled = {pick(b[1], "true", "false")}
}}

resource "azurerm_storage_account" "s{i}" {{
  name                      = "s{i}"
  resource_group_name       = azurerm_resource_group.g{i}.name
  location                  = azurerm_resource_group.g{i}.location
  account_tier              = "Standard"
  account_replication_type  = "LRS"
  min_tls_version           = "{pick(b[2], "TLS1_0", "TLS1_2")}"
  https_traffic_only_enabled = true
}}

resource "azurerm_network_security_rule" "ssh{i}" {{
  name                        = "ssh"
  priority                    = 100
  direction                   = "Inbound"
  access                      = "Allow"
  protocol                    = "Tcp"
  source_port_range           = "*"
  destination_port_range      = "22"
  source_address_prefix       = "{pick(b[3], "*", "10.0.0.0/8")}"
  destination_address_prefix  = "*"
  resource_group_name         = azurerm_resource_group.g{i}.name
  network_security_group_name = "nsg{i}"
}}

resource "azurerm_virtual_network" "v{i}" {{
  name                = "v{i}"
  address_space       = ["10.1.0.0/16"]
  location            = azurerm_resource_group.g{i}.location
  resource_group_name = azurerm_resource_group.g{i}.name
}}
{pick(b[4], "", f'''
resource "azurerm_network_watcher_flow_log" "fl{i}" {{
  name                 = "fl{i}"
  network_watcher_name = "nw"
  resource_group_name  = azurerm_resource_group.g{i}.name
  target_resource_id   = azurerm_virtual_network.v{i}.id
  storage_account_id   = azurerm_storage_account.s{i}.id
  enabled              = true
  retention_policy {{
    enabled = true
    days    = 90
  }}
}}''')}
"""


GKE_NETWORK_POLICY = """network_policy {
    enabled = true
  }"""


def google_tf(i):
    b = [rnd.random() < 0.5 for _ in range(5)]
    return f"""resource "google_container_cluster" "k{i}" {{
  name               = "k{i}"
  location           = "europe-west1"
  initial_node_count = 1
  enable_legacy_abac = {pick(b[0], "true", "false")}
  {pick(b[0], "", GKE_NETWORK_POLICY)}
}}

resource "google_storage_bucket_iam_member" "m{i}" {{
  bucket = "bucket-{i}"
  role   = "roles/storage.objectViewer"
  member = "{pick(b[1], "allUsers", "group:eng@example.com")}"
}}

resource "google_compute_firewall" "f{i}" {{
  name    = "f{i}"
  network = "default"
  allow {{
    protocol = "tcp"
    ports    = ["3389"]
  }}
  source_ranges = ["{pick(b[2], "0.0.0.0/0", "10.0.0.0/8")}"]
}}

resource "google_sql_database_instance" "d{i}" {{
  name             = "d{i}"
  database_version = "POSTGRES_15"
  settings {{
    tier = "db-f1-micro"
    ip_configuration {{
      authorized_networks {{
        value = "{pick(b[3], "0.0.0.0/0", "10.0.0.0/8")}"
      }}
    }}
  }}
}}

resource "google_compute_ssl_policy" "p{i}" {{
  name            = "p{i}"
  profile         = "MODERN"
  min_tls_version = "{pick(b[4], "TLS_1_0", "TLS_1_2")}"
}}

resource "google_project_iam_member" "o{i}" {{
  project = "project-{i}"
  role    = "{pick(b[4], "roles/owner", "roles/viewer")}"
  member  = "serviceAccount:ci-{i}@project-{i}.iam.gserviceaccount.com"
}}
"""


KINDS = [
    ("aws-tf", "main.tf", aws_tf),
    ("aws-cfn", "template.yaml", aws_cfn),
    ("azure-tf", "main.tf", azure_tf),
    ("google-tf", "main.tf", google_tf),
]
for i in range(n):
    kind, name, gen = KINDS[i % len(KINDS)]
    d = os.path.join(out, f"{kind}-{i:05d}")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "w") as f:
        f.write(gen(i))
print(f"wrote {n} root modules and stacks to {out}")
