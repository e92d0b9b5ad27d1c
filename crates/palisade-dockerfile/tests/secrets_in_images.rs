//! Secrets hidden in base64 in `ARG` and `ENV` defaults (IMG020): the secrets engine sees
//! what the value decodes to, once or twice. The engine is a stand-in here that knows one
//! format (AWS access key IDs); the CLI passes palisade-secrets' single-value scan.

use palisade_dockerfile::scan_dockerfile_with;

fn aws_key_only(value: &str) -> Option<String> {
    (value.starts_with("AKIA") && value.len() == 20).then(|| "AWS access key ID".to_string())
}

#[test]
fn base64_and_twice_base64_secrets_in_arg_and_env_defaults() {
    let text = "FROM alpine:3.19\n\
                ARG BOOTSTRAP=QUtJQTJFMEE4RjNCMjQ0Qzk5ODY=\n\
                ENV SEED=UVV0SlFUSkZNRUU0UmpOQ01qUTBRems1T0RZPQ==\n\
                ENV LOGO=aGVsbG8gd29ybGQsIHRoaXMgaXMgbm90IGEgc2VjcmV0\n\
                USER 1000\n";
    let scan = scan_dockerfile_with("Dockerfile", text, Some(aws_key_only)).unwrap();
    let img020: Vec<(u32, &str)> = scan
        .findings
        .iter()
        .filter(|f| f.rule_id == "IMG020")
        .map(|f| (f.location.line.unwrap(), f.message.as_str()))
        .collect();
    assert_eq!(img020.len(), 2, "{img020:?}");
    assert_eq!(img020[0].0, 2);
    assert!(img020[0]
        .1
        .contains("`BOOTSTRAP` holds a base64-encoded secret (AWS access key ID)"));
    assert_eq!(img020[1].0, 3);
    assert!(img020[1].1.contains("twice base64-encoded secret"));
    for f in scan.findings.iter().filter(|f| f.rule_id == "IMG020") {
        let s = f.secret.as_ref().expect("secret info");
        assert!(!s.preview.contains("QUtJQTJFMEE4RjNCMjQ0Qzk5ODY="));
    }
}
