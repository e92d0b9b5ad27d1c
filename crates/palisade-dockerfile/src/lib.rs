//! Dockerfile hygiene rules (IMG010–IMG099).
//!
//! This crate reads `Dockerfile`/`Containerfile` sources ([`Dockerfile::parse`], with line
//! numbers, continuations, heredocs, stages and `ARG`/`ENV` substitution) and checks them
//! ([`scan_dockerfile`]). Its shell parser ([`shell`]) is the one every rule about `RUN`
//! commands uses.
//!
//! It is not an image reader: the configuration and history of built images are judged by
//! the image rules of `palisade-artifact` (IMG100–). It does not walk directories either:
//! the engine decides which files are Dockerfiles with [`is_dockerfile`] and hands over text.

mod error;
pub mod local_images;
pub mod packages;
pub mod parse;
mod rules;
pub mod secrets;
pub mod shell;

pub use error::ParseError;
pub use local_images::{FinalUser, LocalImage, LocalImages};
pub use parse::{Arguments, BaseImage, Dockerfile, Flag, Heredoc, Instruction, Stage};

use palisade_core::{Finding, RuleMeta};

/// Every rule of this crate, in id order.
pub fn rules() -> Vec<&'static RuleMeta> {
    let mut all = rules::all();
    all.sort_by_key(|r| r.id);
    all.dedup_by_key(|r| r.id);
    all
}

/// What scanning one Dockerfile produced.
#[derive(Debug, Clone, Default)]
pub struct DockerfileScan {
    pub findings: Vec<Finding>,
    /// Lines that could not be read and were skipped; worth showing to the user.
    pub warnings: Vec<ParseError>,
}

/// Parses `text` and runs every Dockerfile rule; findings point at `path` with the
/// resource `Dockerfile/<stage>`. A file that cannot be parsed at all (no `FROM`, an
/// unterminated heredoc, too large) is an error; unknown lines are warnings.
pub fn scan_dockerfile(path: &str, text: &str) -> Result<DockerfileScan, ParseError> {
    scan_dockerfile_with(path, text, None)
}

/// [`scan_dockerfile`] with a secrets engine that IMG020 also runs on every `ENV`, `ARG`
/// and `LABEL` value (e.g. a function over palisade-secrets' single-value scan).
pub fn scan_dockerfile_with(
    path: &str,
    text: &str,
    value_scanner: Option<secrets::ValueScanner>,
) -> Result<DockerfileScan, ParseError> {
    let df = Dockerfile::parse(text)?;
    Ok(DockerfileScan {
        findings: rules::check_dockerfile(path, &df, value_scanner, None),
        warnings: df.warnings,
    })
}

/// [`scan_dockerfile_with`] for a Dockerfile of a tree whose other Dockerfiles and build
/// files are known: a `FROM` naming an image the tree builds ([`LocalImages::from_tree`])
/// inherits the user that image's Dockerfile ends with (IMG011).
pub fn scan_dockerfile_in_tree(
    path: &str,
    text: &str,
    value_scanner: Option<secrets::ValueScanner>,
    local_images: &LocalImages,
) -> Result<DockerfileScan, ParseError> {
    let df = Dockerfile::parse(text)?;
    Ok(DockerfileScan {
        findings: rules::check_dockerfile(path, &df, value_scanner, Some(local_images)),
        warnings: df.warnings,
    })
}

/// Runs every Dockerfile rule over an already parsed file.
pub fn check_dockerfile(path: &str, df: &Dockerfile) -> Vec<Finding> {
    rules::check_dockerfile(path, df, None, None)
}

/// Whether a file is a Dockerfile, by name (`Dockerfile`, `Containerfile`,
/// `*.dockerfile`, `Dockerfile.*`, `*.Dockerfile`) or, for other names, by content
/// (the first instruction is `FROM` or `ARG` followed by a `FROM`).
pub fn is_dockerfile(path: &std::path::Path, text: Option<&str>) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    let lower = name.to_ascii_lowercase();
    if lower == "dockerfile"
        || lower == "containerfile"
        || lower.ends_with(".dockerfile")
        || lower.ends_with(".containerfile")
        || lower.starts_with("dockerfile.")
        || lower.starts_with("containerfile.")
        || lower.starts_with("dockerfile-")
    {
        // `Dockerfile.dockerignore`-like companions are not Dockerfiles.
        return !lower.ends_with(".dockerignore")
            && !lower.ends_with(".md")
            && !lower.ends_with(".yml")
            && !lower.ends_with(".yaml")
            && !lower.ends_with(".json");
    }
    // Content sniffing only for extension-less files: a `.py` or `.sh` starting with
    // `FROM` in a comment must not be mistaken.
    if lower.contains('.') {
        return false;
    }
    text.is_some_and(looks_like_dockerfile)
}

fn looks_like_dockerfile(text: &str) -> bool {
    let mut saw_arg = false;
    for line in text.lines().take(200) {
        let t = line.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        let keyword = t
            .split_whitespace()
            .next()
            .unwrap_or("")
            .to_ascii_uppercase();
        match keyword.as_str() {
            "FROM" => return t.split_whitespace().nth(1).is_some(),
            "ARG" => saw_arg = true,
            _ if saw_arg && line.starts_with(char::is_whitespace) => {}
            _ => return false,
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn detects_dockerfiles_by_name_and_content() {
        for name in [
            "Dockerfile",
            "Containerfile",
            "app.dockerfile",
            "Dockerfile.prod",
            "build.Dockerfile",
        ] {
            assert!(is_dockerfile(Path::new(name), None), "{name}");
        }
        assert!(!is_dockerfile(Path::new("Dockerfile.dockerignore"), None));
        assert!(is_dockerfile(
            Path::new("build/Imagefile"),
            Some("# x\nARG V=1\nFROM alpine:$V\n")
        ));
        assert!(!is_dockerfile(
            Path::new("script.sh"),
            Some("FROM alpine\n")
        ));
        assert!(!is_dockerfile(Path::new("README"), Some("Hello\nFROM x\n")));
    }

    #[test]
    fn rule_ids_are_unique_and_in_range() {
        let rules = rules();
        let mut ids: Vec<_> = rules.iter().map(|r| r.id).collect();
        ids.dedup();
        assert_eq!(ids.len(), rules.len());
        for r in rules {
            let n: u32 = r.id[3..].parse().unwrap();
            assert!(
                r.id.starts_with("IMG") && (10..100).contains(&n),
                "{}",
                r.id
            );
            for section in ["What it checks", "Why it matters", "Fix"] {
                assert!(r.section(section).is_some(), "{} lacks {section}", r.id);
            }
        }
    }
}
