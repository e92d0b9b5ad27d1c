//! Offline answers to `kubectl auth can-i` questions: who can do a thing, and what a
//! subject can do, each answer carrying the binding, role and rule that grant it.

use std::collections::BTreeSet;

use serde::Serialize;

use crate::eval::{allows, Request};
use crate::model::{BindingKind, RbacModel, RuleRef, Subject};

/// Resources that live outside namespaces: a RoleBinding never grants them.
const CLUSTER_SCOPED_RESOURCES: &[&str] = &[
    "nodes",
    "namespaces",
    "persistentvolumes",
    "clusterroles",
    "clusterrolebindings",
    "certificatesigningrequests",
    "mutatingwebhookconfigurations",
    "validatingwebhookconfigurations",
    "customresourcedefinitions",
    "storageclasses",
    "priorityclasses",
    "runtimeclasses",
    "apiservices",
    "csidrivers",
    "ingressclasses",
    "tokenreviews",
    "subjectaccessreviews",
    "selfsubjectaccessreviews",
    "selfsubjectrulesreviews",
];

/// Where a grant holds.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Scope {
    Cluster,
    Namespace(String),
}

impl Scope {
    pub fn describe(&self) -> String {
        match self {
            Scope::Cluster => "cluster-wide".into(),
            Scope::Namespace(ns) => format!("namespace {ns}"),
        }
    }
}

/// One way a subject gets a permission: binding → role → rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    pub binding: usize,
    /// Index into the binding's subjects.
    pub subject: usize,
    pub role: usize,
    pub rule: RuleRef,
    pub scope: Scope,
}

impl RbacModel {
    /// Every (binding, subject, role, rule, scope) path of the model, bindings to missing
    /// roles left out.
    pub fn grants(&self) -> impl Iterator<Item = Grant> + '_ {
        self.bindings.iter().enumerate().flat_map(move |(bi, b)| {
            let scope = match b.kind {
                BindingKind::ClusterRoleBinding => Scope::Cluster,
                BindingKind::RoleBinding => {
                    Scope::Namespace(b.namespace.clone().unwrap_or_default())
                }
            };
            let role = self.role_of(b);
            role.into_iter().flat_map(move |role| {
                let scope = scope.clone();
                self.effective_rules(role).iter().flat_map(move |&rule| {
                    let scope = scope.clone();
                    (0..b.subjects.len()).map(move |subject| Grant {
                        binding: bi,
                        subject,
                        role,
                        rule,
                        scope: scope.clone(),
                    })
                })
            })
        })
    }

    pub fn grant_subject(&self, g: &Grant) -> &Subject {
        &self.bindings[g.binding].subjects[g.subject].0
    }

    /// Grants that allow `request` in `namespace` (`None`: cluster-wide only, as for
    /// cluster-scoped resources and non-resource URLs).
    pub fn who_can(&self, request: &Request, namespace: Option<&str>) -> Vec<Grant> {
        let cluster_only = match request {
            Request::NonResource { .. } => true,
            Request::Resource { resource, .. } => {
                CLUSTER_SCOPED_RESOURCES.contains(&resource.as_str())
            }
        };
        let mut seen = BTreeSet::new();
        self.grants()
            .filter(|g| match (&g.scope, namespace) {
                (Scope::Cluster, _) => true,
                (Scope::Namespace(ns), Some(q)) => !cluster_only && ns == q,
                (Scope::Namespace(_), None) => false,
            })
            .filter(|g| allows(self.rule(g.rule), request))
            // One grant per binding subject is enough to answer.
            .filter(|g| seen.insert((g.binding, g.subject)))
            .collect()
    }

    /// Whether `subject` may make `request` in `namespace`; the first grant that allows it.
    pub fn can_i(
        &self,
        subject: &Subject,
        request: &Request,
        namespace: Option<&str>,
    ) -> Option<Grant> {
        self.who_can(request, namespace)
            .into_iter()
            .find(|g| subject.is_covered_by(self.grant_subject(g)))
    }

    /// Every grant that reaches `subject` (directly or through its groups), optionally only
    /// those effective in `namespace`.
    pub fn permissions_of(&self, subject: &Subject, namespace: Option<&str>) -> Vec<Grant> {
        self.grants()
            .filter(|g| subject.is_covered_by(self.grant_subject(g)))
            .filter(|g| match (&g.scope, namespace) {
                (Scope::Cluster, _) | (_, None) => true,
                (Scope::Namespace(ns), Some(q)) => ns == q,
            })
            .collect()
    }
}

/// A subject as `who-can --format json` prints it: `namespace` only for service accounts.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct SubjectOut {
    pub kind: &'static str,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
}

impl From<&Subject> for SubjectOut {
    fn from(s: &Subject) -> SubjectOut {
        SubjectOut {
            kind: s.kind.as_str(),
            name: s.name.clone(),
            namespace: s.namespace.clone(),
        }
    }
}

/// One path of an answer, ready to print.
#[derive(Debug, Clone, Serialize)]
pub struct GrantOut {
    pub subject: SubjectOut,
    pub scope: String,
    pub binding: String,
    pub binding_location: String,
    pub role: String,
    pub role_location: String,
    pub rule: String,
    pub rule_location: String,
}

impl RbacModel {
    pub fn describe_grant(&self, g: &Grant) -> GrantOut {
        let b = &self.bindings[g.binding];
        let role = &self.roles[g.role];
        let source_role = &self.roles[g.rule.role];
        let rule = self.rule(g.rule);
        let role_text = if g.rule.role == g.role {
            role.resource_id()
        } else {
            format!(
                "{} (aggregated from {})",
                role.resource_id(),
                source_role.resource_id()
            )
        };
        GrantOut {
            subject: self.grant_subject(g).into(),
            scope: g.scope.describe(),
            binding: b.resource_id(),
            binding_location: b.origin.to_string(),
            role: role_text,
            role_location: source_role.origin.to_string(),
            rule: rule.summary(),
            rule_location: rule.origin.to_string(),
        }
    }
}

/// The answer of `palisade rbac who-can`.
#[derive(Debug, Clone, Serialize)]
pub struct WhoCanAnswer {
    pub verb: String,
    pub resource: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// Every subject as named in the bindings, sorted and without repeats.
    pub subjects: Vec<SubjectOut>,
    pub grants: Vec<GrantOut>,
}

/// Answers `who-can VERB RESOURCE [-n NS] [--name NAME]`.
pub fn who_can(
    model: &RbacModel,
    verb: &str,
    resource: &str,
    namespace: Option<&str>,
    name: Option<&str>,
) -> WhoCanAnswer {
    let request = Request::parse(verb, resource, name);
    let grants = model.who_can(&request, namespace);
    let subjects: BTreeSet<SubjectOut> = grants
        .iter()
        .map(|g| model.grant_subject(g).into())
        .collect();
    WhoCanAnswer {
        verb: verb.to_string(),
        resource: resource.to_string(),
        namespace: namespace.map(str::to_string),
        subjects: subjects.into_iter().collect(),
        grants: grants.iter().map(|g| model.describe_grant(g)).collect(),
    }
}

impl WhoCanAnswer {
    /// Human table: one line per subject and the first binding that grants it.
    pub fn to_table(&self) -> String {
        let mut out = format!(
            "Who can {} {}{}:\n",
            self.verb,
            self.resource,
            self.namespace
                .as_ref()
                .map(|n| format!(" in namespace {n}"))
                .unwrap_or_else(|| " cluster-wide".into())
        );
        if self.grants.is_empty() {
            out.push_str("  nobody in the scanned manifests and built-in defaults\n");
            return out;
        }
        let rows: Vec<[String; 4]> = self
            .grants
            .iter()
            .map(|g| {
                [
                    match &g.subject.namespace {
                        Some(ns) => format!("{} {}/{}", g.subject.kind, ns, g.subject.name),
                        None => format!("{} {}", g.subject.kind, g.subject.name),
                    },
                    placed(&g.binding, &g.binding_location),
                    placed(&g.role, &g.role_location),
                    g.scope.clone(),
                ]
            })
            .collect();
        out.push_str(&table(&["SUBJECT", "BINDING", "ROLE", "SCOPE"], &rows));
        out
    }
}

/// The answer of `palisade rbac can SUBJECT`: what `kubectl auth can-i --list --as` lists.
#[derive(Debug, Clone, Serialize)]
pub struct CanAnswer {
    pub subject: SubjectOut,
    pub groups: Vec<String>,
    pub permissions: Vec<PermissionOut>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PermissionOut {
    pub scope: String,
    pub resources: Vec<String>,
    pub non_resource_urls: Vec<String>,
    pub resource_names: Vec<String>,
    pub verbs: Vec<String>,
    pub via: String,
}

/// Answers `can SUBJECT [-n NS]`.
pub fn can(model: &RbacModel, subject: &Subject, namespace: Option<&str>) -> CanAnswer {
    let mut permissions: Vec<PermissionOut> = model
        .permissions_of(subject, namespace)
        .iter()
        .map(|g| {
            let rule = model.rule(g.rule);
            let resources = rule
                .resources
                .iter()
                .flat_map(|r| {
                    rule.api_groups.iter().map(move |grp| {
                        if grp.is_empty() {
                            r.clone()
                        } else {
                            format!("{r}.{grp}")
                        }
                    })
                })
                .collect();
            let d = model.describe_grant(g);
            PermissionOut {
                scope: g.scope.describe(),
                resources,
                non_resource_urls: rule.non_resource_urls.clone(),
                resource_names: rule.resource_names.clone(),
                verbs: rule.verbs.clone(),
                via: format!("{} -> {}", d.binding, d.role),
            }
        })
        .collect();
    permissions.sort_by(|a, b| {
        (&a.scope, &a.resources, &a.non_resource_urls, &a.via).cmp(&(
            &b.scope,
            &b.resources,
            &b.non_resource_urls,
            &b.via,
        ))
    });
    CanAnswer {
        subject: subject.into(),
        groups: subject.implicit_groups(),
        permissions,
    }
}

impl CanAnswer {
    pub fn to_table(&self) -> String {
        let rows: Vec<[String; 6]> = self
            .permissions
            .iter()
            .map(|p| {
                [
                    p.scope.clone(),
                    p.resources.join(" "),
                    p.non_resource_urls.join(" "),
                    format!("[{}]", p.resource_names.join(" ")),
                    format!("[{}]", p.verbs.join(" ")),
                    p.via.clone(),
                ]
            })
            .collect();
        let who = match &self.subject.namespace {
            Some(ns) => format!("{} {}/{}", self.subject.kind, ns, self.subject.name),
            None => format!("{} {}", self.subject.kind, self.subject.name),
        };
        let mut out = format!("{who} (groups: {})\n", self.groups.join(", "));
        out.push_str(&table(
            &[
                "SCOPE",
                "RESOURCES",
                "NON-RESOURCE URLS",
                "RESOURCE NAMES",
                "VERBS",
                "VIA",
            ],
            &rows,
        ));
        out
    }
}

/// `NAME (LOCATION)`, or the name alone when it already says where it is (an object read
/// from an API is located by its name).
fn placed(name: &str, location: &str) -> String {
    if name.contains(location) {
        name.to_string()
    } else {
        format!("{name} ({location})")
    }
}

/// Left-aligned columns separated by two spaces.
pub(crate) fn table<const N: usize>(header: &[&str; N], rows: &[[String; N]]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| h.len()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let mut line = |cells: Vec<&str>| {
        let mut l = String::new();
        for (i, (cell, w)) in cells.iter().zip(&widths).enumerate() {
            if i + 1 == cells.len() {
                l.push_str(cell);
            } else {
                l.push_str(&format!("{cell:<w$}  ", w = *w));
            }
        }
        out.push_str(l.trim_end());
        out.push('\n');
    };
    line(header.to_vec());
    for row in rows {
        line(row.iter().map(String::as_str).collect());
    }
    out
}
