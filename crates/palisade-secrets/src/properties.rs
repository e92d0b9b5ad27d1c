//! Java `.properties` files read as `java.util.Properties` reads them, so that each value
//! is judged whole and on its own merit: `key=value`, `key: value` and `key value`
//! separators, `#` and `!` comment lines, `\` line continuations and escapes. Values are
//! literal text, never code, so an unquoted value is judged as if it were quoted.
//!
//! The engine scans the file's text as for any file, then scans each entry again as
//! `key: "value"` and lets those matches replace the text matches they overlap
//! (see `Scanner::scan_bytes`).

/// Whether `path` names a Java properties file.
pub(crate) fn is_properties_path(path: &str) -> bool {
    let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
    const EXT: &[u8] = b".properties";
    let name = name.as_bytes();
    name.len() > EXT.len() && name[name.len() - EXT.len()..].eq_ignore_ascii_case(EXT)
}

/// One `key`/`value` pair of a properties file.
#[derive(Debug, PartialEq)]
pub(crate) struct Entry {
    pub key: Vec<u8>,
    /// The value as `Properties` returns it (continuations joined, escapes resolved,
    /// one pair of surrounding quotes removed).
    pub value: Vec<u8>,
    /// For each byte of `value`, its offset in the file.
    pub offsets: Vec<usize>,
}

/// The entries of a properties file, in order, as `Properties` reads them.
#[cfg(test)]
pub(crate) fn entries(bytes: &[u8]) -> Vec<Entry> {
    entries_where(bytes, |_| true, false)
}

/// The entries whose key, as written (escapes not resolved), `wanted` accepts; the other
/// lines are stepped over without being decoded. With `commented`, a comment line that
/// holds a wanted entry (`#db.password=...`, `! api.key value`: an entry switched off,
/// whose secret is still in the file) counts too, read to its line's end.
pub(crate) fn entries_where(
    bytes: &[u8],
    wanted: impl Fn(&[u8]) -> bool,
    commented: bool,
) -> Vec<Entry> {
    let mut out = Vec::new();
    let mut lines = LogicalLines {
        bytes,
        at: 0,
        commented,
    };
    while let Some(line) = lines.next_logical(&wanted) {
        if let Some(entry) = split_entry(&line) {
            out.push(entry);
        }
    }
    out
}

/// A logical line: its characters with escapes resolved, each with its file offset and
/// whether it was escaped (an escaped `=` is part of the key, not a separator).
type Chars = Vec<(u8, usize, bool)>;

struct LogicalLines<'a> {
    bytes: &'a [u8],
    at: usize,
    /// Whether entries commented out are read too.
    commented: bool,
}

impl LogicalLines<'_> {
    /// The next logical line that is not blank, not a comment and whose raw key is wanted.
    fn next_logical(&mut self, wanted: &impl Fn(&[u8]) -> bool) -> Option<Chars> {
        loop {
            let start = self.skip_blank(self.at);
            if start >= self.bytes.len() {
                self.at = start;
                return None;
            }
            let first = self.bytes[start];
            if first == b'\n' || first == b'\r' {
                self.at = start + 1;
                continue;
            }
            if first == b'#' || first == b'!' {
                // A comment ends at its line end, backslash or not.
                let end = line_end(self.bytes, start);
                self.at = end + 1;
                if self.commented {
                    let mut content = start;
                    while content < end && matches!(self.bytes[content], b'#' | b'!') {
                        content += 1;
                    }
                    let content = self.skip_blank(content);
                    let key = &self.bytes[content..self.key_end(content)];
                    if !key.is_empty() && wanted(key) {
                        return Some(
                            (content..end)
                                .filter(|&i| self.bytes[i] != b'\r')
                                .map(|i| (self.bytes[i], i, false))
                                .collect(),
                        );
                    }
                }
                continue;
            }
            let key_end = self.key_end(start);
            if !wanted(&self.bytes[start..key_end]) {
                self.at = self.logical_end(start);
                continue;
            }
            return Some(self.read_logical(start));
        }
    }

    /// Where the logical line starting at `start` ends: after the first line end that is
    /// not escaped by an odd run of backslashes.
    fn logical_end(&self, start: usize) -> usize {
        let mut i = start;
        loop {
            let end = line_end(self.bytes, i);
            let content = &self.bytes[i..end];
            let content = content.strip_suffix(b"\r").unwrap_or(content);
            let slashes = content.iter().rev().take_while(|&&b| b == b'\\').count();
            if end >= self.bytes.len() || slashes % 2 == 0 {
                return end + 1;
            }
            i = end + 1;
        }
    }

    /// Where the raw key starting at `start` ends (its first separator, blank or line end).
    fn key_end(&self, start: usize) -> usize {
        start
            + self.bytes[start..]
                .iter()
                .position(|b| matches!(b, b'=' | b':' | b' ' | b'\t' | b'\x0c' | b'\n' | b'\r'))
                .unwrap_or(self.bytes.len() - start)
    }

    fn skip_blank(&self, mut i: usize) -> usize {
        while i < self.bytes.len() && matches!(self.bytes[i], b' ' | b'\t' | b'\x0c') {
            i += 1;
        }
        i
    }

    fn read_logical(&mut self, mut i: usize) -> Chars {
        let bytes = self.bytes;
        let mut chars = Chars::new();
        while i < bytes.len() {
            match bytes[i] {
                b'\n' | b'\r' => {
                    i += 1;
                    break;
                }
                b'\\' if i + 1 >= bytes.len() => {
                    i += 1;
                }
                b'\\' => {
                    let next = bytes[i + 1];
                    if next == b'\n' || next == b'\r' {
                        // Continuation: the next line's leading blanks are dropped.
                        let mut j = i + 2;
                        if next == b'\r' && bytes.get(j) == Some(&b'\n') {
                            j += 1;
                        }
                        i = self.skip_blank(j);
                        continue;
                    }
                    let resolved = match next {
                        b't' => b'\t',
                        b'n' => b'\n',
                        b'r' => b'\r',
                        b'f' => b'\x0c',
                        other => other,
                    };
                    chars.push((resolved, i + 1, true));
                    i += 2;
                }
                b => {
                    chars.push((b, i, false));
                    i += 1;
                }
            }
        }
        self.at = i;
        chars
    }
}

fn line_end(bytes: &[u8], from: usize) -> usize {
    memchr::memchr(b'\n', &bytes[from..])
        .map(|p| from + p)
        .unwrap_or(bytes.len())
}

/// Splits a logical line at its first unescaped `=`, `:` or blank, as `Properties` does.
fn split_entry(line: &Chars) -> Option<Entry> {
    let blank = |c: &(u8, usize, bool)| !c.2 && matches!(c.0, b' ' | b'\t' | b'\x0c');
    let sep = |c: &(u8, usize, bool)| !c.2 && matches!(c.0, b'=' | b':');
    let key_end = line
        .iter()
        .position(|c| blank(c) || sep(c))
        .unwrap_or(line.len());
    let mut i = key_end;
    while i < line.len() && blank(&line[i]) {
        i += 1;
    }
    if i < line.len() && sep(&line[i]) {
        i += 1;
        while i < line.len() && blank(&line[i]) {
            i += 1;
        }
    }
    let mut value = &line[i..];
    // Trailing blanks are part of a Properties value but never of a credential.
    while value.last().is_some_and(blank) {
        value = &value[..value.len() - 1];
    }
    if let [first, .., last] = value {
        if first.0 == last.0 && matches!(first.0, b'"' | b'\'') && value.len() >= 2 {
            value = &value[1..value.len() - 1];
        }
    }
    if key_end == 0 || value.is_empty() {
        return None;
    }
    Some(Entry {
        key: line[..key_end].iter().map(|c| c.0).collect(),
        value: value.iter().map(|c| c.0).collect(),
        offsets: value.iter().map(|c| c.1).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(text: &str) -> Vec<(String, String)> {
        entries(text.as_bytes())
            .into_iter()
            .map(|e| {
                (
                    String::from_utf8(e.key).unwrap(),
                    String::from_utf8(e.value).unwrap(),
                )
            })
            .collect()
    }

    #[test]
    fn separators_comments_and_continuations_as_java_reads_them() {
        let text = "# comment \\\n! other=comment\na=1\nb : 2\n  c   3\nd\\=e=4\nf=one \\\n    two\\\n  three\ng = \"quoted\"  \nh\n";
        assert_eq!(
            pairs(text),
            [
                ("a", "1"),
                ("b", "2"),
                ("c", "3"),
                ("d=e", "4"),
                ("f", "one twothree"),
                ("g", "quoted"),
            ]
            .map(|(k, v)| (k.to_string(), v.to_string()))
        );
    }

    #[test]
    fn unwanted_lines_are_stepped_over_with_their_continuations() {
        let text =
            "label.text=one \\\n  password=in-the-label\ndb.password=Xk8\\\\\nnext.password=2\n";
        let keys: Vec<Vec<u8>> =
            entries_where(text.as_bytes(), |k| k.ends_with(b"password"), false)
                .into_iter()
                .map(|e| e.key)
                .collect();
        // `Xk8\\` ends with an escaped backslash: the line does not continue.
        assert_eq!(keys, [b"db.password".to_vec(), b"next.password".to_vec()]);
    }

    #[test]
    fn entries_switched_off_by_a_comment_are_read_when_asked() {
        let text =
            "#db.password=Xk8vQ2\n## api.password  Pw9z \\\nnot.continued=1\n! label only\n#\n";
        let read = |commented| -> Vec<(Vec<u8>, Vec<u8>)> {
            entries_where(text.as_bytes(), |k| k.ends_with(b"password"), commented)
                .into_iter()
                .map(|e| (e.key, e.value))
                .collect()
        };
        assert!(read(false).is_empty(), "Properties reads no comment");
        assert_eq!(
            read(true),
            [
                (b"db.password".to_vec(), b"Xk8vQ2".to_vec()),
                // A comment does not continue: the backslash is part of its value.
                (b"api.password".to_vec(), b"Pw9z \\".to_vec()),
            ]
        );
        let e = &entries_where(text.as_bytes(), |k| k.ends_with(b"password"), true)[0];
        assert_eq!(&text.as_bytes()[e.offsets[0]..=e.offsets[5]], b"Xk8vQ2");
    }

    #[test]
    fn offsets_point_into_the_file() {
        let text = "k=ab\\\n  cd\n";
        let e = &entries(text.as_bytes())[0];
        let at: Vec<u8> = e.offsets.iter().map(|&o| text.as_bytes()[o]).collect();
        assert_eq!(at, b"abcd");
        assert!(is_properties_path(
            "src/main/resources/application.properties"
        ));
        assert!(is_properties_path("conf/Messages.PROPERTIES"));
        assert!(!is_properties_path("notes.txt"));
        assert!(!is_properties_path(".properties"));
    }
}
