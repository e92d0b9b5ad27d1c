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
