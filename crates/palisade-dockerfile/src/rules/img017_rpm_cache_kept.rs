//! IMG017 — yum/dnf/microdnf/zypper cache left in the image.

use super::{has_cache_mount, removes_path, Context};
use crate::packages::{classify, Action, Manager};
use crate::shell::Command;

palisade_core::declare_rule! {
    /// ## What it checks
    /// A `RUN` of a shipped stage that installs with `yum`, `dnf`, `microdnf` or `zypper`
    /// and does not clean that manager's cache afterwards in the same `RUN`
    /// (`yum clean all`, `dnf clean all`, `microdnf clean all`, `zypper clean`, or removing
    /// `/var/cache/yum`, `/var/cache/dnf`, `/var/cache/zypp`).
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

fn cache_dir(m: Manager) -> &'static str {
    match m {
        Manager::Yum => "/var/cache/yum",
        Manager::Zypper => "/var/cache/zypp",
        _ => "/var/cache/dnf",
    }
}

/// The first rpm-family manager that installs without cleaning afterwards.
pub(crate) fn uncleaned_rpm_install(cmds: &[Command]) -> Option<Manager> {
    for cmd in cmds {
        let Some(p) = classify(cmd) else { continue };
        if !matches!(
            p.manager,
            Manager::Yum | Manager::Dnf | Manager::Microdnf | Manager::Zypper
        ) || !matches!(p.action, Action::Install | Action::Upgrade)
        {
            continue;
        }
        let cleaned = cmds.iter().any(|c| {
            c.order > cmd.order
                && classify(c).is_some_and(|q| {
                    q.manager == p.manager
                        && (q.action == Action::Clean
                            || (p.manager == Manager::Zypper && q.subcommand == "cc"))
                })
        }) || removes_path(cmds, cmd.order, cache_dir(p.manager));
        if !cleaned {
            return Some(p.manager);
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
