//! AUTH006 — CORS allows any origin together with credentials.

use palisade_core::Finding;

use super::Context;
use crate::model::Cors;

palisade_core::declare_rule! {
    /// ## What it checks
    /// CORS settings of an API, event or function URL that allow origin `*` and
    /// credentials at once.
    /// ## Why it matters
    /// Browsers refuse `*` with credentials, so such configurations are "fixed" by
    /// reflecting any origin, which lets every web site make authenticated calls with the
    /// visitor's cookies or tokens.
    /// ## Fix
    /// List the origins that may call the API, or drop `AllowCredentials`.
    /// ## References
    /// - https://developer.mozilla.org/docs/Web/HTTP/CORS#credentialed_requests_and_wildcards
    pub static RULE = {
        id: "AUTH006", practice: Auth, severity: Medium, title: "CORS wildcard origin with credentials",
    };
}

fn bad(c: &Cors) -> bool {
    c.allow_credentials && c.allow_origins.iter().any(|o| o == "*")
}

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for e in &ctx.inv.endpoints {
        if let Some(c) = e.cors.as_ref().filter(|c| bad(c)) {
            out.push(ctx.finding(
                &RULE,
                format!("{} allows origin * with credentials", e.route),
                c.pos,
                &e.resource,
            ));
        }
    }
    for f in &ctx.inv.functions {
        for (alias, url) in f.urls() {
            if let Some(c) = url.cors.as_ref().filter(|c| bad(c)) {
                let of = alias.map(|a| format!(" (alias {a})")).unwrap_or_default();
                out.push(ctx.finding(
                    &RULE,
                    format!(
                        "URL of function {}{of} allows origin * with credentials",
                        f.name
                    ),
                    c.pos,
                    &f.resource,
                ));
            }
        }
    }
}
