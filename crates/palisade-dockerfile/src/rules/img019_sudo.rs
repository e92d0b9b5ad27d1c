//! IMG019 — sudo in RUN.

use super::Context;
use crate::shell::{basename, Command};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A `RUN` command run through `sudo` (in any stage). Installing the `sudo` package is
    /// not flagged.
    ///
    /// ## Why it matters
    /// Build steps already run as the current `USER`; `sudo` in a Dockerfile usually means
    /// the image ships `sudo` and a user allowed to use it, a ready-made privilege
    /// escalation at run time, and its TTY and signal handling misbehave in containers.
    ///
    /// ## Fix
    /// Run the privileged steps before switching user (`USER root` ... `USER app`), or use
    /// `gosu`/`su-exec` in the entrypoint when a step must drop privileges at run time.
    ///
    /// ## References
    /// - https://docs.docker.com/build/building/best-practices/#user
    pub static RULE = {
        id: "IMG019", practice: Img, severity: Medium,
        title: "RUN uses sudo",
    };
}

pub(crate) fn runs_sudo(cmd: &Command) -> bool {
    cmd.words
        .iter()
        .find(|w| {
            !w.contains('=') && !matches!(w.as_str(), "if" | "then" | "do" | "else" | "!" | "{")
        })
        .is_some_and(|w| basename(w) == "sudo")
}

pub fn check(cx: &mut Context) {
    let stages = cx.all_stages();
    let hits: Vec<_> = cx
        .runs_in(&stages)
        .filter(|(_, _, cmds)| cmds.iter().any(runs_sudo))
        .map(|(_, ins, _)| (ins.line, ins.stage))
        .collect();
    for (line, stage) in hits {
        let stage = &cx.df.stages[stage.unwrap_or(0)];
        cx.report(&RULE, line, stage, "RUN uses sudo");
    }
}
