//! Relations between objects of one scan: what exposes a workload, which RuntimeClass it
//! names, which ServiceAccount it runs as.

use std::collections::{BTreeMap, HashMap};

use palisade_yaml::Node;

use super::object::K8sObject;

/// A Service that exposes pods outside the cluster.
#[derive(Debug, Clone)]
pub struct ExposingService {
    pub namespace: String,
    pub resource_id: String,
    pub service_type: String,
    pub selector: BTreeMap<String, String>,
}

/// Whether `text` may hold an object that contributes to a [`ClusterContext`]: one of the
/// words RuntimeClass, ServiceAccount (not as part of a longer field name such as
/// `automountServiceAccountToken`), LoadBalancer or NodePort. A cheap superset test, so a
/// scan can build the context first without parsing every file twice.
pub fn may_contribute(text: &str) -> bool {
    if text.contains("RuntimeClass") || text.contains("LoadBalancer") || text.contains("NodePort") {
        return true;
    }
    text.match_indices("ServiceAccount").any(|(i, m)| {
        !text[i + m.len()..]
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_')
    })
}

/// Facts about the whole set of scanned objects that single-object rules need.
#[derive(Debug, Default)]
pub struct ClusterContext {
    /// RuntimeClass name → handler.
    pub runtime_classes: HashMap<String, String>,
    /// (namespace, name) → `automountServiceAccountToken` of the ServiceAccount, when set.
    pub service_accounts: HashMap<(String, String), Option<bool>>,
    /// LoadBalancer/NodePort Services by namespace.
    pub exposing_services: HashMap<String, Vec<ExposingService>>,
    /// Where kinds Palisade does not know keep their pod templates (`[kubernetes]
    /// pod_template_paths`), set by the scan from its configuration.
    pub pod_templates: Vec<super::PodTemplatePath>,
}

impl ClusterContext {
    pub fn new<'a>(objects: impl Iterator<Item = &'a K8sObject>) -> ClusterContext {
        let mut cx = ClusterContext::default();
        for obj in objects {
            cx.add(obj);
        }
        cx
    }

    /// Records what `obj` contributes (RuntimeClass, ServiceAccount, exposing Service).
    pub fn add(&mut self, obj: &K8sObject) {
        match obj.kind.as_str() {
            "RuntimeClass" => {
                if let Some(handler) = obj.root.get("handler").and_then(Node::as_str) {
                    self.runtime_classes
                        .insert(obj.name.clone(), handler.to_string());
                }
            }
            "ServiceAccount" => {
                self.service_accounts.insert(
                    (obj.effective_namespace().to_string(), obj.name.clone()),
                    obj.root
                        .get("automountServiceAccountToken")
                        .and_then(Node::as_bool),
                );
            }
            // The core Service only: Knative's `Service` makes pods, it exposes none.
            "Service" if obj.api_version == "v1" => {
                let (service_type, selector) = obj.service_spec();
                if matches!(service_type, "LoadBalancer" | "NodePort") && !selector.is_empty() {
                    let namespace = obj.effective_namespace().to_string();
                    self.exposing_services
                        .entry(namespace.clone())
                        .or_default()
                        .push(ExposingService {
                            namespace: namespace.clone(),
                            resource_id: obj.resource_id(),
                            service_type: service_type.to_string(),
                            selector,
                        });
                }
            }
            _ => {}
        }
    }

    /// Adds the facts of `later`, which was built from objects that come after ours: as
    /// with `kubectl apply` of both, a later definition of the same name wins.
    pub fn merge(&mut self, later: ClusterContext) {
        self.runtime_classes.extend(later.runtime_classes);
        self.service_accounts.extend(later.service_accounts);
        for (namespace, services) in later.exposing_services {
            self.exposing_services
                .entry(namespace)
                .or_default()
                .extend(services);
        }
    }

    /// Services of type LoadBalancer/NodePort whose selector matches pods with `labels` in `namespace`.
    pub fn services_exposing<'a>(
        &'a self,
        namespace: &'a str,
        labels: &'a BTreeMap<String, String>,
    ) -> impl Iterator<Item = &'a ExposingService> {
        self.exposing_services
            .get(namespace)
            .into_iter()
            .flatten()
            .filter(move |s| {
                s.selector
                    .iter()
                    .all(|(k, v)| labels.get(k).is_some_and(|l| l == v))
            })
    }
}
