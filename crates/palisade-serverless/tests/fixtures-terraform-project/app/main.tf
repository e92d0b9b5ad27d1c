# A root module calling one local module three ways and one registry module.
resource "aws_iam_role" "orders" {
  name = "orders"
}

resource "aws_iam_role" "billing" {
  name = "billing"
}

module "orders" {
  source   = "../modules/lambda"
  name     = "orders"
  runtime  = "python3.7"
  public   = true
  role_arn = aws_iam_role.orders.arn
}

module "billing" {
  source   = "../modules/lambda"
  name     = "billing"
  role_arn = aws_iam_role.billing.arn
}

module "disabled" {
  source  = "../modules/lambda"
  count   = 0
  name    = "disabled"
  runtime = "python2.7"
}

module "vpc" {
  source  = "terraform-aws-modules/vpc/aws"
  version = "5.0.0"
}

resource "aws_cloudwatch_log_group" "orders" {
  name              = "/aws/lambda/${module.orders.function_name}"
  retention_in_days = 400
}
