//! IAM policy documents as the APIs return them: URL-encoded JSON (IAM) or plain JSON
//! (Lambda resource policies), read into the serverless crate's value tree so the same
//! statement reader serves templates and live roles.

use palisade_serverless::value::{from_node, Value};

/// Decodes `%XX` escapes (IAM returns policy documents URL-encoded, RFC 3986). A `+` stays
/// a `+`: IAM does not encode spaces as `+`, and policy text may hold a literal one.
pub(crate) fn url_decode(text: &str) -> String {
    if !text.contains('%') {
        return text.to_string();
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = |b: u8| (b as char).to_digit(16);
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A JSON policy document as a value tree, or why it could not be read.
pub(crate) fn parse(text: &str) -> Result<Value, String> {
    let docs = palisade_yaml::load(text).map_err(|e| e.to_string())?;
    let doc = docs.into_iter().next().ok_or("empty document")?;
    let value = from_node(&doc.root);
    if !value.is_map() {
        return Err("not a JSON object".into());
    }
    if value.get("Statement").is_none() {
        return Err("no Statement".into());
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_iam_documents() {
        assert_eq!(
            url_decode("%7B%22Version%22%3A%222012-10-17%22%7D"),
            r#"{"Version":"2012-10-17"}"#
        );
        assert_eq!(url_decode("a+b%2"), "a+b%2");
        assert_eq!(url_decode("plain"), "plain");
    }

    #[test]
    fn refuses_malformed_documents() {
        assert!(parse("{\"Statement\": [").is_err());
        assert!(parse("[1]").is_err());
        assert!(parse("{\"Version\": \"2012-10-17\"}").is_err());
        assert!(
            parse(r#"{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#).is_ok()
        );
    }
}
