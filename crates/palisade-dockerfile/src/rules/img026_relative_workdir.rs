//! IMG026 — WORKDIR with a relative path.

use super::Context;

palisade_core::declare_rule! {
    /// ## What it checks
    /// `WORKDIR` with a relative path (in any stage). Paths starting with a variable and
    /// Windows drive paths (`C:\app`) pass.
    ///
    /// ## Why it matters
    /// A relative `WORKDIR` is resolved against the previous one, which may come from the
    /// base image and change with it: files land somewhere else and `COPY`/`RUN` steps
    /// silently act on the wrong directory.
    ///
    /// ## Fix
    /// Use absolute paths: `WORKDIR /app`.
    ///
    /// ## References
    /// - https://docs.docker.com/reference/dockerfile/#workdir
    pub static RULE = {
        id: "IMG026", practice: Img, severity: Low,
        title: "WORKDIR path is not absolute",
    };
}

pub(crate) fn is_relative_workdir(path: &str) -> bool {
    let p = path.trim().trim_matches(|c| c == '"' || c == '\'');
    if p.is_empty() || p.starts_with('/') || p.starts_with('$') || p.starts_with('\\') {
        return false;
    }
    let b = p.as_bytes();
    let windows_drive = b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':';
    !windows_drive
}

pub fn check(cx: &mut Context) {
    let df = cx.df;
    for ins in df.instructions.iter().filter(|i| i.is("WORKDIR")) {
        if is_relative_workdir(&ins.text()) {
            let stage = cx.stage_of(ins);
            cx.report(
                &RULE,
                ins.line,
                stage,
                format!("WORKDIR `{}` is relative", ins.text().trim()),
            );
        }
    }
}
