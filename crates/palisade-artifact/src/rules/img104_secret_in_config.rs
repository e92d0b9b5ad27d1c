//! IMG104 — secret in the image's environment or labels.

use palisade_core::{declare_rule, Finding};

use super::secret_hints::{
    encoded_match, known_match, literal_value, secret_info, secret_like_name,
};
use super::ImageContext;

declare_rule! {
    /// ## What it checks
    /// `ENV` variables and labels of the image configuration whose name announces a secret
    /// (`*_PASSWORD`, `*_TOKEN`, `*_SECRET`, `API_KEY`...) and whose value is a literal, or
    /// whose value has the shape of a well-known credential (AWS keys, GitHub and GitLab
    /// tokens, private keys...), also once base64 (or base64 of base64) is taken off it.
    /// ## Why it matters
    /// The configuration travels with the image: anyone who can pull it reads the value
    /// with `docker inspect`, and every container and log of its environment exposes it.
    /// ## Fix
    /// Remove the value from the Dockerfile and rotate it; inject secrets at run time
    /// (Kubernetes Secrets mounted as files, a secret store, `docker run --env-file`), and
    /// use `RUN --mount=type=secret` for build-time secrets.
    /// ## References
    /// - https://docs.docker.com/build/building/secrets/
    pub static RULE = {
        id: "IMG104", practice: Img, severity: High, title: "Secret in image environment or labels",
    };
}

pub fn check(cx: &ImageContext<'_>) -> Vec<Finding> {
    let Some(config) = cx.config else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let labels = config.run().labels.unwrap_or_default();
    let pairs = config
        .env()
        .into_iter()
        .map(|(k, v)| ("ENV", k, v))
        .chain(labels.into_iter().map(|(k, v)| ("LABEL", k, v)));
    for (kind, name, value) in pairs {
        let known = known_match(&value).or_else(|| encoded_match(&value));
        if known.is_none() && !(secret_like_name(&name) && literal_value(&value)) {
            continue;
        }
        let (what, secret) = match known {
            Some((kind, text)) => (format!("a credential ({kind})"), text.to_string()),
            None => ("a literal secret".to_string(), value.clone()),
        };
        let mut f = cx.finding(
            &RULE,
            format!("{kind} {name} holds {what} in the image configuration"),
            &format!("{kind} {name}"),
        );
        f.secret = Some(Box::new(secret_info(&secret)));
        out.push(f);
    }
    out
}
