//! IMG108 — package-manager caches left in the image.

use palisade_core::{declare_rule, Finding};

use super::ImageContext;
use crate::fs::NodeKind;

declare_rule! {
    /// ## What it checks
    /// Files left in package-manager caches of the final filesystem: apt lists
    /// (`/var/lib/apt/lists`), downloaded `.deb` files (`/var/cache/apt/archives`), apk,
    /// yum and dnf caches and pip's cache (`/root/.cache/pip`).
    /// ## Why it matters
    /// Caches make the image larger to ship and scan and keep index files that say which
    /// repositories the build trusted; stale apt lists also invite `apt-get install` at run
    /// time without an update.
    /// ## Fix
    /// Clean in the same `RUN` that installs: `apt-get install --no-install-recommends ...
    /// && rm -rf /var/lib/apt/lists/*`, `apk add --no-cache`, `dnf clean all`,
    /// `pip install --no-cache-dir`.
    /// ## References
    /// - https://docs.docker.com/build/building/best-practices/#apt-get
    pub static RULE = {
        id: "IMG108", practice: Img, severity: Low, title: "Package manager cache left in the image",
    };
}

const CACHES: &[(&str, &str)] = &[
    ("var/lib/apt/lists", "apt lists"),
    ("var/cache/apt/archives", "apt package archives"),
    ("var/cache/apk", "apk cache"),
    ("var/cache/yum", "yum cache"),
    ("var/cache/dnf", "dnf cache"),
    ("root/.cache/pip", "pip cache"),
];

pub fn check(cx: &ImageContext<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    for (dir, what) in CACHES {
        let prefix = format!("{dir}/");
        let mut files = 0usize;
        let mut bytes = 0u64;
        let mut last_layer = 0usize;
        for (path, node) in cx.fs.iter().filter(|(p, _)| p.starts_with(&prefix)) {
            let name = path.rsplit('/').next().unwrap_or("");
            if node.kind != NodeKind::File || matches!(name, "lock" | ".gitkeep") || node.size == 0
            {
                continue;
            }
            files += 1;
            bytes += node.size;
            last_layer = last_layer.max(node.layer);
        }
        // A handful of tiny files (release stamps) is not a cache worth reporting.
        if files == 0 || bytes < 4096 {
            continue;
        }
        out.push(cx.layer_finding(
            &RULE,
            format!("{what}: {files} files, {} KiB left in /{dir}", bytes / 1024),
            &format!("/{dir}"),
            last_layer,
        ));
    }
    out
}
