#![allow(dead_code)]

use std::sync::Arc;

use palisade_iac::kubernetes::{objects_from_documents, K8sObject};
use palisade_netpol::{Engine, NetworkModel, Options, Protocol};

pub fn objects(name: &str, text: &str) -> Vec<K8sObject> {
    let docs = palisade_yaml::load(text).unwrap_or_else(|e| panic!("{name}: {e:?}"));
    objects_from_documents(&Arc::from(name), docs)
}

/// A Deployment `name` in `ns` whose pods carry `labels` (`k=v,k=v`) and expose `ports`
/// (`name:port` or `port`, TCP unless `/UDP`).
pub fn deployment(ns: &str, name: &str, labels: &str, ports: &[&str]) -> String {
    let labels: Vec<String> = labels
        .split(',')
        .filter(|l| !l.is_empty())
        .map(|l| {
            let (k, v) = l.split_once('=').unwrap();
            format!("{k}: \"{v}\"")
        })
        .collect();
    let ports: Vec<String> = ports
        .iter()
        .map(|p| {
            let (p, proto) = p.split_once('/').unwrap_or((p, "TCP"));
            match p.split_once(':') {
                Some((n, num)) => format!("{{name: {n}, containerPort: {num}, protocol: {proto}}}"),
                None => format!("{{containerPort: {p}, protocol: {proto}}}"),
            }
        })
        .collect();
    format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: {name}, namespace: {ns}}}\nspec:\n  template:\n    metadata:\n      labels: {{{}}}\n    spec:\n      containers:\n      - name: main\n        image: example/{name}:1\n        ports: [{}]\n---\n",
        labels.join(", "),
        ports.join(", ")
    )
}

pub fn namespace(name: &str, labels: &str) -> String {
    let labels: Vec<String> = labels
        .split(',')
        .filter(|l| !l.is_empty())
        .map(|l| {
            let (k, v) = l.split_once('=').unwrap();
            format!("{k}: \"{v}\"")
        })
        .collect();
    format!(
        "apiVersion: v1\nkind: Namespace\nmetadata: {{name: {name}, labels: {{{}}}}}\n---\n",
        labels.join(", ")
    )
}

/// A cluster state: manifests as text, evaluated with default options.
pub struct Cluster {
    pub model: NetworkModel,
}

impl Cluster {
    pub fn new(texts: &[(&str, String)]) -> Cluster {
        let objs: Vec<K8sObject> = texts.iter().flat_map(|(n, t)| objects(n, t)).collect();
        Cluster {
            model: NetworkModel::build(objs.iter()),
        }
    }

    pub fn engine(&self) -> Engine<'_> {
        Engine::new(&self.model, Options::default())
    }

    /// Whether `from` can connect to `to` on TCP `port`.
    pub fn can(&self, from: &str, to: &str, port: u16) -> bool {
        self.can_proto(from, to, port, Protocol::Tcp)
    }

    pub fn can_proto(&self, from: &str, to: &str, port: u16, proto: Protocol) -> bool {
        let e = self.engine();
        let s = e.find(from).unwrap_or_else(|| panic!("no endpoint {from}"));
        let d = e.find(to).unwrap_or_else(|| panic!("no endpoint {to}"));
        let explanation = e.explain(s, d, proto, port);
        let by_matrix = e.allowed(s, d).contains(proto, port);
        assert_eq!(
            explanation.allowed, by_matrix,
            "explain and matrix disagree for {from} -> {to}:{port}"
        );
        by_matrix
    }
}
