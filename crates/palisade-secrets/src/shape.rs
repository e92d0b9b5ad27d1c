//! Finding tokens that have no fixed prefix to use as a keyword, by a cheap test of their
//! shape. The keyword automaton cannot see such tokens, and running their regex over
//! every byte would cost more than the rest of the scan; a shape test looks at a few
//! bytes per position and hands the regex only the few places that pass.

/// A token shape the engine can look for without a keyword.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// `id.timestamp.hmac`: base64url segments where the middle one is exactly six
    /// characters, so two dots stand seven bytes apart (Discord bot tokens).
    DotSixDot,
}

/// Longest first segment of a [`Shape::DotSixDot`] token.
const DOT_SIX_DOT_BEFORE: usize = 26;
/// Longest last segment, plus one byte so the regex sees what follows the token.
const DOT_SIX_DOT_AFTER: usize = 8 + 38 + 1;

impl Shape {
    /// The byte ranges of `bytes` the detector's regex should look at, in order and not
    /// overlapping.
    pub(crate) fn windows(self, bytes: &[u8]) -> Vec<(usize, usize)> {
        match self {
            Shape::DotSixDot => {
                let mut windows: Vec<(usize, usize)> = Vec::new();
                for_each_dot_pair(bytes, |i| {
                    let start = i.saturating_sub(DOT_SIX_DOT_BEFORE);
                    let end = (i + DOT_SIX_DOT_AFTER).min(bytes.len());
                    match windows.last_mut() {
                        Some(last) if start <= last.1 => last.1 = last.1.max(end),
                        _ => windows.push((start, end)),
                    }
                });
                windows
            }
        }
    }
}

/// Calls `found(i)`, in increasing order, for every `i` where `bytes[i]` and
/// `bytes[i + 7]` are both `.`.
fn for_each_dot_pair(bytes: &[u8], mut found: impl FnMut(usize)) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: SSE2 is part of the x86_64 baseline, so every x86_64 CPU has it.
    let mut i = unsafe { sse2_dot_pairs(bytes, &mut found) };
    #[cfg(not(target_arch = "x86_64"))]
    let mut i = 0;
    while i + 7 < bytes.len() {
        if bytes[i] == b'.' && bytes[i + 7] == b'.' {
            found(i);
        }
        i += 1;
    }
}

/// The bulk of [`for_each_dot_pair`], sixteen positions per step, which keeps this pass a
/// small fraction of the keyword automaton's time. Returns where the caller goes on.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "sse2")]
fn sse2_dot_pairs(bytes: &[u8], found: &mut impl FnMut(usize)) -> usize {
    use std::arch::x86_64::{
        __m128i, _mm_and_si128, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_set1_epi8,
    };
    let dot = _mm_set1_epi8(b'.' as i8);
    let mut i = 0;
    while i + 16 + 7 <= bytes.len() {
        // SAFETY: both 16-byte loads end at or before `i + 23 <= bytes.len()`; `loadu` has
        // no alignment requirement.
        let (here, later) = unsafe {
            (
                _mm_loadu_si128(bytes.as_ptr().add(i) as *const __m128i),
                _mm_loadu_si128(bytes.as_ptr().add(i + 7) as *const __m128i),
            )
        };
        let both = _mm_and_si128(_mm_cmpeq_epi8(here, dot), _mm_cmpeq_epi8(later, dot));
        let mut mask = _mm_movemask_epi8(both) as u32;
        while mask != 0 {
            found(i + mask.trailing_zeros() as usize);
            mask &= mask - 1;
        }
        i += 16;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scalar_pairs(bytes: &[u8]) -> Vec<usize> {
        (0..bytes.len().saturating_sub(7))
            .filter(|&i| bytes[i] == b'.' && bytes[i + 7] == b'.')
            .collect()
    }

    #[test]
    fn dot_pairs_agree_with_the_plain_definition() {
        let mut text = Vec::new();
        for n in 0..400u32 {
            let b = match (n * 7919) % 11 {
                0 | 3 => b'.',
                _ => b'a' + (n % 26) as u8,
            };
            text.push(b);
        }
        for len in [0, 5, 7, 8, 15, 22, 23, 24, 40, 100, 399, 400] {
            let mut got = Vec::new();
            for_each_dot_pair(&text[..len], |i| got.push(i));
            assert_eq!(got, scalar_pairs(&text[..len]), "length {len}");
        }
    }

    #[test]
    fn windows_cover_the_token_and_merge() {
        let text = b"x = MTk4NjIyNDgzNDcxOTI1MjQ4.Cl2FMQ.ZnCjm1XVW7vRze4b7Cq4se7kKWs and a.bcdef.g";
        let windows = Shape::DotSixDot.windows(text);
        let token_start = 4;
        let token_end = token_start + 59;
        assert_eq!(windows.len(), 1, "{windows:?}");
        assert!(windows[0].0 <= token_start && windows[0].1 >= token_end);
        assert!(Shape::DotSixDot.windows(b"no dots here at all").is_empty());
    }
}
