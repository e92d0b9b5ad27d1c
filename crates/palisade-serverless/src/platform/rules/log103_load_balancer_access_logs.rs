//! LOG103 — load balancer without access logs.

use palisade_core::Finding;

use crate::model::Attr;
use crate::platform::APPLICATION_GATEWAY;
use crate::rules::Context;

palisade_core::declare_rule! {
    /// ## What it checks
    /// An application or network load balancer (`aws_lb`, `aws_alb`,
    /// `AWS::ElasticLoadBalancingV2::LoadBalancer`) without access logs switched on
    /// (`access_logs { enabled = true }` — a block naming only a bucket stays off —, the
    /// `access_logs.s3.enabled` attribute `true`), and a classic load balancer (`aws_elb`,
    /// `AWS::ElasticLoadBalancing::LoadBalancer`) without an `access_logs` block or
    /// `AccessLoggingPolicy` that is enabled. Gateway load balancers have no access logs and
    /// are not judged; switches that cannot be evaluated are not judged. On Google Cloud, a
    /// backend service of an HTTP(S) load balancer (`google_compute_backend_service`,
    /// `google_compute_region_backend_service` with an HTTP protocol and an `EXTERNAL`,
    /// `EXTERNAL_MANAGED` or `INTERNAL_MANAGED` scheme) without `log_config { enable = true }`.
    /// On Azure, an Application Gateway (`azurerm_application_gateway`) that no diagnostic
    /// setting of the same module (`azurerm_monitor_diagnostic_setting` whose
    /// `target_resource_id` is `azurerm_application_gateway.NAME.id`) sends the access log
    /// of: an `enabled_log` block with `category = "ApplicationGatewayAccessLog"` or
    /// `category_group = "allLogs"`, or an older `log` block naming either without
    /// `enabled = false`. A diagnostic setting whose target or categories cannot be
    /// evaluated (a variable, a `for_each` over an unknown collection, a gateway the module
    /// does not declare) may be the one that logs the gateway: the module's gateways are
    /// then not judged.
    ///
    /// Other scanners differ here. Checkov and trivy-checks have no Application Gateway
    /// logging check (trivy-checks' Azure `monitor` checks judge the subscription's
    /// activity-log profile only). KICS's *Diagnostic Settings Without Appropriate
    /// Logging* judges each diagnostic setting, not the gateway: it asks for the
    /// activity-log categories (`Administrative`, `Alert`, `Policy`, `Security`), which a
    /// gateway's setting does not have, so it reports correct gateway settings and never a
    /// gateway that has none. Aqua's CloudSploit asks a live subscription for the access
    /// and firewall logs; Palisade asks the template for the access log, the record of
    /// requests, and leaves the firewall and performance logs out.
    /// ## Why it matters
    /// Access logs are the record of every request that reached the containers or functions
    /// behind the load balancer — client address, path, status, TLS version; without them
    /// an attack or a leak through the application cannot be traced.
    /// ## Fix
    /// Add `access_logs { bucket = aws_s3_bucket.lb_logs.id, enabled = true }` (or the
    /// `access_logs.s3.enabled` / `access_logs.s3.bucket` attributes) with a bucket policy
    /// that lets Elastic Load Balancing write. On Google Cloud, `log_config { enable = true }`
    /// on each backend service (with a `sample_rate` that keeps what an investigation needs).
    /// On Azure, an `azurerm_monitor_diagnostic_setting` with `target_resource_id =
    /// azurerm_application_gateway.NAME.id`, a destination (`log_analytics_workspace_id` or
    /// `storage_account_id`) and `enabled_log { category = "ApplicationGatewayAccessLog" }`
    /// (or `category_group = "allLogs"`).
    /// ## References
    /// - https://cloud.google.com/load-balancing/docs/https/https-logging-monitoring
    /// - https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html
    /// - https://learn.microsoft.com/azure/application-gateway/application-gateway-diagnostics
    pub static RULE = {
        id: "LOG103", practice: Log, severity: Medium, title: "Load balancer without access logs",
    };
}

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for lb in &ctx.platform().load_balancers {
        if let Attr::Set(false, pos) = &lb.access_logs {
            let why = if lb.kind == APPLICATION_GATEWAY {
                " (no diagnostic setting of the module enables ApplicationGatewayAccessLog)"
            } else {
                ""
            };
            out.push(ctx.finding(
                &RULE,
                format!("{} writes no access logs{why}", lb.kind),
                *pos,
                &lb.resource,
            ));
        }
    }
}
