//! IMG029 — package index updated in a RUN of its own.

use std::collections::HashMap;

use super::Context;
use crate::packages::{classify, Action, Manager};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A `RUN` that refreshes a package index (`apt-get update`, `apk update`,
    /// `yum`/`dnf update`, `zypper refresh`, `pacman -Sy`) without installing or upgrading
    /// anything with the same manager later in the same `RUN`, when a later `RUN` of the
    /// same stage installs with that manager (it will use the cached, stale index) or an
    /// earlier command of the same `RUN` already installed (it used no fresh index). An
    /// update with nothing installed after it anywhere is only wasted space and passes.
    ///
    /// ## Why it matters
    /// Build layers are cached: the `update` layer is reused for months while a later
    /// `RUN ... install` changes, so packages are installed from a stale index, miss
    /// security fixes, or fail to download.
    ///
    /// ## Fix
    /// Update and install in one `RUN`:
    /// `RUN apt-get update && apt-get install -y --no-install-recommends x && rm -rf /var/lib/apt/lists/*`.
    ///
    /// ## References
    /// - https://docs.docker.com/build/building/best-practices/#apt-get
    pub static RULE = {
        id: "IMG029", practice: Img, severity: Low,
        title: "Package index update alone in a RUN",
    };
}

pub fn check(cx: &mut Context) {
    let stages = cx.all_stages();
    // Last instruction index of an install, per (stage, manager family): one pass, so
    // that "is there a later install?" is a lookup.
    let mut last_install: HashMap<(Option<usize>, Manager), usize> = HashMap::new();
    for (i, ins, cmds) in cx.runs_in(&stages) {
        for p in cmds.iter().filter_map(classify) {
            if p.action == Action::Install {
                last_install.insert((ins.stage, p.manager.family()), i);
            }
        }
    }
    let mut hits = Vec::new();
    for (index, ins, cmds) in cx.runs_in(&stages) {
        let lone = cmds.iter().find_map(|c| {
            let p = classify(c)?;
            if p.manager == Manager::Pip {
                return None;
            }
            let refresh = p.action == Action::Update
                || p.subcommand == "update"
                || (p.manager == Manager::Pacman
                    && p.subcommand.starts_with("-S")
                    && p.subcommand.contains('y'));
            if !refresh || (p.manager == Manager::Pacman && p.action == Action::Install) {
                return None;
            }
            let family = p.manager.family();
            let same_family = |d: &crate::shell::Command, actions: &[Action]| {
                classify(d)
                    .is_some_and(|q| q.manager.family() == family && actions.contains(&q.action))
            };
            let followed = cmds
                .iter()
                .any(|d| d.order > c.order && same_family(d, &[Action::Install, Action::Upgrade]));
            if followed {
                return None;
            }
            let installed_before = cmds
                .iter()
                .any(|d| d.order < c.order && same_family(d, &[Action::Install]));
            let later_install = last_install
                .get(&(ins.stage, family))
                .is_some_and(|&last| last > index);
            (installed_before || later_install)
                .then(|| format!("{} {}", p.manager.name(), p.subcommand))
        });
        if let Some(what) = lone {
            hits.push((ins.line, ins.stage, what));
        }
    }
    for (line, stage, what) in hits {
        let stage = &cx.df.stages[stage.unwrap_or(0)];
        cx.report(
            &RULE,
            line,
            stage,
            format!("`{what}` is not followed by an install in the same RUN"),
        );
    }
}
