//! What a policy statement grants on every resource: whether a `Resource` covers every
//! resource of its service, and the risk model of actions granted that way.
//!
//! The risk model is one data file, `data/action_risk.tsv` (its header says where each class
//! comes from), so that a harmless action AWS only authorises on `*` (`ses:VerifyEmailIdentity`,
//! `xray:PutTraceSegments`) is not reported as a broad grant, while reading every bucket or
//! deleting every table is, with a severity by what the action allows. FN002 reads it.

use std::collections::HashMap;
use std::sync::OnceLock;

use palisade_core::Severity;

use crate::iam::action_matches;

/// What an action allows when granted on every resource, from least to most harmful.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ActionRisk {
    /// Only authorised on `*`, the function's own telemetry, or configuration reads.
    Harmless,
    /// Lists and describes configuration and metadata.
    Read,
    /// Creates or changes resources.
    Write,
    /// Reads the data resources hold (objects, items, messages, logs).
    Data,
    /// Reads secrets or uses keys.
    Secret,
    /// Deletes resources or their data.
    Destroy,
    /// Changes who may access resources.
    Permissions,
}

impl ActionRisk {
    fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "harmless" => ActionRisk::Harmless,
            "read" => ActionRisk::Read,
            "write" => ActionRisk::Write,
            "data" => ActionRisk::Data,
            "secret" => ActionRisk::Secret,
            "destroy" => ActionRisk::Destroy,
            "permissions" => ActionRisk::Permissions,
            _ => return None,
        })
    }

    /// The severity of granting it on every resource; `None` when that is not worth a finding.
    pub fn severity(self) -> Option<Severity> {
        match self {
            ActionRisk::Harmless | ActionRisk::Read => None,
            ActionRisk::Write => Some(Severity::Medium),
            ActionRisk::Data
            | ActionRisk::Secret
            | ActionRisk::Destroy
            | ActionRisk::Permissions => Some(Severity::High),
        }
    }

    /// What it lets the holder do, for messages.
    pub fn describe(self) -> &'static str {
        match self {
            ActionRisk::Harmless => "harmless",
            ActionRisk::Read => "reads configuration",
            ActionRisk::Write => "writes",
            ActionRisk::Data => "reads data",
            ActionRisk::Secret => "reads secrets or uses keys",
            ActionRisk::Destroy => "deletes",
            ActionRisk::Permissions => "changes permissions",
        }
    }
}

const TABLE_TEXT: &str = include_str!("../data/action_risk.tsv");

struct RiskTable {
    /// Actions written out, lower-cased.
    exact: HashMap<String, ActionRisk>,
    /// Patterns, most specific first: `(pattern, risk)`.
    patterns: Vec<(String, ActionRisk)>,
}

fn table() -> &'static RiskTable {
    static TABLE: OnceLock<RiskTable> = OnceLock::new();
    TABLE.get_or_init(|| parse_table(TABLE_TEXT))
}

fn parse_table(text: &str) -> RiskTable {
    let mut exact = HashMap::new();
    let mut patterns = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((pattern, class)) = line.split_once('\t') else {
            continue;
        };
        let Some(risk) = ActionRisk::parse(class.trim()) else {
            continue;
        };
        let pattern = pattern.trim().to_ascii_lowercase();
        if pattern.contains('*') {
            patterns.push((pattern, risk));
        } else {
            exact.insert(pattern, risk);
        }
    }
    // A pattern of one service beats one of every service; then more literal text wins.
    patterns.sort_by_key(|(p, _)| {
        (
            std::cmp::Reverse(!p.starts_with("*:")),
            std::cmp::Reverse(p.chars().filter(|c| *c != '*').count()),
        )
    });
    RiskTable { exact, patterns }
}

/// The risk of one action as written in a policy. A pattern (`s3:Get*`, `logs:*`) has the
/// risk of the worst action of the table it can match, and at least that of its own verb.
pub fn action_risk(action: &str) -> ActionRisk {
    let t = table();
    let lower = action.to_ascii_lowercase();
    if !lower.contains(['*', '?']) {
        return literal_risk(t, &lower);
    }
    let (service, verb) = lower.split_once(':').unwrap_or(("", lower.as_str()));
    // `s3:*` or `s3:*Object`: the verb says nothing, so the generic verb lines cannot apply;
    // every action of a service includes deleting something.
    let open_verb = verb.starts_with(['*', '?']);
    let mut worst = if verb == "*" {
        ActionRisk::Destroy
    } else if open_verb {
        ActionRisk::Write
    } else {
        literal_risk(t, &lower.replace(['*', '?'], ""))
    };
    for (known, risk) in &t.exact {
        if *risk > worst && action_matches(&lower, known) {
            worst = *risk;
        }
    }
    for (pattern, risk) in &t.patterns {
        if *risk <= worst {
            continue;
        }
        // The shortest action the table's pattern stands for, in this service.
        let instance = match pattern.strip_prefix("*:") {
            Some(_) if open_verb => continue,
            Some(verb) => format!("{service}:{}", verb.replace('*', "")),
            None => pattern.replace('*', ""),
        };
        if action_matches(&lower, &instance) {
            worst = *risk;
        }
    }
    worst
}

fn literal_risk(t: &RiskTable, action: &str) -> ActionRisk {
    if let Some(r) = t.exact.get(action) {
        return *r;
    }
    t.patterns
        .iter()
        .find(|(p, _)| action_matches(p, action))
        .map(|(_, r)| *r)
        .unwrap_or(ActionRisk::Write)
}

/// Whether a `Resource` entry covers every resource of its service: `*`, or an ARN whose
/// resource part is only a wildcard (`arn:aws:s3:::*`, `arn:aws:logs:*:*:*`,
/// `arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/*`).
/// `arn:aws:s3:::my-bucket/*` (every object of one bucket) does not.
pub fn covers_every_resource(resource: &str) -> bool {
    let r = resource.trim();
    if r == "*" {
        return true;
    }
    // `${AWS::Region}` and other substitutions are one concrete segment, never a wildcard.
    let mut flat = String::with_capacity(r.len());
    let mut rest = r;
    while let Some(start) = rest.find("${") {
        flat.push_str(&rest[..start]);
        match rest[start..].find('}') {
            Some(end) => {
                flat.push('x');
                rest = &rest[start + end + 1..];
            }
            None => {
                rest = &rest[start..];
                break;
            }
        }
    }
    flat.push_str(rest);
    let parts: Vec<&str> = flat.splitn(6, ':').collect();
    let [arn, _partition, service, _region, _account, resource] = parts.as_slice() else {
        return false;
    };
    if *arn != "arn" {
        return false;
    }
    let mut collapsed = resource.to_string();
    while collapsed.contains("**") {
        collapsed = collapsed.replace("**", "*");
    }
    if collapsed == "*" || collapsed == "*/*" {
        return true;
    }
    if *service == "s3" {
        return false;
    }
    // `table/*`, `function:*`, `secret:*`: every resource of one type.
    match collapsed
        .strip_suffix("/*")
        .or_else(|| collapsed.strip_suffix(":*"))
    {
        Some(kind) => {
            !kind.is_empty()
                && kind
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn star_only_and_telemetry_actions_are_harmless() {
        for a in [
            "ses:VerifyEmailIdentity",
            "xray:PutTraceSegments",
            "logs:CreateLogGroup",
            "ec2:CreateNetworkInterface",
            "cloudwatch:PutMetricData",
        ] {
            assert_eq!(action_risk(a), ActionRisk::Harmless, "{a}");
        }
        assert_eq!(action_risk("ec2:DescribeInstances"), ActionRisk::Read);
        assert_eq!(action_risk("ec2:Describe*"), ActionRisk::Read);
        assert_eq!(action_risk("organizations:ListAccounts"), ActionRisk::Read);
        assert_eq!(action_risk("iam:GetRole"), ActionRisk::Read);
    }

    #[test]
    fn data_secret_destroy_and_permission_actions() {
        assert_eq!(action_risk("s3:GetObject"), ActionRisk::Data);
        assert_eq!(action_risk("s3:Get*"), ActionRisk::Data);
        assert_eq!(action_risk("dynamodb:Scan"), ActionRisk::Data);
        assert_eq!(
            action_risk("secretsmanager:GetSecretValue"),
            ActionRisk::Secret
        );
        assert_eq!(action_risk("ssm:GetParameter*"), ActionRisk::Secret);
        assert_eq!(action_risk("s3:DeleteObject"), ActionRisk::Destroy);
        assert_eq!(action_risk("sqs:DeleteQueue"), ActionRisk::Destroy);
        assert_eq!(action_risk("s3:PutBucketPolicy"), ActionRisk::Permissions);
        assert_eq!(action_risk("lambda:AddPermission"), ActionRisk::Permissions);
        assert_eq!(action_risk("iam:PutRolePolicy"), ActionRisk::Permissions);
        assert_eq!(action_risk("s3:PutObject"), ActionRisk::Write);
        assert_eq!(action_risk("sns:Publish"), ActionRisk::Write);
        assert_eq!(action_risk("ses:*"), ActionRisk::Permissions);
        assert_eq!(action_risk("logs:*"), ActionRisk::Destroy);
        assert_eq!(action_risk("cloudwatch:*"), ActionRisk::Destroy);
        assert_eq!(action_risk("ec2:Modify*"), ActionRisk::Permissions);
        assert_eq!(
            action_risk("application-autoscaling:PutScalingPolicy"),
            ActionRisk::Write
        );
        assert_eq!(
            action_risk("logs:PutResourcePolicy"),
            ActionRisk::Permissions
        );
        assert_eq!(
            action_risk("brand-new-service:DoSomething"),
            ActionRisk::Write
        );
    }

    #[test]
    fn resources_that_cover_every_resource() {
        for r in [
            "*",
            "arn:aws:s3:::*",
            "arn:aws:s3:::*/*",
            "arn:aws:logs:*:*:*",
            "arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/*",
            "arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:**",
            "arn:aws:sqs:us-east-1:123456789012:*",
        ] {
            assert!(covers_every_resource(r), "{r}");
        }
        for r in [
            "arn:aws:s3:::my-bucket/*",
            "arn:aws:s3:::my-bucket",
            "arn:aws:dynamodb:us-east-1:123456789012:table/Orders",
            "arn:aws:dynamodb:us-east-1:123456789012:table/Orders/index/*",
            "arn:aws:lambda:us-east-1:123456789012:function:app-*",
            "arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:${queueName}",
            "MyTable",
        ] {
            assert!(!covers_every_resource(r), "{r}");
        }
    }
}
