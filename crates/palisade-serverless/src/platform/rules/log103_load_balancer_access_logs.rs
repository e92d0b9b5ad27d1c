//! LOG103 — load balancer without access logs.

use palisade_core::Finding;

use crate::model::Attr;
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
    /// ## Why it matters
    /// Access logs are the record of every request that reached the containers or functions
    /// behind the load balancer — client address, path, status, TLS version; without them
    /// an attack or a leak through the application cannot be traced.
    /// ## Fix
    /// Add `access_logs { bucket = aws_s3_bucket.lb_logs.id, enabled = true }` (or the
    /// `access_logs.s3.enabled` / `access_logs.s3.bucket` attributes) with a bucket policy
    /// that lets Elastic Load Balancing write. On Google Cloud, `log_config { enable = true }`
    /// on each backend service (with a `sample_rate` that keeps what an investigation needs).
    /// ## References
    /// - https://cloud.google.com/load-balancing/docs/https/https-logging-monitoring
    /// - https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html
    pub static RULE = {
        id: "LOG103", practice: Log, severity: Medium, title: "Load balancer without access logs",
    };
}

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for lb in &ctx.platform().load_balancers {
        if let Attr::Set(false, pos) = &lb.access_logs {
            out.push(ctx.finding(
                &RULE,
                format!("{} writes no access logs", lb.kind),
                *pos,
                &lb.resource,
            ));
        }
    }
}
