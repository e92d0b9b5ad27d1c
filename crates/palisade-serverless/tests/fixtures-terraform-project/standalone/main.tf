# A folder nobody calls: scanned as a root of its own.
resource "aws_cloudwatch_log_group" "forever" {
  name = "/aws/lambda/forever"
}
