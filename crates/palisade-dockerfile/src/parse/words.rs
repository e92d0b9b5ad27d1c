//! Words of an instruction: `ARG` declarations, `ENV`/`LABEL` pairs, splitting on
//! whitespace outside quotes, and `$VAR` substitution.

use std::collections::HashMap;

/// `ARG NAME[=default] ...`
pub fn arg_declarations(text: &str) -> Vec<(String, Option<String>)> {
    split_words(text)
        .into_iter()
        .map(|w| match w.split_once('=') {
            Some((k, v)) => (k.to_string(), Some(unquote(v))),
            None => (w, None),
        })
        .collect()
}

/// `ENV`/`LABEL` pairs: `K=V K2="v 2"` or the legacy `K value with spaces`.
pub fn key_values(text: &str) -> Vec<(String, String)> {
    let words = split_words(text);
    let Some(first) = words.first() else {
        return Vec::new();
    };
    if !first.contains('=') {
        let rest = text.trim_start()[first.len()..].trim();
        return vec![(first.clone(), unquote(rest))];
    }
    words
        .into_iter()
        .filter_map(|w| w.split_once('=').map(|(k, v)| (unquote(k), unquote(v))))
        .collect()
}

fn unquote(s: &str) -> String {
    let s = s.trim();
    for q in ['"', '\''] {
        if s.len() >= 2 && s.starts_with(q) && s.ends_with(q) {
            return s[1..s.len() - 1].to_string();
        }
    }
    s.to_string()
}

/// Splits on whitespace outside quotes; quotes stay attached to their word.
pub fn split_words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quote: Option<char> = None;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (None, '"') | (None, '\'') => {
                quote = Some(c);
                cur.push(c);
            }
            (Some(q), c) if c == q => {
                quote = None;
                cur.push(c);
            }
            (_, '\\') => {
                cur.push(c);
                if let Some(n) = chars.next() {
                    cur.push(n);
                }
            }
            (None, c) if c.is_whitespace() => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            _ => cur.push(c),
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Substitutes `$VAR`, `${VAR}`, `${VAR:-default}` and `${VAR:+alt}`; the flag says
/// whether every variable had a value.
pub fn expand(text: &str, vars: &HashMap<String, String>) -> (String, bool) {
    let mut out = String::with_capacity(text.len());
    let mut complete = true;
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\\' && chars.get(i + 1) == Some(&'$') {
            out.push('$');
            i += 2;
            continue;
        }
        if c != '$' {
            out.push(c);
            i += 1;
            continue;
        }
        if chars.get(i + 1) == Some(&'{') {
            let Some(close) = chars[i + 2..].iter().position(|c| *c == '}') else {
                out.push(c);
                i += 1;
                continue;
            };
            let inner: String = chars[i + 2..i + 2 + close].iter().collect();
            i += close + 3;
            let (name, op, word) = match inner.find(":-").or_else(|| inner.find(":+")) {
                Some(p) => (&inner[..p], &inner[p..p + 2], &inner[p + 2..]),
                None => (inner.as_str(), "", ""),
            };
            let value = vars.get(name).filter(|v| !v.is_empty());
            match (op, value) {
                (":-", Some(v)) => out.push_str(v),
                (":-", None) => out.push_str(word),
                (":+", Some(_)) => out.push_str(word),
                (":+", None) => {}
                (_, Some(v)) => out.push_str(v),
                (_, None) => complete = false,
            }
        } else {
            let start = i + 1;
            let mut end = start;
            while end < chars.len() && (chars[end].is_ascii_alphanumeric() || chars[end] == '_') {
                end += 1;
            }
            if end == start {
                out.push(c);
                i += 1;
                continue;
            }
            let name: String = chars[start..end].iter().collect();
            match vars.get(&name) {
                Some(v) => out.push_str(v),
                None => complete = false,
            }
            i = end;
        }
    }
    (out, complete)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expansion() {
        let vars: HashMap<String, String> = [("A".to_string(), "1".to_string())].into();
        assert_eq!(
            expand("$A-${A}-${B:-x}-${A:+y}", &vars),
            ("1-1-x-y".into(), true)
        );
        assert!(!expand("$B", &vars).1);
    }
}
