//! IMG015 — apt package lists left in the image.

use super::{has_cache_mount, removes_path, Context};
use crate::packages::{classify, Action, Manager};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A `RUN` of a shipped stage that runs `apt-get install` (or `apt install`) but does
    /// not, in the same `RUN`, remove `/var/lib/apt/lists` or run `apt-get clean`.
    /// `RUN --mount=type=cache` passes: nothing it writes there reaches a layer. For a
    /// built image, history entries with the same pattern.
    ///
    /// ## Why it matters
    /// The package lists (tens of megabytes) stay in the layer forever, even if a later
    /// `RUN` deletes them; they also freeze a stale view of the archive into the image.
    ///
    /// ## Fix
    /// Clean up in the same `RUN`:
    /// `RUN apt-get update && apt-get install -y --no-install-recommends x && rm -rf /var/lib/apt/lists/*`.
    ///
    /// ## References
    /// - https://docs.docker.com/build/building/best-practices/#apt-get
    pub static RULE = {
        id: "IMG015", practice: Img, severity: Low,
        title: "apt lists not removed after install",
    };
}

/// Whether a script installs with apt without cleaning up after itself.
pub(crate) fn keeps_apt_lists(cmds: &[crate::shell::Command]) -> bool {
    let install = cmds.iter().find(|c| {
        classify(c)
            .is_some_and(|p| p.manager.family() == Manager::AptGet && p.action == Action::Install)
    });
    let Some(install) = install else {
        return false;
    };
    let cleaned = removes_path(cmds, 0, "/var/lib/apt/lists")
        || cmds.iter().any(|c| {
            c.order > install.order
                && classify(c).is_some_and(|p| {
                    p.manager.family() == Manager::AptGet && p.action == Action::Clean
                })
        });
    !cleaned
}

pub fn check(cx: &mut Context) {
    let stages = cx.shipped_stages();
    let hits: Vec<_> = cx
        .runs_in(&stages)
        .filter(|(_, ins, cmds)| !has_cache_mount(ins) && keeps_apt_lists(cmds))
        .map(|(_, ins, _)| (ins.line, ins.stage))
        .collect();
    for (line, stage) in hits {
        let stage = &cx.df.stages[stage.unwrap_or(0)];
        cx.report(
            &RULE,
            line,
            stage,
            "apt-get install without `rm -rf /var/lib/apt/lists/*` in the same RUN",
        );
    }
}
