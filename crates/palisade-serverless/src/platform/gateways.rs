//! Load balancers of Azure and Google Cloud in front of functions and containers: Azure
//! Application Gateway listeners, TLS policies and access logs (which the diagnostic
//! settings of the same module send somewhere, or nothing keeps), Google Cloud HTTP proxies
//! and SSL policies. They join the Elastic Load Balancing listeners and load balancers of
//! [`super::load_balancers`] in the same model, so one rule judges plain HTTP, one old TLS
//! and one missing access logs on every cloud.

use super::model::*;
use super::{attr_bool, attr_str, blocks, SourceResource};
use crate::model::Attr;
use crate::value::{Pos, Value, ValueKind};

pub(super) const TERRAFORM_TYPES: &[&str] = &[
    "azurerm_application_gateway",
    "azurerm_monitor_diagnostic_setting",
    "google_compute_target_http_proxy",
    "google_compute_url_map",
    "google_compute_ssl_policy",
];

pub(super) fn terraform(resources: &[SourceResource], p: &mut Platform) {
    let diagnostics = GatewayDiagnostics::of(resources);
    for r in resources {
        match r.rtype {
            "azurerm_application_gateway" => {
                application_gateway(r, p);
                p.load_balancers.push(LoadBalancer {
                    resource: r.id.clone(),
                    kind: APPLICATION_GATEWAY,
                    pos: r.pos,
                    access_logs: diagnostics.access_logs(r),
                });
            }
            "google_compute_target_http_proxy" => http_proxy(r, resources, p),
            "google_compute_ssl_policy" => p.tls_policies.push(TlsPolicy {
                resource: r.id.clone(),
                pos: r.pos,
                min_version: match attr_str(r.body.get("min_tls_version")) {
                    // The API's default minimum.
                    Attr::Unset => Attr::Set("1.0".to_string(), r.pos),
                    Attr::Set(v, pos) => match google_version(&v) {
                        Some(v) => Attr::Set(v.to_string(), pos),
                        None => Attr::Unknown(pos),
                    },
                    Attr::Unknown(pos) => Attr::Unknown(pos),
                },
            }),
            _ => {}
        }
    }
}

/// What [`LoadBalancer::kind`] calls an Azure Application Gateway.
pub(crate) const APPLICATION_GATEWAY: &str = "application gateway";

/// What the diagnostic settings of a module (`azurerm_monitor_diagnostic_setting`) say
/// about the access logs of its Application Gateways.
#[derive(Default)]
struct GatewayDiagnostics<'a> {
    /// Gateways a setting names by `azurerm_application_gateway.NAME.id`, with whether
    /// that setting enables their access log.
    settings: Vec<(&'a str, Attr<bool>)>,
    /// A setting names a target Palisade cannot resolve (a variable, `each.value` of an
    /// unknown collection, a gateway this module does not declare): any gateway may be
    /// the one it logs, so a missing setting is not judged.
    unresolved: bool,
}

impl<'a> GatewayDiagnostics<'a> {
    fn of(resources: &'a [SourceResource]) -> Self {
        let gateways: Vec<&str> = resources
            .iter()
            .filter(|r| r.rtype == "azurerm_application_gateway")
            .map(|r| r.key)
            .collect();
        let mut out = GatewayDiagnostics::default();
        for r in resources
            .iter()
            .filter(|r| r.rtype == "azurerm_monitor_diagnostic_setting")
        {
            match r.body.get("target_resource_id").map(|v| &v.kind) {
                // A data source reads a gateway declared elsewhere.
                Some(ValueKind::Ref { target, .. })
                    if target.contains("data.azurerm_application_gateway.") => {}
                Some(ValueKind::Ref { target, attr })
                    if target.contains("azurerm_application_gateway.") =>
                {
                    if attr.as_deref() == Some("id") && gateways.contains(&target.as_str()) {
                        out.settings.push((target, enables_access_log(r)));
                    } else {
                        out.unresolved = true;
                    }
                }
                // Another resource of the module, or a literal id of a resource elsewhere.
                Some(ValueKind::Ref { .. } | ValueKind::Str(_)) | None => {}
                Some(_) => out.unresolved = true,
            }
        }
        out
    }

    /// Whether a setting sends the gateway's access log somewhere: `Set(false)` when no
    /// setting names it (or none that names it enables the access log), unknown when a
    /// setting that may name it cannot be read.
    fn access_logs(&self, gateway: &SourceResource) -> Attr<bool> {
        let mut unknown = self.unresolved;
        for (target, enabled) in &self.settings {
            if *target != gateway.key {
                continue;
            }
            match enabled {
                Attr::Set(true, pos) => return Attr::Set(true, *pos),
                Attr::Unknown(_) => unknown = true,
                _ => {}
            }
        }
        if unknown {
            Attr::Unknown(gateway.pos)
        } else {
            Attr::Set(false, gateway.pos)
        }
    }
}

/// Whether a diagnostic setting enables the `ApplicationGatewayAccessLog` category: an
/// `enabled_log` block naming it or the `allLogs` group, or an older `log` block doing so
/// without `enabled = false` (the provider's default is on).
fn enables_access_log(r: &SourceResource) -> Attr<bool> {
    let mut unknown = None;
    let blocks = blocks(r.body, "enabled_log")
        .into_iter()
        .map(|b| (b, false))
        .chain(blocks(r.body, "log").into_iter().map(|b| (b, true)));
    for (b, switchable) in blocks {
        if b.is_unknown() {
            unknown = Some(b.pos);
            continue;
        }
        let names_access_log = match (
            attr_str(b.get("category")),
            attr_str(b.get("category_group")),
        ) {
            (Attr::Set(c, _), _)
                if c.trim().eq_ignore_ascii_case("ApplicationGatewayAccessLog") =>
            {
                Attr::Set(true, b.pos)
            }
            (_, Attr::Set(g, _)) if g.trim().eq_ignore_ascii_case("allLogs") => {
                Attr::Set(true, b.pos)
            }
            (Attr::Unknown(pos), _) | (_, Attr::Unknown(pos)) => Attr::Unknown(pos),
            _ => Attr::Set(false, b.pos),
        };
        let on = if switchable {
            attr_bool(b.get("enabled"))
        } else {
            Attr::Unset
        };
        match (names_access_log, on) {
            (Attr::Set(false, _), _) | (_, Attr::Set(false, _)) => {}
            (Attr::Unknown(pos), _) | (_, Attr::Unknown(pos)) => unknown = Some(pos),
            (Attr::Set(true, pos), _) => return Attr::Set(true, pos),
            _ => {}
        }
    }
    match unknown {
        Some(pos) => Attr::Unknown(pos),
        None => Attr::Set(false, r.pos),
    }
}

/// `TLS_1_0` → `1.0`.
fn google_version(v: &str) -> Option<&'static str> {
    match v.trim().to_ascii_uppercase().as_str() {
        "TLS_1_0" => Some("1.0"),
        "TLS_1_1" => Some("1.1"),
        "TLS_1_2" => Some("1.2"),
        "TLS_1_3" => Some("1.3"),
        _ => None,
    }
}

/// An HTTP proxy serves plain HTTP unless its URL map redirects every request to HTTPS
/// (`default_url_redirect { https_redirect = true }`).
fn http_proxy(r: &SourceResource, resources: &[SourceResource], p: &mut Platform) {
    let redirects = match r.body.get("url_map") {
        None => Attr::Set(false, r.pos),
        Some(v) => match v.ref_target() {
            Some(target) => match resources
                .iter()
                .find(|m| m.key == target && m.rtype == "google_compute_url_map")
            {
                Some(map) => match blocks(map.body, "default_url_redirect").first() {
                    None => Attr::Set(false, map.pos),
                    Some(d) if d.is_unknown() => Attr::Unknown(d.pos),
                    Some(d) => match attr_bool(d.get("https_redirect")) {
                        Attr::Unset => Attr::Set(false, d.pos),
                        other => other,
                    },
                },
                None => Attr::Unknown(v.pos),
            },
            // A URL map outside the module.
            None => Attr::Unknown(v.pos),
        },
    };
    p.lb_listeners.push(LbListener {
        resource: r.id.clone(),
        pos: r.pos,
        protocol: Attr::Set("HTTP".to_string(), r.pos),
        redirects_to_https: redirects,
        ssl_policy: None,
    });
}

fn application_gateway(r: &SourceResource, p: &mut Platform) {
    let b = r.body;
    let named = |key: &str, name: &str| -> Option<&Value> {
        blocks(b, key)
            .into_iter()
            .find(|x| x.get("name").and_then(Value::as_str) == Some(name))
    };
    let https_listener = |name: &str| -> Attr<bool> {
        match named("http_listener", name).map(|l| attr_str(l.get("protocol"))) {
            Some(Attr::Set(proto, pos)) => Attr::Set(proto.eq_ignore_ascii_case("Https"), pos),
            Some(Attr::Unknown(pos)) => Attr::Unknown(pos),
            _ => Attr::Unknown(r.pos),
        }
    };
    for listener in blocks(b, "http_listener") {
        if listener.is_unknown() {
            continue;
        }
        let protocol = match attr_str(listener.get("protocol")) {
            Attr::Set(v, pos) => Attr::Set(v.trim().to_ascii_uppercase(), pos),
            other => other,
        };
        let redirects = match (&protocol, listener.get("name").and_then(Value::as_str)) {
            (Attr::Set(proto, _), Some(name)) if proto == "HTTP" => {
                listener_redirects(b, name, listener.pos, &named, &https_listener)
            }
            (Attr::Set(_, _), _) => Attr::Unset,
            _ => Attr::Unknown(listener.pos),
        };
        p.lb_listeners.push(LbListener {
            resource: r.id.clone(),
            pos: listener.pos,
            protocol,
            redirects_to_https: redirects,
            ssl_policy: None,
        });
    }
    if let Some(policy) = blocks(b, "ssl_policy").first() {
        p.tls_policies.push(TlsPolicy {
            resource: r.id.clone(),
            pos: policy.pos,
            min_version: azure_min_version(policy),
        });
    }
}

/// Whether every routing rule of an HTTP listener redirects to an HTTPS listener or an
/// `https://` URL.
fn listener_redirects<'v>(
    b: &'v Value,
    listener: &str,
    fallback: Pos,
    named: &dyn Fn(&str, &str) -> Option<&'v Value>,
    https_listener: &dyn Fn(&str) -> Attr<bool>,
) -> Attr<bool> {
    let rules: Vec<&Value> = blocks(b, "request_routing_rule")
        .into_iter()
        .filter(|rule| rule.get("http_listener_name").and_then(Value::as_str) == Some(listener))
        .collect();
    if rules.is_empty() {
        return Attr::Set(false, fallback);
    }
    let mut unknown = None;
    for rule in rules {
        let Some(redirect) = rule.get("redirect_configuration_name") else {
            return Attr::Set(false, rule.pos);
        };
        let Some(config) = redirect
            .as_str()
            .and_then(|n| named("redirect_configuration", n))
        else {
            unknown = Some(redirect.pos);
            continue;
        };
        let to_https = match (config.get("target_listener_name"), config.get("target_url")) {
            (Some(l), _) => match l.as_str() {
                Some(name) => https_listener(name),
                None => Attr::Unknown(l.pos),
            },
            (None, Some(u)) => match u.as_str() {
                Some(url) => Attr::Set(url.to_ascii_lowercase().starts_with("https://"), u.pos),
                None => Attr::Unknown(u.pos),
            },
            (None, None) => Attr::Set(false, config.pos),
        };
        match to_https {
            Attr::Set(true, _) => {}
            Attr::Set(false, pos) => return Attr::Set(false, pos),
            Attr::Unknown(pos) => unknown = Some(pos),
            Attr::Unset => unknown = Some(config.pos),
        }
    }
    match unknown {
        Some(pos) => Attr::Unknown(pos),
        None => Attr::Set(true, fallback),
    }
}

/// The lowest TLS version an Application Gateway SSL policy accepts: a predefined policy by
/// name, a custom one by `min_protocol_version`. `Unknown` for names not listed.
fn azure_min_version(policy: &Value) -> Attr<String> {
    if policy.is_unknown() {
        return Attr::Unknown(policy.pos);
    }
    if let Attr::Set(name, pos) = attr_str(policy.get("policy_name")) {
        let version = match name.trim() {
            "AppGwSslPolicy20150501" => Some("1.0"),
            "AppGwSslPolicy20170401" => Some("1.1"),
            "AppGwSslPolicy20170401S" | "AppGwSslPolicy20220101" | "AppGwSslPolicy20220101S" => {
                Some("1.2")
            }
            _ => None,
        };
        return match version {
            Some(v) => Attr::Set(v.to_string(), pos),
            None => Attr::Unknown(pos),
        };
    }
    match attr_str(policy.get("min_protocol_version")) {
        Attr::Set(v, pos) => match v.trim().to_ascii_uppercase().as_str() {
            "TLSV1_0" => Attr::Set("1.0".to_string(), pos),
            "TLSV1_1" => Attr::Set("1.1".to_string(), pos),
            "TLSV1_2" => Attr::Set("1.2".to_string(), pos),
            "TLSV1_3" => Attr::Set("1.3".to_string(), pos),
            _ => Attr::Unknown(pos),
        },
        Attr::Unknown(pos) => Attr::Unknown(pos),
        // Neither a name nor a minimum: the gateway's default policy, which depends on the
        // API version the provider calls.
        Attr::Unset => Attr::Unset,
    }
}
