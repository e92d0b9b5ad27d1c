//! Container registries: ECR repositories (Terraform, CloudFormation) and Azure Container
//! Registries, with the policies and switches that open them to anyone.

use std::collections::HashMap;

use super::model::*;
use super::policy::{public_statements, writes};
use super::{attr_bool, attr_text, blocks, SourceResource};
use crate::model::{Attr, Cloud};
use crate::value::Value;

pub(super) const TERRAFORM_TYPES: &[&str] = &[
    "aws_ecr_repository",
    "aws_ecr_repository_policy",
    "azurerm_container_registry",
];

pub(super) const CFN_TYPES: &[&str] = &["AWS::ECR::Repository"];

pub(super) fn terraform(r: &SourceResource, documents: &HashMap<&str, &Value>, p: &mut Platform) {
    let b = r.body;
    match r.rtype {
        "aws_ecr_repository" => p.registries.push(Registry {
            resource: r.id.clone(),
            kind: "ECR repository",
            pos: r.pos,
            mutable_tags: Some(mutable(attr_text(b.get("image_tag_mutability")), r)),
            scan_on_push: Some(match blocks(b, "image_scanning_configuration").first() {
                None => Attr::Unset,
                Some(c) => attr_bool(c.get("scan_on_push")),
            }),
            admin_user: None,
            public_network: None,
        }),
        "aws_ecr_repository_policy" => {
            if let Some(policy) = b.get("policy") {
                ecr_policy(r, policy, documents, p);
            }
        }
        "azurerm_container_registry" => {
            let premium = b.get("sku").and_then(Value::as_str) == Some("Premium");
            let denied_by_rules = blocks(b, "network_rule_set")
                .first()
                .and_then(|n| n.get("default_action"))
                .and_then(Value::as_str)
                .is_some_and(|a| a.eq_ignore_ascii_case("deny"));
            let public_network = match attr_bool(b.get("public_network_access_enabled")) {
                Attr::Set(true, pos) if !denied_by_rules => Attr::Set(true, pos),
                Attr::Unset if premium && !denied_by_rules => Attr::Set(true, r.pos),
                Attr::Unknown(pos) => Attr::Unknown(pos),
                Attr::Set(_, pos) => Attr::Set(false, pos),
                Attr::Unset => Attr::Unset,
            };
            if let Attr::Set(true, pos) = attr_bool(b.get("anonymous_pull_enabled")) {
                p.registry_grants.push(PublicGrant {
                    resource: r.id.clone(),
                    cloud: Cloud::Azure,
                    target: "container registry",
                    grant: "anonymous pull (anonymous_pull_enabled = true)".to_string(),
                    write: false,
                    via: GrantVia::Acl,
                    bucket: None,
                    pos,
                });
            }
            p.registries.push(Registry {
                resource: r.id.clone(),
                kind: "container registry",
                pos: r.pos,
                mutable_tags: None,
                scan_on_push: None,
                admin_user: Some(attr_bool(b.get("admin_enabled"))),
                public_network: Some(public_network),
            });
        }
        _ => {}
    }
}

pub(super) fn cfn(r: &SourceResource, p: &mut Platform) {
    let b = r.body;
    if r.rtype != "AWS::ECR::Repository" {
        return;
    }
    p.registries.push(Registry {
        resource: r.id.clone(),
        kind: "ECR repository",
        pos: r.pos,
        mutable_tags: Some(mutable(attr_text(b.get("ImageTagMutability")), r)),
        scan_on_push: Some(match b.get("ImageScanningConfiguration") {
            None => Attr::Unset,
            Some(c) if c.is_unknown() => Attr::Unknown(c.pos),
            Some(c) => attr_bool(c.get("ScanOnPush")),
        }),
        admin_user: None,
        public_network: None,
    });
    if let Some(policy) = b.get("RepositoryPolicyText") {
        ecr_policy(r, policy, &HashMap::new(), p);
    }
}

/// `MUTABLE` (also the default) or `MUTABLE_WITH_EXCLUSION` versus the `IMMUTABLE` forms.
fn mutable(v: Attr<String>, r: &SourceResource) -> Attr<bool> {
    match v {
        Attr::Set(m, pos) => Attr::Set(!m.to_ascii_uppercase().starts_with("IMMUTABLE"), pos),
        Attr::Unset => Attr::Set(true, r.pos),
        Attr::Unknown(pos) => Attr::Unknown(pos),
    }
}

fn ecr_policy(
    r: &SourceResource,
    policy: &Value,
    documents: &HashMap<&str, &Value>,
    p: &mut Platform,
) {
    for s in public_statements(policy, documents) {
        p.registry_grants.push(PublicGrant {
            resource: r.id.clone(),
            cloud: Cloud::Aws,
            target: "ECR repository",
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
