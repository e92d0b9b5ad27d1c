//! Identities beyond functions: AWS IAM users, groups, roles' trust policies and policy
//! attachments; Google project/folder/organization bindings; Azure role assignments.
//! Permission policies of the template's own roles stay with the FN rules (which read
//! them through [`crate::model::Role`]); this module reads what those rules do not.

use std::collections::{HashMap, HashSet};

use super::model::*;
use super::policy::{broad_grant, public_statements, statements};
use super::SourceResource;
use crate::iam::{managed_policy_risk, ManagedPolicyRisk};
use crate::model::Cloud;
use crate::value::Value;

pub(super) const TERRAFORM_TYPES: &[&str] = &[
    "aws_iam_role",
    "aws_iam_policy",
    "aws_iam_user",
    "aws_iam_user_policy",
    "aws_iam_group_policy",
    "aws_iam_policy_attachment",
    "aws_iam_user_policy_attachment",
    "aws_iam_group_policy_attachment",
    "aws_iam_role_policy",
    "aws_iam_role_policy_attachment",
    "aws_iam_access_key",
    "aws_ssoadmin_managed_policy_attachment",
    "aws_ssoadmin_permission_set_inline_policy",
    "google_project_iam_member",
    "google_project_iam_binding",
    "google_folder_iam_member",
    "google_folder_iam_binding",
    "google_organization_iam_member",
    "google_organization_iam_binding",
    "azurerm_role_assignment",
];

pub(super) const CFN_TYPES: &[&str] = &[
    "AWS::IAM::Role",
    "AWS::IAM::User",
    "AWS::IAM::Group",
    "AWS::IAM::Policy",
    "AWS::IAM::ManagedPolicy",
    "AWS::IAM::AccessKey",
];

/// Built-in Azure role definition ids of Owner, Contributor and User Access Administrator.
const AZURE_PRIVILEGED_ROLE_IDS: &[(&str, &str)] = &[
    ("8e3af657-a8ff-443c-a75c-2fe8c4bcb635", "Owner"),
    ("b24988ac-6180-42a0-ab88-20f7382dd24c", "Contributor"),
    (
        "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9",
        "User Access Administrator",
    ),
];

pub(super) fn terraform(resources: &[SourceResource], p: &mut Platform) {
    let documents: HashMap<&str, &Value> = resources
        .iter()
        .filter(|r| r.rtype == "aws_iam_policy_document")
        .map(|r| (r.key, r.body))
        .collect();
    let roles: HashSet<&str> = resources
        .iter()
        .filter(|r| r.rtype == "aws_iam_role")
        .flat_map(|r| [Some(r.key), r.body.get("name").and_then(Value::as_str)])
        .flatten()
        .collect();
    for r in resources {
        let b = r.body;
        match r.rtype {
            "aws_iam_role" => {
                if let Some(doc) = b.get("assume_role_policy") {
                    trust(r, doc, &documents, p);
                }
            }
            "aws_iam_policy" => policy(
                r,
                b.get("policy"),
                "users, groups or roles it is attached to",
                &documents,
                p,
            ),
            "aws_ssoadmin_permission_set_inline_policy" => policy(
                r,
                b.get("inline_policy"),
                "users of the permission set",
                &documents,
                p,
            ),
            "aws_iam_user_policy" => {
                policy(r, b.get("policy"), "an IAM user", &documents, p);
                p.user_credentials.push(UserCredential {
                    resource: r.id.clone(),
                    what: "inline policy",
                    pos: r.pos,
                });
            }
            "aws_iam_group_policy" => policy(r, b.get("policy"), "an IAM group", &documents, p),
            "aws_iam_user_policy_attachment" => {
                managed(r, b.get("policy_arn"), "an IAM user", p);
                p.user_credentials.push(UserCredential {
                    resource: r.id.clone(),
                    what: "directly attached policy",
                    pos: r.pos,
                });
            }
            "aws_iam_group_policy_attachment" => managed(r, b.get("policy_arn"), "an IAM group", p),
            "aws_iam_role_policy" | "aws_iam_role_policy_attachment" => {
                // Roles of this template are judged with their other policies by the FN
                // rules; a role declared elsewhere is judged here.
                let known = b.get("role").is_some_and(|v| {
                    v.ref_target()
                        .or(v.as_str())
                        .is_some_and(|t| roles.contains(t))
                });
                if known {
                    continue;
                }
                if r.rtype == "aws_iam_role_policy" {
                    policy(r, b.get("policy"), "an IAM role", &documents, p);
                } else {
                    managed(r, b.get("policy_arn"), "an IAM role", p);
                }
            }
            "aws_ssoadmin_managed_policy_attachment" => managed(
                r,
                b.get("managed_policy_arn"),
                "users of the permission set",
                p,
            ),
            "aws_iam_policy_attachment" => {
                managed(
                    r,
                    b.get("policy_arn"),
                    "the users, groups and roles it lists",
                    p,
                );
                if let Some(u) = b.get("users").filter(|u| !u.one_or_many().is_empty()) {
                    p.user_credentials.push(UserCredential {
                        resource: r.id.clone(),
                        what: "directly attached policy",
                        pos: u.pos,
                    });
                }
            }
            "aws_iam_access_key" => p.user_credentials.push(UserCredential {
                resource: r.id.clone(),
                what: "access key",
                pos: r.pos,
            }),
            "google_project_iam_member"
            | "google_project_iam_binding"
            | "google_folder_iam_member"
            | "google_folder_iam_binding"
            | "google_organization_iam_member"
            | "google_organization_iam_binding" => google(r, p),
            "azurerm_role_assignment" => azure(r, p),
            _ => {}
        }
    }
}

pub(super) fn cfn(resources: &[SourceResource], p: &mut Platform) {
    let none = HashMap::new();
    for r in resources {
        let b = r.body;
        match r.rtype {
            "AWS::IAM::Role" => {
                if let Some(doc) = b.get("AssumeRolePolicyDocument") {
                    trust(r, doc, &none, p);
                }
            }
            "AWS::IAM::User" | "AWS::IAM::Group" => {
                let who = if r.rtype == "AWS::IAM::User" {
                    "an IAM user"
                } else {
                    "an IAM group"
                };
                for pol in b
                    .get("Policies")
                    .map(Value::one_or_many)
                    .unwrap_or_default()
                {
                    policy(r, pol.get("PolicyDocument"), who, &none, p);
                    if r.rtype == "AWS::IAM::User" {
                        p.user_credentials.push(UserCredential {
                            resource: r.id.clone(),
                            what: "inline policy",
                            pos: pol.pos,
                        });
                    }
                }
                for arn in b
                    .get("ManagedPolicyArns")
                    .map(Value::one_or_many)
                    .unwrap_or_default()
                {
                    managed(r, Some(arn), who, p);
                }
            }
            "AWS::IAM::ManagedPolicy" => policy(
                r,
                b.get("PolicyDocument"),
                "users, groups or roles it is attached to",
                &none,
                p,
            ),
            "AWS::IAM::Policy" => {
                let users = b.get("Users").filter(|u| !u.one_or_many().is_empty());
                let groups = b.get("Groups").filter(|g| !g.one_or_many().is_empty());
                if users.is_some() || groups.is_some() {
                    policy(
                        r,
                        b.get("PolicyDocument"),
                        "the users and groups it lists",
                        &none,
                        p,
                    );
                }
                if let Some(u) = users {
                    p.user_credentials.push(UserCredential {
                        resource: r.id.clone(),
                        what: "inline policy",
                        pos: u.pos,
                    });
                }
            }
            "AWS::IAM::AccessKey" => p.user_credentials.push(UserCredential {
                resource: r.id.clone(),
                what: "access key",
                pos: r.pos,
            }),
            _ => {}
        }
    }
}

fn trust(r: &SourceResource, doc: &Value, documents: &HashMap<&str, &Value>, p: &mut Platform) {
    for s in public_statements(doc, documents) {
        p.public_trusts.push((r.id.clone(), s.pos));
    }
}

fn policy(
    r: &SourceResource,
    doc: Option<&Value>,
    to: &str,
    documents: &HashMap<&str, &Value>,
    p: &mut Platform,
) {
    let Some(doc) = doc else { return };
    for s in statements(doc, &r.id, documents) {
        if let Some((admin, grant)) = broad_grant(&s) {
            p.broad_grants.push(BroadGrant {
                resource: r.id.clone(),
                grant,
                admin,
                to: to.to_string(),
                pos: s.pos,
            });
        }
    }
}

fn managed(r: &SourceResource, arn: Option<&Value>, to: &str, p: &mut Platform) {
    let Some(v) = arn else { return };
    let Some(text) = v.as_str() else { return };
    if let Some((risk, name)) = managed_policy_risk(text) {
        p.broad_grants.push(BroadGrant {
            resource: r.id.clone(),
            grant: name.to_string(),
            admin: risk == ManagedPolicyRisk::Admin,
            to: to.to_string(),
            pos: v.pos,
        });
    }
}

fn google(r: &SourceResource, p: &mut Platform) {
    let b = r.body;
    let scope = if r.rtype.starts_with("google_project_") {
        "project"
    } else if r.rtype.starts_with("google_folder_") {
        "folder"
    } else {
        "organization"
    };
    let Some(role_v) = b.get("role") else { return };
    let Some(role) = role_v.as_str() else { return };
    let primitive = matches!(role, "roles/owner" | "roles/editor");
    for m in ["member", "members"]
        .iter()
        .filter_map(|k| b.get(k))
        .flat_map(Value::one_or_many)
    {
        let public = matches!(m.as_str(), Some("allUsers" | "allAuthenticatedUsers"));
        p.scope_bindings.push(ScopeBinding {
            resource: r.id.clone(),
            cloud: Cloud::Google,
            role: role.to_string(),
            member: m.as_str().map(str::to_string),
            scope,
            primitive,
            public,
            pos: if public { m.pos } else { role_v.pos },
        });
    }
}

fn azure(r: &SourceResource, p: &mut Platform) {
    let b = r.body;
    let (role, pos) = match (b.get("role_definition_name"), b.get("role_definition_id")) {
        (Some(n), _) => match n.as_str() {
            Some(name) => (name.to_string(), n.pos),
            None => return,
        },
        (None, Some(id)) => match id.as_str() {
            Some(t) => match AZURE_PRIVILEGED_ROLE_IDS
                .iter()
                .find(|(g, _)| t.to_ascii_lowercase().ends_with(g))
            {
                Some((_, name)) => (name.to_string(), id.pos),
                None => (t.rsplit('/').next().unwrap_or(t).to_string(), id.pos),
            },
            None => return,
        },
        (None, None) => return,
    };
    let Some(scope_v) = b.get("scope") else {
        return;
    };
    let scope = if let Some(t) = scope_v.ref_target() {
        if t.starts_with("data.azurerm_subscription.") || t.starts_with("azurerm_subscription.") {
            "subscription"
        } else if t.contains("azurerm_management_group.") {
            "management group"
        } else {
            return;
        }
    } else if let Some(s) = scope_v.as_str() {
        let parts: Vec<&str> = s.trim_end_matches('/').split('/').collect();
        match parts.as_slice() {
            ["", "subscriptions", _] => "subscription",
            ["", "providers", "Microsoft.Management", "managementGroups", _] => "management group",
            ["", ""] | [""] => "management group",
            _ => return,
        }
    } else {
        return;
    };
    p.scope_bindings.push(ScopeBinding {
        resource: r.id.clone(),
        cloud: Cloud::Azure,
        member: b
            .get("principal_id")
            .and_then(Value::as_str)
            .map(str::to_string),
        primitive: AZURE_PRIVILEGED_ROLE_IDS.iter().any(|(_, n)| *n == role),
        role,
        scope,
        public: false,
        pos,
    });
}
