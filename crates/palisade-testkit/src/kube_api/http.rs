//! HTTP plumbing: response bodies (whole or fed line by line), JSON and `Status` replies,
//! what a request path names, and query value unescaping.

use std::convert::Infallible;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Full};
use hyper::body::Frame;
use hyper::Response;
use serde_json::{json, Value};

pub(super) type Body = BoxBody<Bytes, Infallible>;

/// A response body fed line by line: a watch stream.
pub(super) struct Lines(pub(super) tokio::sync::mpsc::Receiver<Bytes>);

impl hyper::body::Body for Lines {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        self.0
            .poll_recv(cx)
            .map(|line| line.map(|l| Ok(Frame::data(l))))
    }
}

pub(super) fn reply(code: u16, body: Value) -> Response<Body> {
    Response::builder()
        .status(code)
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from(body.to_string())).boxed())
        .unwrap()
}

pub(super) fn status_object(code: u16, reason: &str, message: &str) -> Value {
    json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
           "message": message, "reason": reason, "code": code})
}

pub(super) fn status(code: u16, reason: &str, message: &str) -> Response<Body> {
    reply(code, status_object(code, reason, message))
}

pub(super) fn not_found() -> Response<Body> {
    status(
        404,
        "NotFound",
        "the server could not find the requested resource",
    )
}

/// What a path names: `/api/v1[/namespaces/NS]/PLURAL[/NAME]` or
/// `/apis/GROUP/VERSION[/namespaces/NS]/PLURAL[/NAME]`.
pub(super) struct Target {
    /// `v1`, `apps/v1`.
    pub(super) api_version: String,
    pub(super) namespace: Option<String>,
    pub(super) plural: String,
    /// `None` for the collection.
    pub(super) name: Option<String>,
}

impl Target {
    /// `plural.group` (`plural` in the core group): the resource its objects are stored as.
    pub(super) fn resource(&self) -> String {
        let group = self.api_version.split_once('/').map_or("", |(g, _)| g);
        super::discovery::qualified(group, &self.plural)
    }
}

pub(super) fn target(path: &str) -> Option<Target> {
    let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
    let (api_version, rest) = match parts.as_slice() {
        ["api", "v1", rest @ ..] => ("v1".to_string(), rest),
        ["apis", group, version, rest @ ..] => (format!("{group}/{version}"), rest),
        _ => return None,
    };
    let (namespace, plural, name) = match rest {
        [plural] => (None, *plural, None),
        ["namespaces", ns, plural] => (Some(*ns), *plural, None),
        ["namespaces", ns, plural, name] => (Some(*ns), *plural, Some(*name)),
        [plural, name] => (None, *plural, Some(*name)),
        _ => return None,
    };
    Some(Target {
        api_version,
        namespace: namespace.map(str::to_string),
        plural: plural.to_string(),
        name: name.map(str::to_string),
    })
}

/// `%2F` and friends in a query value (label selectors carry `/` and `=`).
pub(super) fn unescape(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (b'+', _) => {
                out.push(b' ');
                i += 1;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}
