//! IMG028 — cd in RUN instead of WORKDIR.

use super::Context;
use crate::shell::Command;

palisade_core::declare_rule! {
    /// ## What it checks
    /// A `RUN` (in any stage) that changes directory with `cd` and then runs other
    /// commands (the job of `WORKDIR`), or that changes to a relative path or one with
    /// `..` (which depends on the inherited working directory). A `RUN` that only changes
    /// to an absolute directory has no effect at all and is not reported.
    ///
    /// ## Why it matters
    /// The directory change lasts for that `RUN` only; later instructions run elsewhere,
    /// which makes the file harder to follow and easy to break when steps are split.
    ///
    /// ## Fix
    /// Use `WORKDIR /path` before the commands that need it.
    ///
    /// ## References
    /// - https://docs.docker.com/build/building/best-practices/#workdir
    pub static RULE = {
        id: "IMG028", practice: Img, severity: Info,
        title: "cd in RUN instead of WORKDIR",
    };
}

fn misplaced_cd(cmds: &[Command]) -> Option<&Command> {
    cmds.iter().find(|c| {
        if c.program() != "cd" {
            return false;
        }
        let dir = c.args().first().map(String::as_str).unwrap_or("");
        let followed = cmds.iter().any(|d| d.order > c.order);
        followed || !dir.starts_with('/') || dir.split('/').any(|p| p == "..")
    })
}

pub fn check(cx: &mut Context) {
    let stages = cx.all_stages();
    let hits: Vec<_> = cx
        .runs_in(&stages)
        .filter_map(|(_, ins, cmds)| {
            misplaced_cd(cmds).map(|c| {
                (
                    ins.line,
                    ins.stage,
                    c.args().first().cloned().unwrap_or_default(),
                )
            })
        })
        .collect();
    for (line, stage, dir) in hits {
        let stage = &cx.df.stages[stage.unwrap_or(0)];
        cx.report(
            &RULE,
            line,
            stage,
            format!("`cd {dir}` in RUN: use WORKDIR"),
        );
    }
}
