//! Which operating system an image is built on, from its release files.
//!
//! `os-release` first (`/etc`, then `/usr/lib`), then the distribution-specific files
//! (`alpine-release`, `debian_version`, `redhat-release`...). Distroless images, which
//! keep one dpkg file per package under `status.d`, are recognised as Debian.

use crate::fs::ImageFs;

/// The detected distribution and release.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct OsRelease {
    /// `os-release` `ID`, lower case (`debian`, `ubuntu`, `alpine`, `rhel`, `rocky`...).
    pub id: String,
    /// `VERSION_ID` or the version from a release file (`12`, `3.19.1`, `9.3`).
    pub version_id: String,
    pub pretty_name: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub id_like: Vec<String>,
    /// The file the answer came from.
    pub source: String,
    /// Whether the image looks distroless (dpkg `status.d`, no shell package database).
    pub distroless: bool,
}

impl OsRelease {
    /// The release cycle used by end-of-life tables: `12`, `22.04`, `3.19`, `9`, `15.5`.
    pub fn cycle(&self) -> String {
        let v = self.version_id.trim();
        let parts: Vec<&str> = v.split('.').collect();
        match self.family() {
            "alpine" | "ubuntu" | "opensuse-leap" | "sles" => {
                parts.iter().take(2).copied().collect::<Vec<_>>().join(".")
            }
            _ => parts.first().copied().unwrap_or("").to_string(),
        }
    }

    /// The id normalised across derivatives that share a table (`centos`, `rhel`...).
    pub fn family(&self) -> &str {
        match self.id.as_str() {
            "redhat" => "rhel",
            "amazon" => "amzn",
            "suse" | "sled" => "sles",
            "opensuse" | "opensuse-leap" => "opensuse-leap",
            "chainguard" => "wolfi",
            other => other,
        }
    }

    /// The OSV ecosystem advisories for this release are published under.
    pub fn osv_ecosystem(&self) -> Option<String> {
        let cycle = self.cycle();
        Some(match self.family() {
            "debian" => format!("Debian:{cycle}"),
            "ubuntu" => format!("Ubuntu:{cycle}"),
            "alpine" => format!("Alpine:v{cycle}"),
            "rocky" => format!("Rocky Linux:{cycle}"),
            "almalinux" => format!("AlmaLinux:{cycle}"),
            "rhel" | "centos" => format!("Red Hat:{cycle}"),
            "opensuse-leap" => format!("openSUSE:Leap {cycle}"),
            // OSV names SUSE releases by product and service pack.
            "sles" => match cycle.split_once('.') {
                Some((major, sp)) if sp != "0" => {
                    format!("SUSE:Linux Enterprise Server {major} SP{sp}")
                }
                Some((major, _)) => format!("SUSE:Linux Enterprise Server {major}"),
                None => format!("SUSE:Linux Enterprise Server {cycle}"),
            },
            "wolfi" => {
                if self.id == "chainguard" {
                    "Chainguard".into()
                } else {
                    "Wolfi".into()
                }
            }
            "amzn" => format!("Amazon Linux:{cycle}"),
            "fedora" => format!("Fedora:{cycle}"),
            _ => return None,
        })
    }
}

fn unquote(s: &str) -> String {
    let s = s.trim();
    s.strip_prefix('"')
        .and_then(|x| x.strip_suffix('"'))
        .or_else(|| s.strip_prefix('\'').and_then(|x| x.strip_suffix('\'')))
        .unwrap_or(s)
        .to_string()
}

/// Parses `os-release` text.
pub fn parse_os_release(text: &str, source: &str) -> Option<OsRelease> {
    let mut os = OsRelease {
        source: source.to_string(),
        ..OsRelease::default()
    };
    for line in text.lines() {
        let Some((k, v)) = line.split_once('=') else {
            continue;
        };
        match k.trim() {
            "ID" => os.id = unquote(v).to_ascii_lowercase(),
            "VERSION_ID" => os.version_id = unquote(v),
            "PRETTY_NAME" => os.pretty_name = unquote(v),
            "ID_LIKE" => os.id_like = unquote(v).split_whitespace().map(str::to_string).collect(),
            _ => {}
        }
    }
    (!os.id.is_empty()).then_some(os)
}

fn read_text(fs: &ImageFs, path: &str) -> Option<String> {
    fs.read(path)?
        .ok()
        .map(|b| String::from_utf8_lossy(&b).into_owned())
}

/// Paths detection needs captured.
pub const RELEASE_FILES: &[&str] = &[
    "etc/os-release",
    "usr/lib/os-release",
    "etc/alpine-release",
    "etc/debian_version",
    "etc/redhat-release",
    "etc/centos-release",
    "etc/system-release",
    "etc/lsb-release",
];

/// Detects the OS of the final view.
pub fn detect(fs: &ImageFs) -> Option<OsRelease> {
    let distroless =
        fs.get("var/lib/dpkg/status.d").is_some() && fs.get("var/lib/dpkg/status").is_none();
    let mut found = ["etc/os-release", "usr/lib/os-release"]
        .iter()
        .find_map(|p| read_text(fs, p).and_then(|t| parse_os_release(&t, p)));
    if found.is_none() {
        found = fallback(fs);
    }
    if found.is_none() && distroless {
        found = Some(OsRelease {
            id: "debian".into(),
            source: "var/lib/dpkg/status.d".into(),
            pretty_name: "Distroless (Debian)".into(),
            ..OsRelease::default()
        });
    }
    let mut os = found?;
    os.distroless = distroless;
    // Debian testing/sid have no VERSION_ID; debian_version says e.g. `trixie/sid`.
    if os.id == "debian" && os.version_id.is_empty() {
        if let Some(v) = read_text(fs, "etc/debian_version") {
            let major = v.trim().split('.').next().unwrap_or("").to_string();
            if major.chars().all(|c| c.is_ascii_digit()) && !major.is_empty() {
                os.version_id = major;
            }
        }
    }
    Some(os)
}

fn fallback(fs: &ImageFs) -> Option<OsRelease> {
    if let Some(v) = read_text(fs, "etc/alpine-release") {
        return Some(OsRelease {
            id: "alpine".into(),
            version_id: v.trim().to_string(),
            pretty_name: format!("Alpine Linux {}", v.trim()),
            source: "etc/alpine-release".into(),
            ..OsRelease::default()
        });
    }
    for path in [
        "etc/centos-release",
        "etc/redhat-release",
        "etc/system-release",
    ] {
        if let Some(text) = read_text(fs, path) {
            let line = text.lines().next().unwrap_or("").trim().to_string();
            let lower = line.to_ascii_lowercase();
            let id = if lower.starts_with("centos") {
                "centos"
            } else if lower.starts_with("rocky") {
                "rocky"
            } else if lower.starts_with("almalinux") {
                "almalinux"
            } else if lower.starts_with("amazon") {
                "amzn"
            } else if lower.starts_with("fedora") {
                "fedora"
            } else {
                "rhel"
            };
            let version = line
                .split_whitespace()
                .find(|w| w.chars().next().is_some_and(|c| c.is_ascii_digit()))
                .unwrap_or("")
                .to_string();
            return Some(OsRelease {
                id: id.into(),
                version_id: version,
                pretty_name: line,
                source: path.into(),
                ..OsRelease::default()
            });
        }
    }
    if let Some(v) = read_text(fs, "etc/debian_version") {
        let v = v.trim();
        return Some(OsRelease {
            id: "debian".into(),
            version_id: v.split('.').next().unwrap_or("").to_string(),
            pretty_name: format!("Debian {v}"),
            source: "etc/debian_version".into(),
            ..OsRelease::default()
        });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn os_release_is_parsed_and_cycles_derived() {
        let os = parse_os_release(
            "PRETTY_NAME=\"Alpine Linux v3.19\"\nID=alpine\nVERSION_ID=3.19.1\n",
            "etc/os-release",
        )
        .unwrap();
        assert_eq!(os.cycle(), "3.19");
        assert_eq!(os.osv_ecosystem().as_deref(), Some("Alpine:v3.19"));
        let os = parse_os_release("ID=\"rhel\"\nVERSION_ID=\"9.3\"\n", "x").unwrap();
        assert_eq!(os.cycle(), "9");
        let os = parse_os_release("ID=ubuntu\nVERSION_ID=\"22.04\"\n", "x").unwrap();
        assert_eq!(os.osv_ecosystem().as_deref(), Some("Ubuntu:22.04"));
        let os = parse_os_release("ID=\"sles\"\nVERSION_ID=\"15.5\"\n", "x").unwrap();
        assert_eq!(
            os.osv_ecosystem().as_deref(),
            Some("SUSE:Linux Enterprise Server 15 SP5")
        );
        let os = parse_os_release("ID=\"opensuse-leap\"\nVERSION_ID=\"15.5\"\n", "x").unwrap();
        assert_eq!(os.osv_ecosystem().as_deref(), Some("openSUSE:Leap 15.5"));
        let os = parse_os_release("ID=almalinux\nVERSION_ID=\"9.3\"\n", "x").unwrap();
        assert_eq!(os.osv_ecosystem().as_deref(), Some("AlmaLinux:9"));
        assert!(parse_os_release("NAME=x\n", "x").is_none());
    }
}
