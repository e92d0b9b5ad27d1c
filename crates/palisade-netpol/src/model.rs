//! NetworkPolicies, namespaces and workloads of a scan, parsed into the values the engine
//! evaluates. Anything the API server would reject (unknown selector operators, CIDRs that
//! do not parse, peers with no selector) is reported and left out.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::sync::Arc;

use palisade_core::{Location, ScanError};
use palisade_iac::kubernetes::{K8sObject, LabelSelector, PodView};
use palisade_yaml::Node;

use crate::cidr::{AddressSet, Cidr};

/// The label every namespace carries with its own name (Kubernetes ≥ 1.21).
pub const NAMESPACE_NAME_LABEL: &str = "kubernetes.io/metadata.name";

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub enum Protocol {
    #[serde(rename = "TCP")]
    Tcp,
    #[serde(rename = "UDP")]
    Udp,
    #[serde(rename = "SCTP")]
    Sctp,
}

impl Protocol {
    pub fn parse(text: &str) -> Option<Protocol> {
        match text.to_ascii_uppercase().as_str() {
            "TCP" => Some(Protocol::Tcp),
            "UDP" => Some(Protocol::Udp),
            "SCTP" => Some(Protocol::Sctp),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Protocol::Tcp => "TCP",
            Protocol::Udp => "UDP",
            Protocol::Sctp => "SCTP",
        }
    }
}

/// Where something is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    pub path: Arc<str>,
    pub line: u32,
    pub column: u32,
}

impl Source {
    pub fn of(obj: &K8sObject, node: &Node) -> Source {
        let pos = if node.pos.line == 0 {
            obj.root.pos
        } else {
            node.pos
        };
        Source {
            path: obj.path.clone(),
            line: pos.line,
            column: pos.column,
        }
    }

    pub fn location(&self, resource: &str) -> Location {
        Location::at(self.path.as_ref(), self.line, self.column).with_resource(resource)
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            // An object read from an API, which has no lines.
            write!(f, "{}", self.path)
        } else {
            write!(f, "{}:{}", self.path, self.line)
        }
    }
}

/// A container port a named policy port can resolve to.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ContainerPort {
    pub name: Option<String>,
    pub port: u16,
    pub protocol: Protocol,
    pub source: Option<(u32, u32)>,
}

/// A workload and the pods it creates.
#[derive(Debug, Clone)]
pub struct Workload {
    pub kind: String,
    pub name: String,
    pub namespace: String,
    pub labels: BTreeMap<String, String>,
    pub ports: Vec<ContainerPort>,
    pub source: Source,
}

impl Workload {
    /// `namespace/name`, as `netpol explain` takes it.
    pub fn id(&self) -> String {
        format!("{}/{}", self.namespace, self.name)
    }

    pub fn resource_id(&self) -> String {
        format!("{}/{}/{}", self.kind, self.namespace, self.name)
    }
}

/// The port part of a policy rule.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PortValue {
    Any,
    Number(u16),
    Named(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PolicyPort {
    pub protocol: Protocol,
    pub port: PortValue,
    pub end_port: Option<u16>,
}

impl fmt::Display for PolicyPort {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.port, self.end_port) {
            (PortValue::Any, _) => write!(f, "any/{}", self.protocol.as_str()),
            (PortValue::Number(p), Some(e)) => write!(f, "{p}-{e}/{}", self.protocol.as_str()),
            (PortValue::Number(p), None) => write!(f, "{p}/{}", self.protocol.as_str()),
            (PortValue::Named(n), _) => write!(f, "{n}/{}", self.protocol.as_str()),
        }
    }
}

/// One `from`/`to` entry.
#[derive(Debug, Clone, PartialEq)]
pub enum Peer {
    /// `podSelector` and/or `namespaceSelector`; `namespaces: None` means the policy's own namespace.
    Pods {
        pods: LabelSelector,
        namespaces: Option<LabelSelector>,
    },
    IpBlock {
        cidr: Cidr,
        except: Vec<Cidr>,
    },
}

impl fmt::Display for Peer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Peer::Pods {
                pods,
                namespaces: None,
            } => write!(f, "pods {pods}"),
            Peer::Pods {
                pods,
                namespaces: Some(ns),
            } => write!(f, "pods {pods} in namespaces {ns}"),
            Peer::IpBlock { cidr, except } if except.is_empty() => write!(f, "ipBlock {cidr}"),
            Peer::IpBlock { cidr, except } => write!(
                f,
                "ipBlock {cidr} except {}",
                except
                    .iter()
                    .map(|c| c.to_string())
                    .collect::<Vec<_>>()
                    .join(",")
            ),
        }
    }
}

/// One ingress or egress rule: any peer and any port must match (empty lists match all).
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    pub peers: Vec<Peer>,
    pub ports: Vec<PolicyPort>,
    pub source: Source,
    /// The rule had peers written but every one was invalid: it matches nothing.
    pub matches_nothing: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    Ingress,
    Egress,
}

/// A NetworkPolicy.
#[derive(Debug, Clone)]
pub struct Policy {
    pub name: String,
    pub namespace: String,
    pub selector: LabelSelector,
    /// `Some` when the policy isolates ingress (its rules, possibly none).
    pub ingress: Option<Vec<Rule>>,
    pub egress: Option<Vec<Rule>>,
    pub source: Source,
}

impl Policy {
    pub fn resource_id(&self) -> String {
        format!("NetworkPolicy/{}/{}", self.namespace, self.name)
    }

    pub fn rules(&self, d: Direction) -> Option<&Vec<Rule>> {
        match d {
            Direction::Ingress => self.ingress.as_ref(),
            Direction::Egress => self.egress.as_ref(),
        }
    }
}

/// A Service or Ingress that exposes workloads outside the cluster.
#[derive(Debug, Clone)]
pub struct Exposure {
    pub resource_id: String,
    pub namespace: String,
    pub how: String,
    pub selector: BTreeMap<String, String>,
    pub source: Source,
}

/// Settings from `[kubernetes]` of `palisade.toml`.
#[derive(Debug, Clone)]
pub struct Options {
    /// Pod and service ranges of the cluster; addresses outside them are "the internet".
    pub cluster_cidrs: Vec<Cidr>,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            cluster_cidrs: ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"]
                .iter()
                .map(|c| Cidr::parse(c).expect("valid default CIDR"))
                .collect(),
        }
    }
}

/// `cluster_cidrs` in `[kubernetes]` is not a list of CIDR strings.
#[derive(Debug, Clone, thiserror::Error)]
#[error("[kubernetes] cluster_cidrs: {0}")]
pub struct OptionsError(pub String);

impl Options {
    /// Reads `cluster_cidrs = ["10.0.0.0/8", ...]` from the `[kubernetes]` table.
    pub fn from_table(table: &toml::Table) -> Result<Options, OptionsError> {
        let Some(value) = table.get("cluster_cidrs") else {
            return Ok(Options::default());
        };
        let list = value
            .as_array()
            .ok_or_else(|| OptionsError("expected a list of CIDR strings".into()))?;
        let cluster_cidrs = list
            .iter()
            .map(|v| {
                let s = v
                    .as_str()
                    .ok_or_else(|| OptionsError(format!("{v} is not a string")))?;
                Cidr::parse(s).map_err(|e| OptionsError(e.to_string()))
            })
            .collect::<Result<_, _>>()?;
        Ok(Options { cluster_cidrs })
    }
}

/// Everything the engine needs from a scan.
#[derive(Debug, Default)]
pub struct NetworkModel {
    /// Namespace name → labels (with the automatic name label).
    pub namespaces: BTreeMap<String, BTreeMap<String, String>>,
    /// Namespace objects present in the scan, for locations.
    pub namespace_sources: BTreeMap<String, Source>,
    pub workloads: Vec<Workload>,
    pub policies: Vec<Policy>,
    pub exposures: Vec<Exposure>,
    pub errors: Vec<ScanError>,
}

fn namespace_labels(name: &str, labels: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    let mut l = labels.clone();
    l.insert(NAMESPACE_NAME_LABEL.to_string(), name.to_string());
    l
}

/// A Service as far as exposure goes, kept until every workload and Ingress is known.
#[derive(Debug)]
struct ServiceFacts {
    name: String,
    namespace: String,
    resource_id: String,
    service_type: String,
    selector: BTreeMap<String, String>,
    type_source: Source,
}

/// An Ingress: the Services it routes to, resolved when every Service is known.
#[derive(Debug)]
struct IngressFacts {
    name: String,
    namespace: String,
    resource_id: String,
    backends: BTreeSet<String>,
    source: Source,
}

/// Builds a [`NetworkModel`] object by object, so a scan can feed it one file at a time
/// and drop each file's tree as soon as it has been read. Per-file builders are combined
/// with [`NetworkBuilder::merge`] in file order.
#[derive(Debug, Default)]
pub struct NetworkBuilder {
    model: NetworkModel,
    services: Vec<ServiceFacts>,
    ingresses: Vec<IngressFacts>,
}

impl NetworkBuilder {
    pub fn add(&mut self, obj: &K8sObject) {
        let m = &mut self.model;
        match obj.kind.as_str() {
            "Namespace" => {
                m.namespaces
                    .insert(obj.name.clone(), namespace_labels(&obj.name, &obj.labels));
                m.namespace_sources
                    .insert(obj.name.clone(), Source::of(obj, &obj.root));
                return;
            }
            "NetworkPolicy" if obj.api_version.starts_with("networking.k8s.io") => {
                if let Some(p) = m.parse_policy(obj) {
                    m.policies.push(p);
                }
            }
            // The core Service only: Knative's `Service` is a workload (below).
            "Service" if obj.api_version == "v1" => {
                let (service_type, selector) = obj.service_spec();
                self.services.push(ServiceFacts {
                    name: obj.name.clone(),
                    namespace: obj.effective_namespace().to_string(),
                    resource_id: obj.resource_id(),
                    service_type: service_type.to_string(),
                    selector,
                    type_source: Source::of(
                        obj,
                        obj.root.path(&["spec", "type"]).unwrap_or(&obj.root),
                    ),
                });
            }
            "Ingress" => {
                let mut backends = BTreeSet::new();
                collect_backends(&obj.root, &mut backends, 0);
                self.ingresses.push(IngressFacts {
                    name: obj.name.clone(),
                    namespace: obj.effective_namespace().to_string(),
                    resource_id: obj.resource_id(),
                    backends,
                    source: Source::of(obj, &obj.root),
                });
            }
            _ => {
                if let Some(pod) = PodView::of(obj) {
                    m.workloads.push(workload_of(&pod));
                }
            }
        }
        if !obj.is_cluster_scoped() {
            let ns = obj.effective_namespace().to_string();
            m.namespaces
                .entry(ns.clone())
                .or_insert_with(|| namespace_labels(&ns, &BTreeMap::new()));
        }
    }

    /// Adds a workload read before with [`workload`], as [`NetworkBuilder::add`] adds the
    /// object it was read from: a caller that keeps many workloads need not keep their trees.
    pub fn add_workload(&mut self, workload: Workload) {
        let m = &mut self.model;
        m.namespaces
            .entry(workload.namespace.clone())
            .or_insert_with(|| namespace_labels(&workload.namespace, &BTreeMap::new()));
        m.workloads.push(workload);
    }

    /// Adds what `later` saw; its objects count as coming after ours.
    pub fn merge(&mut self, later: NetworkBuilder) {
        let m = &mut self.model;
        let l = later.model;
        // A Namespace object's labels win over the bare entry a namespaced object creates,
        // whichever file comes first.
        for (name, labels) in l.namespaces {
            if l.namespace_sources.contains_key(&name) {
                m.namespaces.insert(name, labels);
            } else {
                m.namespaces.entry(name).or_insert(labels);
            }
        }
        m.namespace_sources.extend(l.namespace_sources);
        m.workloads.extend(l.workloads);
        m.policies.extend(l.policies);
        m.exposures.extend(l.exposures);
        m.errors.extend(l.errors);
        self.services.extend(later.services);
        self.ingresses.extend(later.ingresses);
    }

    /// The model of everything added, with the exposures of Services and Ingresses.
    pub fn finish(self) -> NetworkModel {
        let mut m = self.model;
        for svc in &self.services {
            if matches!(svc.service_type.as_str(), "LoadBalancer" | "NodePort")
                && !svc.selector.is_empty()
            {
                m.exposures.push(Exposure {
                    resource_id: svc.resource_id.clone(),
                    namespace: svc.namespace.clone(),
                    how: format!("Service type {}", svc.service_type),
                    selector: svc.selector.clone(),
                    source: svc.type_source.clone(),
                });
            }
        }
        for ing in &self.ingresses {
            for name in &ing.backends {
                if let Some(svc) = self.services.iter().find(|s| {
                    &s.name == name && s.namespace == ing.namespace && !s.selector.is_empty()
                }) {
                    m.exposures.push(Exposure {
                        resource_id: ing.resource_id.clone(),
                        namespace: ing.namespace.clone(),
                        how: format!("Ingress {} via Service {name}", ing.name),
                        selector: svc.selector.clone(),
                        source: ing.source.clone(),
                    });
                }
            }
        }
        m
    }
}

impl NetworkModel {
    pub fn build<'a>(objects: impl IntoIterator<Item = &'a K8sObject>) -> NetworkModel {
        let mut builder = NetworkBuilder::default();
        for obj in objects {
            builder.add(obj);
        }
        builder.finish()
    }

    fn error(&mut self, obj: &K8sObject, line: u32, message: String) {
        self.errors.push(ScanError::new(
            obj.path.as_ref(),
            Some(line),
            format!("{}: {message}", obj.resource_id()),
        ));
    }

    fn selector(&mut self, obj: &K8sObject, node: Option<&Node>) -> Option<LabelSelector> {
        match LabelSelector::parse(node) {
            Ok(s) => Some(s),
            Err(e) => {
                self.error(obj, e.line, e.message);
                None
            }
        }
    }

    fn parse_policy(&mut self, obj: &K8sObject) -> Option<Policy> {
        let spec = obj.root.get("spec");
        let Some(spec) = spec.filter(|s| s.is_map()) else {
            self.error(obj, obj.start_line, "NetworkPolicy has no spec".into());
            return None;
        };
        // An invalid podSelector would be rejected by the API server: the policy does not exist.
        let selector = self.selector(obj, spec.get("podSelector"))?;
        let declared: Option<Vec<String>> = spec.get("policyTypes").map(|t| {
            t.items()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        });
        let has_egress_section = spec.get("egress").is_some_and(|e| !e.is_null());
        let (ingress_on, egress_on) = match &declared {
            Some(types) => (
                types.iter().any(|t| t == "Ingress"),
                types.iter().any(|t| t == "Egress"),
            ),
            None => (true, has_egress_section),
        };
        let ingress = ingress_on.then(|| self.rules(obj, spec.get("ingress"), "from"));
        let egress = egress_on.then(|| self.rules(obj, spec.get("egress"), "to"));
        Some(Policy {
            name: obj.name.clone(),
            namespace: obj.effective_namespace().to_string(),
            selector,
            ingress,
            egress,
            source: Source::of(obj, &obj.root),
        })
    }

    fn rules(&mut self, obj: &K8sObject, node: Option<&Node>, peers_key: &str) -> Vec<Rule> {
        let mut out = Vec::new();
        for r in node.into_iter().flat_map(Node::items) {
            let mut peers = Vec::new();
            let written = r.get(peers_key).map(|p| p.items().len()).unwrap_or(0);
            for p in r.get(peers_key).into_iter().flat_map(Node::items) {
                if let Some(peer) = self.peer(obj, p) {
                    peers.push(peer);
                }
            }
            let mut ports = Vec::new();
            let mut bad_ports = false;
            for p in r.get("ports").into_iter().flat_map(Node::items) {
                match self.port(obj, p) {
                    Some(port) => ports.push(port),
                    None => bad_ports = true,
                }
            }
            out.push(Rule {
                matches_nothing: (written > 0 && peers.is_empty())
                    || (bad_ports && ports.is_empty()),
                peers,
                ports,
                source: Source::of(obj, r),
            });
        }
        out
    }

    fn peer(&mut self, obj: &K8sObject, p: &Node) -> Option<Peer> {
        if let Some(block) = p.get("ipBlock") {
            let cidr_text = block.get("cidr").and_then(Node::as_str).unwrap_or("");
            let cidr = match Cidr::parse(cidr_text) {
                Ok(c) => c,
                Err(e) => {
                    self.error(obj, block.pos.line, e.to_string());
                    return None;
                }
            };
            let mut except = Vec::new();
            for e in block.get("except").into_iter().flat_map(Node::items) {
                match Cidr::parse(e.as_str().unwrap_or("")) {
                    Ok(c) => except.push(c),
                    Err(err) => {
                        self.error(obj, e.pos.line, format!("except: {err}"));
                        return None;
                    }
                }
            }
            return Some(Peer::IpBlock { cidr, except });
        }
        let pod_node = p.get("podSelector");
        let ns_node = p.get("namespaceSelector");
        if pod_node.is_none() && ns_node.is_none() {
            self.error(
                obj,
                p.pos.line,
                "a peer needs podSelector, namespaceSelector or ipBlock; it is ignored".into(),
            );
            return None;
        }
        let pods = self.selector(obj, pod_node)?;
        let namespaces = match ns_node {
            Some(n) => Some(self.selector(obj, Some(n))?),
            None => None,
        };
        Some(Peer::Pods { pods, namespaces })
    }

    fn port(&mut self, obj: &K8sObject, p: &Node) -> Option<PolicyPort> {
        let protocol = match p.get("protocol").and_then(Node::as_str) {
            None => Protocol::Tcp,
            Some(t) => match Protocol::parse(t) {
                Some(proto) => proto,
                None => {
                    self.error(obj, p.pos.line, format!("unknown protocol `{t}`"));
                    return None;
                }
            },
        };
        let port = match p.get("port") {
            None => PortValue::Any,
            Some(n) if n.is_null() => PortValue::Any,
            Some(n) => match n.as_i64() {
                Some(v) if (1..=65535).contains(&v) => PortValue::Number(v as u16),
                Some(v) => {
                    self.error(obj, n.pos.line, format!("port {v} is outside 1-65535"));
                    return None;
                }
                None => PortValue::Named(n.as_str().unwrap_or("").to_string()),
            },
        };
        let end_port = match p.get("endPort").and_then(Node::as_i64) {
            None => None,
            Some(e) => match port {
                PortValue::Number(start) if (start as i64) <= e && e <= 65535 => Some(e as u16),
                _ => {
                    self.error(
                        obj,
                        p.pos.line,
                        format!("endPort {e} needs a numeric port not above it"),
                    );
                    return None;
                }
            },
        };
        Some(PolicyPort {
            protocol,
            port,
            end_port,
        })
    }
}

fn collect_backends(node: &Node, out: &mut BTreeSet<String>, depth: usize) {
    if depth > 12 {
        return;
    }
    if let Some(name) = node.path(&["service", "name"]).and_then(Node::as_str) {
        out.insert(name.to_string());
    }
    if let Some(name) = node.get("serviceName").and_then(Node::as_str) {
        out.insert(name.to_string());
    }
    for (_, v) in node.entries() {
        collect_backends(v, out, depth + 1);
    }
    for v in node.items() {
        collect_backends(v, out, depth + 1);
    }
}

/// What the network rules read of `obj` when it makes pods (their labels and ports), as
/// [`NetworkBuilder::add`] reads it; `None` for an object without pods.
pub fn workload(obj: &K8sObject) -> Option<Workload> {
    PodView::of(obj).map(|pod| workload_of(&pod))
}

fn workload_of(pod: &PodView) -> Workload {
    let obj = pod.object;
    let mut ports = Vec::new();
    for c in &pod.containers {
        for p in c.node.get("ports").into_iter().flat_map(Node::items) {
            let Some(port) = p
                .get("containerPort")
                .and_then(Node::as_i64)
                .filter(|v| (1..=65535).contains(v))
            else {
                continue;
            };
            ports.push(ContainerPort {
                name: p.get("name").and_then(Node::as_str).map(str::to_string),
                port: port as u16,
                protocol: p
                    .get("protocol")
                    .and_then(Node::as_str)
                    .and_then(Protocol::parse)
                    .unwrap_or(Protocol::Tcp),
                source: p.get("containerPort").map(|n| (n.pos.line, n.pos.column)),
            });
        }
    }
    Workload {
        kind: obj.kind.clone(),
        name: obj.name.clone(),
        namespace: obj.effective_namespace().to_string(),
        labels: pod.pod_labels.clone(),
        ports,
        source: Source::of(obj, &obj.root),
    }
}

/// Whether an ipBlock reaches addresses outside the cluster ranges.
pub fn reaches_internet(cidr: &Cidr, except: &[Cidr], options: &Options) -> bool {
    let mut set = AddressSet::of(*cidr);
    for c in except.iter().chain(&options.cluster_cidrs) {
        set.subtract(c);
    }
    !set.is_empty()
}

/// Whether an ipBlock covers pod addresses: every cluster range of the family, minus nothing.
pub fn covers_cluster(cidr: &Cidr, except: &[Cidr], options: &Options) -> bool {
    let mut set = AddressSet::of(*cidr);
    for c in except {
        set.subtract(c);
    }
    let same_family: Vec<&Cidr> = options
        .cluster_cidrs
        .iter()
        .filter(|c| c.v6 == cidr.v6)
        .collect();
    !same_family.is_empty() && same_family.iter().all(|c| set.contains_all(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_workload_read_before_adds_what_its_object_adds() {
        let text = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: db\n  namespace: data\nspec:\n  template:\n    metadata:\n      labels:\n        app: db\n    spec:\n      containers:\n      - name: db\n        image: postgres\n        ports:\n        - name: sql\n          containerPort: 5432\n";
        let documents = palisade_yaml::load(text).unwrap();
        let file = palisade_iac::kubernetes::ManifestFile::new("db.yaml", text, documents);
        let object = &file.objects[0];
        let mut whole = NetworkBuilder::default();
        whole.add(object);
        let mut read = NetworkBuilder::default();
        read.add_workload(workload(object).unwrap());
        let (whole, read) = (whole.finish(), read.finish());
        assert_eq!(whole.namespaces, read.namespaces);
        assert_eq!(read.namespaces.len(), 1);
        let (a, b) = (&whole.workloads[0], &read.workloads[0]);
        assert_eq!(
            (
                &a.kind,
                &a.name,
                &a.namespace,
                &a.labels,
                &a.ports,
                &a.source
            ),
            (
                &b.kind,
                &b.name,
                &b.namespace,
                &b.labels,
                &b.ports,
                &b.source
            )
        );
        assert_eq!(b.ports[0].port, 5432);
        assert_eq!(b.labels.get("app").map(String::as_str), Some("db"));
        // A Service makes no pods.
        let service = "apiVersion: v1\nkind: Service\nmetadata:\n  name: db\n";
        let file = palisade_iac::kubernetes::ManifestFile::new(
            "svc.yaml",
            service,
            palisade_yaml::load(service).unwrap(),
        );
        assert!(workload(&file.objects[0]).is_none());
    }

    #[test]
    fn cluster_cidrs_come_from_the_kubernetes_table() {
        let table: toml::Table = toml::from_str("cluster_cidrs = [\"100.64.0.0/10\"]").unwrap();
        let o = Options::from_table(&table).unwrap();
        assert_eq!(o.cluster_cidrs, vec![Cidr::parse("100.64.0.0/10").unwrap()]);
        let bad: toml::Table = toml::from_str("cluster_cidrs = [\"10.0.0.0/99\"]").unwrap();
        assert!(Options::from_table(&bad)
            .unwrap_err()
            .to_string()
            .contains("10.0.0.0/99"));
        assert_eq!(
            Options::from_table(&toml::Table::new())
                .unwrap()
                .cluster_cidrs
                .len(),
            Options::default().cluster_cidrs.len()
        );
        let o = Options::from_table(&table).unwrap();
        let ten = Cidr::parse("10.0.0.0/8").unwrap();
        assert!(
            reaches_internet(&ten, &[], &o),
            "10/8 is outside a 100.64/10 cluster"
        );
    }
}
