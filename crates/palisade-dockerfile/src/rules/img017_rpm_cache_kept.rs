//! IMG017 — yum/dnf/microdnf/zypper cache left in the image.

use super::{has_cache_mount, removes_path, Context};
use crate::packages::Manager;
use crate::shell::Command;

palisade_core::declare_rule! {
    /// ## What it checks
    /// A `RUN` of a shipped stage that installs with `yum`, `dnf`, `microdnf` or `zypper`
    /// and does not clean that manager's cache afterwards in the same `RUN`
    /// (`yum clean all`, `dnf clean all`, `microdnf clean all`, `zypper clean`, or removing
    /// `/var/cache/yum`, `/var/cache/dnf`, `/var/cache/zypp`). The words of the whole
    /// `RUN` are read in order, so an install and a clean that a stray line continuation
    /// glued into one command are still seen in the order written.
    ///
    /// ## Why it matters
    /// Repository metadata and downloaded RPMs stay in the layer: a larger image, and
    /// metadata that no one refreshes.
    ///
    /// ## Fix
    /// `RUN dnf install -y <packages> && dnf clean all` (the same for yum and microdnf;
    /// `zypper clean -a` for zypper).
    ///
    /// ## References
    /// - https://docs.docker.com/build/building/best-practices/#run
    pub static RULE = {
        id: "IMG017", practice: Img, severity: Low,
        title: "Package manager cache not cleaned",
    };
}

const MANAGERS: &[(&str, Manager, &[&str], &str)] = &[
    (
        "yum",
        Manager::Yum,
        &["install", "update", "upgrade", "groupinstall", "reinstall"],
        "/var/cache/yum",
    ),
    (
        "dnf",
        Manager::Dnf,
        &["install", "update", "upgrade", "groupinstall", "reinstall"],
        "/var/cache/dnf",
    ),
    (
        "microdnf",
        Manager::Microdnf,
        &["install", "update", "upgrade", "reinstall"],
        "/var/cache/dnf",
    ),
    (
        "zypper",
        Manager::Zypper,
        &[
            "install",
            "in",
            "update",
            "up",
            "patch",
            "dup",
            "dist-upgrade",
        ],
        "/var/cache/zypp",
    ),
];

/// The first rpm-family manager that installs without cleaning afterwards.
pub(crate) fn uncleaned_rpm_install(cmds: &[Command]) -> Option<Manager> {
    // (word, command order) of every word of the script, in order.
    let words: Vec<(&str, usize)> = cmds
        .iter()
        .flat_map(|c| {
            c.words
                .iter()
                .map(move |w| (crate::shell::basename(w), c.order))
        })
        .collect();
    for (name, manager, installs, cache) in MANAGERS {
        // Position of the manager's sub-command: the first non-option word after its name.
        let actions: Vec<(usize, &str, usize)> = words
            .iter()
            .enumerate()
            .filter(|(_, (w, _))| w == name)
            .filter_map(|(i, _)| {
                words[i + 1..]
                    .iter()
                    .enumerate()
                    .find(|(_, (w, _))| !w.starts_with('-'))
                    .map(|(j, (w, order))| (i + 1 + j, *w, *order))
            })
            .collect();
        let Some(&(install_at, _, install_order)) =
            actions.iter().find(|(_, w, _)| installs.contains(w))
        else {
            continue;
        };
        let cleaned = actions
            .iter()
            .any(|(at, w, _)| *at > install_at && matches!(*w, "clean" | "cc"))
            || removes_path(cmds, install_order, cache);
        if !cleaned {
            return Some(*manager);
        }
    }
    None
}

pub fn check(cx: &mut Context) {
    let stages = cx.shipped_stages();
    let hits: Vec<_> = cx
        .runs_in(&stages)
        .filter(|(_, ins, _)| !has_cache_mount(ins))
        .filter_map(|(_, ins, cmds)| uncleaned_rpm_install(cmds).map(|m| (ins.line, ins.stage, m)))
        .collect();
    for (line, stage, manager) in hits {
        let stage = &cx.df.stages[stage.unwrap_or(0)];
        let clean = match manager {
            Manager::Zypper => "zypper clean".to_string(),
            m => format!("{} clean all", m.name()),
        };
        cx.report(
            &RULE,
            line,
            stage,
            format!(
                "{} install without `{clean}` in the same RUN",
                manager.name()
            ),
        );
    }
}
