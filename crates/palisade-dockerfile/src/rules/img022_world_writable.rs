//! IMG022 — world-writable files (chmod 777).

use super::Context;
use crate::shell::Command;

palisade_core::declare_rule! {
    /// ## What it checks
    /// `chmod` in a shipped stage that makes files writable by every user (`777`, `666`,
    /// any mode whose last digit grants write, `o+w`, `a+w`), and `COPY --chmod`/`ADD
    /// --chmod` with such a mode.
    ///
    /// ## Why it matters
    /// Any process in the container, whatever its user, can then replace those files:
    /// binaries, scripts or configuration that a more privileged process later trusts.
    ///
    /// ## Fix
    /// Give ownership to the user that needs to write (`COPY --chown=app:app`, `chown`)
    /// and keep modes like `755` for programs and `644` or `640` for files.
    ///
    /// ## References
    /// - https://docs.docker.com/reference/dockerfile/#copy---chown---chmod
    pub static RULE = {
        id: "IMG022", practice: Img, severity: Medium,
        title: "World-writable permissions",
    };
}

/// Whether a chmod mode (`777`, `0666`, `o+w`, `a=rwx`) grants write to others.
pub(crate) fn world_writable(mode: &str) -> bool {
    if !mode.is_empty() && mode.chars().all(|c| c.is_ascii_digit()) {
        return mode
            .chars()
            .last()
            .and_then(|c| c.to_digit(8))
            .is_some_and(|d| d & 2 != 0);
    }
    mode.split(',').any(|clause| {
        let Some(op) = clause.find(['+', '=']) else {
            return false;
        };
        let (who, perms) = clause.split_at(op);
        (who.contains('o') || who.contains('a')) && perms.contains('w')
    })
}

fn chmod_world_writable(cmd: &Command) -> Option<String> {
    if cmd.program() != "chmod" {
        return None;
    }
    cmd.args()
        .iter()
        .find(|a| !a.starts_with('-') || a.starts_with("-w"))
        .filter(|m| world_writable(m))
        .cloned()
}

pub fn check(cx: &mut Context) {
    let stages = cx.shipped_stages();
    let mut hits: Vec<(u32, Option<usize>, String)> = cx
        .runs_in(&stages)
        .filter_map(|(_, ins, cmds)| {
            cmds.iter().find_map(chmod_world_writable).map(|m| {
                (
                    ins.line,
                    ins.stage,
                    format!("chmod {m} makes files writable by every user"),
                )
            })
        })
        .collect();
    for stage in &stages {
        for ins in cx.df.stage_instructions(stage) {
            if let Some(mode) = ins.flag("chmod").and_then(|f| f.value.as_deref()) {
                if world_writable(mode) {
                    hits.push((
                        ins.line,
                        ins.stage,
                        format!(
                            "{} --chmod={mode} makes files writable by every user",
                            ins.keyword
                        ),
                    ));
                }
            }
        }
    }
    for (line, stage, msg) in hits {
        let stage = &cx.df.stages[stage.unwrap_or(0)];
        cx.report(&RULE, line, stage, msg);
    }
}
