use palisade_core::{declare_rule, Finding};

use super::{location, Analysis};
use crate::model::{PolicyRule, SubjectKind};

declare_rule! {
    /// ## What it checks
    /// Scanned bindings whose subjects include `system:anonymous`, `system:unauthenticated`
    /// or `system:authenticated` (everyone with any credential) and whose role grants more
    /// than discovery: the non-resource URLs of `system:discovery` and
    /// `system:public-info-viewer`, and self-reviews of `system:basic-user`.
    /// ## Why it matters
    /// Anything granted to these groups is granted to every caller that reaches the API server
    /// (anonymous) or to every identity in every namespace, every node and every pod's token
    /// (authenticated). Kubernetes' own defaults grant only discovery to them.
    /// ## Fix
    /// Bind the role to the users, groups or service accounts that need it.
    /// ## References
    /// - https://kubernetes.io/docs/reference/access-authn-authz/rbac/#discovery-roles
    /// - https://kubernetes.io/docs/reference/access-authn-authz/authentication/#anonymous-requests
    pub static RULE = {
        id: "RBAC003", practice: Rbac, severity: Critical,
        title: "Anonymous or all-authenticated access beyond discovery",
    };
}

const DISCOVERY_URLS: &[&str] = &[
    "/api",
    "/api/*",
    "/apis",
    "/apis/*",
    "/healthz",
    "/livez",
    "/openapi",
    "/openapi/*",
    "/readyz",
    "/version",
    "/version/",
];
const SELF_REVIEWS: &[&str] = &[
    "selfsubjectaccessreviews",
    "selfsubjectrulesreviews",
    "selfsubjectreviews",
];

fn is_discovery(rule: &PolicyRule) -> bool {
    if !rule.non_resource_urls.is_empty() {
        return rule.resources.is_empty()
            && rule.verbs.iter().all(|v| v == "get")
            && rule
                .non_resource_urls
                .iter()
                .all(|u| DISCOVERY_URLS.contains(&u.as_str()));
    }
    rule.verbs.iter().all(|v| v == "create")
        && rule
            .resources
            .iter()
            .all(|r| SELF_REVIEWS.contains(&r.as_str()))
        && rule
            .api_groups
            .iter()
            .all(|g| g == "authorization.k8s.io" || g == "authentication.k8s.io")
}

pub fn check(a: &Analysis, out: &mut Vec<Finding>) {
    let m = a.model;
    for (bi, b) in m.bindings.iter().enumerate() {
        if b.origin.is_builtin() {
            continue;
        }
        let Some(ri) = m.role_of(b) else { continue };
        let broad: Vec<usize> = b
            .subjects
            .iter()
            .enumerate()
            .filter(|(_, (s, _))| {
                matches!(
                    (s.kind, s.name.as_str()),
                    (SubjectKind::User, "system:anonymous")
                        | (SubjectKind::Group, "system:unauthenticated")
                        | (SubjectKind::Group, "system:authenticated")
                )
            })
            .map(|(i, _)| i)
            .collect();
        if broad.is_empty() {
            continue;
        }
        let Some(&beyond) = m
            .effective_rules(ri)
            .iter()
            .find(|&&r| !is_discovery(m.rule(r)))
        else {
            continue;
        };
        let grants: Vec<_> = a
            .by_rule
            .get(&beyond)
            .map(|v| {
                v.iter()
                    .filter(|g| g.binding == bi && broad.contains(&g.subject))
                    .collect()
            })
            .unwrap_or_default();
        let (evidence, _) = a.holders(&grants);
        let who: Vec<String> = broad
            .iter()
            .map(|&i| b.subjects[i].0.name.clone())
            .collect();
        let mut f = Finding::new(
            &RULE,
            format!(
                "{} grants {} to {} (e.g. {})",
                b.resource_id(),
                m.roles[ri].resource_id(),
                who.join(", "),
                m.rule(beyond).summary()
            ),
            location(&b.subjects[broad[0]].1, &b.resource_id()),
        );
        if who.iter().any(|w| w != "system:authenticated") {
            f.severity = palisade_core::Severity::Critical;
        } else {
            f.severity = palisade_core::Severity::High;
        }
        f.evidence = evidence;
        out.push(f);
    }
}
