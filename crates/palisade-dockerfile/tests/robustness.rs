//! Untrusted input: any text, and any mix of Dockerfile-looking lines, is either parsed
//! and checked or refused with an error; it never panics. Findings come out in report
//! order whatever the input.

use palisade_dockerfile::{parse::MAX_DOCKERFILE_BYTES, scan_dockerfile, ParseError};
use proptest::prelude::*;

fn dockerfile_line() -> impl Strategy<Value = String> {
    let keyword = prop::sample::select(vec![
        "FROM",
        "RUN",
        "COPY",
        "ADD",
        "ENV",
        "ARG",
        "USER",
        "EXPOSE",
        "WORKDIR",
        "CMD",
        "ENTRYPOINT",
        "HEALTHCHECK",
        "LABEL",
        "# escape=`",
        "#",
        "",
        "EOF",
        "\\",
    ]);
    let word = prop::sample::select(vec![
        "alpine",
        "alpine:latest",
        "$X",
        "${X:-a}",
        "AS",
        "b",
        "--from=b",
        "--mount=type=cache",
        "<<EOF",
        "<<-'E'",
        "[\"sh\",",
        "\"-c\"]",
        "&&",
        "|",
        "sh",
        "curl",
        "apt-get",
        "install",
        "update",
        "0",
        "root",
        "22",
        "\\",
        "`",
        "'",
        "\"",
        "=",
        "A=b",
        "P_PASSWORD=x",
        "é",
        "\t",
        ")",
        "$(",
    ]);
    (keyword, prop::collection::vec(word, 0..6)).prop_map(|(k, ws)| format!("{k} {}", ws.join(" ")))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,400}") {
        let _ = scan_dockerfile("Dockerfile", &text);
    }

    #[test]
    fn dockerfile_like_text_never_panics_and_is_ordered(lines in prop::collection::vec(dockerfile_line(), 0..30)) {
        let text = format!("FROM base:1\n{}", lines.join("\n"));
        if let Ok(scan) = scan_dockerfile("Dockerfile", &text) {
            let keys: Vec<_> = scan.findings.iter().map(|f| f.sort_key()).collect();
            let mut sorted = keys.clone();
            sorted.sort();
            prop_assert_eq!(keys, sorted);
            let line_count = text.lines().count() as u32 + 1;
            for f in &scan.findings {
                let line = f.location.line.unwrap_or(0);
                prop_assert!(line >= 1 && line <= line_count, "line {} outside 1..={}", line, line_count);
            }
        }
    }
}

#[test]
fn oversized_input_is_refused() {
    let text = format!(
        "FROM alpine:3\n{}",
        "RUN echo x\n".repeat(MAX_DOCKERFILE_BYTES / 10)
    );
    assert!(matches!(
        scan_dockerfile("Dockerfile", &text),
        Err(ParseError::TooLarge { .. })
    ));
}

#[test]
fn errors_name_the_line_and_unknown_lines_are_warnings() {
    let err = scan_dockerfile("Dockerfile", "FROM a:1\nRUN <<EOF\necho\n").unwrap_err();
    assert_eq!(err.line(), Some(2));
    let scan = scan_dockerfile("Dockerfile", "FROM a:1\n~\nUSER app\n").unwrap();
    assert_eq!(scan.warnings.len(), 1);
    assert_eq!(scan.warnings[0].line(), Some(2));
    assert!(matches!(
        scan_dockerfile("x", "# nothing\n"),
        Err(ParseError::NoFrom)
    ));
}

#[test]
fn many_unknown_lines_do_not_overflow_the_stack() {
    let text = format!("FROM a:1\n{}", "~\n".repeat(200_000));
    let scan = scan_dockerfile("Dockerfile", &text).unwrap();
    assert_eq!(scan.warnings.len(), 100, "warnings are capped");
}
