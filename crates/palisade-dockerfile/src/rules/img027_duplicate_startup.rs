//! IMG027 — CMD, ENTRYPOINT or HEALTHCHECK given more than once in a stage.

use super::Context;

palisade_core::declare_rule! {
    /// ## What it checks
    /// A stage with more than one `CMD`, `ENTRYPOINT` or `HEALTHCHECK`: every stage is
    /// checked, since a build stage may be the base of a later one. Each overriding
    /// instruction is reported.
    ///
    /// ## Why it matters
    /// Only the last one takes effect. The earlier ones mislead the reader about how the
    /// container starts or is checked, and usually hide a merge mistake.
    ///
    /// ## Fix
    /// Keep one `CMD`, one `ENTRYPOINT` and one `HEALTHCHECK` per stage.
    ///
    /// ## References
    /// - https://docs.docker.com/reference/dockerfile/#cmd
    /// - https://docs.docker.com/reference/dockerfile/#entrypoint
    pub static RULE = {
        id: "IMG027", practice: Img, severity: Low,
        title: "Instruction overridden in the same stage",
    };
}

pub fn check(cx: &mut Context) {
    let df = cx.df;
    let mut hits = Vec::new();
    for stage in &df.stages {
        for keyword in ["CMD", "ENTRYPOINT", "HEALTHCHECK"] {
            let lines: Vec<u32> = df
                .stage_instructions(stage)
                .iter()
                .filter(|i| i.is(keyword))
                .map(|i| i.line)
                .collect();
            for pair in lines.windows(2) {
                hits.push((
                    pair[1],
                    stage,
                    format!("{keyword} overrides the {keyword} at line {}", pair[0]),
                ));
            }
        }
    }
    for (line, stage, msg) in hits {
        cx.report(&RULE, line, stage, msg);
    }
}
