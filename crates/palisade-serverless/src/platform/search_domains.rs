//! OpenSearch and Elasticsearch domains: access policies that open a public endpoint to
//! anyone, HTTPS and TLS settings, and encryption at rest and between nodes.

use std::collections::HashMap;

use super::model::*;
use super::policy::{public_statements, writes};
use super::{attr_bool, attr_str, blocks, SourceResource};
use crate::model::{Attr, Cloud};
use crate::value::{Pos, Value};

pub(super) const TERRAFORM_TYPES: &[&str] = &[
    "aws_opensearch_domain",
    "aws_elasticsearch_domain",
    "aws_opensearch_domain_policy",
    "aws_elasticsearch_domain_policy",
];

pub(super) const CFN_TYPES: &[&str] = &[
    "AWS::OpenSearchService::Domain",
    "AWS::Elasticsearch::Domain",
];

/// The settings of one domain in either language, read through its key names.
struct Keys {
    /// Terraform's provider fills some defaults the service API does not.
    terraform: bool,
    vpc: &'static str,
    policies: &'static str,
    endpoint: &'static str,
    enforce_https: &'static str,
    tls_policy: &'static str,
    at_rest: &'static str,
    node_to_node: &'static str,
    enabled: &'static str,
    instance_count: &'static str,
    dedicated_master: &'static str,
}

const TERRAFORM: Keys = Keys {
    terraform: true,
    vpc: "vpc_options",
    policies: "access_policies",
    endpoint: "domain_endpoint_options",
    enforce_https: "enforce_https",
    tls_policy: "tls_security_policy",
    at_rest: "encrypt_at_rest",
    node_to_node: "node_to_node_encryption",
    enabled: "enabled",
    instance_count: "instance_count",
    dedicated_master: "dedicated_master_enabled",
};

const CFN: Keys = Keys {
    terraform: false,
    vpc: "VPCOptions",
    policies: "AccessPolicies",
    endpoint: "DomainEndpointOptions",
    enforce_https: "EnforceHTTPS",
    tls_policy: "TLSSecurityPolicy",
    at_rest: "EncryptionAtRestOptions",
    node_to_node: "NodeToNodeEncryptionOptions",
    enabled: "Enabled",
    instance_count: "InstanceCount",
    dedicated_master: "DedicatedMasterEnabled",
};

pub(super) fn terraform(
    resources: &[SourceResource],
    documents: &HashMap<&str, &Value>,
    p: &mut Platform,
) {
    // Domains outside any VPC, by key: only their policies are judged.
    let mut public_endpoint: Vec<&str> = Vec::new();
    for r in resources {
        let kind = match r.rtype {
            "aws_opensearch_domain" => "OpenSearch domain",
            "aws_elasticsearch_domain" => "Elasticsearch domain",
            _ => continue,
        };
        let cluster = blocks(r.body, "cluster_config").first().copied();
        if domain(r, kind, &TERRAFORM, cluster, documents, p) {
            public_endpoint.push(r.key);
        }
    }
    for r in resources.iter().filter(|r| {
        r.rtype == "aws_opensearch_domain_policy" || r.rtype == "aws_elasticsearch_domain_policy"
    }) {
        let Some(domain) = r.body.get("domain_name").and_then(Value::ref_target) else {
            continue;
        };
        if !public_endpoint.contains(&domain) {
            continue;
        }
        if let Some(policy) = r.body.get("access_policies") {
            grants(r, policy, documents, p);
        }
    }
}

pub(super) fn cfn(r: &SourceResource, p: &mut Platform) {
    let (kind, cluster_key) = match r.rtype {
        "AWS::OpenSearchService::Domain" => ("OpenSearch domain", "ClusterConfig"),
        "AWS::Elasticsearch::Domain" => ("Elasticsearch domain", "ElasticsearchClusterConfig"),
        _ => return,
    };
    let cluster = r.body.get(cluster_key);
    domain(r, kind, &CFN, cluster, &HashMap::new(), p);
}

/// Reads one domain; returns whether its endpoint is public (no VPC options).
fn domain(
    r: &SourceResource,
    kind: &'static str,
    k: &Keys,
    cluster: Option<&Value>,
    documents: &HashMap<&str, &Value>,
    p: &mut Platform,
) -> bool {
    let b = r.body;
    let section =
        |key: &str| -> Option<&Value> { b.get(key).and_then(|v| v.one_or_many().first().copied()) };
    let switch = |key: &str| -> Attr<bool> {
        match section(key) {
            None => Attr::Set(false, r.pos),
            Some(s) if s.is_unknown() => Attr::Unknown(s.pos),
            Some(s) => match attr_bool(s.get(k.enabled)) {
                Attr::Unset => Attr::Set(false, s.pos),
                other => other,
            },
        }
    };
    let endpoint = section(k.endpoint);
    // The service does not enforce HTTPS unless asked. The Terraform provider asks by
    // default once `domain_endpoint_options` is written; without the block its default
    // is not sent, and such domains are not judged.
    let enforce_https = match endpoint {
        Some(e) if e.is_unknown() => Attr::Unknown(e.pos),
        Some(e) => match attr_bool(e.get(k.enforce_https)) {
            Attr::Unset if k.terraform => Attr::Set(true, e.pos),
            Attr::Unset => Attr::Set(false, e.pos),
            other => other,
        },
        None if k.terraform => Attr::Unset,
        None => Attr::Set(false, r.pos),
    };
    let tls_policy = match endpoint {
        None => Attr::Unset,
        Some(e) if e.is_unknown() => Attr::Unknown(e.pos),
        Some(e) => attr_str(e.get(k.tls_policy)),
    };
    p.search_domains.push(SearchDomain {
        resource: r.id.clone(),
        kind,
        pos: r.pos,
        enforce_https,
        tls_policy,
        encrypted_at_rest: switch(k.at_rest),
        node_to_node: switch(k.node_to_node),
        multi_node: multi_node(cluster, k, r.pos),
    });
    let public = section(k.vpc).is_none();
    if public {
        if let Some(policy) = b.get(k.policies) {
            grants(r, policy, documents, p);
        }
    }
    public
}

/// More than one data node, or dedicated master nodes: unwritten counts are one node.
fn multi_node(cluster: Option<&Value>, k: &Keys, fallback: Pos) -> Attr<bool> {
    let Some(c) = cluster else {
        return Attr::Set(false, fallback);
    };
    if c.is_unknown() {
        return Attr::Unknown(c.pos);
    }
    let count = match c.get(k.instance_count) {
        None => Attr::Set(false, c.pos),
        Some(v) => match v.as_i64() {
            Some(n) => Attr::Set(n > 1, v.pos),
            None => Attr::Unknown(v.pos),
        },
    };
    match (count, attr_bool(c.get(k.dedicated_master))) {
        (Attr::Set(true, pos), _) | (_, Attr::Set(true, pos)) => Attr::Set(true, pos),
        (Attr::Unknown(pos), _) | (_, Attr::Unknown(pos)) => Attr::Unknown(pos),
        (other, _) => other,
    }
}

fn grants(r: &SourceResource, policy: &Value, documents: &HashMap<&str, &Value>, p: &mut Platform) {
    for s in public_statements(policy, documents) {
        p.search_grants.push(PublicGrant {
            resource: r.id.clone(),
            cloud: Cloud::Aws,
            target: "search domain",
            grant: format!(
                "policy Principal * on {}",
                if s.actions.is_empty() {
                    "its actions".to_string()
                } else {
                    s.actions.join(", ")
                }
            ),
            write: writes(&s.actions),
            via: GrantVia::Policy,
            bucket: None,
            pos: s.pos,
        });
    }
}
