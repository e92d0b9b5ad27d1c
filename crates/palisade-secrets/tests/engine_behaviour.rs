//! Engine behaviour on bad input: huge single lines, binary blobs, invalid UTF-8,
//! pathological regex inputs, and redaction in every field a report can show.

use palisade_secrets::{FileOutcome, Scanner, MAX_MATCHES_PER_RULE};

#[test]
fn a_huge_minified_line_is_scanned_in_bounded_windows() {
    let scanner = Scanner::builtin().unwrap();
    let mut text = "var a=1;".repeat(250_000).into_bytes();
    text.extend_from_slice(b"var k=\"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\";");
    text.extend_from_slice(&b"token=".repeat(20_000));
    let found = scanner.scan_bytes("dist/app.min.js", &text);
    let ids: Vec<_> = found.iter().map(|m| m.rule_id.to_string()).collect();
    assert_eq!(ids, ["SEC015"]);
    assert_eq!(found[0].line, 1);
    assert_eq!(found[0].column as usize, 2_000_000 + 8);
}

#[test]
fn binary_and_invalid_utf8_content() {
    let scanner = Scanner::builtin().unwrap();
    let mut blob = vec![0u8, 1, 2, 3];
    blob.extend_from_slice(b"AKIAZ7Q3MNBVCXLKJH2F");
    assert!(matches!(
        scanner.scan_loaded("a.bin", &blob),
        FileOutcome::Binary
    ));
    let mut latin1 = b"caf\xe9 \xff\xfe password = \"Xk9#mQ2vLp8z\"\n".to_vec();
    latin1.extend_from_slice(b"\xc3\x28 AKIAZ7Q3MNBVCXLKJH2F\n");
    let found = scanner.scan_bytes("notes.txt", &latin1);
    let ids: Vec<_> = found.iter().map(|m| m.rule_id.to_string()).collect();
    assert_eq!(ids, ["SEC190", "SEC001"]);
    assert_eq!(found[1].line, 2);
}

#[test]
fn pathological_inputs_stay_linear() {
    let scanner = Scanner::builtin().unwrap();
    // Many keyword hits with near-miss values: every window is bounded and merged.
    let text = "password=password=password= ".repeat(10_000)
        + &"-----BEGIN RSA PRIVATE KEY-----\n".repeat(1_000);
    let found = scanner.scan_bytes("x.txt", text.as_bytes());
    assert!(found.is_empty(), "{} findings", found.len());
}

#[test]
fn previews_and_messages_never_hold_the_secret() {
    let scanner = Scanner::builtin().unwrap();
    let secret = "sk_live_4eC39HqLyjWDarjtT1zdp7dc";
    let found = scanner.scan_bytes("pay.env", format!("STRIPE_KEY={secret}\n").as_bytes());
    assert_eq!(found.len(), 1);
    let json = serde_json::to_string(&found[0].to_finding("pay.env")).unwrap();
    assert!(!json.contains("4eC39HqLyjWDarjtT1zdp7dc"), "{json}");
    assert!(json.contains("sk_live_****"), "{json}");
    assert_eq!(
        found[0].fingerprint,
        palisade_secrets::fingerprint(secret.as_bytes())
    );
}

#[test]
fn lockfiles_are_not_scanned() {
    let scanner = Scanner::builtin().unwrap();
    let text = b"\"integrity\": \"sha512-password=Xk9mQ2vLp8zT4\"";
    assert!(scanner.scan_bytes("web/package-lock.json", text).is_empty());
}

#[test]
fn a_keyword_that_begins_inside_another_keyword_hit_is_still_found() {
    let scanner = Scanner::builtin().unwrap();
    // `:AA` (Telegram) ends inside the run of `A` that marks an X bearer token.
    let bearer = "tp:AAAAAAAAAAAAAAAAAAAAAMLheAAAAAAA0%2BeiuSd%2BUaLvse4JtiiSGRDISJS%3DEiUifRGBkE2XK5zMl76DjR9Ub0fhTYbJZCwnz4XRVBCcE3sNiF";
    let ids: Vec<_> = scanner
        .scan_bytes("log.txt", bearer.as_bytes())
        .iter()
        .map(|m| m.rule_id.to_string())
        .collect();
    assert_eq!(ids, ["SEC195"]);
    // `eyJ` (JWT) overlaps the base64 of `"kty"` at the start of an encoded JSON Web Key.
    let jwk = "jwk: eyJrdHkiOiJvY3QiLCJrIjoiV3JNd1Fmb05hSFRnWFU1Zlp2UkdBRHFxIn0=";
    let ids: Vec<_> = scanner
        .scan_bytes("env.txt", jwk.as_bytes())
        .iter()
        .map(|m| m.rule_id.to_string())
        .collect();
    assert_eq!(ids, ["SEC228"]);
}

#[test]
fn a_line_repeating_one_token_is_reported_up_to_the_limit_with_columns_in_characters() {
    let scanner = Scanner::builtin().unwrap();
    // "é" is two bytes and one character: columns must count characters.
    let token = "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";
    let unit = format!("é={token} ");
    let copies = MAX_MATCHES_PER_RULE * 5;
    let mut text = "first line\n".to_string();
    text.push_str(&unit.repeat(copies));
    let found = scanner.scan_bytes("data.txt", text.as_bytes());
    assert_eq!(found.len(), MAX_MATCHES_PER_RULE);
    let unit_chars = unit.chars().count() as u32;
    for (i, m) in found.iter().enumerate() {
        assert_eq!(m.line, 2);
        assert_eq!(m.column, 3 + i as u32 * unit_chars, "match {i}");
    }
    let last = found.last().unwrap();
    assert!(
        last.note
            .as_deref()
            .is_some_and(|n| n.contains("the rest are not reported")),
        "{:?}",
        last.note
    );
    assert!(found[..MAX_MATCHES_PER_RULE - 1]
        .iter()
        .all(|m| m.note.is_none()));
}

#[test]
fn redact_replaces_every_detected_secret_by_its_preview() {
    let github = "Qm7vT2pLx9RwZ4kEj8Hs";
    let aws = "AKIAZ7Q3MNBVCXLKJHGF";
    let text = format!("git+https://deploy:{github}@github.com/acme/lib.git and key {aws} end");
    let out = palisade_secrets::redact(&text);
    assert!(!out.contains(github), "{out}");
    assert!(!out.contains(aws), "{out}");
    assert!(out.contains("deploy:Qm7v"), "{out}");
    assert!(out.contains("AKIA****"), "{out}");
    assert!(out.ends_with(" end"), "{out}");
    // a password in a URL (basic auth), and text without secrets unchanged
    let url = "https://admin:Tr0ub4dor-and-3-horses@registry.example.com/v2/";
    let out = palisade_secrets::redact(url);
    assert!(!out.contains("Tr0ub4dor-and-3-horses"), "{out}");
    let plain = "Deployment/default/web: container app runs as root";
    assert!(matches!(
        palisade_secrets::redact(plain),
        std::borrow::Cow::Borrowed(_)
    ));
}
