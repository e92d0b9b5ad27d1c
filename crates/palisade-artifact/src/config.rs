//! The image configuration (Docker and OCI share it): user, environment, ports, labels,
//! healthcheck, history and the layers' diff ids.
//!
//! Read leniently with our own types rather than `oci_spec::image::ImageConfiguration`:
//! Docker writes fields the OCI type lacks (`Healthcheck`, `OnBuild`) and legacy archives
//! carry `null` where OCI requires values; a scanner must still read those images.

use std::collections::BTreeMap;

use serde::Deserialize;

/// `config.json` of an image.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ImageConfig {
    #[serde(default)]
    pub created: Option<String>,
    #[serde(default)]
    pub author: Option<String>,
    #[serde(default)]
    pub architecture: Option<String>,
    #[serde(default)]
    pub os: Option<String>,
    #[serde(default)]
    pub variant: Option<String>,
    #[serde(default)]
    pub config: Option<RunConfig>,
    #[serde(default)]
    pub history: Option<Vec<HistoryEntry>>,
    #[serde(default)]
    pub rootfs: Option<RootFs>,
    /// Legacy (v1) image JSON: the parent image id.
    #[serde(default)]
    pub parent: Option<String>,
    /// Legacy (v1) image JSON: the command that made this layer.
    #[serde(default)]
    pub container_config: Option<RunConfig>,
}

/// How a container of the image runs.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RunConfig {
    #[serde(default)]
    pub user: Option<String>,
    #[serde(default)]
    pub env: Option<Vec<String>>,
    #[serde(default)]
    pub exposed_ports: Option<BTreeMap<String, serde_json::Value>>,
    #[serde(default)]
    pub labels: Option<BTreeMap<String, String>>,
    #[serde(default)]
    pub healthcheck: Option<Healthcheck>,
    #[serde(default)]
    pub cmd: Option<Vec<String>>,
    #[serde(default)]
    pub entrypoint: Option<Vec<String>>,
}

/// `HEALTHCHECK` as stored by Docker and Buildah.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Healthcheck {
    #[serde(default)]
    pub test: Option<Vec<String>>,
}

/// One build step.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct HistoryEntry {
    #[serde(default)]
    pub created: Option<String>,
    #[serde(default)]
    pub created_by: Option<String>,
    #[serde(default)]
    pub empty_layer: bool,
    #[serde(default)]
    pub comment: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct RootFs {
    #[serde(default)]
    pub diff_ids: Vec<String>,
}

impl ImageConfig {
    pub fn run(&self) -> RunConfig {
        self.config.clone().unwrap_or_default()
    }

    pub fn history(&self) -> &[HistoryEntry] {
        self.history.as_deref().unwrap_or_default()
    }

    /// `(KEY, value)` pairs of `Env`.
    pub fn env(&self) -> Vec<(String, String)> {
        self.run()
            .env
            .unwrap_or_default()
            .iter()
            .map(|kv| match kv.split_once('=') {
                Some((k, v)) => (k.to_string(), v.to_string()),
                None => (kv.clone(), String::new()),
            })
            .collect()
    }

    /// The `created_by` of the history entry that produced each non-empty layer, in order.
    ///
    /// Builders that commit one layer per build (buildah without `--layers`, squashed
    /// builds) mark every instruction empty but the last, which is often a `CMD`: then the
    /// filesystem-changing instructions since the previous layer are reported instead.
    pub fn layer_commands(&self, layer_count: usize) -> Vec<Option<String>> {
        let mut out = Vec::with_capacity(layer_count);
        let mut span: Vec<String> = Vec::new();
        for h in self.history() {
            let cmd = h.created_by.as_deref().map(clean_created_by);
            if h.empty_layer {
                if let Some(c) = cmd.filter(|c| {
                    c.starts_with("RUN ") || c.starts_with("COPY ") || c.starts_with("ADD ")
                }) {
                    span.push(c);
                }
                continue;
            }
            let described = match cmd {
                Some(c) if !changes_files(&c) && !span.is_empty() => Some(span.join(" ; ")),
                other => other,
            };
            span.clear();
            out.push(described);
        }
        out.resize(layer_count, None);
        out.truncate(layer_count);
        out
    }
}

/// Whether an instruction changes the filesystem (`RUN`, `COPY`, `ADD`) rather than only
/// the configuration (`CMD`, `ENV`, `USER`...).
fn changes_files(cleaned: &str) -> bool {
    let word = cleaned.split_whitespace().next().unwrap_or("");
    !matches!(
        word,
        "CMD"
            | "ENTRYPOINT"
            | "ENV"
            | "EXPOSE"
            | "USER"
            | "LABEL"
            | "WORKDIR"
            | "HEALTHCHECK"
            | "STOPSIGNAL"
            | "ARG"
            | "ONBUILD"
            | "VOLUME"
            | "SHELL"
            | "MAINTAINER"
    )
}

/// Turns `/bin/sh -c #(nop)  ENV A=b` into `ENV A=b` and `/bin/sh -c apt-get ...` into
/// `RUN apt-get ...`, the way a Dockerfile author wrote it.
pub fn clean_created_by(raw: &str) -> String {
    let s = raw.trim();
    let s = s.strip_prefix("/bin/sh -c ").unwrap_or(s);
    if let Some(rest) = s.strip_prefix("#(nop)") {
        return rest.trim().to_string();
    }
    if raw.trim().starts_with("/bin/sh -c ") {
        return format!("RUN {}", s.trim());
    }
    s.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn history_maps_to_layers_skipping_empty_ones() {
        let cfg: ImageConfig = serde_json::from_str(
            r#"{"config":null,"history":[
                {"created_by":"/bin/sh -c #(nop) ADD file:abc in / "},
                {"created_by":"/bin/sh -c #(nop)  CMD [\"bash\"]","empty_layer":true},
                {"created_by":"/bin/sh -c apt-get update"}]}"#,
        )
        .unwrap();
        assert_eq!(
            cfg.layer_commands(3),
            [
                Some("ADD file:abc in /".to_string()),
                Some("RUN apt-get update".to_string()),
                None
            ]
        );
        assert!(cfg.run().user.is_none());
        let squashed: ImageConfig = serde_json::from_str(
            r#"{"history":[{"created_by":"umoci raw add-layer"},
                {"created_by":"/bin/sh -c useradd app","empty_layer":true},
                {"created_by":"/bin/sh -c #(nop) ENV A=b","empty_layer":true},
                {"created_by":"/bin/sh -c #(nop) CMD [\"bash\"]"}]}"#,
        )
        .unwrap();
        assert_eq!(
            squashed.layer_commands(2),
            [
                Some("umoci raw add-layer".to_string()),
                Some("RUN useradd app".to_string())
            ]
        );
    }
}
