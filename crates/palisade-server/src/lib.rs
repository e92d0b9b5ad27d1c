//! The Palisade admission webhook: Kubernetes API servers send `admission.k8s.io/v1`
//! AdmissionReviews over HTTPS to `POST /validate`, and each object is judged by the same
//! engine and rules as `palisade scan`. Findings at or above the `[webhook] block_at`
//! severity deny the request with a message naming each rule and field
//! (`ISO003 spec.containers[0].securityContext.privileged: ...`); lower ones come back as
//! warnings that kubectl prints. `GET /healthz`, `/readyz` and `/metrics` (Prometheus text)
//! serve the kubelet and the monitoring stack.
//!
//! When mutation is on (`palisade serve --mutate` or `[webhook] mutate = true`),
//! `POST /mutate` answers with a JSON Patch that adds three settings of the restricted
//! profile (seccomp `RuntimeDefault`, no privilege escalation, no token of the `default`
//! service account) where a pod or pod template leaves them unset ([`mutation`]).
//!
//! It also writes what a cluster needs to call it ([`manifests`]): Deployment, Service,
//! ServiceAccount, ValidatingWebhookConfiguration (and MutatingWebhookConfiguration when
//! asked), and a self-signed CA and serving
//! certificate, or cert-manager resources.
//!
//! It is not a scanner (rules and the scan are `palisade-engine`'s), not a command line
//! (`palisade serve` in `palisade-cli` builds the engine and calls [`start`]), and it
//! changes nothing the user set. With a view of the cluster ([`cluster`], `palisade serve
//! --cluster`) it also applies the rules that need other objects (NetworkPolicy coverage,
//! service-account permissions, bindings to missing roles: [`NEEDS_CLUSTER_VIEW`]) to the
//! object as the cluster would hold it once admitted, and takes each namespace's mode from
//! its labels; without one those rules are not applied at admission.
//!
//! The configuration ([`reload`]), the certificate and the cluster view are reloaded while
//! it serves; a request in flight finishes with the ones it started with.
//!
//! Fail open or closed is the cluster's choice, not the server's: the webhook
//! configuration's `failurePolicy: Fail` (what the generated manifests use) rejects requests
//! the server cannot answer in `timeoutSeconds`, `Ignore` admits them unjudged.

pub mod cluster;
pub mod config;
mod decision;
pub mod manifests;
mod metrics;
pub mod mutation;
pub mod reload;
pub mod review;
mod server;
mod tls;

pub use cluster::{ClusterFeed, ClusterView, VIEW_KINDS};
pub use config::{Mode, Policies, WebhookSettings};
pub use decision::{admission_rules, describe, judge, Basis, Decision, NEEDS_CLUSTER_VIEW};
pub use mutation::{mutate, Mutation};
pub use reload::{ConfigReload, Judge, LoadJudge};
pub use server::{start, Running, ServerOptions, CLIENT_TIMEOUT, DEFAULT_LISTEN, MAX_BODY_BYTES};
pub use tls::{load_certified_key, TlsError};

use std::path::PathBuf;

/// Why the server could not start or stopped.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error("{source_name}: {message}")]
    Config {
        source_name: String,
        message: String,
    },
    #[error(transparent)]
    Tls(#[from] TlsError),
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        addr: String,
        source: std::io::Error,
    },
    #[error("cannot start the server runtime: {0}")]
    Runtime(std::io::Error),
    #[error("the server stopped unexpectedly: {0}")]
    Stopped(String),
    #[error("cannot generate the webhook certificates: {0}")]
    Certificate(String),
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("policies: {0}")]
    Policies(String),
    /// The configuration file or the engine built from it (the message names the file).
    #[error(transparent)]
    Engine(#[from] palisade_engine::EngineError),
}

/// The engine settings of the webhook: the misconfiguration rules and the secret scanner
/// (secrets in ConfigMaps, Secrets' neighbours and env), no vulnerability matching (an
/// object carries no lockfile), with `config`'s suppressions and severity overrides.
pub fn engine_settings(config: palisade_core::Config) -> palisade_engine::Settings {
    palisade_engine::Settings {
        config,
        scanners: palisade_engine::Scanners {
            misconfig: true,
            secret: true,
            vuln: false,
        },
        ..palisade_engine::Settings::default()
    }
}

/// Writes one structured log line (JSON) to standard error.
pub(crate) fn log(mut event: serde_json::Map<String, serde_json::Value>) {
    use std::io::Write;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or(0.0);
    event.insert(
        "ts".into(),
        serde_json::json!((now * 1000.0).round() / 1000.0),
    );
    let mut line = serde_json::Value::Object(event).to_string();
    line.push('\n');
    let _ = std::io::stderr().lock().write_all(line.as_bytes());
}
