//! Reachability: which pods may open a connection to which, on which ports, under the
//! union of all NetworkPolicies (a connection needs the source's egress and the
//! destination's ingress to allow it).
//!
//! Pods are grouped by (namespace, labels, container ports) before pairing, since policies
//! cannot tell such pods apart; each policy rule's peers are evaluated once into a bit set
//! over groups. The cost is O(groups × rules) to prepare and O(groups² × rules per group)
//! for the full matrix.

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use crate::model::{
    covers_cluster, reaches_internet, ContainerPort, Direction, NetworkModel, Options, Peer,
    PolicyPort, PortValue, Protocol, Rule,
};

/// A set of (protocol, port range) a connection may use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PortSet {
    All,
    Ranges(Vec<(Protocol, u16, u16)>),
}

impl PortSet {
    pub fn none() -> PortSet {
        PortSet::Ranges(Vec::new())
    }

    pub fn is_empty(&self) -> bool {
        matches!(self, PortSet::Ranges(r) if r.is_empty())
    }

    pub fn contains(&self, protocol: Protocol, port: u16) -> bool {
        match self {
            PortSet::All => true,
            PortSet::Ranges(r) => r
                .iter()
                .any(|&(p, lo, hi)| p == protocol && lo <= port && port <= hi),
        }
    }

    fn add(&mut self, other: PortSet) {
        match (self as &mut PortSet, other) {
            (PortSet::All, _) => {}
            (s, PortSet::All) => *s = PortSet::All,
            (PortSet::Ranges(a), PortSet::Ranges(b)) => {
                a.extend(b);
                normalize(a);
            }
        }
    }

    fn intersect(&self, other: &PortSet) -> PortSet {
        match (self, other) {
            (PortSet::All, o) | (o, PortSet::All) => o.clone(),
            (PortSet::Ranges(a), PortSet::Ranges(b)) => {
                let mut out = Vec::new();
                for &(pa, la, ha) in a {
                    for &(pb, lb, hb) in b {
                        if pa == pb && la.max(lb) <= ha.min(hb) {
                            out.push((pa, la.max(lb), ha.min(hb)));
                        }
                    }
                }
                normalize(&mut out);
                PortSet::Ranges(out)
            }
        }
    }
}

fn normalize(r: &mut Vec<(Protocol, u16, u16)>) {
    r.sort();
    let mut out: Vec<(Protocol, u16, u16)> = Vec::with_capacity(r.len());
    for &(p, lo, hi) in r.iter() {
        match out.last_mut() {
            Some(last) if last.0 == p && lo as u32 <= last.2 as u32 + 1 => last.2 = last.2.max(hi),
            _ => out.push((p, lo, hi)),
        }
    }
    *r = out;
}

impl fmt::Display for PortSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PortSet::All => f.write_str("all"),
            PortSet::Ranges(r) if r.is_empty() => f.write_str("none"),
            PortSet::Ranges(r) => {
                let parts: Vec<String> = r
                    .iter()
                    .map(|&(p, lo, hi)| {
                        let ports = match (lo, hi) {
                            (1, 65535) => "*".to_string(),
                            (a, b) if a == b => a.to_string(),
                            (a, b) => format!("{a}-{b}"),
                        };
                        if p == Protocol::Tcp {
                            ports
                        } else {
                            format!("{ports}/{}", p.as_str())
                        }
                    })
                    .collect();
                f.write_str(&parts.join(","))
            }
        }
    }
}

/// What a matrix row or column stands for.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Endpoint {
    /// Pods of one or more workloads with identical namespace, labels and ports.
    Pods {
        namespace: String,
        workloads: Vec<String>,
    },
    /// Any pod in a namespace: a new pod with no labels, selected only by policies that
    /// select every pod of the namespace.
    AnyPodIn { namespace: String },
    /// Addresses outside the cluster CIDRs.
    Internet,
}

impl Endpoint {
    /// Short label for tables and pictures.
    pub fn label(&self) -> String {
        match self {
            Endpoint::Pods {
                namespace,
                workloads,
            } => {
                let mut s = format!("{namespace}/{}", workloads[0]);
                if workloads.len() > 1 {
                    s.push_str(&format!(" (+{})", workloads.len() - 1));
                }
                s
            }
            Endpoint::AnyPodIn { namespace } => format!("{namespace}/*"),
            Endpoint::Internet => "internet".into(),
        }
    }

    pub fn namespace(&self) -> Option<&str> {
        match self {
            Endpoint::Pods { namespace, .. } | Endpoint::AnyPodIn { namespace } => Some(namespace),
            Endpoint::Internet => None,
        }
    }
}

/// What makes pods indistinguishable to policies: namespace, labels, container ports.
type GroupKey<'a> = (&'a str, &'a BTreeMap<String, String>, &'a [ContainerPort]);

struct Group {
    namespace: String,
    labels: BTreeMap<String, String>,
    ports: Vec<ContainerPort>,
}

/// A rule with where it comes from and what its peers cover.
pub struct IndexedRule {
    pub policy: usize,
    pub direction: Direction,
    pub index: usize,
    /// `from`/`to` absent or empty: every peer, the internet included.
    pub all_peers: bool,
    pub groups: BitSet,
    pub internet: bool,
}

/// A fixed-size bit set over groups.
#[derive(Debug, Clone)]
pub struct BitSet(Vec<u64>);

impl BitSet {
    fn new(n: usize) -> BitSet {
        BitSet(vec![0; n.div_ceil(64)])
    }
    fn set(&mut self, i: usize) {
        self.0[i / 64] |= 1 << (i % 64);
    }
    pub fn get(&self, i: usize) -> bool {
        self.0[i / 64] & (1 << (i % 64)) != 0
    }
}

/// The evaluated network: endpoints and which policy rules apply to each.
pub struct Engine<'m> {
    pub model: &'m NetworkModel,
    pub options: Options,
    groups: Vec<Group>,
    /// Endpoint of each group; the internet is the last endpoint.
    pub endpoints: Vec<Endpoint>,
    /// For each workload, its group.
    pub workload_group: Vec<usize>,
    /// Namespace → indices of its workloads, so per-namespace questions do not scan them all.
    workloads_by_namespace: HashMap<String, Vec<usize>>,
    pub rules: Vec<IndexedRule>,
    /// Per group: the policies selecting it for ingress / egress.
    ingress_policies: Vec<Vec<usize>>,
    egress_policies: Vec<Vec<usize>>,
    /// Per group: rules of the policies selecting it.
    ingress_rules: Vec<Vec<usize>>,
    egress_rules: Vec<Vec<usize>>,
}

impl<'m> Engine<'m> {
    pub fn new(model: &'m NetworkModel, options: Options) -> Engine<'m> {
        let mut groups: Vec<Group> = Vec::new();
        let mut endpoints = Vec::new();
        let mut index: HashMap<GroupKey, usize> = HashMap::new();
        let mut workload_group = Vec::with_capacity(model.workloads.len());
        for w in &model.workloads {
            let key = (w.namespace.as_str(), &w.labels, w.ports.as_slice());
            let g = *index.entry(key).or_insert_with(|| {
                groups.push(Group {
                    namespace: w.namespace.clone(),
                    labels: w.labels.clone(),
                    ports: w.ports.clone(),
                });
                endpoints.push(Endpoint::Pods {
                    namespace: w.namespace.clone(),
                    workloads: Vec::new(),
                });
                groups.len() - 1
            });
            if let Endpoint::Pods { workloads, .. } = &mut endpoints[g] {
                workloads.push(w.name.clone());
            }
            workload_group.push(g);
        }
        for ns in model.namespaces.keys() {
            groups.push(Group {
                namespace: ns.clone(),
                labels: BTreeMap::new(),
                ports: Vec::new(),
            });
            endpoints.push(Endpoint::AnyPodIn {
                namespace: ns.clone(),
            });
        }
        endpoints.push(Endpoint::Internet);
        let n = groups.len();
        let mut by_ns: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, g) in groups.iter().enumerate() {
            by_ns.entry(g.namespace.as_str()).or_default().push(i);
        }
        let empty = Vec::new();
        let mut ingress_policies = vec![Vec::new(); n];
        let mut egress_policies = vec![Vec::new(); n];
        let mut ingress_rules = vec![Vec::new(); n];
        let mut egress_rules = vec![Vec::new(); n];
        let mut rules = Vec::new();
        for (pi, p) in model.policies.iter().enumerate() {
            let selected: Vec<usize> = by_ns
                .get(p.namespace.as_str())
                .unwrap_or(&empty)
                .iter()
                .copied()
                .filter(|&g| p.selector.matches(&groups[g].labels))
                .collect();
            for (direction, list) in [
                (Direction::Ingress, &p.ingress),
                (Direction::Egress, &p.egress),
            ] {
                let Some(list) = list else { continue };
                let mut ids = Vec::with_capacity(list.len());
                for (ri, rule) in list.iter().enumerate() {
                    let (groups_covered, internet) =
                        cover(rule, &p.namespace, &groups, &by_ns, model, &options);
                    ids.push(rules.len());
                    rules.push(IndexedRule {
                        policy: pi,
                        direction,
                        index: ri,
                        all_peers: rule.peers.is_empty() && !rule.matches_nothing,
                        groups: groups_covered,
                        internet,
                    });
                }
                for &g in &selected {
                    match direction {
                        Direction::Ingress => {
                            ingress_policies[g].push(pi);
                            ingress_rules[g].extend(&ids);
                        }
                        Direction::Egress => {
                            egress_policies[g].push(pi);
                            egress_rules[g].extend(&ids);
                        }
                    }
                }
            }
        }
        let mut workloads_by_namespace: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, w) in model.workloads.iter().enumerate() {
            workloads_by_namespace
                .entry(w.namespace.clone())
                .or_default()
                .push(i);
        }
        Engine {
            model,
            options,
            groups,
            endpoints,
            workload_group,
            workloads_by_namespace,
            rules,
            ingress_policies,
            egress_policies,
            ingress_rules,
            egress_rules,
        }
    }

    /// Indices (into `model.workloads`) of the workloads of `namespace`.
    pub fn workloads_in(&self, namespace: &str) -> &[usize] {
        self.workloads_by_namespace
            .get(namespace)
            .map_or(&[], Vec::as_slice)
    }

    /// Index of the internet endpoint.
    pub fn internet(&self) -> usize {
        self.endpoints.len() - 1
    }

    /// Index of the "any pod in namespace" endpoint.
    pub fn any_pod_in(&self, namespace: &str) -> Option<usize> {
        self.endpoints
            .iter()
            .position(|e| matches!(e, Endpoint::AnyPodIn { namespace: n } if n == namespace))
    }

    pub fn rule(&self, r: usize) -> &Rule {
        let ir = &self.rules[r];
        let p = &self.model.policies[ir.policy];
        &p.rules(ir.direction).expect("indexed rules exist")[ir.index]
    }

    /// Policies selecting endpoint `e` in a direction (none for the internet).
    pub fn policies_selecting(&self, e: usize, d: Direction) -> &[usize] {
        if e >= self.groups.len() {
            return &[];
        }
        match d {
            Direction::Ingress => &self.ingress_policies[e],
            Direction::Egress => &self.egress_policies[e],
        }
    }

    fn rule_covers(&self, r: usize, peer: usize) -> bool {
        let ir = &self.rules[r];
        if ir.all_peers {
            return true;
        }
        if peer == self.internet() {
            ir.internet
        } else {
            ir.groups.get(peer)
        }
    }

    /// Ports a rule allows towards destination endpoint `dst` (named ports resolved there).
    fn rule_ports(&self, r: usize, dst: usize) -> PortSet {
        let rule = self.rule(r);
        if rule.ports.is_empty() {
            return PortSet::All;
        }
        let dst_ports: &[ContainerPort] = if dst < self.groups.len() {
            &self.groups[dst].ports
        } else {
            &[]
        };
        let mut out = Vec::new();
        for p in &rule.ports {
            resolve(p, dst_ports, &mut out);
        }
        normalize(&mut out);
        PortSet::Ranges(out)
    }

    /// Ports allowed on one side of a connection, with the rules that allow them.
    fn side(
        &self,
        src: usize,
        dst: usize,
        d: Direction,
        deciding: Option<&mut Vec<usize>>,
    ) -> PortSet {
        let (owner, peer) = match d {
            Direction::Egress => (src, dst),
            Direction::Ingress => (dst, src),
        };
        if owner >= self.groups.len() {
            // The internet is not subject to policies.
            return PortSet::All;
        }
        let rules = match d {
            Direction::Ingress => &self.ingress_rules[owner],
            Direction::Egress => &self.egress_rules[owner],
        };
        let isolated = !self.policies_selecting(owner, d).is_empty();
        if !isolated {
            return PortSet::All;
        }
        let mut set = PortSet::none();
        let mut deciding = deciding;
        for &r in rules {
            if self.rule_covers(r, peer) {
                let ports = self.rule_ports(r, dst);
                if !ports.is_empty() {
                    if let Some(d) = deciding.as_deref_mut() {
                        d.push(r);
                    }
                    set.add(ports);
                }
            }
        }
        set
    }

    /// The ports on which `src` can open connections to `dst` (empty when none).
    pub fn allowed(&self, src: usize, dst: usize) -> PortSet {
        if src == self.internet() && dst == self.internet() {
            return PortSet::none();
        }
        let egress = self.side(src, dst, Direction::Egress, None);
        if egress.is_empty() {
            return egress;
        }
        let ingress = self.side(src, dst, Direction::Ingress, None);
        egress.intersect(&ingress)
    }

    /// The full matrix: for each source endpoint, the destinations it reaches and on which ports.
    pub fn matrix(&self) -> Vec<Vec<(usize, PortSet)>> {
        let n = self.endpoints.len();
        (0..n)
            .map(|s| {
                (0..n)
                    .filter_map(|d| {
                        let p = self.allowed(s, d);
                        (!p.is_empty()).then_some((d, p))
                    })
                    .collect()
            })
            .collect()
    }

    /// One connection with the policies and rules that decide it.
    pub fn explain(&self, src: usize, dst: usize, protocol: Protocol, port: u16) -> Explanation {
        let mut egress_rules = Vec::new();
        let mut ingress_rules = Vec::new();
        let e = self.side(src, dst, Direction::Egress, Some(&mut egress_rules));
        let i = self.side(src, dst, Direction::Ingress, Some(&mut ingress_rules));
        let side = |owner: usize, d: Direction, set: &PortSet, rules: Vec<usize>| {
            let policies = self.policies_selecting(owner, d);
            let rules: Vec<usize> = rules
                .into_iter()
                .filter(|&r| self.rule_ports(r, dst).contains(protocol, port))
                .collect();
            SideExplanation {
                isolated: !policies.is_empty(),
                allowed: set.contains(protocol, port),
                policies: policies
                    .iter()
                    .map(|&p| self.model.policies[p].resource_id())
                    .collect(),
                rules: rules.iter().map(|&r| self.describe_rule(r)).collect(),
            }
        };
        let egress = side(src, Direction::Egress, &e, egress_rules);
        let ingress = side(dst, Direction::Ingress, &i, ingress_rules);
        let allowed = egress.allowed
            && ingress.allowed
            && !(src == self.internet() && dst == self.internet());
        let mut policies: Vec<String> = egress
            .policies
            .iter()
            .chain(&ingress.policies)
            .cloned()
            .collect();
        policies.dedup();
        let mut rules: Vec<RuleOut> = egress.rules.clone();
        rules.extend(ingress.rules.iter().cloned());
        let reason = match (egress.allowed, ingress.allowed) {
            _ if allowed => {
                let why = |s: &SideExplanation, d: &str| {
                    if s.isolated {
                        format!("{d} allowed by {}", s.rules.iter().map(|r| r.name()).collect::<Vec<_>>().join(", "))
                    } else {
                        format!("{d} not restricted (no policy selects the pod for {d})")
                    }
                };
                format!("{}; {}", why(&egress, "egress"), why(&ingress, "ingress"))
            }
            (false, _) => format!(
                "egress denied: the source is selected by {} and no egress rule allows this destination and port",
                egress.policies.join(", ")
            ),
            (true, _) => format!(
                "ingress denied: the destination is selected by {} and no ingress rule allows this source and port",
                ingress.policies.join(", ")
            ),
        };
        Explanation {
            allowed,
            from: self.endpoints[src].label(),
            to: self.endpoints[dst].label(),
            protocol,
            port,
            reason,
            policies,
            rules,
            egress,
            ingress,
        }
    }

    pub fn describe_rule(&self, r: usize) -> RuleOut {
        let ir = &self.rules[r];
        let p = &self.model.policies[ir.policy];
        let rule = self.rule(r);
        RuleOut {
            policy: p.resource_id(),
            direction: ir.direction,
            index: ir.index,
            location: rule.source.to_string(),
            peers: if rule.peers.is_empty() {
                vec!["any".into()]
            } else {
                rule.peers.iter().map(|p| p.to_string()).collect()
            },
            ports: if rule.ports.is_empty() {
                vec!["any".into()]
            } else {
                rule.ports.iter().map(|p| p.to_string()).collect()
            },
        }
    }

    /// Finds an endpoint by `NS/WORKLOAD`, `NS/KIND/WORKLOAD`, `NS/*` or `internet`.
    pub fn find(&self, text: &str) -> Option<usize> {
        if text.eq_ignore_ascii_case("internet") {
            return Some(self.internet());
        }
        let parts: Vec<&str> = text.split('/').collect();
        match parts.as_slice() {
            [ns, "*"] => self.any_pod_in(ns),
            [ns, name] => self
                .model
                .workloads
                .iter()
                .position(|w| w.namespace == *ns && w.name == *name)
                .map(|w| self.workload_group[w]),
            [ns, kind, name] => self
                .model
                .workloads
                .iter()
                .position(|w| {
                    w.namespace == *ns && w.name == *name && w.kind.eq_ignore_ascii_case(kind)
                })
                .map(|w| self.workload_group[w]),
            _ => None,
        }
    }
}

/// Resolves a policy port against the destination's container ports.
fn resolve(p: &PolicyPort, dst_ports: &[ContainerPort], out: &mut Vec<(Protocol, u16, u16)>) {
    match &p.port {
        PortValue::Any => out.push((p.protocol, 1, 65535)),
        PortValue::Number(n) => out.push((p.protocol, *n, p.end_port.unwrap_or(*n))),
        PortValue::Named(name) => {
            for c in dst_ports {
                if c.protocol == p.protocol && c.name.as_deref() == Some(name.as_str()) {
                    out.push((p.protocol, c.port, c.port));
                }
            }
        }
    }
}

fn cover(
    rule: &Rule,
    policy_ns: &str,
    groups: &[Group],
    by_ns: &HashMap<&str, Vec<usize>>,
    model: &NetworkModel,
    options: &Options,
) -> (BitSet, bool) {
    let mut set = BitSet::new(groups.len());
    let mut internet = false;
    if rule.matches_nothing {
        return (set, false);
    }
    if rule.peers.is_empty() {
        for i in 0..groups.len() {
            set.set(i);
        }
        return (set, true);
    }
    for peer in &rule.peers {
        match peer {
            Peer::Pods { pods, namespaces } => {
                let namespaces: Vec<&str> = match namespaces {
                    None => vec![policy_ns],
                    Some(sel) => model
                        .namespaces
                        .iter()
                        .filter(|(_, labels)| sel.matches(labels))
                        .map(|(n, _)| n.as_str())
                        .collect(),
                };
                for ns in namespaces {
                    for &g in by_ns.get(ns).into_iter().flatten() {
                        if pods.matches(&groups[g].labels) {
                            set.set(g);
                        }
                    }
                }
            }
            Peer::IpBlock { cidr, except } => {
                if reaches_internet(cidr, except, options) {
                    internet = true;
                }
                if covers_cluster(cidr, except, options) {
                    for i in 0..groups.len() {
                        set.set(i);
                    }
                }
            }
        }
    }
    (set, internet)
}

/// A rule as printed in explanations.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RuleOut {
    pub policy: String,
    pub direction: Direction,
    pub index: usize,
    pub location: String,
    pub peers: Vec<String>,
    pub ports: Vec<String>,
}

impl RuleOut {
    pub fn name(&self) -> String {
        let d = match self.direction {
            Direction::Ingress => "ingress",
            Direction::Egress => "egress",
        };
        if self.location == self.policy {
            // An object read from an API is located by its name alone.
            format!("{} {d}[{}]", self.policy, self.index)
        } else {
            format!("{} {d}[{}] ({})", self.policy, self.index, self.location)
        }
    }
}

/// One side (egress of the source, ingress of the destination) of a connection.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SideExplanation {
    /// Whether any policy selects the pod for this direction.
    pub isolated: bool,
    pub allowed: bool,
    pub policies: Vec<String>,
    /// Rules that allow this connection and port.
    pub rules: Vec<RuleOut>,
}

/// The answer of `netpol explain`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Explanation {
    pub allowed: bool,
    pub from: String,
    pub to: String,
    pub protocol: Protocol,
    pub port: u16,
    pub reason: String,
    /// Every policy that selects the source (egress) or the destination (ingress).
    pub policies: Vec<String>,
    /// The rules that allow the connection.
    pub rules: Vec<RuleOut>,
    pub egress: SideExplanation,
    pub ingress: SideExplanation,
}

impl Explanation {
    pub fn to_text(&self) -> String {
        let mut out = format!(
            "{} -> {} port {}/{}: {}\n  {}\n",
            self.from,
            self.to,
            self.port,
            self.protocol.as_str(),
            if self.allowed { "ALLOWED" } else { "DENIED" },
            self.reason
        );
        for (name, s) in [("egress", &self.egress), ("ingress", &self.ingress)] {
            out.push_str(&format!(
                "  {name}: {}{}\n",
                if s.allowed { "allowed" } else { "denied" },
                if s.isolated {
                    format!(" (selected by {})", s.policies.join(", "))
                } else {
                    " (no policy selects the pod)".into()
                }
            ));
            for r in &s.rules {
                out.push_str(&format!(
                    "    {}: from/to {} on {}\n",
                    r.name(),
                    r.peers.join("; "),
                    r.ports.join(", ")
                ));
            }
        }
        out
    }
}
