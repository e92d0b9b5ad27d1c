//! Validators run on a regex candidate: entropy, checksums, structural decodes, and the
//! allowlist of placeholders and documented example values.

/// Shannon entropy of `s` in bits per byte.
pub fn shannon_entropy(s: &[u8]) -> f64 {
    if s.is_empty() {
        return 0.0;
    }
    let mut counts = [0u32; 256];
    for &b in s {
        counts[b as usize] += 1;
    }
    let len = s.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = c as f64 / len;
            -p * p.log2()
        })
        .sum()
}

/// CRC-32 (IEEE 802.3), bitwise: only run on a handful of candidates, never on whole files.
pub fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in data {
        crc ^= b as u32;
        for _ in 0..8 {
            let mask = (crc & 1).wrapping_neg();
            crc = (crc >> 1) ^ (0xEDB8_8320 & mask);
        }
    }
    !crc
}

const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// `n` in base62, left-padded with `0` to `width`.
pub fn base62(mut n: u32, width: usize) -> String {
    let mut out = Vec::new();
    while n > 0 {
        out.push(BASE62[(n % 62) as usize]);
        n /= 62;
    }
    while out.len() < width {
        out.push(b'0');
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// Whether a `prefix_<30 chars><6 chars crc>` token carries a valid checksum.
pub fn base62_crc32_valid(token: &[u8]) -> bool {
    let Some(us) = token.iter().position(|&b| b == b'_') else {
        return false;
    };
    let body = &token[us + 1..];
    if body.len() < 7 {
        return false;
    }
    let (random, check) = body.split_at(body.len() - 6);
    base62(crc32(random), 6).as_bytes() == check
}

/// Whether a `prefix_` token has the 36-character body (30 random + 6 checksum) of the
/// current formats: a longer body is only accepted with a matching checksum.
pub fn has_standard_checksum_body(token: &[u8]) -> bool {
    token
        .iter()
        .position(|&b| b == b'_')
        .is_some_and(|us| token.len() - us - 1 == 36)
}

/// Decodes standard or URL-safe base64, ignoring whitespace; `None` on any other byte.
pub fn base64_decode(input: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(input.len() * 3 / 4);
    let mut acc = 0u32;
    let mut bits = 0u32;
    for &b in input {
        let v = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            b'=' => break,
            b' ' | b'\n' | b'\r' | b'\t' | b'\\' => continue,
            _ => return None,
        };
        acc = (acc << 6) | v as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    Some(out)
}

/// A PEM private key block whose body is base64 of at least 64 bytes (not `...` or prose).
/// The body may be spread over code (`"MIIE...\n" +`), JSON (`\n` escapes) or log lines
/// with timestamps: the longest base64 run of each line is taken.
pub fn pem_body_decodes(block: &[u8]) -> bool {
    let text = String::from_utf8_lossy(block).replace("\\n", "\n");
    let mut body = String::new();
    for line in text.lines() {
        if line.contains("-----") || line.starts_with("Proc-Type") || line.starts_with("DEK-Info") {
            continue;
        }
        let best = line
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '+' || c == '/' || c == '='))
            .max_by_key(|run| run.len())
            .unwrap_or("");
        if best.len() >= 16 {
            body.push_str(best.trim_end_matches('='));
        }
    }
    match base64_decode(body.as_bytes()) {
        Some(bytes) => bytes.len() >= 64 && shannon_entropy(body.as_bytes()) > 4.0,
        None => false,
    }
}

/// The decoded text of a base64 run that may start anywhere in its encoding (a window
/// cut out of a long line): one decoding per alignment, lossy UTF-8.
fn decodings_at_any_alignment(run: &[u8]) -> impl Iterator<Item = String> + '_ {
    (0..4usize).filter_map(move |skip| {
        let bytes = base64_decode(run.get(skip..)?)?;
        Some(String::from_utf8_lossy(&bytes).into_owned())
    })
}

/// What a base64 document holds after its start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmbeddedKey {
    Plain,
    Encrypted,
}

/// A PEM private key inside a base64-encoded document (a Helm values file or a
/// kubeconfig encoded whole), not at its start (that is SEC176's format), whose body
/// decodes. `None` when there is none.
pub fn base64_private_key_inside(run: &[u8]) -> Option<EmbeddedKey> {
    for text in decodings_at_any_alignment(run) {
        let mut rest = text.as_str();
        while let Some(begin) = rest.find("-----BEGIN ") {
            let block = &rest[begin..];
            let header_end = block[11..].find("-----").map(|e| e + 11)?;
            let header = &block[..header_end];
            if std::ptr::eq(rest, text.as_str()) && begin == 0 {
                // A document that starts with the key is SEC176's.
                return None;
            }
            if header.contains("PRIVATE KEY") {
                let end = block
                    .find("-----END ")
                    .map(|e| e + 9)
                    .unwrap_or(block.len());
                let block = &block[..end.min(block.len())];
                if pem_body_decodes(block.as_bytes()) {
                    return Some(if block.contains("ENCRYPTED") {
                        EmbeddedKey::Encrypted
                    } else {
                        EmbeddedKey::Plain
                    });
                }
            }
            rest = &block[header_end..];
        }
    }
    None
}

/// A JSON Web Key with a private member inside a base64-encoded document.
pub fn base64_private_jwk_inside(run: &[u8]) -> bool {
    decodings_at_any_alignment(run).any(|text| {
        if !text.contains("\"kty\"") {
            return false;
        }
        [
            "\"d\"", "\"p\"", "\"q\"", "\"dp\"", "\"dq\"", "\"qi\"", "\"k\"",
        ]
        .iter()
        .any(|member| {
            text.match_indices(member).any(|(at, _)| {
                let after = text[at + member.len()..].trim_start();
                let Some(after) = after.strip_prefix(':') else {
                    return false;
                };
                let Some(value) = after.trim_start().strip_prefix('"') else {
                    return false;
                };
                let value: &str = value.split('"').next().unwrap_or("");
                value.len() >= 16
                    && value
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'=')
                    && !is_placeholder_text(value.as_bytes())
            })
        })
    })
}

/// Whether a Bech32 string (BIP 173: human-readable part, `1`, data, 6-character
/// checksum; one case throughout) carries a valid checksum.
pub fn bech32_valid(s: &[u8]) -> bool {
    const CHARSET: &[u8; 32] = b"qpzry9x8gf2tvdw0s3jn54khce6mua7l";
    const GEN: [u32; 5] = [
        0x3b6a_57b2,
        0x2650_8e6d,
        0x1ea1_19fa,
        0x3d42_33dd,
        0x2a14_62b3,
    ];
    let lower = s.to_ascii_lowercase();
    let Some(sep) = lower.iter().rposition(|&b| b == b'1') else {
        return false;
    };
    let (hrp, data) = (&lower[..sep], &lower[sep + 1..]);
    if hrp.is_empty() || data.len() < 6 {
        return false;
    }
    let mut values: Vec<u8> = hrp.iter().map(|b| b >> 5).collect();
    values.push(0);
    values.extend(hrp.iter().map(|b| b & 31));
    for b in data {
        match CHARSET.iter().position(|c| c == b) {
            Some(v) => values.push(v as u8),
            None => return false,
        }
    }
    let mut chk: u32 = 1;
    for v in values {
        let top = chk >> 25;
        chk = ((chk & 0x1ff_ffff) << 5) ^ v as u32;
        for (i, g) in GEN.iter().enumerate() {
            if (top >> i) & 1 == 1 {
                chk ^= g;
            }
        }
    }
    chk == 1
}

/// Whether a JFrog reference token that decodes to `reftkn:` text has the format's
/// structure (`reftkn:01:<digits>:…`). Tokens that do not decode to `reftkn:` are left
/// to the regex and entropy tests.
pub fn jfrog_reference_structure(token: &[u8]) -> bool {
    let usable = token.len() / 4 * 4;
    let Some(decoded) = base64_decode(&token[..usable]) else {
        return true;
    };
    let Some(rest) = decoded.strip_prefix(b"reftkn:") else {
        return true;
    };
    let Some(rest) = rest.strip_prefix(b"01:") else {
        return false;
    };
    let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    digits > 0 && rest.get(digits) == Some(&b':')
}

/// Whether `text` (optionally after an XML start tag) is base64 of a complete DER private
/// key: SEQUENCE, declared length reached, version 0 or 1 first, random-looking body.
pub fn der_private_key(text: &[u8]) -> bool {
    let body = match text.first() {
        Some(b'<') => match text.iter().position(|&b| b == b'>') {
            Some(p) => &text[p + 1..],
            None => return false,
        },
        _ => text,
    };
    let compact: Vec<u8> = body
        .iter()
        .copied()
        .filter(|b| b.is_ascii_alphanumeric() || *b == b'+' || *b == b'/')
        .collect();
    if shannon_entropy(&compact) <= 4.0 {
        return false;
    }
    let Some(der) = base64_decode(body) else {
        return false;
    };
    if der.len() < 64 || der[0] != 0x30 {
        return false;
    }
    let (len, header) = match der[1] {
        n if n < 0x80 => (n as usize, 2),
        0x81 => (der[2] as usize, 3),
        0x82 => (((der[2] as usize) << 8) | der[3] as usize, 4),
        _ => return false,
    };
    der.len() >= header + len
        && der
            .get(header..header + 3)
            .is_some_and(|v| v == [0x02, 0x01, 0x00] || v == [0x02, 0x01, 0x01])
}

/// A JWT whose header is base64url JSON naming an algorithm.
pub fn jwt_header_valid(token: &[u8]) -> bool {
    let Some(header) = token.split(|&b| b == b'.').next() else {
        return false;
    };
    match base64_decode(header) {
        Some(json) => {
            let s = String::from_utf8_lossy(&json);
            let s = s.trim();
            s.starts_with('{')
                && s.ends_with('}')
                && (s.contains("\"alg\"") || s.contains("\"typ\""))
        }
        None => false,
    }
}

/// Documented example values that providers publish in their own docs.
const DOCUMENTED_EXAMPLES: &[&str] = &[
    "akiaiosfodnn7example",
    "wjalrxutnfemi/k7mdeng/bpxrficyexamplekey",
    "je7mtgbclwbf/2tk6ih6+ckrbsa",
    // The TOTP seed of the key URI format's documentation ("Hello!" and 0xDEADBEEF).
    "jbswy3dpehpk3pxp",
];

/// Words that mark a value as a placeholder rather than a credential.
const PLACEHOLDER_WORDS: &[&str] = &[
    "example",
    "changeme",
    "change_me",
    "change-me",
    "placeholder",
    "your_",
    "your-",
    "yourkey",
    "yourtoken",
    "yoursecret",
    "xxxx",
    "****",
    "....",
    "redacted",
    "dummy",
    "fake",
    "notreal",
    "not_a_real",
    "insert",
    "replace",
    "todo",
    // Instructions and sentences written where the value goes.
    "goes_here",
    "goes-here",
    "_here",
    "-here",
    "set_me",
    "set-me",
    "fill_me",
    "fill-me",
    "fill_in",
    "fill-in",
    "in_production",
    "in-production",
    "to_be_",
    "to-be-",
    "do_not_use",
    "do-not-use",
    "real_key",
    "real-key",
    "real_token",
    "real-token",
    "real_password",
    "real-password",
];

/// Whether a candidate is a placeholder, template expression or documented example.
pub fn is_placeholder(secret: &[u8]) -> bool {
    if is_placeholder_text(secret) {
        return true;
    }
    let lower = secret.to_ascii_lowercase();
    longest_run(secret) >= 6 || has_sequence_run(&lower, 6) || has_repeated_chunk(&lower)
}

/// The part of [`is_placeholder`] that looks at words and templating only, for formats
/// whose real values hold long runs of one character (base64 of zero bytes).
pub fn is_placeholder_text(secret: &[u8]) -> bool {
    let lower = secret.to_ascii_lowercase();
    let text = String::from_utf8_lossy(&lower);
    if DOCUMENTED_EXAMPLES.iter().any(|e| text.contains(e)) {
        return true;
    }
    if PLACEHOLDER_WORDS.iter().any(|w| text.contains(w)) {
        return true;
    }
    is_instruction(secret)
        || text.contains("${")
        || text.contains("{{")
        || text.contains("}}")
        || text.starts_with('<')
        || text.ends_with('>')
        || text.starts_with("$(")
        || text.starts_with('%')
}

/// Words that turn a run of words into an instruction to whoever fills the value in.
const INSTRUCTION_WORDS: &[&str] = &[
    "add",
    "ask",
    "change",
    "changed",
    "configure",
    "enter",
    "fill",
    "generate",
    "here",
    "insert",
    "must",
    "override",
    "paste",
    "please",
    "provide",
    "provided",
    "put",
    "replace",
    "set",
    "specify",
    "todo",
    "update",
    "your",
];

/// Whether a value is a sentence telling the reader what to put there
/// (`please-change-this`, `set-in-vault`, `generate-with-openssl-rand-hex-32`,
/// `updateMeBeforeDeploying`): two or more words, each letters only or a number, one of
/// them an instruction. A generated token mixes letters and digits inside its words.
pub fn is_instruction(value: &[u8]) -> bool {
    let mut words: Vec<String> = Vec::new();
    let mut word = String::new();
    let mut prev: Option<u8> = None;
    for &b in value {
        let boundary = match prev {
            _ if matches!(b, b'-' | b'_' | b'.' | b' ') => {
                if !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
                prev = None;
                continue;
            }
            Some(p) => {
                (p.is_ascii_lowercase() && b.is_ascii_uppercase())
                    || (p.is_ascii_alphabetic() != b.is_ascii_alphabetic())
            }
            None => false,
        };
        if boundary && !word.is_empty() {
            words.push(std::mem::take(&mut word));
        }
        if !b.is_ascii_alphanumeric() {
            return false;
        }
        word.push(b.to_ascii_lowercase() as char);
        prev = Some(b);
    }
    if !word.is_empty() {
        words.push(word);
    }
    // A word may be a number, but not one glued to letters in the original (`a1b2c3`).
    let letters_and_digits_glued = value.windows(2).any(|w| {
        (w[0].is_ascii_alphabetic() && w[1].is_ascii_digit())
            || (w[0].is_ascii_digit() && w[1].is_ascii_alphabetic())
    });
    words.len() >= 2
        && !letters_and_digits_glued
        && words.iter().all(|w| w.len() <= 12)
        && words
            .iter()
            .any(|w| INSTRUCTION_WORDS.contains(&w.as_str()))
}

/// Whether `s` holds `n` consecutive ascending or descending characters (`123456`,
/// `abcdef`, `654321`): typed by a person, never drawn by a token generator.
pub fn has_sequence_run(s: &[u8], n: usize) -> bool {
    let (mut up, mut down) = (1, 1);
    for w in s.windows(2) {
        let alnum = w[0].is_ascii_alphanumeric() && w[1].is_ascii_alphanumeric();
        up = if alnum && w[1] == w[0].wrapping_add(1) {
            up + 1
        } else {
            1
        };
        down = if alnum && w[0] == w[1].wrapping_add(1) {
            down + 1
        } else {
            1
        };
        if up >= n || down >= n {
            return true;
        }
    }
    false
}

/// Whether a chunk of 4 characters occurs three times (`1234-1234-1234`, `abcdabcdabcd`).
pub fn has_repeated_chunk(s: &[u8]) -> bool {
    // Long base64 tokens repeat chunks by construction (encoded JSON): only short values.
    if s.len() < 12 || s.len() > 48 {
        return false;
    }
    s.windows(4).enumerate().any(|(i, w)| {
        w.iter().all(|b| b.is_ascii_alphanumeric())
            && s[i + 4..].windows(4).filter(|x| *x == w).count() >= 2
    })
}

/// Length of the longest run of one repeated byte.
pub fn longest_run(s: &[u8]) -> usize {
    let mut best = 0;
    let mut run = 0;
    let mut prev = None;
    for &b in s {
        if Some(b) == prev {
            run += 1;
        } else {
            run = 1;
            prev = Some(b);
        }
        best = best.max(run);
    }
    best
}

/// Whether a value looks like a sequence such as `123456789` or `abcdefgh`.
pub fn is_sequential(s: &[u8]) -> bool {
    if s.len() < 8 {
        return false;
    }
    let ascending = s
        .windows(2)
        .filter(|w| w[1] == w[0].wrapping_add(1))
        .count();
    ascending * 10 >= (s.len() - 1) * 7
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entropy_of_uniform_and_random_text() {
        assert_eq!(shannon_entropy(b"aaaa"), 0.0);
        assert!((shannon_entropy(b"abcd") - 2.0).abs() < 1e-9);
        assert!(shannon_entropy(b"wJalrXUtnFEMI/K7MDENG/bPxRfiCY") > 4.0);
    }

    #[test]
    fn crc32_matches_the_reference_value() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    }

    #[test]
    fn base64_round_trip_and_rejection() {
        assert_eq!(base64_decode(b"aGVsbG8=").unwrap(), b"hello");
        assert!(base64_decode(b"he!!o").is_none());
    }

    #[test]
    fn placeholders_are_recognised() {
        assert!(is_placeholder(b"AKIAIOSFODNN7EXAMPLE"));
        assert!(is_placeholder(b"${DB_PASSWORD}"));
        assert!(is_placeholder(b"{{ .Values.token }}"));
        assert!(is_placeholder(b"<your-key>"));
        assert!(is_placeholder(b"ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"));
        assert!(!is_placeholder(b"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"));
    }

    #[test]
    fn instructions_are_placeholders_and_tokens_are_not() {
        for value in [
            "please-change-this",
            "set-in-vault",
            "provided-by-ci",
            "generate-with-openssl-rand-hex-32",
            "updateMeBeforeDeploying",
            "ASK_THE_OPS_TEAM",
        ] {
            assert!(is_instruction(value.as_bytes()), "{value}");
        }
        for value in [
            "correct-horse-battery-staple",
            "set4Kq9-zLw2",
            "Xk8#qLw2vR9pTz",
            "please",
            "pUt7hEre9x",
        ] {
            assert!(!is_instruction(value.as_bytes()), "{value}");
        }
    }

    #[test]
    fn bech32_checksums() {
        assert!(bech32_valid(
            b"AGE-SECRET-KEY-1KZYHJJGJ5DEC3RXGPEUA97WG99HU4Z3Z9ZK69GHAFZWJ08SFVF0QZ3WFSS"
        ));
        assert!(!bech32_valid(
            b"AGE-SECRET-KEY-1KZYHJJGJ5DEC3RXGPEUA97WG99HU4Z3Z9ZK69GHAFZWJ08SFVF0QZ3WFSX"
        ));
        assert!(bech32_valid(b"a12uel5l"));
    }

    #[test]
    fn sequences_are_recognised() {
        assert!(is_sequential(b"123456789"));
        assert!(is_sequential(b"abcdefghij"));
        assert!(!is_sequential(b"h7Tq9zLm2x"));
    }
}
