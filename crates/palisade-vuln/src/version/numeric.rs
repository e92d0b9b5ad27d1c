//! Arbitrary-length decimal comparison, so `99999999999999999999` never overflows.

use std::cmp::Ordering;

/// Compares two strings of ASCII digits as unbounded non-negative integers.
pub fn cmp_decimal(a: &str, b: &str) -> Ordering {
    let a = a.trim_start_matches('0');
    let b = b.trim_start_matches('0');
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

pub(crate) fn is_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|c| c.is_ascii_digit())
}
