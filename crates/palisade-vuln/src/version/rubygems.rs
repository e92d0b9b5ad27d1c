//! RubyGems versions, ordered like `Gem::Version#<=>`.
//!
//! `-` becomes `.pre.`; the version is split into numbers and letter runs; trailing zeros
//! of the numeric part and of the part after the first letter run are dropped; then
//! segments compare pairwise, a letter run sorting before any number (so `1.0.a < 1.0`).
//! Fallback: strings Gem::Version would reject are compared by the same segment rule.

use std::cmp::Ordering;

use super::numeric::cmp_decimal;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Seg {
    Num(String),
    Str(String),
}

fn segments(v: &str) -> Vec<Seg> {
    let v = v.trim().replace('-', ".pre.");
    let mut out = Vec::new();
    let b = v.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i].is_ascii_digit() {
            let s = i;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            let t = v[s..i].trim_start_matches('0');
            out.push(Seg::Num(if t.is_empty() { "0".into() } else { t.into() }));
        } else if b[i].is_ascii_alphabetic() {
            let s = i;
            while i < b.len() && b[i].is_ascii_alphabetic() {
                i += 1;
            }
            out.push(Seg::Str(v[s..i].to_string()));
        } else {
            i += 1;
        }
    }
    out
}

pub(crate) fn canonical(v: &str) -> Vec<Seg> {
    let segs = segments(v);
    let split = segs
        .iter()
        .position(|s| matches!(s, Seg::Str(_)))
        .unwrap_or(segs.len());
    let (nums, strs) = segs.split_at(split);
    let drop_zeros = |part: &[Seg]| {
        let mut n = part.len();
        while n > 0 && part[n - 1] == Seg::Num("0".into()) {
            n -= 1;
        }
        part[..n].to_vec()
    };
    let mut out = drop_zeros(nums);
    out.extend(drop_zeros(strs));
    out
}

pub fn compare(a: &str, b: &str) -> Ordering {
    cmp_canonical(&canonical(a), &canonical(b))
}

pub(crate) fn cmp_canonical(a: &[Seg], b: &[Seg]) -> Ordering {
    let zero = Seg::Num("0".into());
    for i in 0..a.len().max(b.len()) {
        let (x, y) = (a.get(i).unwrap_or(&zero), b.get(i).unwrap_or(&zero));
        let ord = match (x, y) {
            (Seg::Num(x), Seg::Num(y)) => cmp_decimal(x, y),
            (Seg::Str(_), Seg::Num(_)) => Ordering::Less,
            (Seg::Num(_), Seg::Str(_)) => Ordering::Greater,
            (Seg::Str(x), Seg::Str(y)) => x.cmp(y),
        };
        if ord != Ordering::Equal {
            return ord;
        }
    }
    Ordering::Equal
}
