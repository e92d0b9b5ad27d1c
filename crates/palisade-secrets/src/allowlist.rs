//! The global path allowlist: files whose content is high-entropy by construction
//! (lockfiles, checksums, minified source maps) and never holds a credential a person wrote.

/// File names never scanned for secrets.
const ALLOWLISTED_FILE_NAMES: &[&str] = &[
    "package-lock.json",
    "npm-shrinkwrap.json",
    "yarn.lock",
    "pnpm-lock.yaml",
    "cargo.lock",
    "go.sum",
    "poetry.lock",
    "pipfile.lock",
    "composer.lock",
    "gemfile.lock",
    "packages.lock.json",
    "gradle.lockfile",
    "flake.lock",
    "bun.lockb",
    "uv.lock",
];

/// Extensions of files that are binary or generated maps.
const ALLOWLISTED_EXTENSIONS: &[&str] = &[
    "png", "jpg", "jpeg", "gif", "bmp", "ico", "webp", "svg", "woff", "woff2", "ttf", "otf", "eot",
    "mp3", "mp4", "avi", "mov", "pdf", "zip", "gz", "tgz", "bz2", "xz", "zst", "7z", "jar", "war",
    "class", "so", "dll", "dylib", "exe", "o", "a", "pyc", "wasm", "map",
];

/// Whether `path` is never scanned by any secret rule.
pub fn is_path_allowlisted(path: &str) -> bool {
    let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
    let lower = name.to_ascii_lowercase();
    if ALLOWLISTED_FILE_NAMES.contains(&lower.as_str()) {
        return true;
    }
    if path.contains("/.git/") || path.starts_with(".git/") {
        return true;
    }
    match lower.rsplit_once('.') {
        Some((_, ext)) => ALLOWLISTED_EXTENSIONS.contains(&ext),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lockfiles_and_binaries_are_skipped() {
        assert!(is_path_allowlisted("web/package-lock.json"));
        assert!(is_path_allowlisted("Cargo.lock"));
        assert!(is_path_allowlisted("assets/logo.PNG"));
        assert!(!is_path_allowlisted("config/.env"));
        assert!(!is_path_allowlisted("src/main.rs"));
    }
}
