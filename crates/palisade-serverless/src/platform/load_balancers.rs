//! Elastic Load Balancing in front of functions and containers: listeners that serve plain
//! HTTP or old TLS, and load balancers that keep no access logs (with the request logs of
//! Google HTTP(S) load balancers' backend services).

use super::model::*;
use super::{attr_bool, attr_str, blocks, SourceResource};
use crate::model::Attr;
use crate::value::{Pos, Value};

pub(super) const TERRAFORM_TYPES: &[&str] = &[
    "aws_lb",
    "aws_alb",
    "aws_lb_listener",
    "aws_alb_listener",
    "aws_elb",
    "google_compute_backend_service",
    "google_compute_region_backend_service",
];

pub(super) const CFN_TYPES: &[&str] = &[
    "AWS::ElasticLoadBalancingV2::LoadBalancer",
    "AWS::ElasticLoadBalancingV2::Listener",
    "AWS::ElasticLoadBalancing::LoadBalancer",
];

/// What a load balancer type is, for messages; `None` for gateway load balancers, which
/// have neither access logs nor HTTP listeners.
fn kind(lb_type: Option<&str>) -> Option<&'static str> {
    match lb_type.map(str::to_ascii_lowercase).as_deref() {
        None | Some("application") => Some("application load balancer"),
        Some("network") => Some("network load balancer"),
        _ => None,
    }
}

pub(super) fn terraform(resources: &[SourceResource], p: &mut Platform) {
    let type_of = |key: &str| {
        resources
            .iter()
            .find(|r| r.key == key && (r.rtype == "aws_lb" || r.rtype == "aws_alb"))
            .map(|r| r.body.get("load_balancer_type").and_then(Value::as_str))
    };
    for r in resources {
        let b = r.body;
        match r.rtype {
            "aws_lb" | "aws_alb" => {
                let Some(kind) = kind(b.get("load_balancer_type").and_then(Value::as_str)) else {
                    continue;
                };
                let access_logs = match blocks(b, "access_logs").first() {
                    // `enabled` defaults to false, even with a bucket named.
                    Some(l) => match attr_bool(l.get("enabled")) {
                        Attr::Unset => Attr::Set(false, l.pos),
                        other => other,
                    },
                    None => Attr::Set(false, r.pos),
                };
                p.load_balancers.push(LoadBalancer {
                    resource: r.id.clone(),
                    kind,
                    pos: r.pos,
                    access_logs,
                });
            }
            "google_compute_backend_service" | "google_compute_region_backend_service" => {
                if let Some(lb) = google_backend(r) {
                    p.load_balancers.push(lb);
                }
            }
            "aws_elb" => {
                let access_logs = match blocks(b, "access_logs").first() {
                    // A classic load balancer's block is on unless switched off.
                    Some(l) => match attr_bool(l.get("enabled")) {
                        Attr::Unset => Attr::Set(true, l.pos),
                        other => other,
                    },
                    None => Attr::Set(false, r.pos),
                };
                p.load_balancers.push(LoadBalancer {
                    resource: r.id.clone(),
                    kind: "classic load balancer",
                    pos: r.pos,
                    access_logs,
                });
                for l in blocks(b, "listener") {
                    p.lb_listeners.push(LbListener {
                        resource: r.id.clone(),
                        pos: l.get("lb_protocol").map(|v| v.pos).unwrap_or(l.pos),
                        protocol: upper(attr_str(l.get("lb_protocol"))),
                        redirects_to_https: Attr::Set(false, l.pos),
                        ssl_policy: None,
                    });
                }
            }
            "aws_lb_listener" | "aws_alb_listener" => {
                let protocol = match upper(attr_str(b.get("protocol"))) {
                    // HTTP is the default for application load balancers; other types
                    // must name their protocol.
                    Attr::Unset => {
                        match b
                            .get("load_balancer_arn")
                            .and_then(Value::ref_target)
                            .and_then(type_of)
                        {
                            Some(t) if kind(t) == Some("application load balancer") => {
                                Attr::Set("HTTP".to_string(), r.pos)
                            }
                            Some(_) => continue,
                            None => Attr::Unknown(r.pos),
                        }
                    }
                    other => other,
                };
                let actions = blocks(b, "default_action");
                let redirects_to_https = redirects(
                    &actions,
                    r.pos,
                    |a| attr_str(a.get("type")),
                    |a| {
                        blocks(a, "redirect")
                            .first()
                            .map(|x| attr_str(x.get("protocol")))
                    },
                );
                p.lb_listeners.push(LbListener {
                    resource: r.id.clone(),
                    pos: b.get("protocol").map(|v| v.pos).unwrap_or(r.pos),
                    protocol,
                    redirects_to_https,
                    ssl_policy: Some(attr_str(b.get("ssl_policy"))),
                });
            }
            _ => {}
        }
    }
}

pub(super) fn cfn(resources: &[SourceResource], p: &mut Platform) {
    for r in resources {
        let b = r.body;
        match r.rtype {
            "AWS::ElasticLoadBalancingV2::LoadBalancer" => {
                let Some(kind) = kind(b.get("Type").and_then(Value::as_str)) else {
                    continue;
                };
                let access_logs = match b.get("LoadBalancerAttributes") {
                    None => Attr::Set(false, r.pos),
                    Some(list) if list.is_unknown() => Attr::Unknown(list.pos),
                    Some(list) => list
                        .items()
                        .iter()
                        .find(|a| {
                            a.get("Key").and_then(Value::as_str) == Some("access_logs.s3.enabled")
                        })
                        .map(|a| attr_bool(a.get("Value")))
                        .map(|v| match v {
                            Attr::Unset => Attr::Set(false, list.pos),
                            other => other,
                        })
                        .unwrap_or(Attr::Set(false, list.pos)),
                };
                p.load_balancers.push(LoadBalancer {
                    resource: r.id.clone(),
                    kind,
                    pos: r.pos,
                    access_logs,
                });
            }
            "AWS::ElasticLoadBalancing::LoadBalancer" => {
                // An object per the schema; a one-item list is read as its item.
                let policy = b
                    .get("AccessLoggingPolicy")
                    .and_then(|a| a.one_or_many().first().copied());
                let access_logs = match policy {
                    None => Attr::Set(false, r.pos),
                    Some(a) if a.is_unknown() => Attr::Unknown(a.pos),
                    Some(a) => match attr_bool(a.get("Enabled")) {
                        Attr::Unset => Attr::Set(false, a.pos),
                        other => other,
                    },
                };
                p.load_balancers.push(LoadBalancer {
                    resource: r.id.clone(),
                    kind: "classic load balancer",
                    pos: r.pos,
                    access_logs,
                });
                for l in b.get("Listeners").map(Value::items).unwrap_or_default() {
                    p.lb_listeners.push(LbListener {
                        resource: r.id.clone(),
                        pos: l.get("Protocol").map(|v| v.pos).unwrap_or(l.pos),
                        protocol: upper(attr_str(l.get("Protocol"))),
                        redirects_to_https: Attr::Set(false, l.pos),
                        ssl_policy: None,
                    });
                }
            }
            "AWS::ElasticLoadBalancingV2::Listener" => {
                let redirects_to_https = match b.get("DefaultActions") {
                    Some(list) if list.is_unknown() => Attr::Unknown(list.pos),
                    Some(list) => redirects(
                        &list.one_or_many(),
                        r.pos,
                        |a| attr_str(a.get("Type")),
                        |a| a.get("RedirectConfig").map(|x| attr_str(x.get("Protocol"))),
                    ),
                    None => Attr::Set(false, r.pos),
                };
                p.lb_listeners.push(LbListener {
                    resource: r.id.clone(),
                    pos: b.get("Protocol").map(|v| v.pos).unwrap_or(r.pos),
                    protocol: upper(attr_str(b.get("Protocol"))),
                    redirects_to_https,
                    ssl_policy: Some(attr_str(b.get("SslPolicy"))),
                });
            }
            _ => {}
        }
    }
}

fn upper(v: Attr<String>) -> Attr<String> {
    match v {
        Attr::Set(s, pos) => Attr::Set(s.trim().to_ascii_uppercase(), pos),
        other => other,
    }
}

/// Whether every default action is a redirect to HTTPS: `Set(false)` as soon as one
/// forwards, answers or redirects elsewhere (a redirect keeps the request's protocol
/// unless it names another), unknown when a type or protocol cannot be evaluated.
fn redirects(
    actions: &[&Value],
    fallback: Pos,
    action_type: impl Fn(&Value) -> Attr<String>,
    redirect_protocol: impl Fn(&Value) -> Option<Attr<String>>,
) -> Attr<bool> {
    if actions.is_empty() {
        return Attr::Set(false, fallback);
    }
    let mut unknown = None;
    for a in actions {
        match action_type(a) {
            Attr::Set(t, _) if t.eq_ignore_ascii_case("redirect") => match redirect_protocol(a) {
                Some(Attr::Set(p, _)) if p.eq_ignore_ascii_case("HTTPS") => {}
                Some(Attr::Unknown(pos)) => unknown = Some(pos),
                _ => return Attr::Set(false, a.pos),
            },
            Attr::Unknown(pos) => unknown = Some(pos),
            _ => return Attr::Set(false, a.pos),
        }
    }
    match unknown {
        Some(pos) => Attr::Unknown(pos),
        None => Attr::Set(true, actions[0].pos),
    }
}

/// A Google backend service behind an HTTP(S) load balancer (scheme `EXTERNAL`, the
/// default, `EXTERNAL_MANAGED` or `INTERNAL_MANAGED`, with an HTTP protocol): its request
/// logs are `log_config { enable = true }`, off when unwritten. Backend services of
/// passthrough and TCP/SSL proxy load balancers, and values that cannot be evaluated, are
/// not judged.
fn google_backend(r: &SourceResource) -> Option<LoadBalancer> {
    let b = r.body;
    let scheme = match attr_str(b.get("load_balancing_scheme")) {
        Attr::Unset => "EXTERNAL".to_string(),
        Attr::Set(s, _) => s.to_ascii_uppercase(),
        Attr::Unknown(_) => return None,
    };
    let protocol = match attr_str(b.get("protocol")) {
        // The API's default for global backend services.
        Attr::Unset if r.rtype == "google_compute_backend_service" => "HTTP".to_string(),
        Attr::Set(s, _) => s.to_ascii_uppercase(),
        _ => return None,
    };
    if !matches!(
        scheme.as_str(),
        "EXTERNAL" | "EXTERNAL_MANAGED" | "INTERNAL_MANAGED"
    ) || !matches!(protocol.as_str(), "HTTP" | "HTTPS" | "HTTP2")
    {
        return None;
    }
    let access_logs = match blocks(b, "log_config").first() {
        Some(l) => match attr_bool(l.get("enable")) {
            Attr::Unset => Attr::Set(false, l.pos),
            other => other,
        },
        None => Attr::Set(false, r.pos),
    };
    Some(LoadBalancer {
        resource: r.id.clone(),
        kind: "HTTP(S) load balancer backend service",
        pos: r.pos,
        access_logs,
    })
}
