//! IMG024 — SSH port exposed.

use super::Context;
use crate::parse::expand;

palisade_core::declare_rule! {
    /// ## What it checks
    /// `EXPOSE` of port 22 (alone, with `/tcp` or `/udp`, or inside a range) in a shipped
    /// stage. For a built image, `22/tcp` in `ExposedPorts`.
    ///
    /// ## Why it matters
    /// An SSH server in a container is a second way in that bypasses the orchestrator's
    /// access control and audit (`kubectl exec`, `docker exec`), with its own keys to
    /// leak and patch.
    ///
    /// ## Fix
    /// Remove the SSH server and the `EXPOSE 22`; use `docker exec` or `kubectl exec`
    /// (or ephemeral debug containers) for interactive access.
    ///
    /// ## References
    /// - https://docs.docker.com/reference/dockerfile/#expose
    pub static RULE = {
        id: "IMG024", practice: Img, severity: Medium,
        title: "SSH port 22 exposed",
    };
}

/// Whether an exposed-port spec (`22`, `22/tcp`, `20-30`) includes port 22.
pub(crate) fn includes_ssh(spec: &str) -> bool {
    let port = spec.split('/').next().unwrap_or("").trim();
    match port.split_once('-') {
        Some((lo, hi)) => match (lo.parse::<u32>(), hi.parse::<u32>()) {
            (Ok(lo), Ok(hi)) => lo <= 22 && 22 <= hi,
            _ => false,
        },
        None => port == "22",
    }
}

pub fn check(cx: &mut Context) {
    let df = cx.df;
    let mut hits = Vec::new();
    if let Some(final_stage) = df.final_stage() {
        df.walk_variables(final_stage.index, |i, vars| {
            let ins = &df.instructions[i];
            if ins.is("EXPOSE") {
                let (text, _) = expand(&ins.text(), vars);
                if text.split_whitespace().any(includes_ssh) {
                    hits.push((ins.line, &df.stages[ins.stage.unwrap_or(0)]));
                }
            }
            true
        });
    }
    for (line, stage) in hits {
        cx.report(&RULE, line, stage, "EXPOSE 22: the image offers SSH");
    }
}
