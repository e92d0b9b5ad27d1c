//! A failed API call, classified so the report can say what to do about it.

use std::fmt;

use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_runtime_api::http::Response as HttpResponse;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

/// Why a call failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallErrorKind {
    /// The credentials lack the permission (the action is named in the error).
    AccessDenied,
    /// Still throttled after every retry.
    Throttled,
    /// No answer in time.
    Timeout,
    /// No connection, DNS failure, TLS failure.
    Unreachable,
    /// The credential chain found nothing (or the profile is broken).
    NoCredentials,
    /// A response that could not be read (a malformed policy document included).
    Malformed,
    /// Any other error the service returned.
    Service,
    /// The endpoint does not implement the operation (HTTP 404 without an AWS error code);
    /// a warning, since what it would read stays unknown rather than wrong.
    Unsupported,
    /// A resource of another account (a dead-letter queue, a destination) that these
    /// credentials cannot read; a warning, since the scanned account is not at fault.
    OtherAccount,
}

impl CallErrorKind {
    /// Whether the failure is a warning (what it would read stays unknown) rather than an
    /// error of the scan.
    pub fn is_warning(self) -> bool {
        matches!(
            self,
            CallErrorKind::Unsupported | CallErrorKind::OtherAccount
        )
    }
}

/// A call that did not yield its data, with the region it was made in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallError {
    /// `lambda:GetPolicy`.
    pub action: String,
    /// The region, or `global` for IAM and STS.
    pub region: String,
    /// What the call was about (a function or role name), when it was about one.
    pub subject: Option<String>,
    pub kind: CallErrorKind,
    pub message: String,
}

impl fmt::Display for CallError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} in {}", self.action, self.region)?;
        if let Some(s) = &self.subject {
            write!(f, " ({s})")?;
        }
        let what = match self.kind {
            CallErrorKind::AccessDenied => "access denied, the credentials need this action",
            CallErrorKind::Throttled => "throttled after every retry",
            CallErrorKind::Timeout => "no answer in time",
            CallErrorKind::Unreachable => "endpoint unreachable",
            CallErrorKind::NoCredentials => {
                "no usable credentials (environment, --profile, shared files, SSO, metadata)"
            }
            CallErrorKind::Malformed => "unreadable response",
            CallErrorKind::Service => "failed",
            CallErrorKind::Unsupported => "the endpoint does not implement this call",
            CallErrorKind::OtherAccount => {
                "not readable: another account's resource these credentials may not read"
            }
        };
        write!(f, ": {what}")?;
        if !self.message.is_empty() {
            write!(f, ": {}", self.message)?;
        }
        Ok(())
    }
}

impl CallError {
    pub(crate) fn new(
        action: &str,
        region: &str,
        subject: Option<&str>,
        kind: CallErrorKind,
        message: impl Into<String>,
    ) -> Self {
        CallError {
            action: action.to_string(),
            region: region.to_string(),
            subject: subject.map(str::to_string),
            kind,
            message: message.into(),
        }
    }

    /// Classifies an SDK error.
    pub(crate) fn from_sdk<E>(
        action: &str,
        region: &str,
        subject: Option<&str>,
        err: &SdkError<E, HttpResponse>,
    ) -> Self
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        let (kind, message) = match err {
            SdkError::TimeoutError(_) => (CallErrorKind::Timeout, String::new()),
            SdkError::DispatchFailure(d) => {
                let message = source_chain(err);
                let kind = if d.is_timeout() {
                    CallErrorKind::Timeout
                } else if message.contains("no credentials")
                    || message.contains("credential provider")
                {
                    CallErrorKind::NoCredentials
                } else {
                    CallErrorKind::Unreachable
                };
                (kind, message)
            }
            SdkError::ResponseError(_) => (CallErrorKind::Malformed, source_chain(err)),
            SdkError::ServiceError(se) => {
                let e = se.err();
                let code = e.code().unwrap_or("");
                let kind = if code.contains("AccessDenied")
                    || code == "UnauthorizedOperation"
                    || code == "UnrecognizedClientException"
                    || code == "InvalidClientTokenId"
                {
                    CallErrorKind::AccessDenied
                } else if code.contains("Throttl") || code == "TooManyRequestsException" {
                    CallErrorKind::Throttled
                } else {
                    CallErrorKind::Service
                };
                let status = se.raw().status().as_u16();
                let msg = match (code, e.message()) {
                    ("", Some(m)) => m.to_string(),
                    (c, Some(m)) => format!("{c}: {m}"),
                    ("", None) => format!("HTTP {status}: {}", source_chain(err)),
                    (c, None) => c.to_string(),
                };
                // An endpoint that answers 404 without an AWS error code does not implement
                // the operation (an emulator, a private endpoint): not the account's state.
                let kind = if code.is_empty() && status == 404 {
                    CallErrorKind::Unsupported
                } else if code.is_empty() && (200..300).contains(&status) {
                    // A success the SDK could not read (a date in the wrong format...).
                    CallErrorKind::Malformed
                } else {
                    kind
                };
                (kind, msg)
            }
            _ => (CallErrorKind::Unreachable, source_chain(err)),
        };
        CallError::new(action, region, subject, kind, message)
    }
}

/// The error and its causes on one line (the SDK's own message is often just
/// "dispatch failure").
fn source_chain(err: &dyn std::error::Error) -> String {
    let mut parts = vec![err.to_string()];
    let mut cur = err.source();
    while let Some(e) = cur {
        let s = e.to_string();
        if !parts.contains(&s) {
            parts.push(s);
        }
        cur = e.source();
    }
    // The SDK's multi-line messages (the credential chain's attempts) on one line.
    parts.join(": ").replace('\n', "; ")
}

/// Whether an SDK error is the service saying the thing asked about does not exist
/// (a function without a resource policy answers `GetPolicy` so).
pub(crate) fn is_not_found<E, R>(err: &SdkError<E, R>) -> bool
where
    E: ProvideErrorMetadata,
{
    match err {
        SdkError::ServiceError(se) => se
            .err()
            .code()
            .is_some_and(|c| c.contains("NotFound") || c == "NoSuchEntity"),
        _ => false,
    }
}
