//! IMG033 — a copied file is removed by a later instruction, but stays in its layer.

use super::img012_add_instead_of_copy::sources;
use super::img032_credential_file_copied::credential_file;
use super::Context;
use crate::parse::Arguments;

palisade_core::declare_rule! {
    /// ## What it checks
    /// A file that `COPY` or `ADD` puts into the image and a later `RUN rm` of the same
    /// shipped stages deletes (`COPY id_rsa /root/.ssh/` ... `RUN rm /root/.ssh/id_rsa`).
    /// High when the file is a key or credential file, medium otherwise.
    ///
    /// ## Why it matters
    /// Each instruction is a layer: the `rm` only adds a deletion marker on top, and the
    /// file is still in the layer that copied it, readable by anyone who pulls the image.
    /// For a secret the removal gives a false sense of safety; for anything else the image
    /// carries the bytes for nothing.
    ///
    /// ## Fix
    /// Use the file in the same layer it arrives in, e.g.
    /// `RUN --mount=type=bind,source=setup.sh,target=/tmp/setup.sh sh /tmp/setup.sh`, or a
    /// build secret mount for credentials; or copy it into a build stage that is not
    /// shipped.
    ///
    /// ## References
    /// - https://docs.docker.com/build/building/secrets/
    /// - https://docs.docker.com/reference/dockerfile/#run---mount
    pub static RULE = {
        id: "IMG033", practice: Img, severity: Medium,
        title: "Copied file removed in a later layer",
    };
}

/// The destination of a `COPY`/`ADD`, quotes removed.
fn destination(args: &Arguments) -> Option<String> {
    let words: Vec<String> = match args {
        Arguments::Exec(w) => w.clone(),
        Arguments::Shell(s) => crate::parse::split_words(s),
    };
    words
        .last()
        .map(|w| w.trim_matches(|c| c == '"' || c == '\'').to_string())
}

/// Where `source` lands when copied to `dest` (relative destinations resolved against
/// `workdir`).
fn landing(source: &str, dest: &str, workdir: &str) -> String {
    let base = source.trim_end_matches('/');
    let name = base.rsplit('/').next().unwrap_or(base);
    let dest = if dest.starts_with('/') {
        dest.to_string()
    } else {
        format!("{}/{dest}", workdir.trim_end_matches('/'))
    };
    if dest.ends_with('/') || dest.ends_with("/.") {
        format!(
            "{}/{name}",
            dest.trim_end_matches('.').trim_end_matches('/')
        )
    } else {
        dest
    }
}

pub fn check(cx: &mut Context) {
    let df = cx.df;
    let mut stages = df.shipped_stages();
    stages.sort_by_key(|s| s.index);
    // (landing path, source, instruction line, stage index, credential kind)
    let mut copied: Vec<(String, String, u32, usize, Option<&'static str>)> = Vec::new();
    let mut workdir = String::from("/");
    let runs: Vec<(usize, Vec<crate::shell::Command>)> = cx
        .runs_in(&stages)
        .map(|(i, _, cmds)| (i, cmds.to_vec()))
        .collect();
    let mut reported = Vec::new();
    for stage in &stages {
        for i in stage.instructions.clone() {
            let ins = &df.instructions[i];
            if ins.is("WORKDIR") {
                let w = ins.text().trim().to_string();
                workdir = if w.starts_with('/') {
                    w
                } else {
                    format!("{}/{w}", workdir.trim_end_matches('/'))
                };
            } else if ins.is("COPY") || ins.is("ADD") {
                let Some(dest) = destination(&ins.arguments) else {
                    continue;
                };
                for src in sources(&ins.arguments) {
                    if src.contains(['*', '?', '$']) || src == "." {
                        continue;
                    }
                    copied.push((
                        landing(&src, &dest, &workdir),
                        src.clone(),
                        ins.line,
                        stage.index,
                        credential_file(&src),
                    ));
                }
            } else if ins.is("RUN") {
                let Some((_, cmds)) = runs.iter().find(|(j, _)| *j == i) else {
                    continue;
                };
                for cmd in cmds.iter().filter(|c| c.program() == "rm") {
                    for arg in cmd.args().iter().filter(|a| !a.starts_with('-')) {
                        let target = if arg.starts_with('/') {
                            arg.clone()
                        } else {
                            format!("{}/{arg}", workdir.trim_end_matches('/'))
                        };
                        let target = target.trim_end_matches('/');
                        for (path, src, line, stage_index, kind) in &copied {
                            let hit = path == target
                                || path.starts_with(&format!("{target}/"))
                                || (target.ends_with("/*")
                                    && path.starts_with(target.trim_end_matches('*')));
                            if !hit || reported.contains(path) {
                                continue;
                            }
                            reported.push(path.clone());
                            let what = kind.map(|k| format!(" ({k})")).unwrap_or_default();
                            let sev = if kind.is_some() {
                                palisade_core::Severity::High
                            } else {
                                palisade_core::Severity::Medium
                            };
                            let stage = &df.stages[*stage_index];
                            cx.report_with(
                                &RULE,
                                ins.line,
                                stage,
                                format!(
                                    "`{src}`{what} copied at line {line} is removed here, but stays in the layer of line {line}"
                                ),
                                Some(sev),
                            );
                        }
                    }
                }
            }
        }
    }
}
