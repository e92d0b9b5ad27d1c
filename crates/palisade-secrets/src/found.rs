//! The secrets found so far in this process, so that [`crate::redact`] also hides them
//! where they reappear without the context that identified them: a token that SEC201
//! reported from a ConfigMap value whatever its key, or a password found under its key,
//! copied into a resource name, a label or an error message, is not printed whole there
//! either.

use std::collections::BTreeSet;
use std::sync::{Arc, LazyLock, RwLock};

use aho_corasick::{AhoCorasick, MatchKind};

/// Shorter strings are too common to stand for one secret (and `redact` skips them).
const MIN_LEN: usize = 8;
/// At most this many bytes of secrets are kept: beyond it, new ones are only redacted
/// where the engine recognises them again.
const MAX_BYTES: usize = 16 << 20;

#[derive(Default)]
struct Found {
    secrets: BTreeSet<Box<[u8]>>,
    bytes: usize,
    /// Built on the first redaction after a change.
    automaton: Option<Arc<AhoCorasick>>,
}

static FOUND: LazyLock<RwLock<Found>> = LazyLock::new(Default::default);

/// Remembers `secret` (the bytes a match covers).
pub(crate) fn remember(secret: &[u8]) {
    if secret.len() < MIN_LEN {
        return;
    }
    // Most matches repeat a secret already kept: only a new one takes the write lock,
    // which every scanning thread would otherwise queue on.
    if FOUND
        .read()
        .is_ok_and(|found| found.secrets.contains(secret))
    {
        return;
    }
    let Ok(mut found) = FOUND.write() else { return };
    if found.bytes + secret.len() <= MAX_BYTES && found.secrets.insert(secret.into()) {
        found.bytes += secret.len();
        found.automaton = None;
    }
}

/// The automaton over every remembered secret, `None` while there is none.
fn automaton() -> Option<Arc<AhoCorasick>> {
    if let Some(built) = FOUND.read().ok()?.automaton.clone() {
        return Some(built);
    }
    let mut found = FOUND.write().ok()?;
    if found.secrets.is_empty() {
        return None;
    }
    let built = Arc::new(
        AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(found.secrets.iter())
            .ok()?,
    );
    found.automaton = Some(built.clone());
    Some(built)
}

/// `text` with every remembered secret replaced by its preview.
pub(crate) fn hide(text: &str) -> std::borrow::Cow<'_, str> {
    let Some(automaton) = automaton() else {
        return std::borrow::Cow::Borrowed(text);
    };
    let mut out = String::new();
    let mut at = 0;
    for m in automaton.find_iter(text) {
        // A secret cut inside a character cannot be printed as text anyway.
        let (Some(before), Some(secret)) = (text.get(at..m.start()), text.get(m.range())) else {
            continue;
        };
        out.push_str(before);
        out.push_str(&crate::preview(secret.as_bytes()));
        at = m.end();
    }
    if at == 0 {
        return std::borrow::Cow::Borrowed(text);
    }
    out.push_str(&text[at..]);
    std::borrow::Cow::Owned(out)
}
