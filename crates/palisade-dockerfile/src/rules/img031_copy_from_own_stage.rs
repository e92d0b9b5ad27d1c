//! IMG031 — COPY --from refers to its own stage.

use super::Context;

palisade_core::declare_rule! {
    /// ## What it checks
    /// `COPY --from=<stage>` where the stage is the one the instruction is in (by name or
    /// index).
    ///
    /// ## Why it matters
    /// A stage cannot copy from itself: BuildKit then looks for an image of that name in a
    /// registry and may pull a stranger's image, or the build fails.
    ///
    /// ## Fix
    /// Point `--from` at an earlier stage or at a pinned image.
    ///
    /// ## References
    /// - https://docs.docker.com/reference/dockerfile/#copy---from
    pub static RULE = {
        id: "IMG031", practice: Img, severity: Medium,
        title: "COPY --from refers to its own stage",
    };
}

pub fn check(cx: &mut Context) {
    let df = cx.df;
    for ins in df.instructions.iter().filter(|i| i.is("COPY")) {
        let Some(from) = ins.flag("from").and_then(|f| f.value.as_deref()) else {
            continue;
        };
        let stage = cx.stage_of(ins);
        let own = match from.parse::<usize>() {
            Ok(n) => n == stage.index,
            Err(_) => stage
                .name
                .as_deref()
                .is_some_and(|n| n.eq_ignore_ascii_case(from)),
        };
        if own {
            cx.report(
                &RULE,
                ins.line,
                stage,
                format!("COPY --from={from} refers to the stage it is in"),
            );
        }
    }
}
