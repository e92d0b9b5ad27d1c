//! IMG030 — two stages with the same name.

use std::collections::HashMap;

use super::Context;

palisade_core::declare_rule! {
    /// ## What it checks
    /// A `FROM ... AS name` whose name (case-insensitively) was already given to an
    /// earlier stage.
    ///
    /// ## Why it matters
    /// `COPY --from=name` and `FROM name` then refer to the later stage only; artefacts
    /// from the stage the author meant can silently be replaced by another's. BuildKit
    /// rejects such files outright.
    ///
    /// ## Fix
    /// Give every stage its own name.
    ///
    /// ## References
    /// - https://docs.docker.com/build/building/multi-stage/
    pub static RULE = {
        id: "IMG030", practice: Img, severity: Medium,
        title: "Duplicate stage name",
    };
}

pub fn check(cx: &mut Context) {
    let df = cx.df;
    let mut first_line: HashMap<String, u32> = HashMap::new();
    for stage in &df.stages {
        let Some(name) = &stage.name else { continue };
        match first_line.get(&name.to_ascii_lowercase()) {
            Some(earlier) => {
                cx.report(
                    &RULE,
                    stage.line,
                    stage,
                    format!("stage name `{name}` is already used by the stage at line {earlier}"),
                );
            }
            None => {
                first_line.insert(name.to_ascii_lowercase(), stage.line);
            }
        }
    }
}
