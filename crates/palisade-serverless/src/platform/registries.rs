//! Container registries: ECR repositories (Terraform, CloudFormation), Azure Container
//! Registries, Google Artifact Registry repositories and Container Registry buckets, with
//! the policies, IAM members and switches that open them to anyone.

use std::collections::HashMap;

use super::model::*;
use super::policy::{public_statements, writes};
use super::{attr_bool, attr_str, blocks, SourceResource};
use crate::model::{Attr, Cloud};
use crate::value::Value;

pub(super) const TERRAFORM_TYPES: &[&str] = &[
    "aws_ecr_repository",
    "aws_ecr_repository_policy",
    "azurerm_container_registry",
    "google_artifact_registry_repository",
    "google_artifact_registry_repository_iam_member",
    "google_artifact_registry_repository_iam_binding",
    "google_artifact_registry_repository_iam_policy",
    "google_storage_bucket_iam_policy",
    "google_container_registry",
    "google_iam_policy",
];

/// Google IAM resources that grant a role on one repository or bucket, by how they name
/// the members: `(resource type, what it opens)`.
const GOOGLE_IAM: &[(&str, &str)] = &[
    (
        "google_artifact_registry_repository_iam_member",
        "Artifact Registry repository",
    ),
    (
        "google_artifact_registry_repository_iam_binding",
        "Artifact Registry repository",
    ),
    (
        "google_artifact_registry_repository_iam_policy",
        "Artifact Registry repository",
    ),
    (
        "google_storage_bucket_iam_member",
        "Container Registry bucket",
    ),
    (
        "google_storage_bucket_iam_binding",
        "Container Registry bucket",
    ),
    (
        "google_storage_bucket_iam_policy",
        "Container Registry bucket",
    ),
];

/// Whether a bucket name or reference is a Container Registry bucket:
/// `artifacts.PROJECT.appspot.com`, `REGION.artifacts.PROJECT.appspot.com`, or the bucket
/// of a `google_container_registry` of the module.
pub(super) fn is_gcr_bucket(bucket: Option<&Value>) -> bool {
    let Some(v) = bucket else {
        return false;
    };
    if let Some(target) = v.ref_target() {
        return target
            .rsplit('.')
            .nth(1)
            .is_some_and(|t| t.ends_with("google_container_registry"));
    }
    v.as_str().is_some_and(|name| {
        let name = name.trim().trim_start_matches("gs://");
        name.ends_with(".appspot.com")
            && (name.starts_with("artifacts.") || name.contains(".artifacts."))
    })
}

/// Google Artifact Registry repositories and Container Registry buckets granted to
/// `allUsers` or `allAuthenticatedUsers`, through IAM members, bindings or whole policies
/// (`data.google_iam_policy` of the module).
pub(super) fn google(resources: &[SourceResource], p: &mut Platform) {
    let policies: HashMap<&str, &Value> = resources
        .iter()
        .filter(|r| r.rtype == "google_iam_policy")
        .map(|r| (r.key, r.body))
        .collect();
    for r in resources {
        let Some((_, target)) = GOOGLE_IAM.iter().find(|(t, _)| *t == r.rtype) else {
            continue;
        };
        let b = r.body;
        if r.rtype.starts_with("google_storage_bucket") && !is_gcr_bucket(b.get("bucket")) {
            continue;
        }
        let bindings: Vec<&Value> = if r.rtype.ends_with("_iam_policy") {
            match b
                .get("policy_data")
                .and_then(Value::ref_target)
                .and_then(|t| policies.get(t))
            {
                Some(policy) => blocks(policy, "binding"),
                None => continue,
            }
        } else {
            vec![b]
        };
        for binding in bindings {
            // A role that cannot be evaluated is reported as the lesser, read grant.
            let (role, write) = match binding.get("role").and_then(Value::as_str) {
                Some(role) => (
                    role,
                    !(role.ends_with("Viewer")
                        || role.ends_with("Reader")
                        || role.ends_with(".reader")),
                ),
                None => ("a role not known statically", false),
            };
            for m in ["member", "members"]
                .iter()
                .filter_map(|k| binding.get(k))
                .flat_map(Value::one_or_many)
            {
                let Some(who) = m
                    .as_str()
                    .filter(|w| *w == "allUsers" || *w == "allAuthenticatedUsers")
                else {
                    continue;
                };
                p.registry_grants.push(PublicGrant {
                    resource: r.id.clone(),
                    cloud: Cloud::Google,
                    target,
                    grant: format!("{role} to {who}"),
                    write,
                    via: GrantVia::Iam,
                    bucket: None,
                    pos: m.pos,
                });
            }
        }
    }
}

pub(super) const CFN_TYPES: &[&str] = &["AWS::ECR::Repository"];

pub(super) fn terraform(r: &SourceResource, documents: &HashMap<&str, &Value>, p: &mut Platform) {
    let b = r.body;
    match r.rtype {
        "aws_ecr_repository" => p.registries.push(Registry {
            resource: r.id.clone(),
            kind: "ECR repository",
            pos: r.pos,
            mutable_tags: Some(mutable(attr_str(b.get("image_tag_mutability")), r)),
            scan_on_push: Some(match blocks(b, "image_scanning_configuration").first() {
                None => Attr::Unset,
                Some(c) => attr_bool(c.get("scan_on_push")),
            }),
            admin_user: None,
            public_network: None,
            kms: Some(ecr_kms(
                blocks(b, "encryption_configuration").first().copied(),
                "encryption_type",
                r,
            )),
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
                kms: None,
            });
        }
        // Their access is granted by separate IAM resources (see `google`); the settings
        // the ECR and ACR rules judge do not exist here.
        "google_artifact_registry_repository" | "google_container_registry" => {
            p.registries.push(Registry {
                resource: r.id.clone(),
                kind: if r.rtype == "google_container_registry" {
                    "Container Registry bucket"
                } else {
                    "Artifact Registry repository"
                },
                pos: r.pos,
                mutable_tags: None,
                scan_on_push: None,
                admin_user: None,
                public_network: None,
                kms: None,
            })
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
        mutable_tags: Some(mutable(attr_str(b.get("ImageTagMutability")), r)),
        scan_on_push: Some(match b.get("ImageScanningConfiguration") {
            None => Attr::Unset,
            Some(c) if c.is_unknown() => Attr::Unknown(c.pos),
            Some(c) => attr_bool(c.get("ScanOnPush")),
        }),
        admin_user: None,
        public_network: None,
        kms: Some(ecr_kms(
            b.get("EncryptionConfiguration"),
            "EncryptionType",
            r,
        )),
    });
    if let Some(policy) = b.get("RepositoryPolicyText") {
        ecr_policy(r, policy, &HashMap::new(), p);
    }
}

/// Whether an ECR repository's encryption settings name KMS (`KMS`, `KMS_DSSE`): unwritten
/// or `AES256` is the AES-256 key that AWS owns.
fn ecr_kms(section: Option<&Value>, key: &str, r: &SourceResource) -> Attr<bool> {
    match section {
        None => Attr::Set(false, r.pos),
        Some(c) if c.is_unknown() => Attr::Unknown(c.pos),
        Some(c) => match attr_str(c.get(key)) {
            Attr::Set(t, pos) => Attr::Set(t.to_ascii_uppercase().starts_with("KMS"), pos),
            Attr::Unset => Attr::Set(false, c.pos),
            Attr::Unknown(pos) => Attr::Unknown(pos),
        },
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
