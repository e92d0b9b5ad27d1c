//! What each AWS managed policy grants, shipped in the binary.
//!
//! `data/aws_managed_policies.tsv` holds the default version of every managed policy a role
//! can attach, as AWS published it on [`TAKEN`] (regenerate it with
//! `data/gen_iam_tables.py`). A function role that names one (`AmazonS3FullAccess` in SAM
//! `Policies`, its ARN in `ManagedPolicyArns` or `aws_iam_role_policy_attachment`) is judged
//! on those statements like on its inline ones.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde_json::Value as Json;

use crate::model::{PolicyStatement, Spanned};
use crate::value::Pos;

/// When the table was taken from AWS's published documents.
pub const TAKEN: &str = "2026-03-07";

const TABLE: &str = include_str!("../data/aws_managed_policies.tsv");

/// Policy name -> its statements as compact JSON (parsed only when a role names it).
fn index() -> &'static HashMap<&'static str, &'static str> {
    static INDEX: OnceLock<HashMap<&'static str, &'static str>> = OnceLock::new();
    INDEX.get_or_init(|| {
        TABLE
            .lines()
            .filter(|l| !l.starts_with('#'))
            .filter_map(|l| {
                let mut cells = l.splitn(3, '\t');
                let name = cells.next()?;
                let _path = cells.next()?;
                Some((name, cells.next()?))
            })
            .collect()
    })
}

/// The AWS managed policy a role's reference names: a bare name (SAM `Policies`,
/// Serverless `managedPolicies`) or an ARN in the `aws` account
/// (`arn:aws:iam::aws:policy/service-role/AWSLambdaRole`, with any partition). Customer
/// managed ARNs and references to other resources name none.
pub fn aws_managed_policy_name(reference: &str) -> Option<&str> {
    let r = reference.trim();
    if let Some(at) = r.find(":policy/") {
        if !r[..at].ends_with(":aws") {
            return None;
        }
        return r.rsplit('/').next().filter(|n| !n.is_empty());
    }
    let plain = !r.is_empty()
        && r.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
    plain.then_some(r)
}

/// Whether the table knows the policy.
pub fn is_known(name: &str) -> bool {
    index().contains_key(name)
}

/// The statements of managed policy `name`, each placed at `pos` (where the role names it)
/// and sourced `managed policy NAME`; `None` when the table does not know the name.
pub fn statements(name: &str, pos: Pos) -> Option<Vec<PolicyStatement>> {
    let raw = index().get(name)?;
    let parsed: Json = serde_json::from_str(raw).ok()?;
    let source = format!("managed policy {name}");
    let spanned = |v: &Json| -> Vec<Spanned<String>> {
        v.as_array()
            .map(|items| {
                items
                    .iter()
                    .filter_map(Json::as_str)
                    .map(|s| Spanned {
                        value: s.to_string(),
                        pos,
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    let out = parsed
        .as_array()?
        .iter()
        .filter_map(|st| {
            let cells = st.as_array()?;
            let [allow, cond, actions, not_actions, resources, not_resources] = cells.as_slice()
            else {
                return None;
            };
            Some(PolicyStatement {
                allow: allow.as_i64() == Some(1),
                has_condition: cond.as_i64() == Some(1),
                actions: spanned(actions),
                not_actions: spanned(not_actions),
                resources: spanned(resources),
                not_resources: spanned(not_resources),
                has_unknown: false,
                source: source.clone(),
                pos,
            })
        })
        .collect();
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_dated_and_knows_the_common_policies() {
        assert!(TABLE
            .lines()
            .any(|l| l.starts_with("# taken: ") && l.contains(TAKEN)));
        for name in [
            "AWSLambda_FullAccess",
            "AmazonS3FullAccess",
            "AmazonDynamoDBFullAccess",
            "AWSLambdaRole",
            "CloudWatchLogsFullAccess",
            "AmazonSESFullAccess",
            "AmazonCognitoPowerUser",
            "AWSLambdaExecute",
            "AWSLambdaBasicExecutionRole",
            "AdministratorAccess",
        ] {
            assert!(is_known(name), "{name}");
        }
        let s3 = statements("AmazonS3FullAccess", Pos::default()).unwrap();
        assert!(s3
            .iter()
            .any(|s| s.allow && s.actions.iter().any(|a| a.value == "s3:*")));
    }

    #[test]
    fn references_name_aws_managed_policies_only() {
        assert_eq!(
            aws_managed_policy_name("arn:aws:iam::aws:policy/service-role/AWSLambdaRole"),
            Some("AWSLambdaRole")
        );
        assert_eq!(
            aws_managed_policy_name("arn:${AWS::Partition}:iam::aws:policy/AmazonS3FullAccess"),
            Some("AmazonS3FullAccess")
        );
        assert_eq!(
            aws_managed_policy_name("AWSLambdaExecute"),
            Some("AWSLambdaExecute")
        );
        assert_eq!(
            aws_managed_policy_name("arn:aws:iam::123456789012:policy/AmazonS3FullAccess"),
            None
        );
        assert_eq!(aws_managed_policy_name("aws_iam_policy.p.arn x"), None);
    }
}
