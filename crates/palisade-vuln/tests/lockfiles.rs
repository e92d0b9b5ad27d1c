//! Every lockfile parser against a fixture, with the declaring line and direct flag;
//! truncated and unknown-version files give errors naming file and line.

use palisade_vuln::lockfile;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/lockfiles");

fn inventory(rel: &str) -> Vec<String> {
    let path = format!("{DIR}/{rel}");
    let text = std::fs::read_to_string(&path).unwrap();
    let read = |p: &str| std::fs::read_to_string(p).ok();
    let pkgs = lockfile::parse(&path, &text, &read).unwrap();
    pkgs.iter()
        .map(|p| {
            format!(
                "{} {} {} {}:{} {}",
                p.ecosystem,
                p.name,
                p.version,
                p.location.path.rsplit('/').next().unwrap(),
                p.location.line.unwrap_or(0),
                match p.direct {
                    Some(true) => "direct",
                    Some(false) => "transitive",
                    None => "-",
                }
            )
        })
        .collect()
}

#[test]
fn parses_each_format_with_lines() {
    assert_eq!(
        inventory("Cargo.lock"),
        [
            "crates.io app 0.1.0 Cargo.lock:5 -",
            "crates.io time 0.1.43 Cargo.lock:9 -"
        ]
    );
    assert_eq!(
        inventory("package-lock.json"),
        [
            "npm lodash 4.17.20 package-lock.json:9 direct",
            "npm @babel/core 7.0.0 package-lock.json:12 transitive",
            "npm minimist 1.2.0 package-lock.json:15 transitive"
        ]
    );
    assert_eq!(
        inventory("yarn.lock"),
        [
            "npm lodash 4.17.20 yarn.lock:4 -",
            "npm @babel/core 7.0.0 yarn.lock:8 -"
        ]
    );
    assert_eq!(
        inventory("pnpm-lock.yaml"),
        [
            "npm lodash 4.17.20 pnpm-lock.yaml:11 direct",
            "npm @babel/core 7.0.0 pnpm-lock.yaml:14 transitive"
        ]
    );
    assert_eq!(
        inventory("req/requirements.txt"),
        [
            "PyPI django 3.2.0 requirements-base.txt:1 direct",
            "PyPI Jinja2 2.11.2 requirements.txt:3 direct"
        ]
    );
    assert_eq!(
        inventory("go.mod"),
        [
            "Go golang.org/x/net v0.0.0-20200324143707-d3edc9973b7e go.mod:6 direct",
            "Go github.com/pkg/errors v0.9.1 go.mod:7 transitive",
            "Go golang.org/x/text v0.3.0 go.mod:10 direct"
        ]
    );
    assert_eq!(
        inventory("Gemfile.lock"),
        [
            "RubyGems nokogiri 1.10.0 Gemfile.lock:4 direct",
            "RubyGems mini_portile2 2.4.0 Gemfile.lock:6 transitive"
        ]
    );
    assert_eq!(
        inventory("composer.lock"),
        ["Packagist guzzlehttp/guzzle 7.4.0 composer.lock:4 -"]
    );
    assert_eq!(
        inventory("pom.xml"),
        ["Maven com.fasterxml.jackson.core:jackson-databind 2.9.8 pom.xml:6 direct"]
    );
    assert_eq!(
        inventory("app.csproj"),
        ["NuGet Newtonsoft.Json 12.0.1 app.csproj:3 direct"]
    );
    assert_eq!(
        inventory("gradle.lockfile"),
        ["Maven org.apache.logging.log4j:log4j-core 2.14.1 gradle.lockfile:2 -"]
    );
    assert_eq!(
        inventory("poetry.lock"),
        ["PyPI urllib3 1.26.4 poetry.lock:2 -"]
    );
}

#[test]
fn bad_lockfiles_name_file_and_line() {
    let read = |_: &str| None;
    for (rel, line, needle) in [
        ("bad/package-lock.json", 2, "unknown lockfileVersion 7"),
        ("bad/go.mod", 4, "truncated"),
        ("bad/Cargo.lock", 3, "cannot parse"),
    ] {
        let path = format!("{DIR}/{rel}");
        let text = std::fs::read_to_string(&path).unwrap();
        let err = lockfile::parse(&path, &text, &read).unwrap_err();
        assert_eq!(err.line, Some(line), "{rel}: {err}");
        assert!(err.to_string().contains(needle), "{rel}: {err}");
        assert!(err.to_string().contains(rel), "{err}");
    }
}
