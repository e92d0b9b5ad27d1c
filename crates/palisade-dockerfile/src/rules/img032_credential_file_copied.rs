//! IMG032 — private key or credential file copied into the image.

use super::img012_add_instead_of_copy::sources;
use super::Context;

palisade_core::declare_rule! {
    /// ## What it checks
    /// `COPY` and `ADD` instructions of the shipped stages whose source names a private key
    /// or a credential file: `*.pem`, `*.key`, `*.p12`, `*.pfx`, `*.jks`, `*.keystore`,
    /// SSH keys (`id_rsa`, `id_ecdsa`, `id_ed25519`... and a whole `.ssh/`), `.env` files
    /// (not `.env.example`), AWS `credentials`, `credentials.json`, kubeconfigs
    /// (`kubeconfig`, `.kube/config`), `.npmrc`, `.pypirc`, `.netrc`, `.git-credentials`,
    /// `.docker/config.json` and service-account key files. Copies in build stages that are
    /// not shipped are not reported.
    ///
    /// ## Why it matters
    /// A copied file is part of that layer for good: a later `RUN rm` only hides it in the
    /// final file system, and anyone who can pull the image extracts it from the layer
    /// (`docker save`, `crane export`).
    ///
    /// ## Fix
    /// Mount the file only while the command that needs it runs
    /// (`RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci`), or copy it into a
    /// build stage that is not shipped; add the file to `.dockerignore`. Rotate a key that
    /// was pushed in an image.
    ///
    /// ## References
    /// - https://docs.docker.com/build/building/secrets/
    /// - https://docs.docker.com/build/concepts/context/#dockerignore-files
    pub static RULE = {
        id: "IMG032", practice: Img, severity: High,
        title: "Private key or credential file copied into the image",
    };
}

/// What a source path is, if it names a key or credential file.
pub(crate) fn credential_file(source: &str) -> Option<&'static str> {
    let path = source.trim_end_matches('/').to_ascii_lowercase();
    let name = path.rsplit('/').next().unwrap_or(&path);
    let ext = |e: &str| name.ends_with(e);
    if name.starts_with("id_rsa")
        || name.starts_with("id_dsa")
        || name.starts_with("id_ecdsa")
        || name.starts_with("id_ed25519")
    {
        return (!name.ends_with(".pub")).then_some("an SSH private key");
    }
    if name == ".ssh" || path.contains("/.ssh/") || path.starts_with(".ssh/") {
        return Some("an SSH directory");
    }
    if ext(".pem") || ext(".key") || ext(".ppk") {
        return Some("a private key");
    }
    if ext(".p12") || ext(".pfx") || ext(".jks") || ext(".keystore") {
        return Some("a key store");
    }
    if name == ".env"
        || (name.starts_with(".env.")
            && !["example", "sample", "template", "dist", "defaults"]
                .iter()
                .any(|s| name.ends_with(s)))
    {
        return Some("an environment file");
    }
    if name == "credentials"
        || name == "credentials.json"
        || name == ".git-credentials"
        || (name.contains("service-account") || name.contains("serviceaccount")) && ext(".json")
    {
        return Some("a credentials file");
    }
    if name == "kubeconfig" || path.ends_with(".kube/config") || path.ends_with(".kube") {
        return Some("a kubeconfig");
    }
    if matches!(name, ".npmrc" | ".pypirc" | ".netrc" | "_netrc") {
        return Some("a package registry credentials file");
    }
    if path.ends_with(".docker/config.json") {
        return Some("a Docker registry credentials file");
    }
    None
}

pub fn check(cx: &mut Context) {
    let df = cx.df;
    let shipped: Vec<usize> = df.shipped_stages().iter().map(|s| s.index).collect();
    for ins in df
        .instructions
        .iter()
        .filter(|i| i.is("COPY") || i.is("ADD"))
    {
        if !ins.stage.is_some_and(|s| shipped.contains(&s)) {
            continue;
        }
        for src in sources(&ins.arguments) {
            if let Some(what) = credential_file(&src) {
                let stage = cx.stage_of(ins);
                cx.report(
                    &RULE,
                    ins.line,
                    stage,
                    format!(
                        "{} of `{src}` ({what}): it stays in the image layer for good, whatever a later `RUN rm` does",
                        ins.keyword
                    ),
                );
            }
        }
    }
}
