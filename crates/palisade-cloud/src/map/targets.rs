//! Where failed events go, judged on what SQS and SNS say about it: a dead-letter queue or
//! on-failure destination that does not exist, or that the function's role may not send
//! to, loses them (LOG004); one that does not encrypt them (SEC312) or that anyone may use
//! (NET230) is judged as the template rules judge queues and topics. Findings are located at
//! the function (or alias, or event source mapping) and the field that names the target, and
//! name the target's ARN. An alias's or version's event invoke config without an on-failure
//! destination, for a function invoked asynchronously and without a dead-letter queue, is
//! LOG004 on the alias.
//!
//! On-failure destinations that are Lambda functions, EventBridge event buses or S3 buckets
//! are judged on the role alone (`lambda:InvokeFunction`, `events:PutEvents`;
//! `s3:PutObject` on the objects Lambda writes under `aws/lambda/` and `s3:ListBucket` on
//! the bucket), plus, for a function of this account in a region whose functions were all
//! listed, whether it is among them. Event buses and buckets are not read: that would take
//! the EventBridge and S3 SDK crates, and their build time, for one call each.

use std::collections::HashMap;

use palisade_core::text::wildcard_match;
use palisade_core::{RuleMeta, Severity};
use palisade_serverless::iam::action_matches;
use palisade_serverless::model::PolicyStatement;
use palisade_serverless::platform::policy::{public_statements, writes};

use super::*;
use crate::collect::{qualifier_of, TargetData, TargetKind};

/// One place that names a target.
struct Reference<'a> {
    /// Index of the function in the inventory.
    function: usize,
    /// The ARN findings point at (the function, a qualified function, a mapping).
    at: &'a str,
    field: &'static str,
    /// `dead-letter queue`, `on-failure destination of alias live`...
    what: String,
    target: &'a str,
    /// For an event source mapping, its UUID: S3 object keys Lambda writes for it start
    /// with `aws/lambda/UUID/`.
    mapping: Option<&'a str>,
}

fn rule(id: &str) -> Option<&'static RuleMeta> {
    palisade_serverless::rules()
        .into_iter()
        .find(|r| r.id == id)
}

/// The findings about the targets of every function of `c` (mapped into `inv` in the same
/// order by [`build`]).
pub(crate) fn target_findings(c: &Collected, inv: &Inventory, loc: &mut Locator) -> Vec<Finding> {
    let (Some(log004), Some(sec312), Some(net230)) =
        (rule("LOG004"), rule("SEC312"), rule("NET230"))
    else {
        return Vec::new();
    };
    let mut refs = Vec::new();
    let mut index = 0;
    for region in &c.regions {
        let mut by_name: BTreeMap<&str, usize> = BTreeMap::new();
        for f in &region.functions {
            by_name.insert(f.name.as_str(), index);
            if let Some(d) = &f.dead_letter {
                refs.push(Reference {
                    function: index,
                    at: &f.arn,
                    field: "DeadLetterConfig.TargetArn",
                    what: "dead-letter queue".into(),
                    target: d,
                    mapping: None,
                });
            }
            if let Some(d) = &f.on_failure {
                refs.push(Reference {
                    function: index,
                    at: &f.arn,
                    field: "EventInvokeConfig.DestinationConfig.OnFailure",
                    what: "on-failure destination".into(),
                    target: d,
                    mapping: None,
                });
            }
            for (arn, d) in &f.qualified_invoke_configs {
                if let Some(d) = d {
                    refs.push(Reference {
                        function: index,
                        at: arn,
                        field: "EventInvokeConfig.DestinationConfig.OnFailure",
                        what: format!("on-failure destination of {}", qualified(arn)),
                        target: d,
                        mapping: None,
                    });
                }
            }
            index += 1;
        }
        for m in &region.mappings {
            let (Some(d), Some(&i)) = (
                &m.on_failure,
                resource_policy::function_name_in(&m.function_arn).and_then(|n| by_name.get(n)),
            ) else {
                continue;
            };
            refs.push(Reference {
                function: i,
                at: &m.arn,
                field: "DestinationConfig.OnFailure",
                what: format!(
                    "on-failure destination of its {} mapping",
                    resource_policy::service_of(&m.source_arn)
                ),
                target: d,
                mapping: m.arn.rsplit(':').next().filter(|u| !u.is_empty()),
            });
        }
    }

    let mut out = Vec::new();
    let finding = |rule: &'static RuleMeta, r: &Reference, message: String, loc: &mut Locator| {
        let pos = loc.pos(r.at, Some(r.field));
        let mut location = Location::at(inv.path.clone(), pos.line.max(1), 1)
            .with_resource(inv.functions[r.function].resource.clone());
        loc.relocate(&mut location);
        Finding::new(rule, message, location)
    };
    for r in &refs {
        let Some(kind) = TargetKind::of(r.target) else {
            continue;
        };
        let f = &inv.functions[r.function];
        let absent = TargetData::Missing(String::new());
        let read = match kind {
            TargetKind::Function if function_absent(c, r.target) => Some(&absent),
            _ => c.targets.get(r.target),
        };
        match read {
            // Not read (the call's error says why, or the kind is never read): only the
            // role is judged.
            None => {}
            Some(TargetData::Missing(said)) => {
                // The service's words, as all text from responses: redacted, printable.
                let said = if said.is_empty() {
                    String::new()
                } else {
                    let clean = palisade_secrets::redact(said);
                    format!(" ({})", palisade_core::text::printable(&clean))
                };
                out.push(finding(
                    log004,
                    r,
                    format!(
                        "the {} of function {} is {} {}, which does not exist{said}: failed events have nowhere to go",
                        r.what,
                        f.name,
                        kind.name(),
                        r.target
                    ),
                    loc,
                ));
            }
            Some(TargetData::Found {
                kms_key,
                managed_sse,
                policy,
            }) => {
                if kms_key.is_none() && !managed_sse {
                    let why = match kind {
                        TargetKind::Queue => "SQS-managed encryption off and no KMS key",
                        _ => "no KMS key",
                    };
                    out.push(finding(
                        sec312,
                        r,
                        format!(
                            "{} {}, the {} of function {}, does not encrypt its messages at rest ({why})",
                            kind.name(),
                            r.target,
                            r.what,
                            f.name
                        ),
                        loc,
                    ));
                }
                if let Some(doc) = policy.as_deref().and_then(|t| policy_doc::parse(t).ok()) {
                    for s in public_statements(&doc, &HashMap::new()) {
                        let write = writes(&s.actions);
                        let actions = if s.actions.is_empty() {
                            "its actions".to_string()
                        } else {
                            s.actions.join(", ")
                        };
                        out.push(
                            finding(
                                net230,
                                r,
                                format!(
                                    "{} {}, the {} of function {}, is {} by anyone: policy Principal * on {actions}",
                                    kind.name(),
                                    r.target,
                                    r.what,
                                    f.name,
                                    if write { "writable" } else { "readable" }
                                ),
                                loc,
                            )
                            .with_severity(if write {
                                Severity::Critical
                            } else {
                                Severity::High
                            }),
                        );
                    }
                }
            }
        }
        // A target that is gone was reported above; one that was not read may still be
        // out of the role's reach.
        if matches!(read, Some(TargetData::Missing(_))) {
            continue;
        }
        let role = f.role.and_then(|i| inv.roles.get(i));
        let complete = role
            .and_then(|role| c.roles.get(&role.resource))
            .is_some_and(|d| d.complete);
        if let (Some(role), true) = (role, complete) {
            // Lambda also lists a bucket it writes failed events to.
            let needs = match kind {
                TargetKind::Bucket => vec![
                    (
                        kind.send_action(),
                        object_written(r.target, r.mapping, &f.name),
                    ),
                    ("s3:ListBucket", r.target.to_string()),
                ],
                _ => vec![(kind.send_action(), r.target.to_string())],
            };
            let denied: Vec<&str> = needs
                .iter()
                .filter(|(action, resource)| role_may(role, action, resource) == Some(false))
                .map(|(action, _)| *action)
                .collect();
            if !denied.is_empty() {
                let action = denied.join(" and ");
                out.push(finding(
                    log004,
                    r,
                    format!(
                        "role {} of function {} may not {action} to {} {}, its {}: failed events are dropped",
                        role.name,
                        f.name,
                        kind.name(),
                        r.target,
                        r.what
                    ),
                    loc,
                ));
            }
        }
    }

    // An alias's config replaces the function's for invocations through it: without an
    // on-failure destination of its own, only a dead-letter queue keeps failed events.
    let live = c.regions.iter().flat_map(|r| r.functions.iter());
    for (index, f) in live.enumerate() {
        let model = &inv.functions[index];
        if f.dead_letter.is_some() {
            continue;
        }
        let Some(t) = model
            .triggers
            .iter()
            .find(|t| t.kind == palisade_serverless::model::TriggerKind::Async)
        else {
            continue;
        };
        for (arn, d) in &f.qualified_invoke_configs {
            if d.is_some() {
                continue;
            }
            let r = Reference {
                function: index,
                at: arn,
                field: "EventInvokeConfig.DestinationConfig.OnFailure",
                what: String::new(),
                target: "",
                mapping: None,
            };
            out.push(finding(
                log004,
                &r,
                format!(
                    "function {} is invoked asynchronously by {} but failed events of {} have nowhere to go: its event invoke config has no on-failure destination and the function no dead-letter queue",
                    f.name,
                    t.source,
                    qualified(arn)
                ),
                loc,
            ));
        }
    }
    out
}

/// Whether `arn` names a function of the scanned account, in a scanned region whose
/// functions were all listed, that is not among them (its qualifier aside: aliases and
/// versions are not all listed).
fn function_absent(c: &Collected, arn: &str) -> bool {
    let mut it = arn.split(':');
    let (Some(region), Some(account), Some("function"), Some(name)) =
        (it.nth(3), it.next(), it.next(), it.next())
    else {
        return false;
    };
    if account != c.account || name.is_empty() {
        return false;
    }
    c.regions
        .iter()
        .find(|r| r.region == region)
        .is_some_and(|r| !r.functions_partial && r.functions.iter().all(|f| f.name != name))
}

/// The ARN of an object Lambda writes to the bucket `bucket` (its ARN) for a failed event:
/// under `aws/lambda/UUID/` for an event source mapping, `aws/lambda/async/FUNCTION/` for
/// an asynchronous invocation, then a date path and a random name. A statement scoped to
/// the bucket's objects (`b/*`, `b/aws/lambda/*`) allows it; one on the bucket ARN alone
/// does not.
pub(super) fn object_written(bucket: &str, mapping: Option<&str>, function: &str) -> String {
    let prefix = match mapping {
        Some(uuid) => format!("aws/lambda/{uuid}/shardId-000000000000"),
        None => format!("aws/lambda/async/{function}"),
    };
    format!(
        "{}/{prefix}/2000/01/01/2000-01-01T00.00.00-00000000-0000-0000-0000-000000000000",
        bucket.trim_end_matches('/')
    )
}

/// `alias live` or `version 3` for a qualified function ARN.
fn qualified(arn: &str) -> String {
    match qualifier_of(arn) {
        Some(q) if q.bytes().all(|b| b.is_ascii_digit()) => format!("version {q}"),
        Some(q) => format!("alias {q}"),
        None => "the function".to_string(),
    }
}

/// Whether the role may do `action` on `resource`: `Some(false)` when no statement of its
/// policies allows it, an unconditional `Deny` takes it away or its permissions boundary
/// does not let it through; `None` when that cannot be told (a statement that cannot be
/// evaluated, a managed policy whose document is unknown). A conditional `Allow` counts as
/// allowing: the finding is for a role that surely cannot.
pub(super) fn role_may(role: &Role, action: &str, resource: &str) -> Option<bool> {
    let mut statements: Vec<PolicyStatement> = role.statements.clone();
    let mut unknown = false;
    for m in &role.managed_policies {
        match palisade_serverless::managed_policies::aws_managed_policy_name(&m.value)
            .and_then(|name| palisade_serverless::managed_policies::statements(name, m.pos))
        {
            Some(s) => statements.extend(s),
            None => unknown = true,
        }
    }
    let action_in = |s: &PolicyStatement| {
        if s.not_actions.is_empty() {
            s.actions.iter().any(|a| action_matches(&a.value, action))
        } else {
            !s.not_actions
                .iter()
                .any(|a| action_matches(&a.value, action))
        }
    };
    let resource_in = |s: &PolicyStatement| {
        if s.not_resources.is_empty() {
            s.resources.is_empty()
                || s.resources
                    .iter()
                    .any(|r| wildcard_match(&r.value, resource, false))
        } else {
            !s.not_resources
                .iter()
                .any(|r| wildcard_match(&r.value, resource, false))
        }
    };
    if statements
        .iter()
        .any(|s| !s.allow && !s.has_condition && !s.has_unknown && action_in(s) && resource_in(s))
    {
        return Some(false);
    }
    let allowed = statements
        .iter()
        .any(|s| s.allow && action_in(s) && resource_in(s));
    if !allowed {
        let unreadable = statements.iter().any(|s| s.allow && s.has_unknown);
        return if unknown || unreadable {
            None
        } else {
            Some(false)
        };
    }
    if let Some(b) = &role.boundary {
        if b.reach(action, &[resource]) == palisade_serverless::boundary::Reach::Blocked {
            return Some(false);
        }
    }
    Some(true)
}
