//! Alpine apk versions: `number{.number}{letter}{_suffix{number}}{~hash}{-r#}`.
//!
//! Suffix order: `_alpha < _beta < _pre < _rc < (none) < _cvs < _svn < _git < _hg < _p`.
//! A number component after the first that starts with `0` compares as a string, as apk
//! does (`1.01 < 1.1`). Commit hashes do not order. Fallback: text that fits no part of
//! the grammar is a remainder that makes the version sort below the same version without
//! it; two invalid versions compare as plain strings.

use std::cmp::Ordering;

use super::numeric::cmp_decimal;

const SUFFIXES: [&str; 9] = ["alpha", "beta", "pre", "rc", "cvs", "svn", "git", "hg", "p"];
/// Weight of "no suffix": between `_rc` and `_cvs`.
const NO_SUFFIX: u8 = 4;

struct Apk<'a> {
    original: &'a str,
    invalid: bool,
    numbers: Vec<&'a str>,
    letter: Option<u8>,
    suffixes: Vec<(u8, &'a str)>,
    build: &'a str,
    remainder: &'a str,
}

fn suffix_weight(name: &str) -> u8 {
    match name {
        "alpha" => 0,
        "beta" => 1,
        "pre" => 2,
        "rc" => 3,
        "cvs" => 5,
        "svn" => 6,
        "git" => 7,
        "hg" => 8,
        _ => 9,
    }
}

/// Finds `_<suffix><digits>` at byte `i` of `s`, trying suffixes in apk's order.
fn suffix_at(s: &str, i: usize) -> Option<(&str, &str, usize)> {
    let rest = s[i..].strip_prefix('_')?;
    for name in SUFFIXES {
        if let Some(after) = rest.strip_prefix(name) {
            let digits = after.bytes().take_while(|c| c.is_ascii_digit()).count();
            let len = 1 + name.len() + digits;
            let name_at = &s[i + 1..i + 1 + name.len()];
            return Some((name_at, &after[..digits], len));
        }
    }
    None
}

fn parse(v: &str) -> Apk<'_> {
    let mut out = Apk {
        original: v,
        invalid: false,
        numbers: Vec::new(),
        letter: None,
        suffixes: Vec::new(),
        build: "0",
        remainder: "",
    };
    let mut s = v;
    // number components
    loop {
        let d = s.bytes().take_while(|c| c.is_ascii_digit()).count();
        if d == 0 {
            break;
        }
        out.numbers.push(&s[..d]);
        s = &s[d..];
        match s.strip_prefix('.') {
            Some(rest) => s = rest,
            None => break,
        }
    }
    if let Some(c) = s.bytes().next().filter(|c| c.is_ascii_lowercase()) {
        out.letter = Some(c);
        s = &s[1..];
    }
    // apk-style suffix scan: every suffix occurrence counts, only leading ones are consumed
    let scan = s;
    let mut i = 0;
    while i < scan.len() {
        if !scan.is_char_boundary(i) {
            i += 1;
            continue;
        }
        if let Some((name, number, len)) = suffix_at(scan, i) {
            out.suffixes.push((
                suffix_weight(name),
                if number.is_empty() { "0" } else { number },
            ));
            let matched = &scan[i..i + len];
            if let Some(rest) = s.strip_prefix(matched) {
                s = rest;
            }
            i += len;
        } else {
            i += 1;
        }
    }
    if let Some(rest) = s.strip_prefix('~') {
        let h = rest
            .bytes()
            .take_while(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(c))
            .count();
        if h > 0 {
            s = &rest[h..];
        }
    }
    if !s.is_empty() {
        match s.strip_prefix("-r") {
            Some(rest) => {
                let d = rest.bytes().take_while(|c| c.is_ascii_digit()).count();
                if d > 0 {
                    out.build = &rest[..d];
                }
                s = &rest[d..];
            }
            None => out.invalid = true,
        }
    }
    out.remainder = s;
    out
}

fn cmp_number(a: Option<&str>, ai: usize, b: Option<&str>, bi: usize) -> Ordering {
    let (a, a_first) = match a {
        Some(a) => (a, ai == 0),
        None => ("0", true),
    };
    let (b, b_first) = match b {
        Some(b) => (b, bi == 0),
        None => ("0", true),
    };
    if !a_first && !b_first && (a.starts_with('0') || b.starts_with('0')) {
        return a.cmp(b);
    }
    cmp_decimal(a, b)
}

pub fn compare(a: &str, b: &str) -> Ordering {
    let (a, b) = (parse(a), parse(b));
    if a.invalid && b.invalid {
        return a.original.cmp(b.original);
    }
    let n = a.numbers.len().max(b.numbers.len());
    for i in 0..n {
        let ord = cmp_number(a.numbers.get(i).copied(), i, b.numbers.get(i).copied(), i);
        if ord != Ordering::Equal {
            return ord;
        }
    }
    let ord = match (a.letter, b.letter) {
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (x, y) => x.cmp(&y),
    };
    if ord != Ordering::Equal {
        return ord;
    }
    let n = a.suffixes.len().max(b.suffixes.len());
    for i in 0..n {
        let (wa, na) = a.suffixes.get(i).copied().unwrap_or((NO_SUFFIX, "0"));
        let (wb, nb) = b.suffixes.get(i).copied().unwrap_or((NO_SUFFIX, "0"));
        let ord = wa.cmp(&wb).then_with(|| cmp_decimal(na, nb));
        if ord != Ordering::Equal {
            return ord;
        }
    }
    let ord = cmp_decimal(a.build, b.build);
    if ord != Ordering::Equal {
        return ord;
    }
    match (a.remainder.is_empty(), b.remainder.is_empty()) {
        (true, false) => Ordering::Greater,
        (false, true) => Ordering::Less,
        _ => Ordering::Equal,
    }
}
