//! The serverless rules, one per file, each written against the normalized model.
//!
//! A rule is a [`RuleMeta`] (its documentation is its doc comments) and a check function
//! that reads a [`Context`] and pushes findings. Rules skip settings the template leaves
//! unknown ([`crate::model::Attr::Unknown`]): they never guess.

use std::borrow::Cow;

use palisade_core::{Finding, RuleMeta, Severity};

use crate::boundary::Reach;
use crate::model::{Boundary, Function, Inventory, PolicyStatement, Role};
use crate::settings::ServerlessSettings;
use crate::value::Pos;

mod auth001_rest_endpoint_without_auth;
mod auth002_http_route_without_authorizer;
mod auth003_function_url_auth_none;
mod auth004_azure_anonymous;
mod auth005_google_public_invoker;
mod auth006_cors_wildcard_with_credentials;
mod auth007_function_app_without_platform_auth;
mod cold001_timeout_too_long;
mod cold002_no_reserved_concurrency;
mod cold003_deprecated_runtime;
mod cold004_memory_extreme;
mod fn001_wildcard_action;
mod fn002_wildcard_resource;
mod fn003_not_action_allow;
mod fn004_admin_managed_policy;
mod fn005_service_wildcard;
mod fn006_privilege_escalation;
mod fn007_shared_role;
mod fn008_public_invoke_permission;
mod fn010_unused_role;
mod fn011_layer_from_other_account;
mod fn012_public_layer;
mod log001_tracing_disabled;
mod log002_log_retention;
mod log003_api_access_logs;
mod log004_async_without_dlq;
mod log005_function_app_without_app_insights;
mod net100_open_ingress;
mod net101_open_egress;
mod net102_no_vpc_for_vpc_resources;
mod net103_function_app_http_allowed;
mod net104_function_app_old_tls;
mod net105_function_app_plain_ftp;
pub(crate) mod sec300_plaintext_secret_env;
mod sec301_env_without_cmk;
mod sec302_function_app_without_identity;

/// What a check reads.
pub struct Context<'a> {
    pub inv: &'a Inventory,
    pub settings: &'a ServerlessSettings,
}

/// A rule: its metadata and its check.
pub struct Rule {
    pub meta: &'static RuleMeta,
    pub check: fn(&Context, &mut Vec<Finding>),
}

macro_rules! rules {
    ($($m:ident),* $(,)?) => {
        /// Every serverless rule, in id order.
        pub static ALL: &[Rule] = &[$(Rule { meta: &$m::RULE, check: $m::check }),*];
    };
}

rules!(
    auth001_rest_endpoint_without_auth,
    auth002_http_route_without_authorizer,
    auth003_function_url_auth_none,
    auth004_azure_anonymous,
    auth005_google_public_invoker,
    auth006_cors_wildcard_with_credentials,
    auth007_function_app_without_platform_auth,
    cold001_timeout_too_long,
    cold002_no_reserved_concurrency,
    cold003_deprecated_runtime,
    cold004_memory_extreme,
    fn001_wildcard_action,
    fn002_wildcard_resource,
    fn003_not_action_allow,
    fn004_admin_managed_policy,
    fn005_service_wildcard,
    fn006_privilege_escalation,
    fn007_shared_role,
    fn008_public_invoke_permission,
    fn010_unused_role,
    fn011_layer_from_other_account,
    fn012_public_layer,
    log001_tracing_disabled,
    log002_log_retention,
    log003_api_access_logs,
    log004_async_without_dlq,
    log005_function_app_without_app_insights,
    net100_open_ingress,
    net101_open_egress,
    net102_no_vpc_for_vpc_resources,
    net103_function_app_http_allowed,
    net104_function_app_old_tls,
    net105_function_app_plain_ftp,
    sec300_plaintext_secret_env,
    sec301_env_without_cmk,
    sec302_function_app_without_identity,
);

impl Context<'_> {
    pub(crate) fn finding(
        &self,
        rule: &'static RuleMeta,
        message: String,
        pos: Pos,
        resource: &str,
    ) -> Finding {
        Finding::new(rule, message, crate::location(self.inv, pos, resource))
    }

    /// The day support calendars are compared with: `runtime_cutoff` of `[serverless]` in
    /// `palisade.toml`, else today (`YYYY-MM-DD`).
    pub(crate) fn today(&self) -> String {
        self.settings
            .runtime_cutoff
            .clone()
            .unwrap_or_else(crate::runtimes::today)
    }

    pub(crate) fn finding_sev(
        &self,
        rule: &'static RuleMeta,
        severity: Severity,
        message: String,
        pos: Pos,
        resource: &str,
    ) -> Finding {
        self.finding(rule, message, pos, resource)
            .with_severity(severity)
    }

    /// Every role of the template, with the resource findings name: the function when it
    /// is the role's only user, else the role, and who holds it.
    pub(crate) fn function_roles(&self) -> Vec<(&Role, String, String)> {
        let mut out = Vec::new();
        for (i, role) in self.inv.roles.iter().enumerate() {
            let users: Vec<&Function> = self.inv.functions_of_role(i).collect();
            match users.as_slice() {
                // A role no function of this template uses is still judged: templates and
                // services define roles for their functions, and one may be wired by name.
                [] => out.push((role, role.resource.clone(), format!("role {}", role.name))),
                [only] => out.push((
                    role,
                    only.resource.clone(),
                    format!("function {}", only.name),
                )),
                many => out.push((
                    role,
                    role.resource.clone(),
                    format!(
                        "functions {}",
                        name_list(many.iter().map(|f| f.name.as_str()))
                    ),
                )),
            }
        }
        out
    }

    /// What each function role is granted, one [`Grant`] per inline statement, per SAM
    /// policy template and per AWS managed policy the role names (expanded from the
    /// shipped table; the administrator policies FN004 reports are left to it).
    pub(crate) fn function_grants(&self) -> Vec<Grant<'_>> {
        let mut out = Vec::new();
        for (role, resource, users) in self.function_roles() {
            let mut rest: &[PolicyStatement] = &role.statements;
            while let Some(first) = rest.first() {
                // A SAM template's statements share its source and position: one grant.
                let len = if first.source.starts_with(TEMPLATE_SOURCE) {
                    rest.iter()
                        .take_while(|s| s.source == first.source && s.pos == first.pos)
                        .count()
                } else {
                    1
                };
                let (group, tail) = rest.split_at(len);
                rest = tail;
                let statements: Vec<Cow<PolicyStatement>> = group
                    .iter()
                    .filter(|s| s.allow)
                    .map(Cow::Borrowed)
                    .collect();
                if statements.is_empty() {
                    continue;
                }
                let named = first.source.starts_with(TEMPLATE_SOURCE);
                out.push(Grant {
                    boundary: role.boundary.as_ref(),
                    what: if named {
                        first.source.clone()
                    } else {
                        format!("statement from {}", first.source)
                    },
                    named,
                    pos: first.pos,
                    statements,
                    resource: resource.clone(),
                    users: users.clone(),
                });
            }
            for m in &role.managed_policies {
                if crate::iam::managed_policy_risk(&m.value).is_some() {
                    continue;
                }
                let Some(name) = crate::managed_policies::aws_managed_policy_name(&m.value) else {
                    continue;
                };
                let Some(statements) = crate::managed_policies::statements(name, m.pos) else {
                    continue;
                };
                out.push(Grant {
                    boundary: role.boundary.as_ref(),
                    what: format!("managed policy {name}"),
                    named: true,
                    pos: m.pos,
                    statements: statements
                        .into_iter()
                        .filter(|s| s.allow)
                        .map(Cow::Owned)
                        .collect(),
                    resource: resource.clone(),
                    users: users.clone(),
                });
            }
        }
        out
    }

    /// One finding for a named policy (managed policy, SAM template): where the role names
    /// it, listing what it brings.
    pub(crate) fn named_finding(
        &self,
        rule: &'static RuleMeta,
        grant: &Grant,
        severity: Severity,
        items: &[String],
        tail: &str,
    ) -> Finding {
        self.finding_sev(
            rule,
            severity,
            format!(
                "{} grants {}{tail} to {}",
                grant.what,
                list_of(items.iter().map(String::as_str), 8),
                grant.users
            ),
            grant.pos,
            &grant.resource,
        )
    }

    /// Azure function apps with the App Service site they run on.
    pub(crate) fn azure_sites(
        &self,
    ) -> impl Iterator<Item = (&Function, &crate::model::AppServiceSite)> {
        self.inv
            .functions
            .iter()
            .filter_map(|f| f.site.as_ref().map(|s| (f, s)))
    }

    /// AWS Lambda functions (the AWS-only rules skip Azure and Google).
    pub(crate) fn aws_functions(&self) -> impl Iterator<Item = &Function> {
        self.inv
            .functions
            .iter()
            .filter(|f| f.cloud == crate::model::Cloud::Aws)
    }
}

/// Where a statement of a SAM policy template says it came from.
pub(crate) const TEMPLATE_SOURCE: &str = "SAM policy template ";

/// What a function role is granted through one source.
pub(crate) struct Grant<'a> {
    /// `statement from NAME`, `SAM policy template NAME` or `managed policy NAME`.
    pub what: String,
    /// A policy named by the role and expanded from a shipped table: its findings point at
    /// the name and list the actions it brings, one finding per rule.
    pub named: bool,
    pub pos: Pos,
    /// The `Allow` statements.
    pub statements: Vec<Cow<'a, PolicyStatement>>,
    /// The resource findings name, and who holds the role.
    pub resource: String,
    pub users: String,
    /// The role's permissions boundary, which caps what the statements grant.
    pub boundary: Option<&'a Boundary>,
}

impl Grant<'_> {
    /// How much of `action` on the statement's resources the role's boundary lets through.
    pub(crate) fn reach(&self, action: &str, st: &PolicyStatement) -> Reach {
        let resources: Vec<&str> = st.resources.iter().map(|r| r.value.as_str()).collect();
        match self.boundary {
            Some(b) => b.reach(action, &resources),
            None => Reach::All,
        }
    }

    /// `(capped by permissions boundary NAME to PARTS)` for a message.
    pub(crate) fn capped_note(&self, parts: &[String]) -> String {
        capped_note(self.boundary, parts)
    }
}

/// ` (capped by permissions boundary NAME to PARTS)`, the note of a grant a boundary caps.
pub(crate) fn capped_note(boundary: Option<&Boundary>, parts: &[String]) -> String {
    let name = boundary.map(Boundary::name).unwrap_or("?");
    format!(
        " (capped by permissions boundary {name} to {})",
        list_of(parts.iter().map(String::as_str), 4)
    )
}

/// Names for a message: the first few and how many more, so a role shared by thousands of
/// functions does not make every finding's message thousands of names long.
pub(crate) fn name_list<'a>(names: impl Iterator<Item = &'a str>) -> String {
    list_of(names, 5)
}

/// The first `shown` items and how many more.
pub(crate) fn list_of<'a>(names: impl Iterator<Item = &'a str>, shown_max: usize) -> String {
    let mut shown = Vec::new();
    let mut more = 0usize;
    for n in names {
        if shown.len() < shown_max {
            shown.push(n);
        } else {
            more += 1;
        }
    }
    let mut text = shown.join(", ");
    if more > 0 {
        text.push_str(&format!(" and {more} more"));
    }
    text
}

/// `*` or `*:*`: every action of every service.
pub(crate) fn is_full_wildcard(action: &str) -> bool {
    action == "*" || action == "*:*"
}

#[cfg(test)]
mod tests {
    #[test]
    fn ids_are_unique_sorted_and_documented() {
        let ids: Vec<&str> = super::ALL.iter().map(|r| r.meta.id).collect();
        let mut sorted = ids.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(ids.len(), sorted.len());
        for r in super::ALL {
            for section in ["What it checks", "Why it matters", "Fix"] {
                assert!(
                    r.meta.section(section).is_some(),
                    "{} lacks ## {section}",
                    r.meta.id
                );
            }
        }
    }
}
