//! FN009 — a deployed function that differs from the template that declares it.
//!
//! Templates say what someone meant to deploy; consoles, scripts and hot fixes change what
//! runs. [`compare`] matches the functions of a live inventory (from `palisade cloud aws`)
//! with those of templates by name and reports what differs. Only settings the template
//! states are compared: a setting it leaves to the provider's default is not drift.

use std::collections::BTreeSet;

use palisade_core::{Finding, Severity};

use crate::model::{Attr, Function, Inventory};

palisade_core::declare_rule! {
    /// ## What it checks
    /// With `palisade cloud aws --compare TEMPLATE`: a deployed function whose settings
    /// differ from the template function of the same name (the deployed name equal to the
    /// template's logical name, or generated from it: `stack-Name-RANDOM`,
    /// `service-stage-name`). Compared: actions its role allows that the template's role
    /// does not, environment variable names, function URL and its AuthType, timeout,
    /// memory and runtime. Settings the template does not state are not compared.
    /// ## Why it matters
    /// What the template says is what reviews and scans approved. A permission, variable or
    /// public URL added by hand is invisible to both, and is lost or kept by accident at
    /// the next deployment.
    /// ## Fix
    /// Put the change into the template and deploy it, or deploy the template again to undo
    /// the change; then find out who changed the function and how (CloudTrail).
    /// ## References
    /// - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-stack-drift.html
    pub static RULE = {
        id: "FN009", practice: Fn, severity: Medium, title: "Deployed function differs from its template",
    };
}

/// Findings for every difference between the live functions and the template functions
/// they were deployed from. Locations are the live inventory's.
pub fn compare(live: &Inventory, templates: &[Inventory]) -> Vec<Finding> {
    let mut out = Vec::new();
    for f in &live.functions {
        let Some((inv, t)) = declared(f, templates) else {
            continue;
        };
        let mut push = |severity: Severity, message: String, pos| {
            out.push(
                Finding::new(&RULE, message, crate::location(live, pos, &f.resource))
                    .with_severity(severity),
            );
        };
        let path = &inv.path;
        let name = &f.name;
        for (what, unit, l, d) in [
            ("timeout", " s", &f.timeout, &t.timeout),
            ("memory", " MB", &f.memory, &t.memory),
        ] {
            if let (Attr::Set(l, pos), Attr::Set(d, _)) = (l, d) {
                if l != d {
                    push(
                        Severity::Low,
                        format!(
                            "function {name} has {what} {l}{unit} deployed, {d}{unit} in {path}"
                        ),
                        *pos,
                    );
                }
            }
        }
        if let (Attr::Set(l, pos), Attr::Set(d, _)) = (&f.runtime, &t.runtime) {
            if l != d {
                push(
                    Severity::Low,
                    format!("function {name} runs {l} deployed, {d} in {path}"),
                    *pos,
                );
            }
        }
        let live_env: BTreeSet<&str> = f.environment.iter().map(|v| v.name.as_str()).collect();
        let declared_env: BTreeSet<&str> = t.environment.iter().map(|v| v.name.as_str()).collect();
        let added: Vec<&str> = live_env.difference(&declared_env).copied().collect();
        let removed: Vec<&str> = declared_env.difference(&live_env).copied().collect();
        let env_pos = f.environment_pos.unwrap_or(f.pos);
        if !added.is_empty() {
            push(
                Severity::Medium,
                format!(
                    "function {name} has environment variables {} that {path} does not declare",
                    added.join(", ")
                ),
                env_pos,
            );
        }
        if !removed.is_empty() {
            push(
                Severity::Low,
                format!(
                    "function {name} lacks environment variables {} that {path} declares",
                    removed.join(", ")
                ),
                env_pos,
            );
        }
        let auth = |u: &Option<crate::model::FunctionUrl>| {
            u.as_ref().map(|u| match &u.auth_type {
                Attr::Set(a, _) => a.to_ascii_uppercase(),
                _ => "unknown".to_string(),
            })
        };
        match (auth(&f.url), auth(&t.url)) {
            (Some(l), None) => push(
                if l == "NONE" {
                    Severity::High
                } else {
                    Severity::Medium
                },
                format!("function {name} has a URL (AuthType {l}) that {path} does not declare"),
                f.url.as_ref().map(|u| u.pos).unwrap_or(f.pos),
            ),
            (None, Some(d)) => push(
                Severity::Low,
                format!("function {name} has no URL deployed; {path} declares one (AuthType {d})"),
                f.pos,
            ),
            (Some(l), Some(d)) if l != d && d != "UNKNOWN" => push(
                if l == "NONE" {
                    Severity::High
                } else {
                    Severity::Medium
                },
                format!("function {name} URL has AuthType {l} deployed, {d} in {path}"),
                f.url.as_ref().map(|u| u.pos).unwrap_or(f.pos),
            ),
            _ => {}
        }
        if let (Some(lr), Some(tr)) = (
            f.role.and_then(|i| live.roles.get(i)),
            t.role.and_then(|i| inv.roles.get(i)),
        ) {
            let declared_actions: Vec<String> = tr
                .statements
                .iter()
                .filter(|s| s.allow)
                .flat_map(|s| s.actions.iter().map(|a| a.value.to_ascii_lowercase()))
                .collect();
            let mut extra: Vec<(&str, crate::value::Pos)> = Vec::new();
            for s in lr.statements.iter().filter(|s| s.allow) {
                for a in &s.actions {
                    let covered = declared_actions
                        .iter()
                        .any(|d| crate::iam::action_matches(d, &a.value.to_ascii_lowercase()));
                    if !covered && !extra.iter().any(|(e, _)| *e == a.value) {
                        extra.push((a.value.as_str(), s.pos));
                    }
                }
            }
            if let Some((_, pos)) = extra.first() {
                let names: Vec<&str> = extra.iter().map(|(a, _)| *a).collect();
                push(
                    Severity::High,
                    format!(
                        "function {name}'s role {} allows {} that the template's role {} in {path} does not",
                        lr.name,
                        names.join(", "),
                        tr.name
                    ),
                    *pos,
                );
            }
        }
    }
    out.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    out
}

/// The template function a live one was deployed from: same name, or a name generated
/// from the logical name (`stack-Name-RANDOM` by CloudFormation, `service-stage-name` by
/// the Serverless Framework); `None` when no template or more than one matches.
fn declared<'a>(f: &Function, templates: &'a [Inventory]) -> Option<(&'a Inventory, &'a Function)> {
    let all = || {
        templates
            .iter()
            .flat_map(|inv| inv.functions.iter().map(move |t| (inv, t)))
    };
    if let Some(exact) = all().find(|(_, t)| t.name == f.name) {
        return Some(exact);
    }
    let generated: Vec<_> = all()
        .filter(|(_, t)| {
            f.name.contains(&format!("-{}-", t.name)) || f.name.ends_with(&format!("-{}", t.name))
        })
        .collect();
    match generated.as_slice() {
        [one] => Some(*one),
        _ => None,
    }
}
