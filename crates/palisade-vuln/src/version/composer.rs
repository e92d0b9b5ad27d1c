//! Composer/Packagist versions, ordered like PHP's `version_compare` after Composer strips
//! a leading `v`: separators `-_+` become `.`, digits and letters are split apart, and
//! special words order `dev < alpha/a < beta/b < RC/rc < (number) < pl/p`.
//!
//! Every string is valid here (unknown words weigh like `dev`), so there is no fallback.

use std::cmp::Ordering;

use super::numeric::{cmp_decimal, is_digits};

pub(crate) fn canonical(v: &str) -> Vec<String> {
    let v = v.trim();
    let v = v
        .strip_prefix('v')
        .or_else(|| v.strip_prefix('V'))
        .unwrap_or(v);
    let mut out = String::with_capacity(v.len() + 4);
    let mut prev: Option<char> = None;
    for c in v.chars() {
        let c = if matches!(c, '-' | '_' | '+') { '.' } else { c };
        if let Some(p) = prev {
            let boundary = (p != '.' && !p.is_ascii_digit() && c.is_ascii_digit())
                || (p.is_ascii_digit() && c != '.' && !c.is_ascii_digit());
            if boundary {
                out.push('.');
            }
        }
        out.push(c);
        prev = Some(c);
    }
    out.split('.').map(str::to_string).collect()
}

fn special_weight(s: &str) -> u8 {
    if s.starts_with("RC") {
        return 3;
    }
    for (i, special) in ["dev", "a", "b", "rc", "#", "p"].iter().enumerate() {
        if s.starts_with(special) {
            return i as u8;
        }
    }
    0
}

pub(crate) fn cmp_components(a: &[String], b: &[String]) -> Ordering {
    for (x, y) in a.iter().zip(b.iter()) {
        let ord = match (is_digits(x), is_digits(y)) {
            (true, true) => cmp_decimal(x, y),
            (false, false) => special_weight(x).cmp(&special_weight(y)),
            (true, false) => special_weight("#").cmp(&special_weight(y)),
            (false, true) => special_weight(x).cmp(&special_weight("#")),
        };
        if ord != Ordering::Equal {
            return ord;
        }
    }
    let hash = ["#".to_string()];
    match a.len().cmp(&b.len()) {
        Ordering::Greater => {
            if is_digits(&a[b.len()]) {
                Ordering::Greater
            } else {
                cmp_components(&a[b.len()..], &hash)
            }
        }
        Ordering::Less => {
            if is_digits(&b[a.len()]) {
                Ordering::Less
            } else {
                cmp_components(&hash, &b[a.len()..])
            }
        }
        Ordering::Equal => Ordering::Equal,
    }
}

pub fn compare(a: &str, b: &str) -> Ordering {
    cmp_components(&canonical(a), &canonical(b))
}
