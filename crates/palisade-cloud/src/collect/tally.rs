//! The [`Tally`] of a scan: calls counted, failures kept (and "not implemented" answers
//! remembered per region), SDK paginators and token-paged listings read to the end.

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use aws_smithy_async::future::pagination_stream::PaginationStream;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_runtime_api::http::Response as HttpResponse;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

use crate::error::{is_not_found, CallError, CallErrorKind};

/// Counts calls and keeps the failed ones; shared by every task of a scan.
#[derive(Clone)]
pub(super) struct Tally {
    pub(super) calls: Arc<AtomicU64>,
    pub(super) errors: Arc<Mutex<Vec<CallError>>>,
    /// (action, region) pairs the endpoint answered as not implemented.
    pub(super) unsupported: Arc<Mutex<BTreeSet<(String, String)>>>,
}

impl Tally {
    /// Whether the endpoint answered `action` in `region` as not implemented.
    pub(super) fn is_unsupported(&self, action: &str, region: &str) -> bool {
        self.unsupported
            .lock()
            .is_ok_and(|u| u.contains(&(action.to_string(), region.to_string())))
    }

    pub(super) fn count(&self) {
        self.calls.fetch_add(1, Ordering::Relaxed);
    }

    pub(super) fn push(&self, mut e: CallError) {
        // One warning per region for an operation the endpoint lacks, not one per function.
        if e.kind == CallErrorKind::Unsupported {
            e.subject = None;
            if let Ok(mut u) = self.unsupported.lock() {
                u.insert((e.action.clone(), e.region.clone()));
            }
        }
        if let Ok(mut errors) = self.errors.lock() {
            errors.push(e);
        }
    }

    pub(super) fn fail<E>(
        &self,
        action: &str,
        region: &str,
        subject: Option<&str>,
        err: &SdkError<E, HttpResponse>,
    ) where
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        self.push(CallError::from_sdk(action, region, subject, err));
    }

    /// The result of a single call: `Some` on success, `None` (and the error kept) on
    /// failure, `None` silently when the service says the thing does not exist.
    pub(super) fn single<T, E>(
        &self,
        action: &str,
        region: &str,
        subject: Option<&str>,
        result: Result<T, SdkError<E, HttpResponse>>,
    ) -> Option<T>
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        self.count();
        match result {
            Ok(v) => Some(v),
            Err(e) if is_not_found(&e) => None,
            Err(e) => {
                self.fail(action, region, subject, &e);
                None
            }
        }
    }
}

impl Tally {
    /// Every page of an SDK paginator, counted. On a failure the pages read so far come back
    /// with `false` and the error is kept; "not found" ends the listing quietly.
    pub(super) async fn pages<T, E>(
        &self,
        action: &str,
        region: &str,
        subject: Option<&str>,
        mut stream: PaginationStream<Result<T, SdkError<E, HttpResponse>>>,
    ) -> (Vec<T>, bool)
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        let mut out = Vec::new();
        while let Some(page) = stream.next().await {
            self.count();
            match page {
                Ok(p) => out.push(p),
                Err(e) if is_not_found(&e) => break,
                Err(e) => {
                    self.fail(action, region, subject, &e);
                    return (out, false);
                }
            }
        }
        (out, true)
    }

    /// Every page of a call paged by hand with `NextToken` (API Gateway v2 has no SDK
    /// paginators). A token seen before ends the listing: a response cannot loop the scan.
    pub(super) async fn token_pages<T, E, F, Fut>(
        &self,
        action: &str,
        region: &str,
        subject: Option<&str>,
        mut call: F,
        next_token: fn(&T) -> Option<&str>,
    ) -> (Vec<T>, bool)
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
        F: FnMut(Option<String>) -> Fut,
        Fut: std::future::Future<Output = Result<T, SdkError<E, HttpResponse>>>,
    {
        let mut out = Vec::new();
        let mut seen = BTreeSet::new();
        let mut token: Option<String> = None;
        loop {
            self.count();
            let page = match call(token.take()).await {
                Ok(p) => p,
                Err(e) if is_not_found(&e) => return (out, true),
                Err(e) => {
                    self.fail(action, region, subject, &e);
                    return (out, false);
                }
            };
            token = next_token(&page)
                .filter(|t| !t.is_empty())
                .map(str::to_string);
            out.push(page);
            match &token {
                Some(t) if seen.insert(t.clone()) => {}
                _ => return (out, true),
            }
        }
    }
}
