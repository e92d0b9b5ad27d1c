resource "aws_iam_role" "r" {
  name = "r"
  inline_policy {
    policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "**********X", Resource = "*" }] })
  }
}
resource "aws_lambda_function" "f" {
  function_name = "f"
  role          = aws_iam_role.r.arn
  runtime       = "python3.8"
  environment { variables = { TOKEN = "${var.t}" } }
}
module "m" { source = "../${local.x}" }
