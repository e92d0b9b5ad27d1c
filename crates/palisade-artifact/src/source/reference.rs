//! Image references as users type them (`debian:12`, `ghcr.io/org/app@sha256:...`,
//! `localhost:5000/team/app:1.4`), normalised the way Docker does, for the registry
//! source: which host to ask, for which repository, by which tag or digest.

use oci_spec::distribution::Reference;

/// Longest reference accepted: Docker's 255 for the name, a 128-character tag and a
/// sha512 digest, with their separators. Anything longer is refused before parsing.
const MAX_REFERENCE_LEN: usize = 255 + 1 + 128 + 1 + 7 + 128;

/// Longest name (registry and repository), as Docker's `NameTotalLengthMax`.
const MAX_NAME_LEN: usize = 255;

/// A parsed registry reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageReference {
    /// Registry host as written (`docker.io`, `localhost:5000`); `index.docker.io` is
    /// `docker.io`.
    pub registry: String,
    /// Repository path (`library/debian`).
    pub repository: String,
    pub tag: Option<String>,
    pub digest: Option<String>,
}

impl ImageReference {
    /// Parses a reference (optionally `docker://`-prefixed) with the grammar and Docker
    /// normalisation of the distribution spec's reference (oci-spec's [`Reference`]):
    /// Docker Hub by default, `library/` for its one-part names, `latest` when neither tag
    /// nor digest is given. A registry host may be a bracketed IPv6 address
    /// (`[::1]:5000/team/app:1`, `[fd00::1]/app@sha256:...`), as in Docker's grammar.
    /// `None` when it cannot be one (spaces, an upper-case repository, a malformed tag or
    /// digest, too long).
    pub fn parse(s: &str) -> Option<ImageReference> {
        let s = s.strip_prefix("docker://").unwrap_or(s);
        if s.len() > MAX_REFERENCE_LEN {
            return None;
        }
        if s.starts_with('[') {
            return Self::parse_ipv6_host(s);
        }
        let parsed = Reference::try_from(s).ok()?;
        Self::checked(parsed.registry().to_string(), &parsed)
    }

    /// A reference whose host is a bracketed IPv6 address (oci-spec's grammar has none):
    /// the host is split off and checked here, the rest parsed by oci-spec behind a stand-in
    /// host, so that every other rule of the grammar holds as for any host.
    fn parse_ipv6_host(s: &str) -> Option<ImageReference> {
        let end = s.find(']')?;
        let address = &s[1..end];
        // Docker's grammar: hexadecimal digits and colons (no zone, no dotted IPv4 tail)
        if !address.bytes().all(|b| b.is_ascii_hexdigit() || b == b':')
            || address.parse::<std::net::Ipv6Addr>().is_err()
        {
            return None;
        }
        let after = &s[end + 1..];
        let (host_len, path) = match after.strip_prefix(':') {
            Some(port_and_path) => {
                let (port, path) = port_and_path.split_once('/')?;
                if port.is_empty() || !port.bytes().all(|b| b.is_ascii_digit()) {
                    return None;
                }
                port.parse::<u16>().ok()?;
                (end + 2 + port.len(), path)
            }
            None => (end + 1, after.strip_prefix('/')?),
        };
        // shorter than any bracketed host, so that the grammar's length limit holds for the
        // real name (checked below)
        const STAND_IN: &str = "h.6";
        let parsed = Reference::try_from(format!("{STAND_IN}/{path}").as_str()).ok()?;
        if parsed.registry() != STAND_IN {
            return None;
        }
        Self::checked(s[..host_len].to_string(), &parsed)
    }

    /// `parsed` with `registry` as its host, when Docker would take it.
    fn checked(registry: String, parsed: &Reference) -> Option<ImageReference> {
        // the grammar lets an upper-case first part through as a registry that the
        // normalisation then takes for a Docker Hub path; Docker refuses those
        let repository = parsed.repository();
        if repository.bytes().any(|b| b.is_ascii_uppercase())
            || registry.len() + 1 + repository.len() > MAX_NAME_LEN
        {
            return None;
        }
        Some(ImageReference {
            registry,
            repository: repository.to_string(),
            tag: parsed.tag().map(str::to_string),
            digest: parsed.digest().map(str::to_string),
        })
    }

    /// The host the API is served from (`registry-1.docker.io` for Docker Hub).
    pub fn api_host(&self) -> &str {
        if self.registry == "docker.io" {
            "registry-1.docker.io"
        } else {
            &self.registry
        }
    }

    /// The tag or digest to ask the registry for (digest wins).
    pub fn manifest_ref(&self) -> &str {
        self.digest
            .as_deref()
            .or(self.tag.as_deref())
            .unwrap_or("latest")
    }
}

impl std::fmt::Display for ImageReference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.registry, self.repository)?;
        if let Some(t) = &self.tag {
            write!(f, ":{t}")?;
        }
        if let Some(d) = &self.digest {
            write!(f, "@{d}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DIGEST: &str = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    fn parts(s: &str) -> Option<(String, String, Option<String>, Option<String>)> {
        ImageReference::parse(s).map(|r| (r.registry, r.repository, r.tag, r.digest))
    }

    fn some(
        registry: &str,
        repository: &str,
        tag: Option<&str>,
        digest: Option<&str>,
    ) -> Option<(String, String, Option<String>, Option<String>)> {
        Some((
            registry.into(),
            repository.into(),
            tag.map(Into::into),
            digest.map(Into::into),
        ))
    }

    #[test]
    fn docker_hub_names_are_normalised() {
        let r = ImageReference::parse("debian").unwrap();
        assert_eq!(r.to_string(), "docker.io/library/debian:latest");
        assert_eq!(r.api_host(), "registry-1.docker.io");
        assert_eq!(
            parts("docker://bitnami/redis:7.2"),
            some("docker.io", "bitnami/redis", Some("7.2"), None)
        );
        assert_eq!(
            parts("index.docker.io/nginx"),
            some("docker.io", "library/nginx", Some("latest"), None)
        );
        let r = ImageReference::parse("localhost:5000/team/app:1.4").unwrap();
        assert_eq!(
            (r.registry.as_str(), r.repository.as_str()),
            ("localhost:5000", "team/app")
        );
        assert_eq!(r.tag.as_deref(), Some("1.4"));
        assert!(ImageReference::parse("Bad/Name").is_none());
        assert!(ImageReference::parse("a/../b").is_none());
    }

    #[test]
    fn hosts_tags_and_digests_are_told_apart() {
        assert_eq!(
            parts("localhost:5000/a/b:1"),
            some("localhost:5000", "a/b", Some("1"), None)
        );
        assert_eq!(
            parts("localhost/a"),
            some("localhost", "a", Some("latest"), None)
        );
        // a port-like tag on a Docker Hub name is a tag
        assert_eq!(
            parts("test.com:5000"),
            some("docker.io", "library/test.com", Some("5000"), None)
        );
        let r = ImageReference::parse(&format!("a@{DIGEST}")).unwrap();
        assert_eq!(
            (r.repository.as_str(), r.tag.as_deref()),
            ("library/a", None)
        );
        assert_eq!(r.manifest_ref(), DIGEST);
        let r = ImageReference::parse(&format!("host.example/a:tag@{DIGEST}")).unwrap();
        assert_eq!(
            parts(&r.to_string()),
            some("host.example", "a", Some("tag"), Some(DIGEST))
        );
        assert_eq!(r.manifest_ref(), DIGEST, "the digest wins over the tag");
        // tags may be upper case, repositories may not
        assert_eq!(
            parts("alpine:Edge"),
            some("docker.io", "library/alpine", Some("Edge"), None)
        );
    }

    #[test]
    fn bracketed_ipv6_hosts_are_registries() {
        assert_eq!(
            parts("[::1]:5000/repo:tag"),
            some("[::1]:5000", "repo", Some("tag"), None)
        );
        assert_eq!(
            parts(&format!("[fd00::1]/x@{DIGEST}")),
            some("[fd00::1]", "x", None, Some(DIGEST))
        );
        assert_eq!(
            parts("docker://[2001:DB8::5]:443/team/app"),
            some("[2001:DB8::5]:443", "team/app", Some("latest"), None)
        );
        let r = ImageReference::parse(&format!("[::1]:5000/team/app:1@{DIGEST}")).unwrap();
        assert_eq!(r.api_host(), "[::1]:5000");
        assert_eq!(r.to_string(), format!("[::1]:5000/team/app:1@{DIGEST}"));
        assert_eq!(ImageReference::parse(&r.to_string()), Some(r));
        // the name's length counts the real host
        let long = format!("[::1]:5000/{}", "a".repeat(255 - 11));
        assert!(ImageReference::parse(&long).is_some());
        assert!(ImageReference::parse(&format!("{long}a")).is_none());
    }

    #[test]
    fn what_cannot_be_a_reference_is_none() {
        let too_long_tag = format!("app:{}", "t".repeat(129));
        let too_long_name = format!("registry.example/{}", "a/".repeat(120) + "app");
        let huge = "a".repeat(1 << 20);
        for input in [
            "",
            "docker://",
            "Ubuntu",
            "ubuntu:",
            "my app",
            "app@sha256:abc",
            "app@md5:0123456789abcdef0123456789abcdef",
            ":tag",
            "a//b",
            // IPv6 hosts: bracketed, with a path, a numeric port, no zone
            "[::1]:5000",
            "[::1]",
            "[::1]:/x",
            "[::1]:http/x",
            "[::1]:70000/x",
            "[fe80::1%eth0]/x",
            "[::ffff:127.0.0.1]/x",
            "[1.2.3.4]/x",
            "[::1/x",
            "[::1]x/y",
            "[::1]:5000/Upper",
            "[::1]:5000/a//b",
            "[::1]:5000/x:",
            &too_long_tag,
            &too_long_name,
            &huge,
        ] {
            assert_eq!(ImageReference::parse(input), None, "{input:.60}");
        }
    }
}
