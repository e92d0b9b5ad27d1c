//! The `admission.k8s.io/v1` AdmissionReview as the API server sends and expects it
//! (<https://kubernetes.io/docs/reference/access-authn-authz/extensible-admission-controllers/#request>
//! and the `AdmissionRequest`/`AdmissionResponse` types of `k8s.io/api/admission/v1`).
//!
//! These are serde structs rather than `kube::core::admission` types: those need
//! `k8s-openapi`, whose cold build (every API group's types) costs more than this whole
//! crate, for the dozen fields read here. Field names and optionality follow the Go types;
//! unknown fields are ignored so newer API servers keep working.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The only review version served.
pub const API_VERSION: &str = "admission.k8s.io/v1";
pub const KIND: &str = "AdmissionReview";

/// A review as received, its version checked before its request is read.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Envelope {
    #[serde(default)]
    api_version: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    request: Option<serde_json::Value>,
}

/// `metav1.GroupVersionKind`.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
pub struct GroupVersionKind {
    #[serde(default)]
    pub group: String,
    #[serde(default)]
    pub version: String,
    pub kind: String,
}

/// `metav1.GroupVersionResource`.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
pub struct GroupVersionResource {
    #[serde(default)]
    pub group: String,
    #[serde(default)]
    pub version: String,
    pub resource: String,
}

/// `admissionv1.Operation`.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "UPPERCASE")]
pub enum Operation {
    Create,
    Update,
    Delete,
    Connect,
}

impl Operation {
    pub fn as_str(self) -> &'static str {
        match self {
            Operation::Create => "CREATE",
            Operation::Update => "UPDATE",
            Operation::Delete => "DELETE",
            Operation::Connect => "CONNECT",
        }
    }
}

/// `authenticationv1.UserInfo`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct UserInfo {
    #[serde(default)]
    pub username: String,
    #[serde(default)]
    pub uid: String,
    #[serde(default)]
    pub groups: Vec<String>,
}

/// `admissionv1.AdmissionRequest`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AdmissionRequest {
    pub uid: String,
    pub kind: GroupVersionKind,
    pub resource: GroupVersionResource,
    #[serde(default)]
    pub sub_resource: Option<String>,
    #[serde(default)]
    pub request_kind: Option<GroupVersionKind>,
    #[serde(default)]
    pub request_resource: Option<GroupVersionResource>,
    #[serde(default)]
    pub request_sub_resource: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub namespace: Option<String>,
    pub operation: Operation,
    #[serde(default)]
    pub user_info: UserInfo,
    /// The new object (CREATE, UPDATE, CONNECT); absent for DELETE.
    #[serde(default)]
    pub object: Option<serde_json::Value>,
    /// The existing object (UPDATE, DELETE).
    #[serde(default)]
    pub old_object: Option<serde_json::Value>,
    #[serde(default)]
    pub dry_run: Option<bool>,
    #[serde(default)]
    pub options: Option<serde_json::Value>,
}

/// `metav1.Status`, the part a denial carries.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Status {
    pub code: u16,
    pub message: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reason: String,
}

/// `admissionv1.AdmissionResponse`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct AdmissionResponse {
    pub uid: String,
    pub allowed: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<Status>,
    /// The base64 of a JSON Patch (RFC 6902) to apply to the object (`/mutate` only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub patch: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub patch_type: Option<PatchType>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub audit_annotations: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

/// `admissionv1.PatchType`: the only patch format the API server accepts.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
pub enum PatchType {
    #[serde(rename = "JSONPatch")]
    JsonPatch,
}

/// A review as answered: `response` set.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct AdmissionReviewResponse {
    pub api_version: String,
    pub kind: String,
    pub response: AdmissionResponse,
}

impl AdmissionReviewResponse {
    pub fn new(response: AdmissionResponse) -> Self {
        AdmissionReviewResponse {
            api_version: API_VERSION.to_string(),
            kind: KIND.to_string(),
            response,
        }
    }
}

/// Why a body is not a review this server can answer (a 400 to the caller).
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ReviewError {
    #[error("the body is not an AdmissionReview: {0}")]
    Json(String),
    #[error("apiVersion `{0}` is not served: send {API_VERSION} (admissionReviewVersions: [v1])")]
    ApiVersion(String),
    #[error("kind `{0}` is not {KIND}")]
    Kind(String),
    #[error("the AdmissionReview has no `request`")]
    NoRequest,
    #[error("request.uid is empty")]
    NoUid,
    #[error("a {0} request must carry `request.object`")]
    NoObject(&'static str),
}

/// Parses and checks a request body.
pub fn parse(body: &[u8]) -> Result<AdmissionRequest, ReviewError> {
    let review: Envelope =
        serde_json::from_slice(body).map_err(|e| ReviewError::Json(e.to_string()))?;
    if review.api_version != API_VERSION {
        return Err(ReviewError::ApiVersion(review.api_version));
    }
    if review.kind != KIND {
        return Err(ReviewError::Kind(review.kind));
    }
    let request = match review.request {
        None | Some(serde_json::Value::Null) => return Err(ReviewError::NoRequest),
        Some(request) => serde_json::from_value::<AdmissionRequest>(request)
            .map_err(|e| ReviewError::Json(format!("request: {e}")))?,
    };
    if request.uid.is_empty() {
        return Err(ReviewError::NoUid);
    }
    if matches!(request.operation, Operation::Create | Operation::Update)
        && request.object.as_ref().is_none_or(|o| o.is_null())
    {
        return Err(ReviewError::NoObject(request.operation.as_str()));
    }
    Ok(request)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_review_as_the_api_server_sends_it_parses() {
        let body = br#"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{
            "uid":"705ab4f5-6393-11e8-b7cc-42010a800002",
            "kind":{"group":"apps","version":"v1","kind":"Deployment"},
            "resource":{"group":"apps","version":"v1","resource":"deployments"},
            "requestKind":{"group":"apps","version":"v1","kind":"Deployment"},
            "requestResource":{"group":"apps","version":"v1","resource":"deployments"},
            "name":"web","namespace":"shop","operation":"CREATE",
            "userInfo":{"username":"admin","uid":"014fbff9a07c","groups":["system:authenticated"],"extra":{"some-key":["v"]}},
            "object":{"apiVersion":"apps/v1","kind":"Deployment"},"oldObject":null,
            "dryRun":false,"options":{"apiVersion":"meta.k8s.io/v1","kind":"CreateOptions"}}}"#;
        let r = parse(body).unwrap();
        assert_eq!(r.operation, Operation::Create);
        assert_eq!(r.kind.kind, "Deployment");
        assert_eq!(r.namespace.as_deref(), Some("shop"));
        assert_eq!(r.user_info.groups, ["system:authenticated"]);
    }

    #[test]
    fn bad_reviews_say_what_is_wrong() {
        assert!(matches!(parse(b"{not json"), Err(ReviewError::Json(_))));
        assert_eq!(
            parse(br#"{"apiVersion":"admission.k8s.io/v1beta1","kind":"AdmissionReview"}"#)
                .unwrap_err(),
            ReviewError::ApiVersion("admission.k8s.io/v1beta1".into())
        );
        assert_eq!(
            parse(br#"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview"}"#).unwrap_err(),
            ReviewError::NoRequest
        );
        let no_object = br#"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"1","kind":{"kind":"Pod"},"resource":{"resource":"pods"},"operation":"CREATE"}}"#;
        assert_eq!(
            parse(no_object).unwrap_err(),
            ReviewError::NoObject("CREATE")
        );
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        let mut body = String::from(
            r#"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"1","kind":{"kind":"Pod"},"resource":{"resource":"pods"},"operation":"CREATE","object":"#,
        );
        body.push_str(&"[".repeat(100_000));
        assert!(matches!(parse(body.as_bytes()), Err(ReviewError::Json(_))));
    }
}
