//! IMG020 — secret in ENV, ARG or LABEL.

use palisade_core::{SecretInfo, Severity};

use super::Context;
use crate::parse::{arg_declarations, key_values};
use crate::secrets::{
    base64_layers, fingerprint, is_literal_value, is_secret_name, preview, url_credentials,
};

palisade_core::declare_rule! {
    /// ## What it checks
    /// `ENV` and `LABEL` entries whose name says they hold a credential (`*_PASSWORD`,
    /// `*_TOKEN`, `*_SECRET`, `*API_KEY`...) and whose value is a literal, values that
    /// embed credentials in a URL (`postgres://user:pass@db`), and `ARG`s with such names
    /// (with a default, the secret is in the file; without, whatever is passed with
    /// `--build-arg` is recorded in the image history). When the secrets engine is
    /// available, every literal value is also scanned with it (`ENV GH=ghp_...`), and so is
    /// what the value decodes to when it is base64, once or twice (`ARG K=QUtJQ...`). Every
    /// stage is checked. For a built
    /// image: `Env`, `Labels` and the build arguments recorded in `history`.
    ///
    /// ## Why it matters
    /// `ENV` and `LABEL` values are stored in the image configuration and `ARG` values in
    /// its history: anyone who can pull the image can read them with `docker inspect` or
    /// `docker history`, long after the secret was rotated in the source.
    ///
    /// ## Fix
    /// Pass build-time secrets with `RUN --mount=type=secret,id=...` (BuildKit) and
    /// run-time secrets through the orchestrator (Kubernetes Secrets mounted as files, a
    /// secret manager). Rotate any secret that was committed.
    ///
    /// ## References
    /// - https://docs.docker.com/build/building/secrets/
    /// - https://docs.docker.com/reference/dockerfile/#arg
    pub static RULE = {
        id: "IMG020", practice: Img, severity: High,
        title: "Secret in image environment, build argument or label",
    };
}

pub(crate) fn secret_info(value: &str) -> SecretInfo {
    SecretInfo {
        preview: preview(value),
        fingerprint: fingerprint(value),
    }
}

/// Why a `name=value` pair of the configuration holds a secret, if it does.
pub(crate) fn secret_pair(name: &str, value: &str) -> Option<String> {
    if is_secret_name(name) && is_literal_value(value) {
        return Some(format!("`{name}` holds a literal secret"));
    }
    if url_credentials(value) {
        return Some(format!("`{name}` holds a URL with embedded credentials"));
    }
    None
}

pub fn check(cx: &mut Context) {
    let df = cx.df;
    let engine = cx.value_scanner;
    let why = |name: &str, value: &str| -> Option<String> {
        secret_pair(name, value).or_else(|| {
            let scan = engine?;
            if !is_literal_value(value) {
                return None;
            }
            scan(value)
                .map(|what| format!("`{name}` holds a secret ({what})"))
                .or_else(|| {
                    // `base64(key)` and `base64(base64(key))` hide a known format from
                    // pattern rules: look again under each layer.
                    base64_layers(value)
                        .iter()
                        .enumerate()
                        .find_map(|(depth, text)| {
                            let found = scan(text).or_else(|| {
                                url_credentials(text)
                                    .then(|| "a URL with embedded credentials".to_string())
                            })?;
                            let layers = if depth == 0 { "base64" } else { "twice base64" };
                            Some(format!(
                                "`{name}` holds a {layers}-encoded secret ({found})"
                            ))
                        })
                })
        })
    };
    for ins in &df.instructions {
        let stage = cx.stage_of(ins);
        if ins.is("ENV") || ins.is("LABEL") {
            for (name, value) in key_values(&ins.text()) {
                if let Some(why) = why(&name, &value) {
                    let f = cx.report(
                        &RULE,
                        ins.line,
                        stage,
                        format!(
                            "{} {why}: it is stored in the image configuration",
                            ins.keyword
                        ),
                    );
                    f.secret = Some(Box::new(secret_info(&value)));
                }
            }
        } else if ins.is("ARG") {
            for (name, default) in arg_declarations(&ins.text()) {
                match default {
                    Some(value) => {
                        if let Some(why) = why(&name, &value) {
                            let f = cx.report(
                                &RULE,
                                ins.line,
                                stage,
                                format!("ARG {why} as its default"),
                            );
                            f.secret = Some(Box::new(secret_info(&value)));
                        }
                    }
                    None if is_secret_name(&name) => {
                        cx.report_with(
                            &RULE,
                            ins.line,
                            stage,
                            format!(
                                "ARG `{name}` looks like a secret: values passed with --build-arg are recorded in the image history"
                            ),
                            Some(Severity::Medium),
                        );
                    }
                    None => {}
                }
            }
        }
    }
}
