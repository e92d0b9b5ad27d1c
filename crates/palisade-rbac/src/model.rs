//! The RBAC objects of a scan (plus the built-in defaults) as one resolved model: roles with
//! their aggregated rules, bindings with their subjects, and the workloads that run as
//! service accounts.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::sync::Arc;

use palisade_core::{Location, ScanError};
use palisade_iac::kubernetes::{K8sObject, LabelSelector, PodView};
use palisade_yaml::Node;

use crate::defaults;

/// Where an RBAC element comes from: a line of a scanned file, or the API server's defaults.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    File {
        path: Arc<str>,
        line: u32,
        column: u32,
    },
    BuiltIn,
}

impl Origin {
    pub(crate) fn of(obj: &K8sObject, node: &Node) -> Origin {
        let pos = if node.pos.line == 0 {
            obj.root.pos
        } else {
            node.pos
        };
        Origin::File {
            path: obj.path.clone(),
            line: pos.line,
            column: pos.column,
        }
    }

    /// The source location, with `resource` attached; `None` for built-ins.
    pub fn location(&self, resource: &str) -> Option<Location> {
        match self {
            Origin::File { path, line, column } => {
                Some(Location::at(path.as_ref(), *line, *column).with_resource(resource))
            }
            Origin::BuiltIn => None,
        }
    }

    pub fn is_builtin(&self) -> bool {
        matches!(self, Origin::BuiltIn)
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            // Line 0: an object read from an API, which has no lines.
            Origin::File { path, line: 0, .. } => write!(f, "{path}"),
            Origin::File { path, line, .. } => write!(f, "{path}:{line}"),
            Origin::BuiltIn => f.write_str("built-in default"),
        }
    }
}

/// One entry of a role's `rules`.
#[derive(Debug, Clone)]
pub struct PolicyRule {
    pub verbs: Vec<String>,
    pub api_groups: Vec<String>,
    pub resources: Vec<String>,
    pub resource_names: Vec<String>,
    pub non_resource_urls: Vec<String>,
    pub origin: Origin,
}

impl PolicyRule {
    /// `get,list secrets` style summary for messages and tables.
    pub fn summary(&self) -> String {
        let verbs = self.verbs.join(",");
        if !self.non_resource_urls.is_empty() {
            return format!("{verbs} {}", self.non_resource_urls.join(","));
        }
        let groups: Vec<&str> = self
            .api_groups
            .iter()
            .map(|g| if g.is_empty() { "core" } else { g.as_str() })
            .collect();
        let mut s = format!(
            "{verbs} {} ({})",
            self.resources.join(","),
            groups.join(",")
        );
        if !self.resource_names.is_empty() {
            s.push_str(&format!(" named {}", self.resource_names.join(",")));
        }
        s
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RoleKind {
    Role,
    ClusterRole,
}

impl RoleKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RoleKind::Role => "Role",
            RoleKind::ClusterRole => "ClusterRole",
        }
    }
}

/// A Role or ClusterRole.
#[derive(Debug, Clone)]
pub struct Role {
    pub kind: RoleKind,
    pub name: String,
    /// Namespace of a Role; `None` for ClusterRoles.
    pub namespace: Option<String>,
    pub labels: BTreeMap<String, String>,
    pub rules: Vec<PolicyRule>,
    /// `aggregationRule.clusterRoleSelectors`, when present.
    pub aggregation: Option<Vec<LabelSelector>>,
    pub origin: Origin,
}

impl Role {
    /// `ClusterRole/view`, `Role/payments/reader`.
    pub fn resource_id(&self) -> String {
        match &self.namespace {
            Some(ns) => format!("{}/{}/{}", self.kind.as_str(), ns, self.name),
            None => format!("{}/{}", self.kind.as_str(), self.name),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub enum SubjectKind {
    User,
    Group,
    ServiceAccount,
}

impl SubjectKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SubjectKind::User => "User",
            SubjectKind::Group => "Group",
            SubjectKind::ServiceAccount => "ServiceAccount",
        }
    }
}

/// A subject of a binding, with a service account's namespace filled in.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Subject {
    pub kind: SubjectKind,
    pub name: String,
    /// Only for service accounts.
    pub namespace: Option<String>,
}

impl Subject {
    pub fn user(name: &str) -> Subject {
        Subject {
            kind: SubjectKind::User,
            name: name.into(),
            namespace: None,
        }
    }

    pub fn group(name: &str) -> Subject {
        Subject {
            kind: SubjectKind::Group,
            name: name.into(),
            namespace: None,
        }
    }

    pub fn service_account(namespace: &str, name: &str) -> Subject {
        Subject {
            kind: SubjectKind::ServiceAccount,
            name: name.into(),
            namespace: Some(namespace.into()),
        }
    }

    /// Parses `serviceaccount:NS:NAME`, `system:serviceaccount:NS:NAME`, `sa:NS:NAME`,
    /// `user:NAME`, `group:NAME`; a bare name is a user.
    pub fn parse(text: &str) -> Option<Subject> {
        if let Some(rest) = text.strip_prefix("system:serviceaccount:") {
            let (ns, name) = rest.split_once(':')?;
            return Some(Subject::service_account(ns, name));
        }
        let (kind, rest) = text.split_once(':').unwrap_or(("user", text));
        match kind.to_ascii_lowercase().as_str() {
            "serviceaccount" | "sa" => {
                let (ns, name) = rest.split_once(':').or_else(|| rest.split_once('/'))?;
                (!ns.is_empty() && !name.is_empty()).then(|| Subject::service_account(ns, name))
            }
            "user" => Some(Subject::user(rest)),
            "group" => Some(Subject::group(rest)),
            _ => Some(Subject::user(text)),
        }
    }

    /// Whether this is a Kubernetes component identity: `system:` users and groups other
    /// than the anonymous/authenticated/all-service-accounts groups. Service accounts are
    /// never exempt, not even in kube-system, where add-ons such as Tiller used to hold
    /// cluster-admin.
    pub fn is_system(&self) -> bool {
        match self.kind {
            SubjectKind::ServiceAccount => false,
            _ => {
                self.name.starts_with("system:")
                    && !matches!(
                        self.name.as_str(),
                        "system:anonymous"
                            | "system:unauthenticated"
                            | "system:authenticated"
                            | "system:serviceaccounts"
                    )
                    && !self.name.starts_with("system:serviceaccounts:")
            }
        }
    }

    /// The groups Kubernetes puts this subject in.
    pub fn implicit_groups(&self) -> Vec<String> {
        match self.kind {
            SubjectKind::ServiceAccount => vec![
                "system:serviceaccounts".into(),
                format!(
                    "system:serviceaccounts:{}",
                    self.namespace.as_deref().unwrap_or("")
                ),
                "system:authenticated".into(),
            ],
            SubjectKind::User if self.name == "system:anonymous" => {
                vec!["system:unauthenticated".into()]
            }
            SubjectKind::User => vec!["system:authenticated".into()],
            SubjectKind::Group => Vec::new(),
        }
    }

    /// Whether a request made as `self` is covered by a binding naming `bound`.
    pub fn is_covered_by(&self, bound: &Subject) -> bool {
        if self == bound {
            return true;
        }
        match bound.kind {
            SubjectKind::Group => self.implicit_groups().contains(&bound.name),
            SubjectKind::User => {
                self.kind == SubjectKind::ServiceAccount
                    && bound.name
                        == format!(
                            "system:serviceaccount:{}:{}",
                            self.namespace.as_deref().unwrap_or(""),
                            self.name
                        )
            }
            SubjectKind::ServiceAccount => false,
        }
    }
}

impl fmt::Display for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.namespace {
            Some(ns) => write!(f, "{} {}/{}", self.kind.as_str(), ns, self.name),
            None => write!(f, "{} {}", self.kind.as_str(), self.name),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BindingKind {
    RoleBinding,
    ClusterRoleBinding,
}

/// A RoleBinding or ClusterRoleBinding.
#[derive(Debug, Clone)]
pub struct Binding {
    pub kind: BindingKind,
    pub name: String,
    /// Namespace of a RoleBinding; `None` for ClusterRoleBindings.
    pub namespace: Option<String>,
    pub role_kind: RoleKind,
    pub role_name: String,
    /// The subjects with where each is written.
    pub subjects: Vec<(Subject, Origin)>,
    pub origin: Origin,
    /// Where `roleRef` is written.
    pub role_ref_origin: Origin,
}

impl Binding {
    pub fn resource_id(&self) -> String {
        match &self.namespace {
            Some(ns) => format!("RoleBinding/{}/{}", ns, self.name),
            None => format!("ClusterRoleBinding/{}", self.name),
        }
    }
}

/// A workload and the service account its pods run as.
#[derive(Debug, Clone)]
pub struct Workload {
    pub resource_id: String,
    pub namespace: String,
    pub service_account: String,
    /// Whether the API token ends up in the pods.
    pub automount: bool,
    /// Secret names used by volumes or environment variables.
    pub mounted_secrets: BTreeSet<String>,
    /// Where the service account is chosen (or the pod spec when it is not).
    pub origin: Origin,
}

impl Workload {
    pub fn subject(&self) -> Subject {
        Subject::service_account(&self.namespace, &self.service_account)
    }
}

/// A rule of a role as reached through aggregation: the role that holds it and its index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RuleRef {
    pub role: usize,
    pub rule: usize,
}

/// The resolved RBAC state of a scan.
#[derive(Debug, Default)]
pub struct RbacModel {
    pub roles: Vec<Role>,
    pub bindings: Vec<Binding>,
    pub workloads: Vec<Workload>,
    /// Namespaces seen on any object.
    pub namespaces: BTreeSet<String>,
    /// Problems in the input (aggregation cycles, invalid selectors...).
    pub errors: Vec<ScanError>,
    role_index: HashMap<(RoleKind, Option<String>, String), usize>,
    effective: Vec<Vec<RuleRef>>,
}

/// Builds an [`RbacModel`] object by object, so a scan can feed it one file at a time and
/// drop each file's tree as soon as it has been read. Per-file builders are combined with
/// [`RbacBuilder::merge`] in file order.
#[derive(Debug, Default)]
pub struct RbacBuilder {
    model: RbacModel,
    /// (namespace, name) → `automountServiceAccountToken` of each ServiceAccount object.
    service_accounts: HashMap<(String, String), Option<bool>>,
    /// Workloads with the pod's own `automountServiceAccountToken`; whether the token is
    /// mounted when the pod does not say depends on its ServiceAccount, known at the end.
    workloads: Vec<(Workload, Option<bool>)>,
}

impl RbacBuilder {
    pub fn add(&mut self, obj: &K8sObject) {
        let model = &mut self.model;
        if !obj.is_cluster_scoped() {
            model
                .namespaces
                .insert(obj.effective_namespace().to_string());
        } else if obj.kind == "Namespace" {
            model.namespaces.insert(obj.name.clone());
        }
        match (
            obj.kind.as_str(),
            obj.api_version.starts_with("rbac.authorization.k8s.io"),
        ) {
            ("Role", true) | ("ClusterRole", true) => model.add_role(obj),
            ("RoleBinding", true) | ("ClusterRoleBinding", true) => model.add_binding(obj),
            ("ServiceAccount", _) => {
                self.service_accounts.insert(
                    (obj.effective_namespace().to_string(), obj.name.clone()),
                    obj.root
                        .get("automountServiceAccountToken")
                        .and_then(Node::as_bool),
                );
            }
            _ => {
                if let Some(pod) = PodView::of(obj) {
                    self.workloads.push(workload_of(&pod));
                }
            }
        }
    }

    /// Adds what `later` saw; its objects count as coming after ours.
    pub fn merge(&mut self, later: RbacBuilder) {
        for role in later.model.roles {
            self.model.insert_role(role);
        }
        self.model.bindings.extend(later.model.bindings);
        self.model.namespaces.extend(later.model.namespaces);
        self.model.errors.extend(later.model.errors);
        self.service_accounts.extend(later.service_accounts);
        self.workloads.extend(later.workloads);
    }

    /// The model of everything added, with the API server's default roles and bindings
    /// (unless a scanned object with the same name replaces them) and aggregation resolved.
    pub fn finish(self) -> RbacModel {
        self.resolve().complete()
    }

    /// The scanned objects alone, with each workload's token mounting resolved.
    fn resolve(self) -> RbacModel {
        let mut model = self.model;
        for (mut workload, pod_automount) in self.workloads {
            workload.automount = pod_automount.unwrap_or_else(|| {
                self.service_accounts
                    .get(&(workload.namespace.clone(), workload.service_account.clone()))
                    .copied()
                    .flatten()
                    .unwrap_or(true)
            });
            model.workloads.push(workload);
        }
        model
    }
}

fn strings(node: Option<&Node>) -> Vec<String> {
    match node {
        Some(n) if n.is_seq() => n
            .items()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
        Some(n) => n.as_str().map(|s| vec![s.to_string()]).unwrap_or_default(),
        None => Vec::new(),
    }
}

pub(crate) fn parse_rules(obj: &K8sObject, node: Option<&Node>) -> Vec<PolicyRule> {
    node.into_iter()
        .flat_map(Node::items)
        .filter(|r| r.is_map())
        .map(|r| PolicyRule {
            verbs: strings(r.get("verbs")),
            api_groups: strings(r.get("apiGroups")),
            resources: strings(r.get("resources")),
            resource_names: strings(r.get("resourceNames")),
            non_resource_urls: strings(r.get("nonResourceURLs")),
            origin: Origin::of(obj, r),
        })
        .collect()
}

impl RbacModel {
    /// Builds the model from every object of a scan; built-in roles and bindings are added
    /// unless a scanned object with the same name replaces them.
    pub fn build<'a>(objects: impl IntoIterator<Item = &'a K8sObject>) -> RbacModel {
        let mut builder = RbacBuilder::default();
        for obj in objects {
            builder.add(obj);
        }
        builder.finish()
    }

    /// The scanned objects alone, without defaults or aggregation.
    pub(crate) fn parse_only<'a>(objects: impl IntoIterator<Item = &'a K8sObject>) -> RbacModel {
        let mut builder = RbacBuilder::default();
        for obj in objects {
            builder.add(obj);
        }
        builder.resolve()
    }

    /// Adds defaults and resolves aggregation over the scanned roles and bindings.
    fn complete(mut self) -> RbacModel {
        for role in defaults::roles() {
            let key = (role.kind, None, role.name.clone());
            if !self.role_index.contains_key(&key) {
                self.role_index.insert(key, self.roles.len());
                self.roles.push(role);
            }
        }
        let scanned_crbs: BTreeSet<String> = self
            .bindings
            .iter()
            .filter(|b| b.kind == BindingKind::ClusterRoleBinding)
            .map(|b| b.name.clone())
            .collect();
        for binding in defaults::bindings() {
            if !scanned_crbs.contains(&binding.name) {
                self.bindings.push(binding);
            }
        }
        self.resolve_aggregation();
        self
    }

    /// Stores a role; the last definition of a (kind, namespace, name) wins, as `kubectl
    /// apply` of both files would leave it.
    fn insert_role(&mut self, role: Role) {
        let key = (role.kind, role.namespace.clone(), role.name.clone());
        match self.role_index.get(&key) {
            Some(&i) => self.roles[i] = role,
            None => {
                self.role_index.insert(key, self.roles.len());
                self.roles.push(role);
            }
        }
    }

    fn add_role(&mut self, obj: &K8sObject) {
        let kind = if obj.kind == "Role" {
            RoleKind::Role
        } else {
            RoleKind::ClusterRole
        };
        let namespace = (kind == RoleKind::Role).then(|| obj.effective_namespace().to_string());
        let aggregation = obj
            .root
            .path(&["aggregationRule", "clusterRoleSelectors"])
            .filter(|_| kind == RoleKind::ClusterRole)
            .map(|sels| {
                sels.items()
                    .filter_map(|s| match LabelSelector::parse(Some(s)) {
                        Ok(sel) => Some(sel),
                        Err(e) => {
                            self.errors.push(ScanError::new(
                                obj.path.as_ref(),
                                Some(e.line),
                                format!("{}: {}", obj.resource_id(), e.message),
                            ));
                            None
                        }
                    })
                    .collect()
            });
        let role = Role {
            kind,
            name: obj.name.clone(),
            namespace,
            labels: obj.labels.clone(),
            rules: parse_rules(obj, obj.root.get("rules")),
            aggregation,
            origin: Origin::of(obj, &obj.root),
        };
        self.insert_role(role);
    }

    fn add_binding(&mut self, obj: &K8sObject) {
        let kind = if obj.kind == "RoleBinding" {
            BindingKind::RoleBinding
        } else {
            BindingKind::ClusterRoleBinding
        };
        let namespace =
            (kind == BindingKind::RoleBinding).then(|| obj.effective_namespace().to_string());
        let role_ref = obj.root.entry("roleRef");
        let role_ref_node = role_ref.map(|(_, v)| v);
        let role_kind = match role_ref_node
            .and_then(|r| r.get("kind"))
            .and_then(Node::as_str)
        {
            Some("Role") => RoleKind::Role,
            _ => RoleKind::ClusterRole,
        };
        let role_name = role_ref_node
            .and_then(|r| r.get("name"))
            .and_then(Node::as_str)
            .unwrap_or("")
            .to_string();
        let subjects = obj
            .root
            .get("subjects")
            .into_iter()
            .flat_map(Node::items)
            .filter_map(|s| {
                let name = s.get("name").and_then(Node::as_str)?.to_string();
                let kind = match s.get("kind").and_then(Node::as_str)? {
                    "User" => SubjectKind::User,
                    "Group" => SubjectKind::Group,
                    "ServiceAccount" => SubjectKind::ServiceAccount,
                    _ => return None,
                };
                let namespace = (kind == SubjectKind::ServiceAccount).then(|| {
                    s.get("namespace")
                        .and_then(Node::as_str)
                        .filter(|n| !n.is_empty())
                        .map(str::to_string)
                        .or_else(|| namespace.clone())
                        .unwrap_or_else(|| "default".to_string())
                });
                Some((
                    Subject {
                        kind,
                        name,
                        namespace,
                    },
                    Origin::of(obj, s),
                ))
            })
            .collect();
        self.bindings.push(Binding {
            kind,
            name: obj.name.clone(),
            namespace,
            role_kind,
            role_name,
            subjects,
            origin: Origin::of(obj, &obj.root),
            role_ref_origin: role_ref
                .map(|(k, _)| Origin::of(obj, k))
                .unwrap_or_else(|| Origin::of(obj, &obj.root)),
        });
    }

    /// Rules of every role, following aggregation transitively. A cycle is reported and
    /// otherwise harmless: each role gets the union of what it reaches, visited once.
    fn resolve_aggregation(&mut self) {
        let n = self.roles.len();
        let aggregated: Vec<usize> = (0..n)
            .filter(|&i| self.roles[i].aggregation.is_some())
            .collect();
        let cluster_roles: Vec<usize> = (0..n)
            .filter(|&j| self.roles[j].kind == RoleKind::ClusterRole)
            .collect();
        let mut selects: HashMap<usize, Vec<usize>> = HashMap::new();
        for &i in &aggregated {
            let sels = self.roles[i].aggregation.as_deref().unwrap_or(&[]);
            let chosen = cluster_roles
                .iter()
                .copied()
                .filter(|&j| j != i && sels.iter().any(|s| s.matches(&self.roles[j].labels)))
                .collect();
            selects.insert(i, chosen);
        }
        let own = |i: usize, roles: &[Role]| -> Vec<RuleRef> {
            (0..roles[i].rules.len())
                .map(|rule| RuleRef { role: i, rule })
                .collect()
        };
        let mut effective: Vec<Vec<RuleRef>> = (0..n).map(|i| own(i, &self.roles)).collect();
        for &i in &aggregated {
            // The controller overwrites an aggregated role's own `rules`, so only what it
            // selects counts.
            let mut rules = Vec::new();
            let mut visited = BTreeSet::from([i]);
            let mut queue: Vec<usize> = selects[&i].clone();
            let mut cycle = false;
            while let Some(j) = queue.pop() {
                if j == i {
                    cycle = true;
                }
                if !visited.insert(j) {
                    continue;
                }
                match selects.get(&j) {
                    Some(next) => queue.extend(next.iter().copied()),
                    None => rules.extend(own(j, &self.roles)),
                }
            }
            if cycle {
                let (path, line) = match &self.roles[i].origin {
                    Origin::File { path, line, .. } => (path.to_string(), Some(*line)),
                    Origin::BuiltIn => ("<built-in>".into(), None),
                };
                self.errors.push(ScanError::new(
                    path,
                    line,
                    format!(
                        "ClusterRole/{}: aggregationRule selects a ClusterRole that aggregates it back (a cycle); each role still gets the union of the roles it reaches",
                        self.roles[i].name
                    ),
                ));
            }
            effective[i] = rules;
        }
        self.effective = effective;
    }

    /// The role a binding refers to, if it exists in the scan or the defaults.
    pub fn role_of(&self, binding: &Binding) -> Option<usize> {
        let ns = match binding.role_kind {
            RoleKind::Role => binding.namespace.clone(),
            RoleKind::ClusterRole => None,
        };
        self.role_index
            .get(&(binding.role_kind, ns, binding.role_name.clone()))
            .copied()
    }

    /// Every rule a role grants, aggregation included.
    pub fn effective_rules(&self, role: usize) -> &[RuleRef] {
        &self.effective[role]
    }

    pub fn rule(&self, r: RuleRef) -> &PolicyRule {
        &self.roles[r.role].rules[r.rule]
    }

    /// Roles that grant the rules of `role`: itself and the aggregated roles that include it.
    pub fn roles_including(&self, role: usize) -> Vec<usize> {
        (0..self.roles.len())
            .filter(|&i| i == role || self.effective[i].iter().any(|r| r.role == role))
            .collect()
    }

    /// Bindings to a role (the binding's own namespace must hold a Role it names).
    pub fn bindings_of(&self, role: usize) -> impl Iterator<Item = &Binding> {
        self.bindings
            .iter()
            .filter(move |b| self.role_of(b) == Some(role))
    }
}

/// The workload of `pod`, and the pod's own `automountServiceAccountToken` (the model
/// resolves the ServiceAccount's default once every object is known).
fn workload_of(pod: &PodView) -> (Workload, Option<bool>) {
    let obj = pod.object;
    let namespace = obj.effective_namespace().to_string();
    let sa_node = pod
        .spec
        .get("serviceAccountName")
        .or_else(|| pod.spec.get("serviceAccount"));
    let service_account = sa_node
        .and_then(Node::as_str)
        .filter(|s| !s.is_empty())
        .unwrap_or("default")
        .to_string();
    let pod_automount = pod
        .spec
        .get("automountServiceAccountToken")
        .and_then(Node::as_bool);
    let mut mounted_secrets = BTreeSet::new();
    for vol in pod.volumes() {
        if let Some(name) = vol.path(&["secret", "secretName"]).and_then(Node::as_str) {
            mounted_secrets.insert(name.to_string());
        }
        for src in vol
            .path(&["projected", "sources"])
            .into_iter()
            .flat_map(Node::items)
        {
            if let Some(name) = src.path(&["secret", "name"]).and_then(Node::as_str) {
                mounted_secrets.insert(name.to_string());
            }
        }
    }
    for c in &pod.containers {
        for env in c.node.get("env").into_iter().flat_map(Node::items) {
            if let Some(name) = env
                .path(&["valueFrom", "secretKeyRef", "name"])
                .and_then(Node::as_str)
            {
                mounted_secrets.insert(name.to_string());
            }
        }
        for env in c.node.get("envFrom").into_iter().flat_map(Node::items) {
            if let Some(name) = env.path(&["secretRef", "name"]).and_then(Node::as_str) {
                mounted_secrets.insert(name.to_string());
            }
        }
    }
    let workload = Workload {
        resource_id: obj.resource_id(),
        namespace,
        service_account,
        automount: pod_automount.unwrap_or(true),
        mounted_secrets,
        origin: Origin::of(obj, sa_node.unwrap_or(pod.spec_key)),
    };
    (workload, pod_automount)
}
