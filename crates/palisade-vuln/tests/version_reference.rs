//! Differential tests: our orderings against the reference implementations installed on
//! the machine (see `.ci/install.d/40-vuln-reference-tools.sh`). Each proptest case sends
//! one batch of pairs to one reference process, so a run costs a handful of processes.
//!
//! A reference tool that is missing makes its test print a skip line, not fail.

use std::cmp::Ordering;
use std::io::Write;
use std::process::{Command, Stdio};

use palisade_vuln::VersionScheme;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

const BATCH: usize = 150;
const CASES: u32 = 4;

/// Runs `cmd` with the pairs on stdin (`a b` per line) and reads one `-1|0|1` per line.
fn run_batch(cmd: &mut Command, pairs: &[(String, String)]) -> Option<Vec<Ordering>> {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .ok()?;
    {
        let mut stdin = child.stdin.take()?;
        for (a, b) in pairs {
            writeln!(stdin, "{a} {b}").ok()?;
        }
    }
    let out = child.wait_with_output().ok()?;
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let res: Vec<Ordering> = text
        .lines()
        .filter_map(|l| l.trim().parse::<i32>().ok())
        .map(|n| n.cmp(&0))
        .collect();
    (res.len() == pairs.len()).then_some(res)
}

fn available(program: &str, args: &[&str]) -> bool {
    let ok = Command::new(program)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    if !ok {
        eprintln!("SKIP: reference `{program}` not available (run .ci/install.d/40-vuln-reference-tools.sh)");
    }
    ok
}

/// Generates batches of version pairs, runs the reference once per batch and reports every
/// disagreement (not just the first) before failing.
fn differential(
    scheme: VersionScheme,
    version: BoxedStrategy<String>,
    reference: impl Fn(&[(String, String)]) -> Option<Vec<Ordering>>,
    known_quirk: impl Fn(&str, &str) -> bool,
) {
    let pair = (version.clone(), version).prop_map(|(a, b)| (a, b));
    let batch = proptest::collection::vec(pair, BATCH);
    let mut runner = TestRunner::new(Config {
        cases: CASES,
        max_shrink_iters: 0,
        failure_persistence: None,
        ..Config::default()
    });
    let compared = std::cell::Cell::new(0);
    let result = runner.run(&batch, |pairs| {
        let want = reference(&pairs).expect("reference tool failed on a batch");
        let mut bad = vec![];
        for ((a, b), w) in pairs.iter().zip(want) {
            let got = scheme.compare(a, b);
            if got != w && !known_quirk(a, b) {
                bad.push(format!("{a} vs {b}: ours {got:?}, reference {w:?}"));
            }
        }
        compared.set(compared.get() + pairs.len());
        prop_assert!(
            bad.is_empty(),
            "{scheme} disagreements:\n{}",
            bad.join("\n")
        );
        Ok(())
    });
    match result {
        Ok(()) => {}
        Err(proptest::test_runner::TestError::Fail(reason, _)) => panic!("{reason}"),
        Err(e) => panic!("{scheme}: {e:?}"),
    }
    eprintln!(
        "{scheme}: {} pairs agree with the reference",
        compared.get()
    );
}

fn alnum_tail(chars: &'static str, max: usize) -> BoxedStrategy<String> {
    proptest::string::string_regex(&format!("[{chars}]{{0,{max}}}"))
        .unwrap()
        .boxed()
}

#[test]
fn dpkg_matches_dpkg_perl() {
    if !available("perl", &["-MDpkg::Version", "-e1"]) {
        return;
    }
    let upstream = ("[0-9]{1,3}", alnum_tail("0-9a-c.+~", 6)).prop_map(|(a, b)| a + &b);
    let version = (
        proptest::option::of("[0-9]{1,2}"),
        upstream,
        proptest::option::of("[0-9a-b.+~]{1,4}"),
    )
        .prop_map(|(e, u, r)| {
            let mut s = String::new();
            if let Some(e) = e {
                s += &e;
                s.push(':');
            }
            s += &u;
            if let Some(r) = r {
                s.push('-');
                s += &r;
            }
            s
        })
        .boxed();
    differential(
        VersionScheme::Dpkg,
        version,
        |pairs| {
            run_batch(
                Command::new("perl").args([
                    "-MDpkg::Version",
                    "-ne",
                    "chomp; my ($a,$b)=split / /; print version_compare($a,$b), \"\\n\";",
                ]),
                pairs,
            )
        },
        |_, _| false,
    );
    // dpkg itself on a few fixed pairs, to tie the Perl module to the binary
    for (a, b, op) in [
        ("1.0~rc1", "1.0", "lt"),
        ("1:0.1", "2.0", "gt"),
        ("1.0-1", "1.0-1~bpo", "gt"),
    ] {
        let ok = Command::new("dpkg")
            .args(["--compare-versions", a, op, b])
            .status()
            .map(|s| s.success())
            .unwrap_or(true);
        assert!(ok, "dpkg disagrees: {a} {op} {b}");
        let want = if op == "lt" {
            Ordering::Less
        } else {
            Ordering::Greater
        };
        assert_eq!(VersionScheme::Dpkg.compare(a, b), want, "{a} {op} {b}");
    }
}

#[test]
fn rpm_matches_rpm_lua_vercmp() {
    if !available("rpm", &["--version"]) {
        return;
    }
    let version = (
        proptest::option::of("[0-9]{1,2}"),
        ("[0-9a-c]{1,3}", alnum_tail("0-9a-c.~^_", 6)).prop_map(|(a, b)| a + &b),
        proptest::option::of("[0-9a-c.~^]{0,4}"),
    )
        .prop_map(|(e, v, r)| {
            let mut s = String::new();
            if let Some(e) = e {
                s += &e;
                s.push(':');
            }
            s += &v;
            if let Some(r) = r {
                s.push('-');
                s += &r;
            }
            s
        })
        .boxed();
    differential(
        VersionScheme::Rpm,
        version,
        |pairs| {
            let dir = tempfile::tempdir().ok()?;
            let file = dir.path().join("pairs.txt");
            let mut text = String::new();
            for (a, b) in pairs {
                text += &format!("{a} {b}\n");
            }
            std::fs::write(&file, text).ok()?;
            let script = format!(
                "%{{lua: for line in io.lines(\"{}\") do local a, b = line:match(\"^(%S+) (%S+)$\"); print(rpm.vercmp(a, b)) end}}",
                file.display()
            );
            run_batch(Command::new("rpm").args(["--eval", &script]), &[]).or_else(|| {
                // run_batch expects as many lines as pairs; read directly instead
                let out = Command::new("rpm")
                    .args(["--eval", &script])
                    .output()
                    .ok()?;
                let res: Vec<Ordering> = String::from_utf8_lossy(&out.stdout)
                    .lines()
                    .filter_map(|l| l.trim().parse::<i32>().ok())
                    .map(|n| n.cmp(&0))
                    .collect();
                (res.len() == pairs.len()).then_some(res)
            })
        },
        |_, _| false,
    );
}

#[test]
fn pep440_matches_packaging() {
    if !available("python3", &["-c", "import packaging.version"]) {
        return;
    }
    let version = (
        proptest::option::of("[0-9]!"),
        "[0-9]{1,3}(\\.[0-9]{1,2}){0,3}",
        proptest::option::of("(a|b|rc|c|alpha|beta|pre|preview)[0-9]{0,2}"),
        proptest::option::of("(\\.post[0-9]{0,2}|-[0-9]{1,2}|\\.rev[0-9]|r[0-9])"),
        proptest::option::of("\\.?dev[0-9]{0,2}"),
        proptest::option::of("\\+[a-z0-9]{1,3}(\\.[a-z0-9]{1,3}){0,2}"),
    )
        .prop_map(|(e, r, pre, post, dev, local)| {
            [e, Some(r), pre, post, dev, local]
                .into_iter()
                .flatten()
                .collect::<String>()
        })
        .boxed();
    let script = "import sys\nfrom packaging.version import Version\nfor line in sys.stdin:\n    a, b = line.split()\n    x, y = Version(a), Version(b)\n    print(-1 if x < y else (0 if x == y else 1))\n";
    differential(
        VersionScheme::Pep440,
        version,
        |pairs| run_batch(Command::new("python3").args(["-c", script]), pairs),
        |_, _| false,
    );
    // canonical forms agree too
    for v in [
        "1.0.0",
        "v1.0-ALPHA1",
        "1!2.0.post0.dev3+Ubuntu-1",
        "1.0c1",
        "1.0-r2",
    ] {
        let out = Command::new("python3")
            .args([
                "-c",
                &format!("from packaging.version import Version; print(Version('{v}'))"),
            ])
            .output()
            .unwrap();
        let want = String::from_utf8_lossy(&out.stdout).trim().to_string();
        assert_eq!(
            palisade_vuln::version::pep440_normalize(v).as_deref(),
            Some(want.as_str())
        );
    }
}

fn semver_strategy() -> BoxedStrategy<String> {
    (
        "(0|[1-9][0-9]{0,2})\\.(0|[1-9][0-9]{0,1})\\.(0|[1-9][0-9]{0,1})",
        proptest::option::of(
            "-(alpha|beta|rc|0|[1-9][0-9]?|x-y)(\\.(alpha|0|[1-9][0-9]?|[a-z]{1,2}[0-9]?)){0,2}",
        ),
        proptest::option::of("\\+[a-z0-9]{1,4}"),
    )
        .prop_map(|(c, p, b)| [Some(c), p, b].into_iter().flatten().collect())
        .boxed()
}

#[test]
fn semver_matches_npm_semver() {
    let dir = std::env::var("PALISADE_REF_DIR").unwrap_or_else(|_| {
        format!(
            "{}/.cache/palisade-ref",
            std::env::var("HOME").unwrap_or_default()
        )
    });
    let module = format!("{dir}/node_modules/semver");
    if !std::path::Path::new(&module).join("package.json").exists() {
        eprintln!("SKIP: npm semver not installed at {module} (run .ci/install.d/40-vuln-reference-tools.sh)");
        return;
    }
    let script = format!(
        "const semver = require('{module}'); const lines = require('fs').readFileSync(0, 'utf8').split('\\n').filter(Boolean); for (const l of lines) {{ const [a, b] = l.split(' '); console.log(semver.compare(a, b)); }}"
    );
    differential(
        VersionScheme::SemVer,
        semver_strategy(),
        |pairs| run_batch(Command::new("node").args(["-e", &script]), pairs),
        |_, _| false,
    );
}

#[test]
fn rubygems_matches_gem_version() {
    if !available("ruby", &["-e", "Gem::Version"]) {
        return;
    }
    let version = (
        "[0-9]{1,3}(\\.[0-9]{1,2}){0,3}",
        proptest::option::of("(\\.|-)(a|b|pre|rc|beta)(\\.?[0-9]{1,2})?(\\.[0-9])?"),
    )
        .prop_map(|(a, b)| a + &b.unwrap_or_default())
        .boxed();
    let script =
        "STDIN.each_line { |l| a, b = l.split; puts(Gem::Version.new(a) <=> Gem::Version.new(b)) }";
    differential(
        VersionScheme::RubyGems,
        version,
        |pairs| run_batch(Command::new("ruby").args(["-e", script]), pairs),
        |_, _| false,
    );
}

/// Maven's ComparableVersion `main` compares each argument with the next one; we pass
/// `a1 b1 a2 b2 ...` and read every other comparison line (`   x op y`).
fn maven_reference(pairs: &[(String, String)]) -> Option<Vec<Ordering>> {
    let jar = maven_jar()?;
    let mut args = vec![];
    for (a, b) in pairs {
        args.push(a.clone());
        args.push(b.clone());
    }
    let out = Command::new("java")
        .args([
            "-cp",
            &jar,
            "org.apache.maven.artifact.versioning.ComparableVersion",
        ])
        .args(&args)
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let ops: Vec<Ordering> = text
        .lines()
        .filter(|l| l.starts_with("   "))
        .filter_map(|l| {
            let parts: Vec<&str> = l.split_whitespace().collect();
            match parts.get(1).copied()? {
                "<" => Some(Ordering::Less),
                "==" => Some(Ordering::Equal),
                ">" => Some(Ordering::Greater),
                _ => None,
            }
        })
        .collect();
    let res: Vec<Ordering> = ops.into_iter().step_by(2).collect();
    (res.len() == pairs.len()).then_some(res)
}

fn maven_jar() -> Option<String> {
    let home = Command::new("mvn").arg("--version").output().ok()?;
    let text = String::from_utf8_lossy(&home.stdout);
    let home = text
        .lines()
        .find_map(|l| l.strip_prefix("Maven home: "))?
        .trim()
        .to_string();
    let lib = std::path::Path::new(&home).join("lib");
    std::fs::read_dir(lib)
        .ok()?
        .flatten()
        .map(|e| e.path())
        .find(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("maven-artifact"))
        })
        .map(|p| p.display().to_string())
}

#[test]
fn maven_matches_comparable_version() {
    if maven_jar().is_none() || !available("java", &["-version"]) {
        eprintln!("SKIP: maven-artifact jar or java not found");
        return;
    }
    let token = "([0-9]{1,2}|alpha|beta|a|b|m|rc|cr|snapshot|ga|final|sp|foo|x)";
    let version = proptest::string::string_regex(&format!("[0-9]{{1,2}}([.-]?{token}){{0,4}}"))
        .unwrap()
        .boxed();
    differential(VersionScheme::Maven, version, maven_reference, |_, _| false);
    // the corpus vectors we deliberately answer differently: the jar must agree with us
    let text = include_str!("fixtures/version/maven-corpus-overrides.txt");
    let lines: Vec<Vec<&str>> = text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| l.split(' ').collect())
        .collect();
    let overrides: Vec<(String, String)> = lines
        .iter()
        .map(|p| (p[0].to_string(), p[2].to_string()))
        .collect();
    let want = maven_reference(&overrides).expect("maven reference");
    for (p, reference) in lines.iter().zip(want) {
        let (a, b) = (p[0], p[2]);
        let ours = match p[1] {
            "<" => Ordering::Less,
            "=" => Ordering::Equal,
            _ => Ordering::Greater,
        };
        assert_eq!(ours, reference, "{a} vs {b}");
        assert_eq!(VersionScheme::Maven.compare(a, b), reference, "{a} vs {b}");
    }
}
