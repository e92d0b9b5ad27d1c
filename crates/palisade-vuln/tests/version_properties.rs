//! Orderings are total and never panic, whatever the input.

use std::cmp::Ordering;

use palisade_vuln::VersionScheme;
use proptest::prelude::*;

const ALL: [VersionScheme; 12] = [
    VersionScheme::Dpkg,
    VersionScheme::Rpm,
    VersionScheme::Apk,
    VersionScheme::SemVer,
    VersionScheme::NuGet,
    VersionScheme::Pep440,
    VersionScheme::Maven,
    VersionScheme::RubyGems,
    VersionScheme::Composer,
    VersionScheme::Pub,
    VersionScheme::Cran,
    VersionScheme::Hackage,
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn antisymmetric_and_reflexive_on_arbitrary_text(a in "\\PC{0,16}", b in "[0-9a-z.~^_+:-]{0,12}") {
        for s in ALL {
            let ab = s.compare(&a, &b);
            let ba = s.compare(&b, &a);
            prop_assert_eq!(ab, ba.reverse(), "{} {:?} {:?}", s, a, b);
            prop_assert_eq!(s.compare(&a, &a), Ordering::Equal);
        }
    }
}

#[test]
fn ecosystems_map_to_schemes() {
    assert_eq!(
        VersionScheme::for_ecosystem("Debian:12"),
        Some(VersionScheme::Dpkg)
    );
    assert_eq!(
        VersionScheme::for_ecosystem("Alpine:v3.19"),
        Some(VersionScheme::Apk)
    );
    assert_eq!(
        VersionScheme::for_ecosystem("Red Hat:enterprise_linux:9::appstream"),
        Some(VersionScheme::Rpm)
    );
    assert_eq!(
        VersionScheme::for_ecosystem("Ubuntu:22.04:LTS"),
        Some(VersionScheme::Dpkg)
    );
    assert_eq!(
        VersionScheme::for_ecosystem("crates.io"),
        Some(VersionScheme::SemVer)
    );
    assert_eq!(VersionScheme::for_ecosystem("Nope"), None);
}

#[test]
fn go_pseudo_versions_and_incompatible() {
    let s = VersionScheme::SemVer;
    assert_eq!(
        s.compare("v0.0.0-20210101000000-abcdef123456", "v0.0.1"),
        Ordering::Less
    );
    assert_eq!(s.compare("v2.0.0+incompatible", "v2.0.0"), Ordering::Equal);
    assert_eq!(s.compare("1.22.0-0", "1.22.0"), Ordering::Less);
    assert_eq!(VersionScheme::Rpm.compare("1.0~rc1", "1.0"), Ordering::Less);
    assert_eq!(
        VersionScheme::Rpm.compare("1.0^git1", "1.0"),
        Ordering::Greater
    );
    assert_eq!(
        VersionScheme::Rpm.compare("1.0^git1", "1.0.1"),
        Ordering::Less
    );
}
