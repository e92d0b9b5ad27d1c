//! IMG030 — two stages with the same name.

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
    for (i, stage) in df.stages.iter().enumerate() {
        let Some(name) = &stage.name else { continue };
        if let Some(earlier) = df.stages[..i].iter().find(|s| {
            s.name
                .as_deref()
                .is_some_and(|n| n.eq_ignore_ascii_case(name))
        }) {
            cx.report(
                &RULE,
                stage.line,
                stage,
                format!(
                    "stage name `{name}` is already used by the stage at line {}",
                    earlier.line
                ),
            );
        }
    }
}
