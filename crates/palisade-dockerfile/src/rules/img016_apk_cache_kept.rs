//! IMG016 — apk add keeps its cache.

use super::{has_cache_mount, removes_path, Context};
use crate::packages::{classify, Action, Manager};

palisade_core::declare_rule! {
    /// ## What it checks
    /// `apk add` in a shipped stage without `--no-cache`, unless the same `RUN` removes
    /// `/var/cache/apk` or uses `--mount=type=cache`.
    ///
    /// ## Why it matters
    /// The package index and downloaded packages stay in the layer: a larger image and a
    /// stale index frozen into it.
    ///
    /// ## Fix
    /// `RUN apk add --no-cache <packages>`.
    ///
    /// ## References
    /// - https://github.com/gliderlabs/docker-alpine/blob/master/docs/usage.md#disabling-cache
    pub static RULE = {
        id: "IMG016", practice: Img, severity: Low,
        title: "apk add without --no-cache",
    };
}

pub(crate) fn keeps_apk_cache(cmds: &[crate::shell::Command]) -> bool {
    let keeps = cmds.iter().any(|c| {
        classify(c).is_some_and(|p| {
            p.manager == Manager::Apk
                && p.action == Action::Install
                && !p.has_option(&["--no-cache"])
        })
    });
    keeps && !removes_path(cmds, 0, "/var/cache/apk")
}

pub fn check(cx: &mut Context) {
    let stages = cx.shipped_stages();
    let hits: Vec<_> = cx
        .runs_in(&stages)
        .filter(|(_, ins, cmds)| !has_cache_mount(ins) && keeps_apk_cache(cmds))
        .map(|(_, ins, _)| (ins.line, ins.stage))
        .collect();
    for (line, stage) in hits {
        let stage = &cx.df.stages[stage.unwrap_or(0)];
        cx.report(&RULE, line, stage, "apk add without --no-cache");
    }
}
