//! IMG013 — ADD of a remote URL without a checksum.

use super::img012_add_instead_of_copy::{is_remote, sources};
use super::Context;

palisade_core::declare_rule! {
    /// ## What it checks
    /// `ADD` whose source is a URL (`http://`, `https://`, `ftp://`, git) without
    /// `--checksum=sha256:...`. For a built image, the history entries that record such an
    /// `ADD`.
    ///
    /// ## Why it matters
    /// The file is fetched at build time from a server the build does not control: if it
    /// changes or is replaced, the image silently ships something else. Over plain HTTP
    /// anyone on the path can swap it.
    ///
    /// ## Fix
    /// Pin the content: `ADD --checksum=sha256:<digest> https://...` (Dockerfile syntax
    /// 1.6+), or download with `RUN curl -fsSLO ... && echo "<sha256>  file" | sha256sum -c`.
    /// Use HTTPS.
    ///
    /// ## References
    /// - https://docs.docker.com/reference/dockerfile/#add---checksum
    /// - https://docs.docker.com/build/building/best-practices/#add-or-copy
    pub static RULE = {
        id: "IMG013", practice: Img, severity: Medium,
        title: "ADD of a remote URL without a checksum",
    };
}

pub fn check(cx: &mut Context) {
    let df = cx.df;
    for ins in df.instructions.iter().filter(|i| i.is("ADD")) {
        if ins.flag("checksum").is_some() {
            continue;
        }
        if let Some(url) = sources(&ins.arguments).into_iter().find(|s| is_remote(s)) {
            let stage = cx.stage_of(ins);
            cx.report(
                &RULE,
                ins.line,
                stage,
                format!("ADD fetches `{url}` without --checksum: its content is not verified"),
            );
        }
    }
}
