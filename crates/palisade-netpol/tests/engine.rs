//! NetworkPolicy semantics beyond the recipes: expressions, named ports, port ranges,
//! ipBlock with except, policyTypes defaulting, and bad input.

use crate::common;

use common::{deployment as dep, namespace as ns, Cluster};
use palisade_netpol::Protocol;

fn policy(ns: &str, name: &str, spec: &str) -> String {
    format!("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {{name: {name}, namespace: {ns}}}\nspec:\n{spec}\n---\n")
}

#[test]
fn match_expressions_and_combined_selectors() {
    let state = ns("shop", "env=prod") + &ns("lab", "env=dev")
        + &dep("shop", "db", "app=db", &["5432"])
        + &dep("shop", "api", "app=api,tier=backend", &[])
        + &dep("shop", "batch", "app=batch,tier=jobs", &[])
        + &dep("lab", "api", "app=api,tier=backend", &[])
        + &policy("shop", "db", "  podSelector: {matchLabels: {app: db}}\n  ingress:\n  - from:\n    - namespaceSelector: {matchExpressions: [{key: env, operator: In, values: [prod, staging]}]}\n      podSelector: {matchExpressions: [{key: tier, operator: NotIn, values: [jobs]}]}");
    let c = Cluster::new(&[("s.yaml", state)]);
    assert!(c.can("shop/api", "shop/db", 5432));
    assert!(!c.can("shop/batch", "shop/db", 5432));
    assert!(!c.can("lab/api", "shop/db", 5432));
    assert!(
        c.can("shop/*", "shop/db", 5432),
        "an unlabelled pod has no tier, so NotIn holds"
    );
}

#[test]
fn named_ports_resolve_on_the_destination_and_end_port_makes_ranges() {
    let state = dep("default", "web", "app=web", &["http:8080", "metrics:9090"])
        + &dep("default", "old", "app=web,old=yes", &["http:80"])
        + &dep("default", "client", "app=client", &[])
        + &policy("default", "web", "  podSelector: {matchLabels: {app: web}}\n  ingress:\n  - ports: [{port: http}, {port: 30000, endPort: 30010}]");
    let c = Cluster::new(&[("s.yaml", state)]);
    assert!(c.can("default/client", "default/web", 8080));
    assert!(!c.can("default/client", "default/web", 9090));
    assert!(c.can("default/client", "default/old", 80));
    assert!(!c.can("default/client", "default/old", 8080));
    assert!(c.can("default/client", "default/web", 30005));
    assert!(!c.can("default/client", "default/web", 30011));
    assert!(!c.can_proto("default/client", "default/web", 8080, Protocol::Udp));
}

#[test]
fn ip_blocks_reach_the_internet_minus_except_and_cluster_ranges() {
    let state = dep("default", "app", "app=a", &[])
        + &dep("default", "other", "app=b", &["80"])
        + &policy("default", "egress", "  podSelector: {matchLabels: {app: a}}\n  policyTypes: [Egress]\n  egress:\n  - to: [{ipBlock: {cidr: 10.0.0.0/8}}]\n  - to: [{ipBlock: {cidr: 0.0.0.0/0, except: [169.254.169.254/32]}}]\n    ports: [{port: 443}]");
    let c = Cluster::new(&[("s.yaml", state)]);
    assert!(c.can("default/app", "internet", 443));
    assert!(!c.can("default/app", "internet", 80));
    // 0.0.0.0/0 covers every cluster range, so it covers pods too.
    assert!(c.can("default/app", "default/other", 443));
    assert!(
        !c.can("default/app", "default/other", 80),
        "10.0.0.0/8 alone does not cover all cluster ranges"
    );
}

#[test]
fn policy_types_default_from_the_sections_present() {
    let state = dep("default", "a", "app=a", &["80"])
        + &dep("default", "b", "app=b", &["80"])
        // No policyTypes and an egress section: both directions isolated.
        + &policy("default", "both", "  podSelector: {matchLabels: {app: a}}\n  egress: []")
        // policyTypes: [Egress] only: ingress stays open even with an ingress section.
        + &policy("default", "egress-only", "  podSelector: {matchLabels: {app: b}}\n  policyTypes: [Egress]\n  ingress: []\n  egress: [{}]");
    let c = Cluster::new(&[("s.yaml", state)]);
    assert!(
        !c.can("default/b", "default/a", 80),
        "a's ingress is isolated by default"
    );
    assert!(
        !c.can("default/a", "default/b", 80),
        "a's egress section isolates egress"
    );
    let c2 = Cluster::new(&[(
        "s.yaml",
        dep("default", "b", "app=b", &["80"])
            + &dep("default", "c", "app=c", &[])
            + &policy("default", "egress-only", "  podSelector: {matchLabels: {app: b}}\n  policyTypes: [Egress]\n  ingress: []\n  egress: [{}]"),
    )]);
    assert!(c2.can("default/c", "default/b", 80));
}

#[test]
fn bad_input_is_reported_and_the_rest_still_evaluated() {
    let state = dep("default", "web", "app=web", &["80"])
        + &dep("default", "client", "app=client", &[])
        + &policy("default", "bad-op", "  podSelector: {matchExpressions: [{key: app, operator: Equals, values: [web]}]}\n  ingress: []")
        + &policy("default", "bad-cidr", "  podSelector: {matchLabels: {app: web}}\n  ingress:\n  - from: [{ipBlock: {cidr: 10.0.0.0/40}}]\n  - from: [{podSelector: {matchLabels: {app: client}}}]\n    ports: [{port: 80, protocol: QUIC}, {port: 80}]");
    let c = Cluster::new(&[("s.yaml", state)]);
    let messages: Vec<String> = c
        .model
        .errors
        .iter()
        .map(|e| format!("{}:{} {}", e.path, e.line.unwrap_or(0), e.message))
        .collect();
    assert!(
        messages
            .iter()
            .any(|m| m.contains("Equals") && m.contains("bad-op")),
        "{messages:#?}"
    );
    assert!(
        messages.iter().any(|m| m.contains("10.0.0.0/40")),
        "{messages:#?}"
    );
    assert!(messages.iter().any(|m| m.contains("QUIC")), "{messages:#?}");
    assert_eq!(
        c.model.policies.len(),
        1,
        "the policy with an invalid podSelector does not exist"
    );
    assert!(c.can("default/client", "default/web", 80));
    assert!(
        !c.can("internet", "default/web", 80),
        "the rule with only an invalid peer matches nothing"
    );
}

#[test]
fn ten_thousand_namespaces_stay_polynomial() {
    let mut state = String::new();
    for i in 0..10_000 {
        state.push_str(&format!("apiVersion: v1\nkind: Namespace\nmetadata: {{name: ns{i}, labels: {{team: t{}}}}}\n---\n", i % 7));
    }
    state += &dep("ns1", "db", "app=db", &["5432"]);
    state += &policy(
        "ns1",
        "db",
        "  podSelector: {}\n  ingress:\n  - from: [{namespaceSelector: {matchLabels: {team: t1}}}]",
    );
    let c = Cluster::new(&[("big.yaml", state)]);
    let e = c.engine();
    assert_eq!(e.endpoints.len(), 10_000 + 1 + 1);
    let db = e.find("ns1/db").unwrap();
    assert!(e
        .allowed(e.find("ns8/*").unwrap(), db)
        .contains(Protocol::Tcp, 5432));
    assert!(e.allowed(e.find("ns2/*").unwrap(), db).is_empty());
}
