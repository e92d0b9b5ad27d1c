//! Text from inputs made safe to show on a terminal.
//!
//! A resource name, a file name, a tar entry name or a YAML excerpt can carry escape
//! sequences (`\x1b[2J`, a hyperlink, a title change) or carriage returns that rewrite what
//! the user sees. Everything from an input that reaches a terminal goes through
//! [`printable`] (one line: names, paths) or [`printable_lines`] (messages that may span
//! lines): control characters are shown escaped, `\x1b` and so on, and nothing else
//! changes. Colours are added by the report writers afterwards, never taken from input.

use std::borrow::Cow;
use std::fmt::Write;

/// `text` with every control character (C0, DEL, C1, and the bidirectional overrides that
/// reorder what is shown) written as an escape: `\x1b`, `\n`, `\r`, `\t`, `\u{202e}`.
pub fn printable(text: &str) -> Cow<'_, str> {
    escape(text, false)
}

/// Like [`printable`] but keeps line feeds and tabs: for messages that span lines.
pub fn printable_lines(text: &str) -> Cow<'_, str> {
    escape(text, true)
}

fn needs_escape(c: char, keep_lines: bool) -> bool {
    if keep_lines && (c == '\n' || c == '\t') {
        return false;
    }
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

fn escape(text: &str, keep_lines: bool) -> Cow<'_, str> {
    if !text.chars().any(|c| needs_escape(c, keep_lines)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if !needs_escape(c, keep_lines) {
            out.push(c);
            continue;
        }
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x100 => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
        }
    }
    Cow::Owned(out)
}

/// The 1-based line of byte `offset` in `text` (an offset past the end counts as the last
/// line; an offset just after a line break is on the next line).
pub fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// An I/O error's message without the ` (os error N)` suffix, so that a message that
/// wraps it reads `cannot read X: No such file or directory`.
pub fn io_message(e: &std::io::Error) -> String {
    let text = e.to_string();
    match text.rfind(" (os error ") {
        Some(at) if text.ends_with(')') => text[..at].to_string(),
        _ => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_are_shown_escaped() {
        assert_eq!(printable("web\x1b[2Jpod"), "web\\x1b[2Jpod");
        assert_eq!(printable("a\rb\nc\x7f"), "a\\rb\\nc\\x7f");
        assert_eq!(printable("\u{9b}31m"), "\\x9b31m");
        assert_eq!(printable("evil\u{202e}txt.exe"), "evil\\u{202e}txt.exe");
    }

    #[test]
    fn clean_text_is_borrowed_and_lines_can_be_kept() {
        assert!(matches!(
            printable("Deployment/default/web"),
            Cow::Borrowed(_)
        ));
        assert_eq!(
            printable_lines("one\n\ttwo\x1b]0;x\x07"),
            "one\n\ttwo\\x1b]0;x\\x07"
        );
    }

    #[test]
    fn os_error_suffix_is_dropped() {
        let e = std::io::Error::from_raw_os_error(2);
        assert_eq!(io_message(&e), "No such file or directory");
        let custom = std::io::Error::other("disk on fire");
        assert_eq!(io_message(&custom), "disk on fire");
    }
}

/// Whether `pattern`, with `*` (any run of characters) and `?` (one character) wildcards,
/// matches all of `text`; ASCII letters compare case-insensitively when `ignore_case`.
///
/// Patterns come from scanned inputs (IAM actions in a template, suppression rules), so
/// this never backtracks recursively: one pass that remembers only the last `*`, at most
/// `pattern × text` steps (`**********X` against an action is as quick as `*X`).
pub fn wildcard_match(pattern: &str, text: &str, ignore_case: bool) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let same = |a: char, b: char| a == b || (ignore_case && a.eq_ignore_ascii_case(&b));
    let (mut pi, mut ti) = (0, 0);
    // the position after the last `*` seen, and the text position it was tried at
    let mut resume: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && p[pi] == '*' {
            while pi < p.len() && p[pi] == '*' {
                pi += 1;
            }
            resume = Some((pi, ti));
        } else if pi < p.len() && (p[pi] == '?' || same(p[pi], t[ti])) {
            pi += 1;
            ti += 1;
        } else if let Some((after_star, tried)) = resume {
            // let the last `*` swallow one more character and try again from there
            pi = after_star;
            ti = tried + 1;
            resume = Some((after_star, tried + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

#[cfg(test)]
mod wildcard_tests {
    use super::wildcard_match;

    #[test]
    fn wildcards_match_like_iam() {
        assert!(wildcard_match("iam:*", "iam:PassRole", true));
        assert!(wildcard_match("IAM:pass*", "iam:PassRole", true));
        assert!(!wildcard_match("IAM:pass*", "iam:PassRole", false));
        assert!(wildcard_match("*", "", true));
        assert!(wildcard_match("s3:*Object*", "s3:GetObjectAcl", true));
        assert!(!wildcard_match("s3:Get*", "s3:PutObject", true));
        assert!(wildcard_match("iam:?assRole", "iam:PassRole", true));
        assert!(!wildcard_match("iam:?PassRole", "iam:PassRole", true));
        assert!(wildcard_match("a*b*c", "aXbYbZc", true));
        assert!(!wildcard_match("a*b*c", "aXbYbZ", true));
    }

    #[test]
    fn many_stars_do_not_backtrack() {
        let action = "iam:CreatePolicyVersionAndMoreCharactersThanUsual";
        for stars in [14, 30, 5000] {
            let miss = format!("{}X", "*".repeat(stars));
            assert!(!wildcard_match(&miss, action, true));
            let hit = format!("{}n{}l", "*".repeat(stars), "*?".repeat(3));
            assert!(wildcard_match(&hit, action, true));
        }
        let long_text = "a".repeat(100_000);
        assert!(!wildcard_match("*a*a*a*a*a*a*a*a*a*b", &long_text, false));
    }
}
