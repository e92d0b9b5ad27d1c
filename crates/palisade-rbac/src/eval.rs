//! Whether a policy rule allows a request, with the API server's semantics
//! (`k8s.io/kubernetes/pkg/apis/rbac/v1/evaluation_helpers.go`).

use crate::model::PolicyRule;

/// A request to the API server, as `kubectl auth can-i` would make it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    Resource {
        verb: String,
        api_group: String,
        resource: String,
        /// `exec` for `pods/exec`; empty when none.
        subresource: String,
        /// The object name, when the request names one.
        name: Option<String>,
    },
    NonResource {
        verb: String,
        path: String,
    },
}

/// API groups of the resources people name without a group.
const KNOWN_GROUPS: &[(&str, &str)] = &[
    ("deployments", "apps"),
    ("daemonsets", "apps"),
    ("statefulsets", "apps"),
    ("replicasets", "apps"),
    ("controllerrevisions", "apps"),
    ("jobs", "batch"),
    ("cronjobs", "batch"),
    ("roles", "rbac.authorization.k8s.io"),
    ("clusterroles", "rbac.authorization.k8s.io"),
    ("rolebindings", "rbac.authorization.k8s.io"),
    ("clusterrolebindings", "rbac.authorization.k8s.io"),
    ("networkpolicies", "networking.k8s.io"),
    ("ingresses", "networking.k8s.io"),
    ("ingressclasses", "networking.k8s.io"),
    ("horizontalpodautoscalers", "autoscaling"),
    ("poddisruptionbudgets", "policy"),
    ("certificatesigningrequests", "certificates.k8s.io"),
    (
        "mutatingwebhookconfigurations",
        "admissionregistration.k8s.io",
    ),
    (
        "validatingwebhookconfigurations",
        "admissionregistration.k8s.io",
    ),
    (
        "validatingadmissionpolicies",
        "admissionregistration.k8s.io",
    ),
    ("customresourcedefinitions", "apiextensions.k8s.io"),
    ("storageclasses", "storage.k8s.io"),
    ("csidrivers", "storage.k8s.io"),
    ("priorityclasses", "scheduling.k8s.io"),
    ("runtimeclasses", "node.k8s.io"),
    ("leases", "coordination.k8s.io"),
    ("endpointslices", "discovery.k8s.io"),
    ("tokenreviews", "authentication.k8s.io"),
    ("subjectaccessreviews", "authorization.k8s.io"),
    ("selfsubjectaccessreviews", "authorization.k8s.io"),
    ("localsubjectaccessreviews", "authorization.k8s.io"),
    ("podsecuritypolicies", "policy"),
];

/// Short names `kubectl` accepts.
const SHORT_NAMES: &[(&str, &str)] = &[
    ("po", "pods"),
    ("pod", "pods"),
    ("secret", "secrets"),
    ("deploy", "deployments"),
    ("deployment", "deployments"),
    ("ds", "daemonsets"),
    ("sts", "statefulsets"),
    ("rs", "replicasets"),
    ("cj", "cronjobs"),
    ("job", "jobs"),
    ("svc", "services"),
    ("service", "services"),
    ("cm", "configmaps"),
    ("configmap", "configmaps"),
    ("sa", "serviceaccounts"),
    ("serviceaccount", "serviceaccounts"),
    ("ns", "namespaces"),
    ("namespace", "namespaces"),
    ("no", "nodes"),
    ("node", "nodes"),
    ("netpol", "networkpolicies"),
    ("ing", "ingresses"),
    ("pv", "persistentvolumes"),
    ("pvc", "persistentvolumeclaims"),
    ("csr", "certificatesigningrequests"),
    ("crd", "customresourcedefinitions"),
    ("role", "roles"),
    ("clusterrole", "clusterroles"),
    ("rolebinding", "rolebindings"),
    ("clusterrolebinding", "clusterrolebindings"),
];

impl Request {
    /// Parses the `VERB RESOURCE` of `who-can`: `RESOURCE` is `pods`, `pods/exec`,
    /// `deployments.apps`, `secrets/NAME` is not accepted (use `name`); a leading `/`
    /// makes a non-resource URL (`get /healthz`).
    pub fn parse(verb: &str, resource: &str, name: Option<&str>) -> Request {
        if resource.starts_with('/') {
            return Request::NonResource {
                verb: verb.to_string(),
                path: resource.to_string(),
            };
        }
        let (resource, subresource) = resource.split_once('/').unwrap_or((resource, ""));
        let (resource, group) = match resource.split_once('.') {
            Some((r, g)) => (r.to_string(), Some(g.to_string())),
            None => (resource.to_string(), None),
        };
        let resource = SHORT_NAMES
            .iter()
            .find(|(s, _)| *s == resource)
            .map(|(_, r)| r.to_string())
            .unwrap_or(resource);
        let api_group = group.unwrap_or_else(|| {
            KNOWN_GROUPS
                .iter()
                .find(|(r, _)| *r == resource)
                .map(|(_, g)| g.to_string())
                .unwrap_or_default()
        });
        Request::Resource {
            verb: verb.to_string(),
            api_group,
            resource,
            subresource: subresource.to_string(),
            name: name.map(str::to_string),
        }
    }

    pub fn verb(&self) -> &str {
        match self {
            Request::Resource { verb, .. } | Request::NonResource { verb, .. } => verb,
        }
    }
}

fn verb_matches(rule: &PolicyRule, verb: &str) -> bool {
    rule.verbs.iter().any(|v| v == "*" || v == verb)
}

fn group_matches(rule: &PolicyRule, group: &str) -> bool {
    rule.api_groups.iter().any(|g| g == "*" || g == group)
}

fn resource_matches(rule: &PolicyRule, resource: &str, subresource: &str) -> bool {
    let combined = if subresource.is_empty() {
        resource.to_string()
    } else {
        format!("{resource}/{subresource}")
    };
    rule.resources.iter().any(|r| {
        r == "*"
            || *r == combined
            || (!subresource.is_empty()
                && r.len() == subresource.len() + 2
                && r.starts_with("*/")
                && r.ends_with(subresource))
    })
}

fn name_matches(rule: &PolicyRule, name: Option<&str>) -> bool {
    rule.resource_names.is_empty()
        || name.is_some_and(|n| rule.resource_names.iter().any(|r| r == n))
}

fn url_matches(rule: &PolicyRule, path: &str) -> bool {
    rule.non_resource_urls
        .iter()
        .any(|u| u == "*" || u == path || (u.ends_with('*') && path.starts_with(&u[..u.len() - 1])))
}

/// Whether `rule` allows `request`, exactly as the RBAC authorizer decides.
pub fn allows(rule: &PolicyRule, request: &Request) -> bool {
    match request {
        Request::Resource {
            verb,
            api_group,
            resource,
            subresource,
            name,
        } => {
            verb_matches(rule, verb)
                && group_matches(rule, api_group)
                && resource_matches(rule, resource, subresource)
                && name_matches(rule, name.as_deref())
        }
        Request::NonResource { verb, path } => verb_matches(rule, verb) && url_matches(rule, path),
    }
}

/// Whether `rule` allows `verb` on `group`/`resource` for at least one object name: a rule
/// restricted by `resourceNames` still grants the permission on those names.
pub fn grants(rule: &PolicyRule, verb: &str, group: &str, resource: &str) -> bool {
    let (resource, subresource) = resource.split_once('/').unwrap_or((resource, ""));
    verb_matches(rule, verb)
        && group_matches(rule, group)
        && resource_matches(rule, resource, subresource)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Origin;

    fn rule(verbs: &[&str], groups: &[&str], resources: &[&str], names: &[&str]) -> PolicyRule {
        let v = |xs: &[&str]| xs.iter().map(|s| s.to_string()).collect();
        PolicyRule {
            verbs: v(verbs),
            api_groups: v(groups),
            resources: v(resources),
            resource_names: v(names),
            non_resource_urls: Vec::new(),
            origin: Origin::BuiltIn,
        }
    }

    #[test]
    fn subresources_need_their_own_grant() {
        let pods = rule(&["get", "create"], &[""], &["pods"], &[]);
        assert!(allows(&pods, &Request::parse("get", "pods", None)));
        assert!(!allows(&pods, &Request::parse("create", "pods/exec", None)));
        let any_status = rule(&["get"], &[""], &["*/status"], &[]);
        assert!(allows(
            &any_status,
            &Request::parse("get", "pods/status", None)
        ));
        assert!(!allows(&any_status, &Request::parse("get", "pods", None)));
        let all = rule(&["*"], &["*"], &["*"], &[]);
        assert!(allows(&all, &Request::parse("create", "pods/exec", None)));
    }

    #[test]
    fn resource_names_limit_named_requests_only() {
        let one = rule(&["get", "list"], &[""], &["secrets"], &["db-password"]);
        assert!(allows(
            &one,
            &Request::parse("get", "secrets", Some("db-password"))
        ));
        assert!(!allows(
            &one,
            &Request::parse("get", "secrets", Some("other"))
        ));
        // A list names no object, so a resourceNames rule never allows it.
        assert!(!allows(&one, &Request::parse("list", "secrets", None)));
        assert!(grants(&one, "get", "", "secrets"));
    }

    #[test]
    fn groups_come_from_the_resource_name() {
        let apps = rule(&["create"], &["apps"], &["deployments"], &[]);
        assert!(allows(
            &apps,
            &Request::parse("create", "deployments", None)
        ));
        assert!(allows(
            &apps,
            &Request::parse("create", "deployments.apps", None)
        ));
        assert!(!allows(
            &apps,
            &Request::parse("create", "deployments.extensions", None)
        ));
        assert!(!allows(&apps, &Request::parse("create", "pods", None)));
    }

    #[test]
    fn non_resource_urls_match_exactly_or_by_trailing_star() {
        let mut r = rule(&["get"], &[], &[], &[]);
        r.non_resource_urls = vec!["/healthz".into(), "/apis/*".into()];
        assert!(allows(&r, &Request::parse("get", "/healthz", None)));
        assert!(allows(&r, &Request::parse("get", "/apis/apps", None)));
        assert!(!allows(&r, &Request::parse("get", "/metrics", None)));
        assert!(!allows(&r, &Request::parse("post", "/healthz", None)));
        assert!(!allows(&r, &Request::parse("get", "pods", None)));
    }
}
