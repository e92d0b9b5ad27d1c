//! Every ordering vector of osv-scalibr's version-compare corpus, for every scheme.

use std::cmp::Ordering;

use palisade_vuln::VersionScheme;

/// Corpus vectors that contradict the reference implementation on this machine, with the
/// reference's answer; see the header of the fixture for why.
fn maven_overrides() -> Vec<(String, String, Ordering)> {
    let text = include_str!("fixtures/version/maven-corpus-overrides.txt");
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let p: Vec<&str> = l.split(' ').collect();
            let op = match p[1] {
                "<" => Ordering::Less,
                "=" => Ordering::Equal,
                _ => Ordering::Greater,
            };
            (p[0].to_string(), p[2].to_string(), op)
        })
        .collect()
}

fn check_file(file: &str, scheme: VersionScheme) -> (usize, Vec<String>) {
    let Some(dir) = palisade_testkit::corpus("version-compare-osv-scalibr") else {
        return (0, vec![]);
    };
    let text = std::fs::read_to_string(dir.join(file)).unwrap();
    let mut failures = vec![];
    let mut checked = 0;
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with("# ") || line.starts_with("// ") || line == "#" {
            continue;
        }
        let parts: Vec<&str> = line.split(' ').collect();
        assert_eq!(parts.len(), 3, "{file}:{}: bad vector {line}", n + 1);
        let mut want = match parts[1] {
            "<" => Ordering::Less,
            "=" => Ordering::Equal,
            ">" => Ordering::Greater,
            op => panic!("{file}:{}: unknown operator {op}", n + 1),
        };
        if scheme == VersionScheme::Maven {
            if let Some((_, _, o)) = maven_overrides()
                .into_iter()
                .find(|(a, b, _)| a == parts[0] && b == parts[2])
            {
                want = o;
            }
        }
        let got = scheme.compare(parts[0], parts[2]);
        let back = scheme.compare(parts[2], parts[0]);
        checked += 1;
        if got != want || back != want.reverse() {
            failures.push(format!(
                "{file}:{}: {line} (got {got:?}, reversed {back:?})",
                n + 1
            ));
        }
    }
    (checked, failures)
}

fn run(files: &[&str], scheme: VersionScheme) {
    let mut all = vec![];
    let mut total = 0;
    for f in files {
        let (n, fails) = check_file(f, scheme);
        total += n;
        all.extend(fails);
    }
    if total == 0 {
        return;
    }
    for f in all.iter().take(40) {
        eprintln!("{f}");
    }
    assert!(
        all.is_empty(),
        "{scheme}: {} of {total} vectors fail",
        all.len()
    );
    eprintln!("{scheme}: {total} vectors pass");
}

#[test]
fn semver() {
    run(&["semver-versions.txt"], VersionScheme::SemVer);
}
#[test]
fn dpkg() {
    run(
        &["debian-versions.txt", "debian-versions-generated.txt"],
        VersionScheme::Dpkg,
    );
}
#[test]
fn rpm() {
    run(&["redhat-versions.txt"], VersionScheme::Rpm);
}
#[test]
fn apk() {
    run(
        &["alpine-versions.txt", "alpine-versions-generated.txt"],
        VersionScheme::Apk,
    );
}
#[test]
fn pep440() {
    run(
        &["pypi-versions.txt", "pypi-versions-generated.txt"],
        VersionScheme::Pep440,
    );
}
#[test]
fn maven() {
    run(
        &["maven-versions.txt", "maven-versions-generated.txt"],
        VersionScheme::Maven,
    );
}
#[test]
fn rubygems() {
    run(
        &["rubygems-versions.txt", "rubygems-versions-generated.txt"],
        VersionScheme::RubyGems,
    );
}
#[test]
fn nuget() {
    run(&["nuget-versions.txt"], VersionScheme::NuGet);
}
#[test]
fn composer() {
    run(
        &["packagist-versions.txt", "packagist-versions-generated.txt"],
        VersionScheme::Composer,
    );
}
#[test]
fn pub_() {
    run(&["pub-versions.txt"], VersionScheme::Pub);
}
#[test]
fn cran() {
    run(
        &["cran-versions.txt", "cran-versions-generated.txt"],
        VersionScheme::Cran,
    );
}
#[test]
fn hackage() {
    run(&["hackage-versions.txt"], VersionScheme::Hackage);
}
