//! What could not be read: the whole cluster ([`ClusterError`]) or one list
//! ([`ListProblem`]), with errors spelled out with their causes.

use crate::kinds::Kind;

/// Why the cluster could not be read at all.
#[derive(Debug, thiserror::Error)]
pub enum ClusterError {
    #[error("kubeconfig {path}: {source}")]
    Kubeconfig {
        path: String,
        #[source]
        source: kube::config::KubeconfigError,
    },
    #[error("no cluster configuration: {0} (give --kubeconfig, set KUBECONFIG, or run inside a pod with a service account)")]
    Infer(#[source] kube::config::InferConfigError),
    #[error("cannot build the API client: {0}")]
    Client(#[source] kube::Error),
    #[error("cannot start the client runtime: {0}")]
    Runtime(#[source] std::io::Error),
    /// No list got an answer from the API server at all (connection refused, TLS
    /// failure, no answer in time): there is nothing to report on.
    #[error("cannot reach the API server {server}: no list was answered ({reason})")]
    Unreachable { server: String, reason: String },
}

/// A list that could not be read, or not completely.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListProblem {
    /// The kind whose list failed.
    pub listed: Kind,
    /// The namespace listed, or `None` for a cluster-wide list.
    pub namespace: Option<String>,
    pub kind: ProblemKind,
    /// What the API server (or the transport) said.
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProblemKind {
    /// 401: the API server did not accept the credentials at all.
    Unauthorized,
    /// 403: the credentials are valid but may not list this resource.
    Forbidden,
    /// 404: the API server does not serve this resource (an older or trimmed cluster).
    NotServed,
    /// No answer within the deadline.
    Timeout,
    /// No HTTP answer at all: connection refused, a TLS failure, a broken transport.
    Unreachable,
    /// Anything else: 5xx after retries, undecodable responses, a continue token that
    /// kept expiring.
    Failed,
}

impl ListProblem {
    /// `pods`, `deployments.apps`.
    pub fn resource(&self) -> String {
        self.listed.resource()
    }

    /// ` in namespace NS`, ` in all namespaces`, or nothing for a cluster-scoped kind.
    fn scope(&self) -> String {
        match &self.namespace {
            Some(ns) => format!(" in namespace {ns}"),
            None if self.listed.namespaced => " in all namespaces".to_string(),
            None => String::new(),
        }
    }
}

impl std::fmt::Display for ListProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let resource = self.resource();
        let scope = self.scope();
        if self.kind == ProblemKind::Forbidden {
            // The permission to ask for, in the words of a Role's rule.
            return write!(
                f,
                "list {} ({}){scope} forbidden: Palisade needs list on {resource} ({})",
                self.listed.plural,
                self.listed.api(),
                self.message
            );
        }
        let what = match self.kind {
            ProblemKind::Unauthorized => "the credentials were not accepted",
            ProblemKind::Forbidden => "forbidden",
            ProblemKind::NotServed => "not served by this cluster",
            ProblemKind::Timeout => "no answer in time",
            ProblemKind::Unreachable => "the server did not answer",
            ProblemKind::Failed => "failed",
        };
        write!(f, "cannot list {resource}{scope}: {what}: {}", self.message)
    }
}

/// An error with its causes, `a: b: c`.
pub(crate) fn chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kinds_named;

    #[test]
    fn problems_read_like_sentences() {
        let secrets = kinds_named(&["Secret"])[0];
        let forbidden = ListProblem {
            listed: secrets,
            namespace: Some("payments".into()),
            kind: ProblemKind::Forbidden,
            message: "HTTP 403: secrets is forbidden".into(),
        };
        assert_eq!(
            forbidden.to_string(),
            "list secrets (core/v1) in namespace payments forbidden: Palisade needs list on secrets (HTTP 403: secrets is forbidden)"
        );
        let timeout = ListProblem {
            listed: kinds_named(&["ClusterRole"])[0],
            namespace: None,
            kind: ProblemKind::Timeout,
            message: "no response within 2 s".into(),
        };
        assert_eq!(
            timeout.to_string(),
            "cannot list clusterroles.rbac.authorization.k8s.io: no answer in time: no response within 2 s"
        );
    }
}
