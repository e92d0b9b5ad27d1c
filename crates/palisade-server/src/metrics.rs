//! What `/metrics` exposes, in the Prometheus/OpenMetrics text format: requests by path
//! and status code, request latency, decisions by namespace, findings by rule and
//! namespace, and errors by kind. Label values are bounded: unknown paths are `other`.

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

/// Latency buckets in seconds: 100 µs to about 3.3 s, doubling.
fn latency_histogram() -> Histogram {
    Histogram::new(prometheus_client::metrics::histogram::exponential_buckets(
        0.0001, 2.0, 16,
    ))
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RequestLabels {
    pub path: &'static str,
    pub code: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct PathLabels {
    pub path: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct DecisionLabels {
    pub namespace: String,
    /// `allowed` or `denied`.
    pub outcome: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct FindingLabels {
    pub rule: String,
    pub namespace: String,
    /// `deny` or `warn`.
    pub action: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RuleLabels {
    pub rule: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct MutationLabels {
    pub namespace: String,
    /// The default set: `seccomp_profile`, `allow_privilege_escalation`,
    /// `automount_service_account_token`.
    pub setting: &'static str,
}

#[derive(Clone, Copy, Debug, Hash, PartialEq, Eq)]
pub enum ErrorKind {
    /// The body was not an AdmissionReview this server answers.
    BadRequest,
    /// The body was over the size limit.
    TooLarge,
    /// The decision did not finish before the deadline.
    Timeout,
    /// The decision failed unexpectedly.
    Internal,
}

impl ErrorKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::BadRequest => "bad_request",
            ErrorKind::TooLarge => "too_large",
            ErrorKind::Timeout => "timeout",
            ErrorKind::Internal => "internal",
        }
    }
}

/// A reload of a watched source (`config`, `certificate`, `cluster`) and whether it loaded.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ReloadLabels {
    pub source: &'static str,
    pub outcome: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ErrorLabels {
    pub kind: &'static str,
}

/// The server's metrics and their registry.
pub struct Metrics {
    registry: Registry,
    pub requests: Family<RequestLabels, Counter>,
    pub latency: Family<PathLabels, Histogram, fn() -> Histogram>,
    pub decisions: Family<DecisionLabels, Counter>,
    pub findings: Family<FindingLabels, Counter>,
    pub mutations: Family<MutationLabels, Counter>,
    pub errors: Family<ErrorLabels, Counter>,
    pub reloads: Family<ReloadLabels, Counter>,
    pub not_evaluated: Family<RuleLabels, Counter>,
}

impl Default for Metrics {
    fn default() -> Self {
        let requests = Family::<RequestLabels, Counter>::default();
        let latency = Family::<PathLabels, Histogram, fn() -> Histogram>::new_with_constructor(
            latency_histogram,
        );
        let decisions = Family::<DecisionLabels, Counter>::default();
        let findings = Family::<FindingLabels, Counter>::default();
        let mutations = Family::<MutationLabels, Counter>::default();
        let errors = Family::<ErrorLabels, Counter>::default();
        let reloads = Family::<ReloadLabels, Counter>::default();
        let not_evaluated = Family::<RuleLabels, Counter>::default();
        let mut registry = Registry::with_prefix("palisade_webhook");
        registry.register(
            "requests",
            "HTTP requests by path and status code",
            requests.clone(),
        );
        registry.register(
            "request_duration_seconds",
            "Time from request to response, by path",
            latency.clone(),
        );
        registry.register(
            "decisions",
            "Admission decisions by namespace and outcome",
            decisions.clone(),
        );
        registry.register(
            "findings",
            "Findings at admission by rule, namespace and whether they denied or warned",
            findings.clone(),
        );
        registry.register(
            "mutations",
            "Fields set by /mutate, by namespace and setting",
            mutations.clone(),
        );
        registry.register(
            "errors",
            "Requests that got no decision, by kind",
            errors.clone(),
        );
        registry.register(
            "reloads",
            "Reloads of the configuration, the certificate and the cluster view, by outcome (a failed one keeps the previous in service)",
            reloads.clone(),
        );
        registry.register(
            "rules_not_evaluated",
            "Decisions in which a context rule could have judged the object but was not evaluated, because the cluster view lacks the kinds it reads, by rule",
            not_evaluated.clone(),
        );
        Metrics {
            registry,
            requests,
            latency,
            decisions,
            findings,
            mutations,
            errors,
            reloads,
            not_evaluated,
        }
    }
}

impl Metrics {
    /// The OpenMetrics text of every metric.
    pub fn render(&self) -> String {
        let mut text = String::new();
        // Writing into a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut text, &self.registry);
        text
    }

    pub fn reload(&self, source: &'static str, ok: bool) {
        self.reloads
            .get_or_create(&ReloadLabels {
                source,
                outcome: if ok { "ok" } else { "error" },
            })
            .inc();
    }

    pub fn error(&self, kind: ErrorKind) {
        self.errors
            .get_or_create(&ErrorLabels {
                kind: kind.as_str(),
            })
            .inc();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rendered_text_has_counters_and_histogram_with_labels() {
        let m = Metrics::default();
        m.requests
            .get_or_create(&RequestLabels {
                path: "/validate",
                code: 200,
            })
            .inc();
        m.latency
            .get_or_create(&PathLabels { path: "/validate" })
            .observe(0.0003);
        m.findings
            .get_or_create(&FindingLabels {
                rule: "ISO003".into(),
                namespace: "shop".into(),
                action: "deny",
            })
            .inc();
        m.error(ErrorKind::BadRequest);
        let text = m.render();
        assert!(
            text.contains(r#"palisade_webhook_requests_total{path="/validate",code="200"} 1"#),
            "{text}"
        );
        assert!(text.contains(
            r#"palisade_webhook_findings_total{rule="ISO003",namespace="shop",action="deny"} 1"#
        ));
        assert!(text.contains(r#"palisade_webhook_errors_total{kind="bad_request"} 1"#));
        assert!(text.contains("palisade_webhook_request_duration_seconds_bucket"));
        assert!(text.ends_with("# EOF\n"));
    }
}
