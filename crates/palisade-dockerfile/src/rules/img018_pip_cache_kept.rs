//! IMG018 — pip install keeps its download cache.

use super::{has_cache_mount, Context};
use crate::packages::{classify, Action, Manager};

palisade_core::declare_rule! {
    /// ## What it checks
    /// `pip install` (also `pip3`, `python -m pip`) in a shipped stage without
    /// `--no-cache-dir`, unless `PIP_NO_CACHE_DIR` is set in the stage's environment or
    /// the `RUN` uses `--mount=type=cache`.
    ///
    /// ## Why it matters
    /// pip keeps every downloaded wheel under `~/.cache/pip`; in an image that is dead
    /// weight that is never used again.
    ///
    /// ## Fix
    /// `pip install --no-cache-dir -r requirements.txt`, or `ENV PIP_NO_CACHE_DIR=1`
    /// once at the top of the stage.
    ///
    /// ## References
    /// - https://pip.pypa.io/en/stable/topics/caching/
    pub static RULE = {
        id: "IMG018", practice: Img, severity: Low,
        title: "pip install without --no-cache-dir",
    };
}

pub fn check(cx: &mut Context) {
    let stages = cx.shipped_stages();
    let mut hits = Vec::new();
    for (i, ins, cmds) in cx.runs_in(&stages) {
        if has_cache_mount(ins) {
            continue;
        }
        let keeps = cmds.iter().any(|c| {
            classify(c).is_some_and(|p| {
                p.manager == Manager::Pip
                    && p.action == Action::Install
                    && !p.has_option(&["--no-cache-dir"])
                    && !c.words.iter().any(|w| w.starts_with("PIP_NO_CACHE_DIR="))
            })
        });
        if keeps && !pip_cache_disabled_before(cx.df, i) {
            hits.push((ins.line, ins.stage));
        }
    }
    for (line, stage) in hits {
        let stage = &cx.df.stages[stage.unwrap_or(0)];
        cx.report(&RULE, line, stage, "pip install without --no-cache-dir");
    }
}

/// Whether an `ENV PIP_NO_CACHE_DIR` precedes instruction `index` in its stage or the
/// stages it is built on.
fn pip_cache_disabled_before(df: &crate::parse::Dockerfile, index: usize) -> bool {
    let Some(mut stage) = df.instructions[index].stage else {
        return false;
    };
    let mut end = index;
    for _ in 0..df.stages.len() {
        let range = df.stages[stage].instructions.start..end;
        if df.instructions[range]
            .iter()
            .any(|i| i.is("ENV") && i.text().contains("PIP_NO_CACHE_DIR"))
        {
            return true;
        }
        match df.stages[stage].parent {
            Some(p) => {
                stage = p;
                end = df.stages[p].instructions.end;
            }
            None => return false,
        }
    }
    false
}
