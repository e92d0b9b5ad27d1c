//! CRAN (R `numeric_version`) and Hackage versions: sequences of numbers.
//!
//! Numbers compare one by one; when one version is a prefix of the other the longer one
//! is greater. Fallback: a component that is not a number sorts as 0.

use std::cmp::Ordering;

use super::numeric::cmp_decimal;

pub(crate) fn components(v: &str, seps: &[char]) -> Vec<String> {
    v.trim()
        .split(|c| seps.contains(&c))
        .map(|c| {
            let d: String = c.chars().filter(|c| c.is_ascii_digit()).collect();
            if d.is_empty() {
                "0".to_string()
            } else {
                d
            }
        })
        .collect()
}

pub(crate) fn cmp_lists(a: &[String], b: &[String]) -> Ordering {
    for (x, y) in a.iter().zip(b) {
        let ord = cmp_decimal(x, y);
        if ord != Ordering::Equal {
            return ord;
        }
    }
    a.len().cmp(&b.len())
}

pub fn compare(a: &str, b: &str) -> Ordering {
    cmp_lists(&components(a, &['.', '-']), &components(b, &['.', '-']))
}

pub fn compare_hackage(a: &str, b: &str) -> Ordering {
    cmp_lists(&components(a, &['.']), &components(b, &['.']))
}
