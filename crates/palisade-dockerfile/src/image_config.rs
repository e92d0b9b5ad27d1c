//! Image-configuration rules: the same IMG rules as for Dockerfiles, applied to what a
//! built image records about itself (config `User`, `Env`, `Labels`, `ExposedPorts`,
//! `Healthcheck` and the `created_by` commands of its history).
//!
//! The image reader fills an [`ImageConfig`] (or calls [`ImageConfig::from_oci_json`]
//! with the image's config blob) and calls [`check_image_config`].

use std::collections::BTreeMap;

use palisade_core::{Finding, Location, RuleMeta, Severity};

use crate::rules::{
    img010_unpinned_base, img011_root_user, img013_add_remote_url, img015_apt_lists_kept,
    img016_apk_cache_kept, img017_rpm_cache_kept, img018_pip_cache_kept,
    img020_secret_in_build_config, img021_pipe_to_shell, img023_no_healthcheck, img024_ssh_port,
};
use crate::shell;

/// The parts of an OCI/Docker image configuration the rules look at.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImageConfig {
    /// `config.User`; `None` or empty means root.
    pub user: Option<String>,
    /// `config.Env` as `NAME=value` strings.
    pub env: Vec<String>,
    pub labels: BTreeMap<String, String>,
    /// `config.ExposedPorts` keys such as `22/tcp`.
    pub exposed_ports: Vec<String>,
    /// `config.Healthcheck.Test`; `Some(["NONE"])` when explicitly disabled.
    pub healthcheck: Option<Vec<String>>,
    pub history: Vec<HistoryEntry>,
}

/// One entry of the image history.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HistoryEntry {
    pub created_by: String,
    pub empty_layer: bool,
}

impl ImageConfig {
    /// Reads the fields from an image config blob (`application/vnd.oci.image.config.v1+json`
    /// or Docker's equivalent). Missing fields stay empty.
    pub fn from_oci_json(config: &serde_json::Value) -> ImageConfig {
        let c = config
            .get("config")
            .or_else(|| config.get("container_config"));
        let get = |k: &str| c.and_then(|c| c.get(k));
        let strings = |v: Option<&serde_json::Value>| -> Vec<String> {
            v.and_then(|v| v.as_array())
                .map(|a| {
                    a.iter()
                        .filter_map(|s| s.as_str().map(String::from))
                        .collect()
                })
                .unwrap_or_default()
        };
        ImageConfig {
            user: get("User").and_then(|u| u.as_str()).map(String::from),
            env: strings(get("Env")),
            labels: get("Labels")
                .and_then(|l| l.as_object())
                .map(|m| {
                    m.iter()
                        .filter_map(|(k, v)| v.as_str().map(|v| (k.clone(), v.to_string())))
                        .collect()
                })
                .unwrap_or_default(),
            exposed_ports: get("ExposedPorts")
                .and_then(|p| p.as_object())
                .map(|m| m.keys().cloned().collect())
                .unwrap_or_default(),
            healthcheck: get("Healthcheck")
                .and_then(|h| h.get("Test"))
                .map(|t| strings(Some(t))),
            history: config
                .get("history")
                .and_then(|h| h.as_array())
                .map(|a| {
                    a.iter()
                        .map(|h| HistoryEntry {
                            created_by: h
                                .get("created_by")
                                .and_then(|c| c.as_str())
                                .unwrap_or("")
                                .to_string(),
                            empty_layer: h
                                .get("empty_layer")
                                .and_then(|e| e.as_bool())
                                .unwrap_or(false),
                        })
                        .collect()
                })
                .unwrap_or_default(),
        }
    }
}

/// A history `created_by` split into what the builder recorded.
#[derive(Debug, Default, PartialEq, Eq)]
struct HistoryStep {
    /// `RUN`, `ENV`, `ADD`... (`RUN` for a plain shell command).
    keyword: String,
    /// Build arguments recorded as `|2 A=1 B=2`.
    build_args: Vec<(String, String)>,
    cache_mount: bool,
    /// The script of a RUN, or the arguments of another instruction.
    text: String,
}

fn parse_created_by(created_by: &str) -> HistoryStep {
    let mut s = created_by.trim();
    s = s.strip_suffix("# buildkit").unwrap_or(s).trim_end();
    let mut step = HistoryStep::default();
    let mut keyword = String::from("RUN");
    if let Some(rest) = s.strip_prefix("RUN ") {
        s = rest.trim_start();
    }
    // `|2 A=1 B=2 ...`: the build arguments in effect.
    if let Some(rest) = s.strip_prefix('|') {
        let (count, after) = rest.split_once(' ').unwrap_or((rest, ""));
        let n: usize = count.parse().unwrap_or(0);
        let mut after = after.trim_start();
        for _ in 0..n {
            let end = after.find(' ').unwrap_or(after.len());
            if let Some((k, v)) = after[..end].split_once('=') {
                step.build_args.push((k.to_string(), v.to_string()));
            }
            after = after[end..].trim_start();
        }
        s = after;
    }
    while let Some(rest) = s.strip_prefix("--") {
        let end = rest.find(' ').unwrap_or(rest.len());
        if rest[..end].starts_with("mount=") && rest[..end].contains("type=cache") {
            step.cache_mount = true;
        }
        s = rest[end..].trim_start();
    }
    for shell_prefix in ["/bin/sh -c ", "/bin/bash -c ", "sh -c ", "cmd /S /C "] {
        if let Some(rest) = s.strip_prefix(shell_prefix) {
            s = rest.trim_start();
            break;
        }
    }
    if let Some(rest) = s.strip_prefix("#(nop)") {
        let rest = rest.trim_start();
        let (kw, args) = rest.split_once(' ').unwrap_or((rest, ""));
        keyword = kw.to_ascii_uppercase();
        s = args.trim_start();
    } else {
        // BuildKit records other instructions as `ENV A=b`, `ADD url dst`...
        let first = s.split(' ').next().unwrap_or("");
        if matches!(
            first,
            "ENV"
                | "ADD"
                | "COPY"
                | "LABEL"
                | "USER"
                | "EXPOSE"
                | "WORKDIR"
                | "CMD"
                | "ENTRYPOINT"
                | "ARG"
                | "HEALTHCHECK"
                | "SHELL"
                | "VOLUME"
                | "STOPSIGNAL"
                | "ONBUILD"
                | "MAINTAINER"
        ) {
            keyword = first.to_string();
            s = s[first.len()..].trim_start();
        }
    }
    step.keyword = keyword;
    step.text = s.to_string();
    step
}

struct ImageContext<'a> {
    image: &'a str,
    findings: Vec<Finding>,
}

impl ImageContext<'_> {
    fn report(
        &mut self,
        rule: &'static RuleMeta,
        resource: String,
        message: String,
    ) -> &mut Finding {
        let location = Location {
            path: self.image.to_string(),
            resource: Some(resource),
            ..Location::default()
        };
        self.findings.push(Finding::new(rule, message, location));
        self.findings.last_mut().expect("just pushed")
    }
}

/// Runs the image-configuration rules; findings point at `image_name` with the resource
/// `image config` or `history[N]` (N counts every history entry from 0).
pub fn check_image_config(config: &ImageConfig, image_name: &str) -> Vec<Finding> {
    check_image_config_with(config, image_name, None)
}

/// [`check_image_config`] with a secrets engine that IMG020 also runs on every `Env`,
/// label and recorded build-argument value.
pub fn check_image_config_with(
    config: &ImageConfig,
    image_name: &str,
    value_scanner: Option<crate::secrets::ValueScanner>,
) -> Vec<Finding> {
    let secret_pair = |name: &str, value: &str| -> Option<String> {
        img020_secret_in_build_config::secret_pair(name, value).or_else(|| {
            let scan = value_scanner?;
            if !crate::secrets::is_literal_value(value) {
                return None;
            }
            scan(value).map(|what| format!("`{name}` holds a secret ({what})"))
        })
    };
    let mut cx = ImageContext {
        image: image_name,
        findings: Vec::new(),
    };
    let config_resource = || "image config".to_string();

    // IMG011: root user.
    let user = config.user.as_deref().unwrap_or("").trim();
    if user.is_empty() {
        cx.report(
            &img011_root_user::RULE,
            config_resource(),
            "the image configuration sets no User: containers run as root".into(),
        );
    } else if img011_root_user::is_root_user(user) {
        cx.report(
            &img011_root_user::RULE,
            config_resource(),
            format!("the image runs as `{user}`"),
        );
    }

    // IMG020: secrets in Env, Labels and history build arguments.
    let mut seen_secrets: Vec<String> = Vec::new();
    for entry in &config.env {
        let (k, v) = entry.split_once('=').unwrap_or((entry, ""));
        if let Some(why) = secret_pair(k, v) {
            let info = img020_secret_in_build_config::secret_info(v);
            seen_secrets.push(info.fingerprint.clone());
            cx.report(
                &img020_secret_in_build_config::RULE,
                config_resource(),
                format!("Env {why}"),
            )
            .secret = Some(Box::new(info));
        }
    }
    for (k, v) in &config.labels {
        if let Some(why) = secret_pair(k, v) {
            let info = img020_secret_in_build_config::secret_info(v);
            seen_secrets.push(info.fingerprint.clone());
            cx.report(
                &img020_secret_in_build_config::RULE,
                config_resource(),
                format!("label {why}"),
            )
            .secret = Some(Box::new(info));
        }
    }

    for (n, entry) in config.history.iter().enumerate() {
        let step = parse_created_by(&entry.created_by);
        let resource = format!("history[{n}]");
        let mut pairs: Vec<(String, String, &str)> = step
            .build_args
            .iter()
            .map(|(k, v)| (k.clone(), v.clone(), "build argument"))
            .collect();
        if step.keyword == "ENV" || step.keyword == "ARG" {
            pairs.extend(
                crate::parse::key_values(&step.text)
                    .into_iter()
                    .map(|(k, v)| (k, v, "ENV in history")),
            );
        }
        for (k, v, what) in pairs {
            if let Some(why) = secret_pair(&k, &v) {
                let info = img020_secret_in_build_config::secret_info(&v);
                if seen_secrets.contains(&info.fingerprint) {
                    continue;
                }
                seen_secrets.push(info.fingerprint.clone());
                cx.report(
                    &img020_secret_in_build_config::RULE,
                    resource.clone(),
                    format!("{what} {why}: it is recorded in the image history"),
                )
                .secret = Some(Box::new(info));
            }
        }

        if step.keyword == "ADD" {
            let words = crate::parse::split_words(&step.text);
            if !step.text.contains("--checksum") {
                if let Some(url) = words
                    .iter()
                    .find(|w| crate::rules::img012_add_instead_of_copy::is_remote(w))
                {
                    cx.report(
                        &img013_add_remote_url::RULE,
                        resource.clone(),
                        format!("history records ADD of `{url}` without a checksum"),
                    );
                }
            }
        }
        if step.keyword != "RUN" {
            continue;
        }
        let cmds = shell::commands(&step.text);
        if let Some((dl, sh)) = img021_pipe_to_shell::pipe_to_shell(&cmds) {
            cx.report(
                &img021_pipe_to_shell::RULE,
                resource.clone(),
                format!("history: output of `{dl}` is executed by `{sh}` without verification"),
            );
        }
        if step.cache_mount {
            continue;
        }
        if img015_apt_lists_kept::keeps_apt_lists(&cmds) {
            cx.report(
                &img015_apt_lists_kept::RULE,
                resource.clone(),
                "history: apt-get install without removing /var/lib/apt/lists in the same layer"
                    .into(),
            );
        }
        if img016_apk_cache_kept::keeps_apk_cache(&cmds) {
            cx.report(
                &img016_apk_cache_kept::RULE,
                resource.clone(),
                "history: apk add without --no-cache".into(),
            );
        }
        if let Some(m) = img017_rpm_cache_kept::uncleaned_rpm_install(&cmds) {
            cx.report(
                &img017_rpm_cache_kept::RULE,
                resource.clone(),
                format!(
                    "history: {} install without cleaning its cache in the same layer",
                    m.name()
                ),
            );
        }
        let pip_cache_off = config
            .env
            .iter()
            .any(|e| e.starts_with("PIP_NO_CACHE_DIR="));
        let pip_keeps = cmds.iter().any(|c| {
            crate::packages::classify(c).is_some_and(|p| {
                p.manager == crate::packages::Manager::Pip
                    && p.action == crate::packages::Action::Install
                    && !p.has_option(&["--no-cache-dir"])
            })
        });
        if pip_keeps && !pip_cache_off {
            cx.report(
                &img018_pip_cache_kept::RULE,
                resource.clone(),
                "history: pip install without --no-cache-dir".into(),
            );
        }
    }

    // IMG024: SSH exposed.
    if let Some(port) = config
        .exposed_ports
        .iter()
        .find(|p| img024_ssh_port::includes_ssh(p))
    {
        cx.report(
            &img024_ssh_port::RULE,
            config_resource(),
            format!("the image exposes `{port}` (SSH)"),
        );
    }

    // IMG023: no healthcheck.
    if config.healthcheck.as_ref().is_none_or(|t| t.is_empty()) {
        cx.report(
            &img023_no_healthcheck::RULE,
            config_resource(),
            "the image configuration has no Healthcheck".into(),
        );
    }

    // IMG010: built from a mutable base tag, when the OCI base-image labels say so.
    if let Some(base) = config.labels.get("org.opencontainers.image.base.name") {
        let pinned_by_digest = config
            .labels
            .contains_key("org.opencontainers.image.base.digest");
        if let Some(reason) = img010_unpinned_base::unpinned_reason(base) {
            let f = cx.report(
                &img010_unpinned_base::RULE,
                config_resource(),
                format!("built from base image `{base}`, which {reason}"),
            );
            if pinned_by_digest {
                // The digest label records what was used, but the build still follows the tag.
                f.severity = Severity::Low;
            }
        }
    }

    cx.findings.sort_by(|a, b| {
        (&a.location.resource, &a.rule_id).cmp(&(&b.location.resource, &b.rule_id))
    });
    cx.findings
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn created_by_forms() {
        let s = parse_created_by("RUN |1 NPM_TOKEN=abc /bin/sh -c npm ci # buildkit");
        assert_eq!(s.keyword, "RUN");
        assert_eq!(
            s.build_args,
            vec![("NPM_TOKEN".to_string(), "abc".to_string())]
        );
        assert_eq!(s.text, "npm ci");
        let s = parse_created_by("/bin/sh -c #(nop)  ENV PATH=/usr/local/bin");
        assert_eq!(
            (s.keyword.as_str(), s.text.as_str()),
            ("ENV", "PATH=/usr/local/bin")
        );
        let s = parse_created_by("ADD https://example.com/a.tgz /opt/ # buildkit");
        assert_eq!(s.keyword, "ADD");
        let s = parse_created_by("RUN --mount=type=cache,target=/var/cache/apt /bin/sh -c apt-get install -y x # buildkit");
        assert!(s.cache_mount);
        assert_eq!(s.text, "apt-get install -y x");
    }
}
