//! Image rules (IMG100–IMG149): the image configuration (user, environment, ports,
//! healthcheck, history) and the final view (package caches, setuid files), plus the
//! base OS lifecycle. Each rule lives in its own file with its documentation.

mod img100_root_user;
mod img101_eol_base;
mod img102_eol_soon;
mod img103_stale_image;
mod img104_secret_in_config;
mod img105_secret_in_history;
mod img106_add_remote_url;
mod img107_pipe_to_shell;
mod img108_package_cache;
mod img109_ssh_port;
mod img110_setuid;
mod img111_no_healthcheck;
mod img112_mutable_base;
pub(crate) mod secret_hints;

use chrono::NaiveDate;
use palisade_core::{Evidence, Finding, Location, RuleMeta};

use crate::analysis::ImagesConfig;
use crate::config::ImageConfig;
use crate::fs::ImageFs;
use crate::layer::LayerInfo;
use crate::os::OsRelease;

/// What image rules look at.
pub struct ImageContext<'a> {
    /// The image as the user named it; every finding's path.
    pub target: &'a str,
    /// `None` for a root filesystem, which has no configuration.
    pub config: Option<&'a ImageConfig>,
    pub layers: &'a [LayerInfo],
    pub fs: &'a ImageFs,
    pub os: Option<&'a OsRelease>,
    pub settings: &'a ImagesConfig,
    pub today: NaiveDate,
}

impl ImageContext<'_> {
    /// A finding about the image as a whole; `resource` says which part (`USER`, `ENV X`).
    pub(crate) fn finding(
        &self,
        rule: &'static RuleMeta,
        message: String,
        resource: &str,
    ) -> Finding {
        Finding::new(
            rule,
            message,
            Location::file(self.target).with_resource(resource),
        )
    }

    /// A finding about a layer: carries its digest and the instruction that made it.
    pub(crate) fn layer_finding(
        &self,
        rule: &'static RuleMeta,
        message: String,
        resource: &str,
        layer: usize,
    ) -> Finding {
        let mut f = self.finding(rule, message, resource);
        if let Some(info) = self.layers.get(layer) {
            f.location.layer = info.display_digest().map(|d| d.to_string());
            if let Some(cmd) = &info.created_by {
                f.evidence.push(Evidence {
                    label: format!("layer {} created by: {}", layer + 1, truncate(cmd, 200)),
                    location: None,
                });
            }
        }
        f
    }
}

pub(crate) fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(max).collect::<String>())
    }
}

/// Every image rule.
pub fn rules() -> Vec<&'static RuleMeta> {
    vec![
        &img100_root_user::RULE,
        &img101_eol_base::RULE,
        &img102_eol_soon::RULE,
        &img103_stale_image::RULE,
        &img104_secret_in_config::RULE,
        &img105_secret_in_history::RULE,
        &img106_add_remote_url::RULE,
        &img107_pipe_to_shell::RULE,
        &img108_package_cache::RULE,
        &img109_ssh_port::RULE,
        &img110_setuid::RULE,
        &img111_no_healthcheck::RULE,
        &img112_mutable_base::RULE,
    ]
}

/// Runs every image rule.
pub fn check(cx: &ImageContext<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    out.extend(img100_root_user::check(cx));
    out.extend(img101_eol_base::check(cx));
    out.extend(img102_eol_soon::check(cx));
    out.extend(img103_stale_image::check(cx));
    out.extend(img104_secret_in_config::check(cx));
    out.extend(img105_secret_in_history::check(cx));
    out.extend(img106_add_remote_url::check(cx));
    out.extend(img107_pipe_to_shell::check(cx));
    out.extend(img108_package_cache::check(cx));
    out.extend(img109_ssh_port::check(cx));
    out.extend(img110_setuid::check(cx));
    out.extend(img111_no_healthcheck::check(cx));
    out.extend(img112_mutable_base::check(cx));
    out
}
