//! IMG014 — apt-get install pulls in recommended packages.

use super::Context;
use crate::packages::{classify, Action, Manager};

palisade_core::declare_rule! {
    /// ## What it checks
    /// `apt-get install` (or `apt install`) in a shipped stage without
    /// `--no-install-recommends` or `-o APT::Install-Recommends=false`, unless an earlier
    /// instruction of the stage turns recommends off in the apt configuration.
    ///
    /// ## Why it matters
    /// Recommended packages are not needed to run the software but are installed by
    /// default: more packages, more vulnerabilities to patch, a larger image.
    ///
    /// ## Fix
    /// `apt-get install -y --no-install-recommends <packages>`.
    ///
    /// ## References
    /// - https://docs.docker.com/build/building/best-practices/#apt-get
    pub static RULE = {
        id: "IMG014", practice: Img, severity: Low,
        title: "apt-get install without --no-install-recommends",
    };
}

pub(crate) fn turns_recommends_off(arg: &str) -> bool {
    let lower = arg.to_ascii_lowercase();
    lower.contains("install-recommends") && (lower.contains("false") || lower.ends_with("=0"))
}

pub fn check(cx: &mut Context) {
    let stages = cx.shipped_stages();
    let mut configured_off = false;
    let mut hits = Vec::new();
    for (_, ins, cmds) in cx.runs_in(&stages) {
        if turns_recommends_off(&ins.script()) && !ins.script().contains("install ") {
            configured_off = true;
        }
        for cmd in cmds {
            let Some(p) = classify(cmd) else { continue };
            if p.manager.family() != Manager::AptGet || p.action != Action::Install {
                continue;
            }
            let off = p.has_option(&["--no-install-recommends"])
                || cmd.args().iter().any(|a| turns_recommends_off(a));
            if !off && !configured_off {
                hits.push((ins.line, ins.stage));
                break;
            }
        }
    }
    for (line, stage) in hits {
        let stage = &cx.df.stages[stage.unwrap_or(0)];
        cx.report(
            &RULE,
            line,
            stage,
            "apt-get install without --no-install-recommends",
        );
    }
}
