//! Input-derived text in every report format: secrets inside messages, resource names and
//! file names are shown only as previews, and escape sequences are shown escaped in the
//! table and JUnit output (JSON and SARIF escape them by their syntax).

use palisade_core::{Evidence, Finding, Location, RuleRegistry, ScanError, ScanReport};
use palisade_report::{render, Format, RenderOptions};

const AWS: &str = "AKIAZ7Q3MNBVCXLKJHGF";
const URL_PASSWORD: &str = "Qm7vT2pLx9RwZ4kEj8Hs";

/// Any rule will do: the writers only need its id and title.
fn rule() -> &'static palisade_core::RuleMeta {
    palisade_secrets::rules()[0]
}

fn hostile_report() -> ScanReport {
    let mut f = Finding::new(
        rule(),
        format!("git+https://ci:{URL_PASSWORD}@git.example.com/acme/lib.git is not pinned"),
        Location {
            path: format!("images/app.tar:RUN echo {AWS}"),
            line: Some(3),
            resource: Some(format!("Deployment/default/web\x1b[2J-{AWS}")),
            ..Location::default()
        },
    );
    f.evidence.push(Evidence {
        label: format!("created by: export AWS_ACCESS_KEY_ID={AWS}"),
        location: None,
    });
    let mut second = Finding::new(
        rule(),
        "plain message".to_string(),
        Location {
            path: "evil\x1b]0;owned\x07.yaml".to_string(),
            line: Some(1),
            ..Location::default()
        },
    );
    second.location.resource = Some("Pod/default/ok".to_string());
    ScanReport {
        targets: vec![".".into()],
        findings: vec![f, second],
        errors: vec![ScanError::new(
            "layer.tar\x1b[31m",
            None,
            format!("entry https://u:{URL_PASSWORD}@host/x: bad header"),
        )],
        warnings: vec![format!("skipped {AWS}\x1b[0m")],
        files_scanned: 2,
        ..ScanReport::default()
    }
}

fn rendered(format: Format) -> String {
    render(
        &hostile_report(),
        &RuleRegistry::new(),
        format,
        RenderOptions::default(),
    )
    .unwrap()
}

#[test]
fn no_format_prints_a_secret_from_an_input_whole() {
    for format in [Format::Table, Format::Json, Format::Sarif, Format::Junit] {
        let out = rendered(format);
        assert!(!out.contains(AWS), "{format:?} shows the AWS key:\n{out}");
        assert!(
            !out.contains(URL_PASSWORD),
            "{format:?} shows the URL password:\n{out}"
        );
        assert!(
            out.contains("AKIA****"),
            "{format:?} lost the preview:\n{out}"
        );
    }
}

#[test]
fn control_characters_are_shown_escaped_in_table_and_junit() {
    for format in [Format::Table, Format::Junit] {
        let out = rendered(format);
        assert!(
            !out.contains('\x1b'),
            "{format:?} sends an escape sequence:\n{out}"
        );
        assert!(!out.contains('\x07'), "{format:?} sends a bell:\n{out}");
        assert!(
            out.contains("web\\x1b[2J"),
            "{format:?}: resource name\n{out}"
        );
        assert!(
            out.contains("evil\\x1b]0;owned\\x07.yaml"),
            "{format:?}: file name\n{out}"
        );
    }
    // JSON keeps the exact value, escaped by its syntax
    let json = rendered(Format::Json);
    assert!(!json.contains('\x1b'));
    assert!(json.contains("\\u001b[2J"), "{json}");
}

#[test]
fn scan_errors_display_control_characters_escaped() {
    let e = ScanError::new("a\x1b[2J.yaml", Some(4), "bad \x1b]8;;http://x\x07link");
    assert_eq!(
        e.to_string(),
        "a\\x1b[2J.yaml:4: bad \\x1b]8;;http://x\\x07link"
    );
}
