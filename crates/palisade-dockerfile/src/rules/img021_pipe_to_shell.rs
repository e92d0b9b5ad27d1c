//! IMG021 — remote script piped into a shell.

use super::Context;
use crate::shell::Command;

palisade_core::declare_rule! {
    /// ## What it checks
    /// A `RUN` (in any stage) that downloads with `curl` or `wget` and pipes the result
    /// into a shell or interpreter (`curl ... | sh`, `wget -O- ... | bash`,
    /// `sh -c "$(curl ...)"`, `bash <(curl ...)`). For a built image, history entries
    /// with the same pattern.
    ///
    /// ## Why it matters
    /// Whatever the server returns at build time is executed as the build user, usually
    /// root, with no review and no checksum: a compromised or hijacked download site owns
    /// the image.
    ///
    /// ## Fix
    /// Download to a file, verify it against a pinned checksum or signature, then run it:
    /// `curl -fsSLo install.sh URL && echo "<sha256>  install.sh" | sha256sum -c && sh install.sh`.
    /// Prefer distribution packages.
    ///
    /// ## References
    /// - https://docs.docker.com/build/building/best-practices/#using-pipes
    pub static RULE = {
        id: "IMG021", practice: Img, severity: High,
        title: "Remote script piped to a shell",
    };
}

const INTERPRETERS: &[&str] = &[
    "sh", "bash", "ash", "dash", "zsh", "ksh", "python", "python3", "python2", "perl", "ruby",
    "node", "php",
];

fn is_interpreter(program: &str) -> bool {
    INTERPRETERS.contains(&program)
        || program
            .strip_prefix("python")
            .is_some_and(|v| v.chars().all(|c| c.is_ascii_digit() || c == '.'))
}

fn is_download(program: &str) -> bool {
    matches!(program, "curl" | "wget" | "fetch")
}

/// The downloader and the interpreter of a download-and-execute in `cmds`, if any.
pub(crate) fn pipe_to_shell(cmds: &[Command]) -> Option<(String, String)> {
    for (i, cmd) in cmds.iter().enumerate() {
        if is_download(cmd.program()) {
            if let Some(next) = cmds[i + 1..]
                .iter()
                .take_while(|c| c.pipeline == cmd.pipeline)
                .find(|c| is_interpreter(c.program()))
            {
                return Some((cmd.program().to_string(), next.program().to_string()));
            }
        }
        if is_interpreter(cmd.program()) {
            let substituted = cmd.args().iter().any(|a| {
                ["$(curl", "$(wget", "<(curl", "<(wget", "`curl", "`wget"]
                    .iter()
                    .any(|p| a.contains(p))
            });
            if substituted {
                return Some(("curl".to_string(), cmd.program().to_string()));
            }
        }
    }
    None
}

pub fn check(cx: &mut Context) {
    let stages = cx.all_stages();
    let hits: Vec<_> = cx
        .runs_in(&stages)
        .filter_map(|(_, ins, cmds)| pipe_to_shell(cmds).map(|p| (ins.line, ins.stage, p)))
        .collect();
    // Process substitution `<(curl ...)` is cut by the splitter; catch it on the raw text.
    let mut seen: Vec<u32> = hits.iter().map(|h| h.0).collect();
    let extra: Vec<_> = cx
        .df
        .instructions
        .iter()
        .filter(|i| i.is("RUN") && !seen.contains(&i.line))
        .filter(|i| {
            let s = i.script();
            s.contains("<(curl") || s.contains("<(wget")
        })
        .map(|i| (i.line, i.stage, ("curl".to_string(), "shell".to_string())))
        .collect();
    for (line, stage, (dl, sh)) in hits.into_iter().chain(extra) {
        seen.push(line);
        let stage = &cx.df.stages[stage.unwrap_or(0)];
        cx.report(
            &RULE,
            line,
            stage,
            format!("output of `{dl}` is executed by `{sh}` without verification"),
        );
    }
}
