//! IMG028 — cd in RUN instead of WORKDIR.

use super::Context;

palisade_core::declare_rule! {
    /// ## What it checks
    /// A `RUN` that changes directory with `cd` (in any stage).
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

pub fn check(cx: &mut Context) {
    let stages = cx.all_stages();
    let hits: Vec<_> = cx
        .runs_in(&stages)
        .filter_map(|(_, ins, cmds)| {
            cmds.iter().find(|c| c.program() == "cd").map(|c| {
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
