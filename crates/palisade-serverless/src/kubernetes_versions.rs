//! Amazon EKS Kubernetes version support: for each minor version, the day its standard
//! support ends (from then on it runs in paid extended support) and the day extended support
//! ends (from then on it gets no patches and EKS upgrades the control plane by itself).
//!
//! Taken on [`TAKEN`] from the Amazon EKS release calendar
//! (https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html): 14 months of
//! standard support after release, then 12 months of extended support. Versions released
//! after the table was taken are absent and never reported; AKS and GKE follow their own
//! calendars and are not in the table.

/// When the calendar below was taken.
pub const TAKEN: &str = "2026-12-06";

/// The support window of one EKS minor version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EksSupport {
    pub version: &'static str,
    /// From this day (`YYYY-MM-DD`) the version is in extended support.
    pub standard_end: &'static str,
    /// From this day it is not supported at all.
    pub extended_end: &'static str,
}

/// `(minor version, end of standard support, end of extended support)`.
const EKS: &[(&str, &str, &str)] = &[
    ("1.23", "2023-10-11", "2024-10-11"),
    ("1.24", "2024-01-31", "2025-01-31"),
    ("1.25", "2024-05-01", "2025-05-01"),
    ("1.26", "2024-06-11", "2025-06-11"),
    ("1.27", "2024-07-24", "2025-07-24"),
    ("1.28", "2024-11-26", "2025-11-26"),
    ("1.29", "2025-03-23", "2026-03-23"),
    ("1.30", "2025-07-23", "2026-07-23"),
    ("1.31", "2025-11-26", "2026-11-26"),
    ("1.32", "2026-03-23", "2027-03-23"),
    ("1.33", "2026-07-29", "2027-07-29"),
    ("1.34", "2026-12-02", "2027-12-02"),
    ("1.35", "2027-03-27", "2028-03-27"),
];

/// Where `version` (`1.29`, `"1.29"`, `1.29.3`) stands on `today` (`YYYY-MM-DD`): `None`
/// while in standard support, or when the table does not know it. Versions older than the
/// table ended long ago and are reported as unsupported.
pub fn eks(version: &str, today: &str) -> Option<EksSupport> {
    let wanted = minor(version)?;
    let entry = match EKS.iter().find(|(v, _, _)| minor(v) == Some(wanted)) {
        Some(&(version, standard_end, extended_end)) => EksSupport {
            version,
            standard_end,
            extended_end,
        },
        None if wanted < minor_of_first()? => EksSupport {
            version: EKS[0].0,
            standard_end: EKS[0].1,
            extended_end: EKS[0].2,
        },
        None => return None,
    };
    (entry.standard_end <= today).then_some(entry)
}

fn minor_of_first() -> Option<(u32, u32)> {
    minor(EKS[0].0)
}

/// `(major, minor)` of `1.29`, `1.29.3`, `v1.29`.
fn minor(version: &str) -> Option<(u32, u32)> {
    let v = version.trim().trim_start_matches('v');
    let mut parts = v.split('.');
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next()?.parse().ok()?;
    Some((major, minor))
}

#[cfg(test)]
mod tests {
    use super::eks;

    #[test]
    fn versions_by_support_window() {
        assert_eq!(eks("1.35", "2026-12-06"), None);
        assert_eq!(eks("1.34", "2026-12-01"), None);
        let extended = eks("1.34", "2026-12-06").unwrap();
        assert!(extended.extended_end > "2026-12-06");
        let ended = eks("1.31", "2026-12-06").unwrap();
        assert!(ended.extended_end <= "2026-12-06");
        assert_eq!(eks("1.31.4", "2026-12-06"), Some(ended));
        // Older than the table: ended.
        assert_eq!(eks("1.19", "2026-12-06").unwrap().version, "1.23");
        // Newer than the table, or not a version: not judged.
        assert_eq!(eks("1.36", "2027-06-01"), None);
        assert_eq!(eks("latest", "2026-12-06"), None);
    }
}
