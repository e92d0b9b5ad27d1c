variable "name" {}
variable "role_arn" {}

variable "runtime" {
  default = "nodejs22.x"
}

variable "public" {
  default = false
}

resource "aws_lambda_function" "this" {
  function_name                  = var.name
  role                           = var.role_arn
  runtime                        = var.runtime
  handler                        = "index.handler"
  timeout                        = 30
  reserved_concurrent_executions = 5
  tracing_config {
    mode = "Active"
  }
}

resource "aws_lambda_function_url" "this" {
  count              = var.public ? 1 : 0
  function_name      = aws_lambda_function.this.function_name
  authorization_type = "NONE"
}

output "function_name" {
  value = aws_lambda_function.this.function_name
}
