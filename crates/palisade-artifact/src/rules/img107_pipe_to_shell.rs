//! IMG107 — download piped into a shell.

use std::sync::OnceLock;

use palisade_core::{declare_rule, Finding};
use regex::Regex;

use super::ImageContext;

declare_rule! {
    /// ## What it checks
    /// History commands that pipe a download straight into an interpreter:
    /// `curl ... | sh`, `wget -O- ... | bash`, `| sudo sh`, `| python`.
    /// ## Why it matters
    /// The script is executed as it arrives, unverified; whoever controls the server (or the
    /// network on a plain-HTTP URL) controls what runs in the build, as root.
    /// ## Fix
    /// Download to a file, verify a pinned checksum or signature, then run it; better, use
    /// the distribution's package.
    /// ## References
    /// - https://docs.docker.com/build/building/best-practices/#using-pipes
    pub static RULE = {
        id: "IMG107", practice: Img, severity: Medium, title: "Download piped into a shell",
    };
}

fn pipe_to_shell() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"\b(curl|wget)\b[^|;&]*\|\s*(sudo\s+(-\S+\s+)*)?(/usr)?(/bin/)?(ba|da|z|k)?sh\b|\b(curl|wget)\b[^|;&]*\|\s*(sudo\s+)?(python3?|perl|ruby|node)\b")
            .expect("static regex")
    })
}

pub fn check(cx: &ImageContext<'_>) -> Vec<Finding> {
    let Some(config) = cx.config else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut layer = 0usize;
    for entry in config.history() {
        let this_layer = layer;
        if !entry.empty_layer {
            layer += 1;
        }
        let Some(cmd) = entry.created_by.as_deref() else {
            continue;
        };
        if let Some(m) = pipe_to_shell().find(cmd) {
            out.push(cx.layer_finding(
                &RULE,
                format!(
                    "`{}` runs a download without verifying it",
                    super::truncate(m.as_str(), 100)
                ),
                &format!(
                    "history: {}",
                    super::truncate(&crate::config::clean_created_by(cmd), 80)
                ),
                this_layer.min(cx.layers.len().saturating_sub(1)),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_pipes() {
        assert!(pipe_to_shell().is_match("curl -fsSL https://x.sh | sh"));
        assert!(pipe_to_shell().is_match("wget -qO- https://x | sudo -E bash -"));
        assert!(pipe_to_shell().is_match("curl https://bootstrap.pypa.io/get-pip.py | python3"));
        assert!(!pipe_to_shell().is_match("curl -o x.tgz https://x && sha256sum -c x.sha"));
        assert!(!pipe_to_shell().is_match("curl https://x | tar xz"));
    }
}
