//! Images a scanned tree builds itself, and the user each one ends with, so that IMG011 can
//! follow `FROM my-org/base` into the Dockerfile that builds `my-org/base`.
//!
//! An image is tied to its Dockerfile by what builds it: a Compose service with both
//! `build:` and `image:`, or a `docker build` / `docker buildx build` / `podman build`
//! command line with `-t`/`--tag` (in a Makefile, a shell script, a CI file...). Names
//! with unexpanded variables (`$(IMAGE)`, `${TAG}`) tie nothing. This module reads text it
//! is given; finding those files in a tree is the caller's job.

use std::collections::BTreeMap;

use crate::parse::{expand, Dockerfile};
use crate::rules::img011_root_user::is_root_user;

/// The user an image ends with, as far as its own Dockerfile says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FinalUser {
    /// A `USER` that is not root (`app`, `10001`), or a base known to run unprivileged.
    NonRoot(String),
    /// `USER root`/`0`, or no `USER` on top of `scratch`.
    Root(String),
    /// No `USER`, on a base whose user is not known here.
    Unknown,
}

/// One image the tree builds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalImage {
    /// The Dockerfile that builds it, as given to [`LocalImages::from_tree`].
    pub dockerfile: String,
    pub user: FinalUser,
}

/// The images a tree builds, by normalized name (`registry/repo:tag`).
#[derive(Debug, Clone, Default)]
pub struct LocalImages {
    images: BTreeMap<String, LocalImage>,
}

impl LocalImages {
    /// Ties image names to Dockerfiles. `dockerfiles` are `(path, text)` of every Dockerfile
    /// of the tree; `build_files` are `(path, text)` of files that may build them (Compose
    /// files, Makefiles, shell scripts, CI definitions). Paths use `/` and are relative to
    /// the same root. A Dockerfile that cannot be parsed ties nothing.
    pub fn from_tree(dockerfiles: &[(&str, &str)], build_files: &[(&str, &str)]) -> Self {
        let parsed: BTreeMap<String, Dockerfile> = dockerfiles
            .iter()
            .filter_map(|(p, t)| Some((normalize_path(p), Dockerfile::parse(t).ok()?)))
            .collect();
        let mut names: BTreeMap<String, String> = BTreeMap::new();
        for (path, text) in build_files {
            let dir = parent(path);
            let lower = path.to_ascii_lowercase();
            let is_compose = (lower.ends_with(".yml") || lower.ends_with(".yaml"))
                && (lower.contains("compose") || text.contains("services:"));
            if is_compose {
                for (image, dockerfile) in compose_builds(&dir, text) {
                    names.insert(image, dockerfile);
                }
            }
            for (image, dockerfile) in build_commands(&dir, text) {
                names.insert(image, dockerfile);
            }
        }
        let mut images = BTreeMap::new();
        for (image, dockerfile) in &names {
            if let Some(df) = parsed.get(dockerfile) {
                images.insert(
                    image.clone(),
                    LocalImage {
                        dockerfile: dockerfile.clone(),
                        user: own_final_user(df),
                    },
                );
            }
        }
        // A local image built on another local image inherits its user (a few rounds cover
        // any real chain; a cycle stays unknown).
        for _ in 0..8 {
            let mut changed = false;
            let snapshot = images.clone();
            for (name, img) in images.iter_mut() {
                if img.user != FinalUser::Unknown {
                    continue;
                }
                let Some(base) = parsed
                    .get(&img.dockerfile)
                    .and_then(chain_base)
                    .map(|b| normalize_image(&b))
                else {
                    continue;
                };
                if base == *name {
                    continue;
                }
                if let Some(parent) = snapshot.get(&base) {
                    if parent.user != FinalUser::Unknown {
                        img.user = parent.user.clone();
                        changed = true;
                    }
                }
            }
            if !changed {
                break;
            }
        }
        LocalImages { images }
    }

    /// The local image a `FROM` reference names, if the tree builds it.
    pub fn get(&self, reference: &str) -> Option<&LocalImage> {
        self.images.get(&normalize_image(reference))
    }

    pub fn is_empty(&self) -> bool {
        self.images.is_empty()
    }
}

/// The user the final stage ends with, from this file alone.
pub(crate) fn own_final_user(df: &Dockerfile) -> FinalUser {
    for stage in df.shipped_stages() {
        if let Some(i) = stage
            .instructions
            .clone()
            .rev()
            .find(|&i| df.instructions[i].is("USER"))
        {
            let ins = &df.instructions[i];
            let (value, complete) = expand(ins.text().trim(), &df.variables_at(i));
            return match (complete, is_root_user(&value)) {
                (true, true) => FinalUser::Root(value),
                (true, false) => FinalUser::NonRoot(value),
                (false, _) => FinalUser::Unknown,
            };
        }
        if let Some(base) = stage.base.resolved.as_deref() {
            if crate::rules::img011_root_user::base_runs_unprivileged(base) {
                return FinalUser::NonRoot(base.to_string());
            }
        }
    }
    match chain_base(df) {
        Some(b) if b.eq_ignore_ascii_case("scratch") => FinalUser::Root("scratch".into()),
        _ => FinalUser::Unknown,
    }
}

/// The external base at the bottom of the final stage's chain of stages.
pub(crate) fn chain_base(df: &Dockerfile) -> Option<String> {
    df.shipped_stages()
        .last()
        .and_then(|s| s.base.resolved.clone())
}

/// `nginx` -> `docker.io/library/nginx:latest`; a digest is kept as written.
fn normalize_image(reference: &str) -> String {
    let r = reference.trim().to_ascii_lowercase();
    let (name, suffix) = match r.split_once('@') {
        Some((n, d)) => (n.to_string(), format!("@{d}")),
        None => {
            let last_slash = r.rfind('/').map(|i| i + 1).unwrap_or(0);
            match r[last_slash..].find(':') {
                Some(c) => (
                    r[..last_slash + c].to_string(),
                    r[last_slash + c..].to_string(),
                ),
                None => (r.clone(), ":latest".to_string()),
            }
        }
    };
    let first = name.split('/').next().unwrap_or("");
    let has_registry =
        name.contains('/') && (first.contains('.') || first.contains(':') || first == "localhost");
    let name = if has_registry {
        name
    } else if name.contains('/') {
        format!("docker.io/{name}")
    } else {
        format!("docker.io/library/{name}")
    };
    let name = name.replacen("index.docker.io/", "docker.io/", 1);
    format!("{name}{suffix}")
}

fn parent(path: &str) -> String {
    path.rsplit_once('/')
        .map(|(d, _)| d.to_string())
        .unwrap_or_default()
}

/// `a/./b/../c` -> `a/c`; a leading `./` and empty segments go.
fn normalize_path(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    parts.join("/")
}

fn join(dir: &str, rel: &str) -> String {
    if dir.is_empty() {
        normalize_path(rel)
    } else {
        normalize_path(&format!("{dir}/{rel}"))
    }
}

fn has_variable(s: &str) -> bool {
    s.contains('$') || s.contains("{{")
}

/// `(image, dockerfile path)` of Compose services with both `build:` and `image:`.
fn compose_builds(dir: &str, text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let Ok(docs) = palisade_yaml::load(text) else {
        return out;
    };
    for doc in docs {
        let Some(services) = doc.root.get("services") else {
            continue;
        };
        for (_, svc) in services.entries() {
            let (Some(image), Some(build)) =
                (svc.get("image").and_then(|i| i.as_str()), svc.get("build"))
            else {
                continue;
            };
            let (context, file) = match build.as_str() {
                Some(ctx) => (ctx.to_string(), "Dockerfile".to_string()),
                None => (
                    build
                        .get("context")
                        .and_then(|c| c.as_str())
                        .unwrap_or(".")
                        .to_string(),
                    build
                        .get("dockerfile")
                        .and_then(|d| d.as_str())
                        .unwrap_or("Dockerfile")
                        .to_string(),
                ),
            };
            if has_variable(image) || has_variable(&context) || has_variable(&file) {
                continue;
            }
            let context = join(dir, &context);
            out.push((normalize_image(image), join(&context, &file)));
        }
    }
    out
}

/// `(image, dockerfile path)` of `docker build -t NAME [-f FILE] CONTEXT` command lines.
fn build_commands(dir: &str, text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    // Continuation lines are joined so that flags on the next line count.
    let joined = text.replace("\\\r\n", " ").replace("\\\n", " ");
    for line in joined.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        let Some(start) = words.windows(2).position(|w| {
            matches!(w[0], "docker" | "podman" | "buildah")
                && (w[1] == "build" || w[1] == "buildx" || w[1] == "bud")
        }) else {
            continue;
        };
        let mut tags = Vec::new();
        let mut file = None;
        let mut context = None;
        let mut i = start + 2;
        if words.get(start + 1) == Some(&"buildx") && words.get(i) == Some(&"build") {
            i += 1;
        }
        while i < words.len() {
            let w = words[i].trim_matches(['"', '\'']);
            if matches!(w, "&&" | "||" | ";" | "|") {
                break;
            }
            let value = |i: usize| words.get(i + 1).map(|v| v.trim_matches(['"', '\'']));
            if let Some(v) = w.strip_prefix("--tag=").or_else(|| w.strip_prefix("-t=")) {
                tags.push(v.to_string());
            } else if w == "-t" || w == "--tag" {
                if let Some(v) = value(i) {
                    tags.push(v.to_string());
                }
                i += 1;
            } else if let Some(v) = w.strip_prefix("--file=").or_else(|| w.strip_prefix("-f=")) {
                file = Some(v.to_string());
            } else if w == "-f" || w == "--file" {
                file = value(i).map(str::to_string);
                i += 1;
            } else if w.starts_with('-') {
                // Flags that take a value as the next word.
                if matches!(
                    w,
                    "--build-arg"
                        | "--target"
                        | "--platform"
                        | "--label"
                        | "--network"
                        | "--secret"
                        | "--ssh"
                        | "--cache-from"
                        | "--cache-to"
                        | "--output"
                        | "-o"
                        | "--progress"
                        | "--builder"
                ) {
                    i += 1;
                }
            } else if context.is_none() {
                context = Some(w.to_string());
            }
            i += 1;
        }
        let Some(context) = context else {
            continue;
        };
        if has_variable(&context) || file.as_deref().is_some_and(has_variable) {
            continue;
        }
        let context_dir = join(dir, &context);
        let dockerfile = match file {
            // `-f` is relative to where the command runs, not to the context.
            Some(f) => join(dir, &f),
            None => join(&context_dir, "Dockerfile"),
        };
        for t in tags.iter().filter(|t| !has_variable(t)) {
            out.push((normalize_image(t), dockerfile.clone()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_names_normalize() {
        assert_eq!(normalize_image("nginx"), "docker.io/library/nginx:latest");
        assert_eq!(normalize_image("acme/base:1"), "docker.io/acme/base:1");
        assert_eq!(
            normalize_image("registry.local:5000/acme/base"),
            "registry.local:5000/acme/base:latest"
        );
        assert_eq!(
            normalize_image("docker.io/library/nginx"),
            normalize_image("nginx")
        );
    }

    #[test]
    fn build_commands_tie_names_to_dockerfiles() {
        let make = "build:\n\tdocker build -t acme/base:1.0 -f docker/base.Dockerfile .\n\
                    \tdocker buildx build --platform linux/amd64 --tag acme/app ./app\n\
                    \tdocker build -t $(IMAGE) .\n";
        let got = build_commands("", make);
        assert_eq!(
            got,
            [
                (
                    "docker.io/acme/base:1.0".to_string(),
                    "docker/base.Dockerfile".to_string()
                ),
                (
                    "docker.io/acme/app:latest".to_string(),
                    "app/Dockerfile".to_string()
                ),
            ]
        );
    }

    #[test]
    fn compose_services_tie_names_to_dockerfiles() {
        let compose = "services:\n  base:\n    image: acme/base:1.0\n    build:\n      context: ./base\n      dockerfile: Dockerfile.prod\n  web:\n    image: acme/web\n    build: web\n  db:\n    image: postgres:16\n";
        assert_eq!(
            compose_builds("deploy", compose),
            [
                (
                    "docker.io/acme/base:1.0".to_string(),
                    "deploy/base/Dockerfile.prod".to_string()
                ),
                (
                    "docker.io/acme/web:latest".to_string(),
                    "deploy/web/Dockerfile".to_string()
                ),
            ]
        );
    }

    #[test]
    fn users_are_inherited_through_local_images() {
        let base = "FROM debian:12-slim\nRUN useradd app\nUSER app\n";
        let mid = "FROM acme/base:1.0\nRUN echo mid\n";
        let rooted = "FROM debian:12-slim\nUSER root\n";
        let local = LocalImages::from_tree(
            &[("base/Dockerfile", base), ("mid/Dockerfile", mid), ("root/Dockerfile", rooted)],
            &[(
                "Makefile",
                "all:\n\tdocker build -t acme/base:1.0 base\n\tdocker build -t acme/mid mid\n\tdocker build -t acme/root root\n",
            )],
        );
        assert_eq!(
            local.get("acme/base:1.0").unwrap().user,
            FinalUser::NonRoot("app".into())
        );
        assert_eq!(
            local.get("docker.io/acme/mid:latest").unwrap().user,
            FinalUser::NonRoot("app".into())
        );
        assert_eq!(
            local.get("acme/root").unwrap().user,
            FinalUser::Root("root".into())
        );
        assert!(local.get("acme/other").is_none());
    }
}
