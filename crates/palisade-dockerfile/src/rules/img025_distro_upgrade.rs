//! IMG025 — distribution upgrade in RUN.

use super::Context;
use crate::packages::{classify, Manager};

palisade_core::declare_rule! {
    /// ## What it checks
    /// `apt-get dist-upgrade`, `apt full-upgrade` or `zypper dist-upgrade` (`dup`) in a
    /// shipped stage. A plain `apt-get upgrade` (security updates within the release) is
    /// not flagged.
    ///
    /// ## Why it matters
    /// A distribution upgrade may move packages to a new release behind the base image's
    /// back: the image no longer matches the tag it was built from, and what is installed
    /// depends on the day of the build.
    ///
    /// ## Fix
    /// Move to a newer base image tag instead; keep `apt-get upgrade -y` (or nothing, with
    /// a frequently rebuilt base) for in-release security fixes.
    ///
    /// ## References
    /// - https://docs.docker.com/build/building/best-practices/#apt-get
    pub static RULE = {
        id: "IMG025", practice: Img, severity: Low,
        title: "Distribution upgrade during the build",
    };
}

pub fn check(cx: &mut Context) {
    let stages = cx.shipped_stages();
    let hits: Vec<_> = cx
        .runs_in(&stages)
        .filter_map(|(_, ins, cmds)| {
            cmds.iter().find_map(|c| {
                let p = classify(c)?;
                let upgrade = match p.manager.family() {
                    Manager::AptGet => {
                        matches!(p.subcommand.as_str(), "dist-upgrade" | "full-upgrade")
                    }
                    Manager::Zypper => matches!(p.subcommand.as_str(), "dup" | "dist-upgrade"),
                    _ => false,
                };
                upgrade.then(|| {
                    (
                        ins.line,
                        ins.stage,
                        format!("{} {}", p.manager.name(), p.subcommand),
                    )
                })
            })
        })
        .collect();
    for (line, stage, what) in hits {
        let stage = &cx.df.stages[stage.unwrap_or(0)];
        cx.report(
            &RULE,
            line,
            stage,
            format!("`{what}` upgrades the distribution during the build"),
        );
    }
}
