//! Discovery of the custom resources a scan asks for: which the cluster serves and lets be
//! listed, at each group's preferred version.

use std::time::Duration;

use kube::Client;

use crate::error::chain;
use crate::kinds::Kind;

/// The custom resources of `wanted` (API group, kind) the cluster serves and lets be
/// listed, at each group's preferred version, in the order of `wanted`. Only the groups
/// named are asked about; the whole discovery runs under `timeout` per request.
pub(crate) async fn discover(
    client: &Client,
    wanted: &[(String, String)],
    timeout: Duration,
) -> Result<Vec<Kind>, String> {
    let mut groups: Vec<&str> = wanted
        .iter()
        .map(|(group, _)| group.as_str())
        .filter(|group| !group.is_empty())
        .collect();
    groups.sort_unstable();
    groups.dedup();
    if groups.is_empty() {
        return Ok(Vec::new());
    }
    // `/apis`, then one request per version of each group named.
    let deadline = timeout * (2 + 2 * groups.len() as u32);
    let discovery = kube::Discovery::new(client.clone()).filter(&groups).run();
    let discovery = match tokio::time::timeout(deadline, discovery).await {
        Err(_) => return Err(format!("no answer within {} s", deadline.as_secs_f32())),
        Ok(Err(error)) => return Err(chain(&error)),
        Ok(Ok(discovery)) => discovery,
    };
    let mut found = Vec::new();
    for (group, kind) in wanted {
        let Some(served) = discovery.get(group) else {
            continue;
        };
        let Some((resource, capabilities)) = served.recommended_kind(kind) else {
            continue;
        };
        if !capabilities.supports_operation(kube::discovery::verbs::LIST) {
            continue;
        }
        found.push(Kind {
            group: static_name(&resource.group),
            version: static_name(&resource.version),
            kind: static_name(&resource.kind),
            plural: static_name(&resource.plural),
            namespaced: capabilities.scope == kube::discovery::Scope::Namespaced,
            metadata_only: false,
            custom: true,
        });
    }
    Ok(found)
}

/// A name discovery found, kept for the life of the process like the names of [`KINDS`]
/// (each distinct name once: only the kinds asked for are kept, so they are few).
fn static_name(name: &str) -> &'static str {
    static NAMES: std::sync::Mutex<std::collections::BTreeSet<&'static str>> =
        std::sync::Mutex::new(std::collections::BTreeSet::new());
    let mut names = NAMES
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(known) = names.get(name) {
        return known;
    }
    let kept: &'static str = Box::leak(name.to_string().into_boxed_str());
    names.insert(kept);
    kept
}
