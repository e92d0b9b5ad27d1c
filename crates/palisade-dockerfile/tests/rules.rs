//! Every rule against its fixtures: `tests/fixtures/<RULE>/fail_*` must be reported by
//! that rule, `pass_*` must not; the findings of the failing fixtures are snapshotted.

use std::fmt::Write as _;
use std::path::Path;

use palisade_dockerfile::{rules, scan_dockerfile};

/// The findings of `rule` in one fixture, a line each, as the snapshot shows them.
fn findings_for(file: &Path, rule: &str) -> Vec<String> {
    let name = file.file_name().unwrap().to_string_lossy();
    let path = format!("{rule}/{name}");
    let text = std::fs::read_to_string(file).unwrap();
    let scan = scan_dockerfile(&path, &text).unwrap_or_else(|e| panic!("{path}: {e}"));
    scan.findings
        .iter()
        .filter(|f| f.rule_id == rule)
        .map(|f| {
            format!(
                "{}:{} {} [{}] {} ({})",
                f.location.path,
                f.location.line.unwrap_or(0),
                f.rule_id,
                f.severity,
                f.message,
                f.location.resource.as_deref().unwrap_or("")
            )
        })
        .collect()
}

#[test]
fn every_rule_fails_its_fail_fixtures_and_passes_its_pass_fixtures() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let rules = rules();
    let ids = rules.iter().map(|r| r.id);
    let mut report = String::new();
    for (_, lines) in palisade_testkit::rule_fixtures::run(&root, ids, findings_for) {
        for line in lines {
            writeln!(report, "{line}").unwrap();
        }
    }
    insta::assert_snapshot!("fail_fixture_findings", report);
}

#[test]
fn a_realistic_multi_stage_file() {
    let text = r#"# syntax=docker/dockerfile:1
ARG GO_VERSION=1.22
FROM golang:${GO_VERSION} AS build
WORKDIR /src
RUN curl -fsSL https://example.com/tool.sh | bash
COPY . .
RUN go build -o /out/app ./cmd/app

FROM debian:latest
ENV API_TOKEN=0123456789abcdef
RUN apt-get update && apt-get install -y ca-certificates
COPY --from=build /out/app /usr/local/bin/app
EXPOSE 8080 22
ENTRYPOINT ["/usr/local/bin/app"]
"#;
    let scan = scan_dockerfile("Dockerfile", text).unwrap();
    let lines: Vec<String> = scan
        .findings
        .iter()
        .map(|f| {
            format!(
                "{} {} {} {}",
                f.location,
                f.rule_id,
                f.location.resource.as_deref().unwrap_or(""),
                f.message
            )
        })
        .collect();
    insta::assert_snapshot!("realistic_multi_stage", lines.join("\n"));
    let secret = scan
        .findings
        .iter()
        .find(|f| f.rule_id == "IMG020")
        .unwrap();
    let info = secret.secret.as_ref().unwrap();
    assert!(
        !info.preview.contains("0123456789abcdef"),
        "secret leaked into preview"
    );
}

#[test]
fn rule_documentation_has_every_section() {
    for rule in rules() {
        for section in ["What it checks", "Why it matters", "Fix", "References"] {
            assert!(
                rule.section(section).is_some(),
                "{} lacks `## {section}`",
                rule.id
            );
        }
        assert!(
            !rule.references().is_empty(),
            "{} has no reference URL",
            rule.id
        );
    }
}

#[test]
fn the_secrets_engine_is_consulted_for_values_whose_names_say_nothing() {
    fn engine(value: &str) -> Option<String> {
        value
            .starts_with("ghp_")
            .then(|| "GitHub token".to_string())
    }
    let text = "FROM alpine:3.19\nENV GH=ghp_0123456789abcdefghijklmnopqrstuvwxyz REGION=eu-west-1\nUSER app\n";
    let plain = palisade_dockerfile::scan_dockerfile("Dockerfile", text).unwrap();
    assert!(!plain.findings.iter().any(|f| f.rule_id == "IMG020"));
    let scan = palisade_dockerfile::scan_dockerfile_with("Dockerfile", text, Some(engine)).unwrap();
    let secrets: Vec<_> = scan
        .findings
        .iter()
        .filter(|f| f.rule_id == "IMG020")
        .collect();
    assert_eq!(secrets.len(), 1);
    assert_eq!(
        secrets[0].message,
        "ENV `GH` holds a secret (GitHub token): it is stored in the image configuration"
    );
}
