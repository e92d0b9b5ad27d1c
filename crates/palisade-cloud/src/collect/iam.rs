//! IAM reads: every execution role's inline and attached policies (the default version's
//! document), its activity, roles in parallel.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use super::data::{RoleActivity, RoleData};
use super::tally::Tally;

/// Reads every execution role's inline policies and attached policies (the default
/// version's document), roles in parallel.
pub(super) async fn read_roles(
    iam: aws_sdk_iam::Client,
    arns: BTreeSet<String>,
    tally: &Tally,
    per_call: usize,
) -> BTreeMap<String, RoleData> {
    let limit = Arc::new(Semaphore::new(per_call));
    let mut tasks = JoinSet::new();
    for arn in arns {
        let (iam, tally, limit) = (iam.clone(), tally.clone(), limit.clone());
        tasks.spawn(async move {
            let _permit = limit.acquire_owned().await;
            read_role(&iam, &tally, arn).await
        });
    }
    let mut out = BTreeMap::new();
    while let Some(r) = tasks.join_next().await {
        if let Ok(role) = r {
            out.insert(role.arn.clone(), role);
        }
    }
    // Boundaries are often one policy for many roles: each document is read once.
    let boundaries: BTreeSet<String> = out
        .values()
        .filter_map(|r| r.boundary.as_ref().map(|b| b.0.clone()))
        .collect();
    let mut documents = BTreeMap::new();
    for arn in boundaries {
        let document = policy_document(&iam, tally, &arn).await;
        documents.insert(arn, document);
    }
    for role in out.values_mut() {
        if let Some((arn, document)) = &mut role.boundary {
            *document = documents.get(arn.as_str()).cloned().flatten();
        }
    }
    out
}

async fn read_role(iam: &aws_sdk_iam::Client, tally: &Tally, arn: String) -> RoleData {
    let name = arn.rsplit('/').next().unwrap_or(&arn).to_string();
    let mut role = RoleData {
        arn: arn.clone(),
        name: name.clone(),
        complete: true,
        ..RoleData::default()
    };
    let subject = Some(name.as_str());
    // The role itself: its permissions boundary and when it was last used.
    match tally.single(
        "iam:GetRole",
        "global",
        subject,
        iam.get_role().role_name(&name).send().await,
    ) {
        Some(out) => {
            if let Some(r) = out.role() {
                role.boundary = r
                    .permissions_boundary()
                    .and_then(|b| b.permissions_boundary_arn())
                    .filter(|b| !b.is_empty())
                    .map(|b| (b.to_string(), None));
                role.activity = Some(RoleActivity {
                    created: r.create_date().secs(),
                    last_used: r
                        .role_last_used()
                        .and_then(|u| u.last_used_date())
                        .map(|d| d.secs()),
                    observed: std::time::SystemTime::now()
                        .duration_since(std::time::UNIX_EPOCH)
                        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX)),
                });
            }
        }
        None => role.complete = false,
    }
    let (pages, listed) = tally
        .pages(
            "iam:ListRolePolicies",
            "global",
            subject,
            iam.list_role_policies()
                .role_name(&name)
                .into_paginator()
                .send(),
        )
        .await;
    role.complete &= listed;
    let names: Vec<String> = pages
        .iter()
        .flat_map(|p| p.policy_names())
        .cloned()
        .collect();
    for policy in names {
        match tally.single(
            "iam:GetRolePolicy",
            "global",
            subject,
            iam.get_role_policy()
                .role_name(&name)
                .policy_name(&policy)
                .send()
                .await,
        ) {
            Some(out) => role
                .inline
                .push((policy, crate::policy_doc::url_decode(out.policy_document()))),
            None => role.complete = false,
        }
    }
    let (pages, listed) = tally
        .pages(
            "iam:ListAttachedRolePolicies",
            "global",
            subject,
            iam.list_attached_role_policies()
                .role_name(&name)
                .into_paginator()
                .send(),
        )
        .await;
    role.complete &= listed;
    let attached: Vec<String> = pages
        .iter()
        .flat_map(|p| p.attached_policies())
        .filter_map(|a| a.policy_arn().map(str::to_string))
        .collect();
    for policy_arn in attached {
        // AWS managed policies the serverless crate already knows are judged from its
        // table, as for templates; only the others are fetched.
        if palisade_serverless::managed_policies::aws_managed_policy_name(&policy_arn)
            .is_some_and(palisade_serverless::managed_policies::is_known)
            || palisade_serverless::iam::managed_policy_risk(&policy_arn).is_some()
        {
            role.attached.push((policy_arn, None));
            continue;
        }
        let document = policy_document(iam, tally, &policy_arn).await;
        if document.is_none() {
            role.complete = false;
        }
        role.attached.push((policy_arn, document));
    }
    role
}

/// The default version's document of a managed policy (URL-decoded JSON text).
async fn policy_document(iam: &aws_sdk_iam::Client, tally: &Tally, arn: &str) -> Option<String> {
    let subject = Some(arn);
    let version = tally
        .single(
            "iam:GetPolicy",
            "global",
            subject,
            iam.get_policy().policy_arn(arn).send().await,
        )?
        .policy()
        .and_then(|p| p.default_version_id())
        .map(str::to_string)?;
    tally
        .single(
            "iam:GetPolicyVersion",
            "global",
            subject,
            iam.get_policy_version()
                .policy_arn(arn)
                .version_id(version)
                .send()
                .await,
        )?
        .policy_version()
        .and_then(|v| v.document())
        .map(crate::policy_doc::url_decode)
}
