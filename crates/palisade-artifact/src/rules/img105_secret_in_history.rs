//! IMG105 — secret in the image history.

use std::sync::OnceLock;

use palisade_core::{declare_rule, Finding};
use regex::Regex;

use super::secret_hints::{
    encoded_match, known_match, literal_value, redact, secret_info, secret_like_name,
};
use super::ImageContext;

declare_rule! {
    /// ## What it checks
    /// The `created_by` command of every history entry (the Dockerfile instruction that
    /// made each layer): build arguments and inline assignments with a secret-like name and
    /// a literal value (`RUN |1 NPM_TOKEN=abc... /bin/sh -c npm ci`), assignments of any
    /// name whose value is a well-known credential under base64 (or base64 of base64), and
    /// values with the shape of a well-known credential.
    /// ## Why it matters
    /// History is shipped with the image and shown by `docker history --no-trunc`: a
    /// secret passed as a build argument or typed into a `RUN` line is readable by everyone
    /// who can pull the image, even if no file keeps it.
    /// ## Fix
    /// Rotate the secret, then pass build-time secrets with `RUN --mount=type=secret`
    /// (BuildKit), which leaves no trace in history or layers.
    /// ## References
    /// - https://docs.docker.com/build/building/secrets/
    pub static RULE = {
        id: "IMG105", practice: Img, severity: High, title: "Secret in image history",
    };
}

fn assignment() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r#"(?:^|[\s;&|])([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|'[^']*'|[^\s;&|]+)"#)
            .expect("static regex")
    })
}

pub fn check(cx: &ImageContext<'_>) -> Vec<Finding> {
    let Some(config) = cx.config else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut layer = 0usize;
    for entry in config.history() {
        let this_layer = layer;
        if !entry.empty_layer {
            layer += 1;
        }
        let Some(cmd) = entry.created_by.as_deref() else {
            continue;
        };
        // `ENV` lines are IMG104's; do not report the same value twice.
        if cmd.contains("#(nop)") && cmd.contains(" ENV ") {
            continue;
        }
        // (message, the secret as the command holds it)
        let mut hits: Vec<(String, String)> = Vec::new();
        for cap in assignment().captures_iter(cmd) {
            let (name, value) = (&cap[1], cap[2].trim_matches('"').trim_matches('\''));
            if secret_like_name(name) && literal_value(value) {
                hits.push((
                    format!("history entry sets {name} to a literal secret"),
                    value.to_string(),
                ));
            } else if let Some((what, value)) = encoded_match(value) {
                hits.push((
                    format!("history entry sets {name} to a {what}"),
                    value.to_string(),
                ));
            }
        }
        if hits.is_empty() {
            if let Some((kind, text)) = known_match(cmd) {
                hits.push((
                    format!("history entry contains a credential ({kind})"),
                    text.to_string(),
                ));
            }
        }
        for (message, value) in hits {
            // The command shown must not repeat the secret it is reporting.
            let shown = redact(&crate::config::clean_created_by(cmd), &value);
            let mut f = cx.layer_finding(
                &RULE,
                message,
                &format!("history: {}", super::truncate(&shown, 80)),
                this_layer.min(cx.layers.len().saturating_sub(1)),
            );
            for e in &mut f.evidence {
                e.label = redact(&e.label, &value);
            }
            f.secret = Some(Box::new(secret_info(&value)));
            out.push(f);
        }
    }
    out
}
