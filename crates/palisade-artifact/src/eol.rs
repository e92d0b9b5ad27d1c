//! The embedded end-of-life table: when each distribution release stops receiving
//! security updates, so an image built on it stops being patchable.
//!
//! Source: the vendors' published lifecycles as collected by endoflife.date
//! (<https://endoflife.date/debian>, `/ubuntu`, `/alpine-linux`, `/rhel`, `/centos`,
//! `/rocky-linux`, `/almalinux`, `/amazon-linux`, `/sles`, `/opensuse`, `/fedora`),
//! read in November 2026. The date used is the end of *security* support: Debian's LTS
//! end, Ubuntu's end of standard support (ESM is a paid extension), RHEL's end of
//! maintenance support. Dates in the future are the vendors' announced plans. Wolfi and
//! Chainguard are rolling distributions without release end dates.

use chrono::NaiveDate;

use crate::os::OsRelease;

/// One release and the day its security support ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EolEntry {
    /// Family id as in [`OsRelease::family`].
    pub family: &'static str,
    /// Release cycle as in [`OsRelease::cycle`].
    pub cycle: &'static str,
    /// `YYYY-MM-DD`, the last day of security support.
    pub eol: &'static str,
}

macro_rules! eol_table {
    ($($family:literal $cycle:literal $date:literal;)*) => {
        /// Every release the table knows.
        pub const EOL_TABLE: &[EolEntry] = &[$(EolEntry { family: $family, cycle: $cycle, eol: $date }),*];
    };
}

eol_table! {
    "debian" "7" "2018-05-31";
    "debian" "8" "2020-06-30";
    "debian" "9" "2022-06-30";
    "debian" "10" "2024-06-30";
    "debian" "11" "2026-08-31";
    "debian" "12" "2028-06-30";
    "debian" "13" "2030-06-30";
    "ubuntu" "14.04" "2019-04-30";
    "ubuntu" "16.04" "2021-04-30";
    "ubuntu" "18.04" "2023-05-31";
    "ubuntu" "20.04" "2025-05-31";
    "ubuntu" "22.04" "2027-06-01";
    "ubuntu" "23.04" "2024-01-25";
    "ubuntu" "23.10" "2024-07-11";
    "ubuntu" "24.04" "2029-05-31";
    "ubuntu" "24.10" "2025-07-10";
    "ubuntu" "25.04" "2026-01-15";
    "ubuntu" "25.10" "2026-07-09";
    "ubuntu" "26.04" "2031-05-31";
    "alpine" "3.7" "2019-11-01";
    "alpine" "3.8" "2020-05-01";
    "alpine" "3.9" "2021-01-01";
    "alpine" "3.10" "2021-05-01";
    "alpine" "3.11" "2021-11-01";
    "alpine" "3.12" "2022-05-01";
    "alpine" "3.13" "2022-11-01";
    "alpine" "3.14" "2023-05-01";
    "alpine" "3.15" "2023-11-01";
    "alpine" "3.16" "2024-05-23";
    "alpine" "3.17" "2024-11-22";
    "alpine" "3.18" "2025-05-09";
    "alpine" "3.19" "2025-11-01";
    "alpine" "3.20" "2026-04-01";
    "alpine" "3.21" "2026-11-01";
    "alpine" "3.22" "2027-05-01";
    "alpine" "3.23" "2027-11-01";
    "rhel" "6" "2020-11-30";
    "rhel" "7" "2024-06-30";
    "rhel" "8" "2029-05-31";
    "rhel" "9" "2032-05-31";
    "rhel" "10" "2035-05-31";
    "centos" "6" "2020-11-30";
    "centos" "7" "2024-06-30";
    "centos" "8" "2021-12-31";
    "rocky" "8" "2029-05-31";
    "rocky" "9" "2032-05-31";
    "rocky" "10" "2035-05-31";
    "almalinux" "8" "2029-03-01";
    "almalinux" "9" "2032-05-31";
    "almalinux" "10" "2035-05-31";
    "amzn" "2018" "2023-12-31";
    "amzn" "2" "2026-06-30";
    "amzn" "2023" "2029-06-30";
    "sles" "12.5" "2024-10-31";
    "sles" "15.4" "2023-12-31";
    "sles" "15.5" "2024-12-31";
    "sles" "15.6" "2025-12-31";
    "sles" "15.7" "2031-07-31";
    "opensuse-leap" "15.4" "2023-12-07";
    "opensuse-leap" "15.5" "2024-12-31";
    "opensuse-leap" "15.6" "2026-04-30";
    "fedora" "37" "2023-12-05";
    "fedora" "38" "2024-05-21";
    "fedora" "39" "2024-11-26";
    "fedora" "40" "2025-05-13";
    "fedora" "41" "2025-12-15";
    "fedora" "42" "2026-05-13";
    "fedora" "43" "2026-12-09";
    "fedora" "44" "2027-05-19";
}

/// Families whose releases are rolling: never end of life as a whole.
const ROLLING: &[&str] = &["wolfi", "arch", "opensuse-tumbleweed", "gentoo"];

/// Where a release stands on a given day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EolStatus {
    /// Security support ended on `eol`.
    Ended {
        eol: NaiveDate,
    },
    /// Security support ends on `eol`, `days_left` from today.
    EndingSoon {
        eol: NaiveDate,
        days_left: i64,
    },
    Supported {
        eol: NaiveDate,
    },
    Rolling,
    /// The table does not know this release.
    Unknown,
}

/// The table entry for an OS release.
pub fn lookup(os: &OsRelease) -> Option<EolEntry> {
    let family = os.family();
    let cycle = os.cycle();
    EOL_TABLE
        .iter()
        .find(|e| e.family == family && e.cycle == cycle)
        .copied()
}

/// The status of `os` on `today`; "soon" means within `warn_days`.
pub fn status(os: &OsRelease, today: NaiveDate, warn_days: i64) -> EolStatus {
    if ROLLING.contains(&os.family()) {
        return EolStatus::Rolling;
    }
    let Some(entry) = lookup(os) else {
        return EolStatus::Unknown;
    };
    let Ok(eol) = NaiveDate::parse_from_str(entry.eol, "%Y-%m-%d") else {
        return EolStatus::Unknown;
    };
    let days_left = (eol - today).num_days();
    if days_left < 0 {
        EolStatus::Ended { eol }
    } else if days_left <= warn_days {
        EolStatus::EndingSoon { eol, days_left }
    } else {
        EolStatus::Supported { eol }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn os(id: &str, v: &str) -> OsRelease {
        OsRelease {
            id: id.into(),
            version_id: v.into(),
            ..OsRelease::default()
        }
    }

    #[test]
    fn every_date_parses_and_cycles_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for e in EOL_TABLE {
            assert!(
                NaiveDate::parse_from_str(e.eol, "%Y-%m-%d").is_ok(),
                "{e:?}"
            );
            assert!(seen.insert((e.family, e.cycle)), "duplicate {e:?}");
        }
    }

    #[test]
    fn status_on_a_given_day() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 29).unwrap();
        assert!(matches!(
            status(&os("debian", "10"), day, 90),
            EolStatus::Ended { .. }
        ));
        assert!(matches!(
            status(&os("debian", "12"), day, 90),
            EolStatus::Supported { .. }
        ));
        assert!(matches!(
            status(&os("fedora", "43"), day, 90),
            EolStatus::EndingSoon { days_left: 10, .. }
        ));
        assert_eq!(
            status(&os("wolfi", "20230201"), day, 90),
            EolStatus::Rolling
        );
        assert_eq!(status(&os("plan9", "4"), day, 90), EolStatus::Unknown);
        assert!(matches!(
            status(&os("alpine", "3.21.2"), day, 90),
            EolStatus::Ended { .. }
        ));
    }
}
