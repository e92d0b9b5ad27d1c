//! IMG012 — ADD used where COPY does the job.

use super::Context;
use crate::parse::Arguments;

palisade_core::declare_rule! {
    /// ## What it checks
    /// `ADD` of local files or directories that are not archives. `ADD` of a local tar
    /// archive (which `ADD` unpacks on purpose) passes; `ADD` of a URL is IMG013.
    ///
    /// ## Why it matters
    /// `ADD` does more than copy: it unpacks archives and fetches URLs. Used for a plain
    /// copy it hides that behaviour from reviewers, and a source that later becomes an
    /// archive is silently unpacked into the image.
    ///
    /// ## Fix
    /// Use `COPY src dest` for local files; keep `ADD` for archives you mean to unpack.
    ///
    /// ## References
    /// - https://docs.docker.com/build/building/best-practices/#add-or-copy
    pub static RULE = {
        id: "IMG012", practice: Img, severity: Low,
        title: "ADD used instead of COPY",
    };
}

const ARCHIVE_SUFFIXES: &[&str] = &[
    ".tar",
    ".tar.gz",
    ".tgz",
    ".tar.bz2",
    ".tbz",
    ".tbz2",
    ".tar.xz",
    ".txz",
    ".tar.zst",
    ".tar.lz",
    ".tar.lzma",
];

pub(crate) fn is_remote(source: &str) -> bool {
    let lower = source.to_ascii_lowercase();
    lower.starts_with("http://")
        || lower.starts_with("https://")
        || lower.starts_with("ftp://")
        || lower.starts_with("git@")
        || lower.starts_with("git://")
        || lower.starts_with("ssh://")
}

fn is_archive(source: &str) -> bool {
    let lower = source.to_ascii_lowercase();
    ARCHIVE_SUFFIXES.iter().any(|s| lower.ends_with(s))
}

/// Sources of a `COPY`/`ADD` (every argument but the destination), quotes removed.
pub(crate) fn sources(args: &Arguments) -> Vec<String> {
    let words: Vec<String> = match args {
        Arguments::Exec(w) => w.clone(),
        Arguments::Shell(s) => crate::parse::split_words(s)
            .into_iter()
            .map(|w| w.trim_matches(|c| c == '"' || c == '\'').to_string())
            .collect(),
    };
    match words.split_last() {
        Some((_, srcs)) => srcs.to_vec(),
        None => Vec::new(),
    }
}

pub fn check(cx: &mut Context) {
    let df = cx.df;
    for ins in df.instructions.iter().filter(|i| i.is("ADD")) {
        let srcs = sources(&ins.arguments);
        let local: Vec<&String> = srcs
            .iter()
            .filter(|s| !is_remote(s) && !is_archive(s))
            .collect();
        if local.is_empty() {
            continue;
        }
        let stage = cx.stage_of(ins);
        cx.report(
            &RULE,
            ins.line,
            stage,
            format!("ADD of `{}`: use COPY for local files", local[0]),
        );
    }
}
