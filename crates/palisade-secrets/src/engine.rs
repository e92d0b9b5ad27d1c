//! The scanning engine: bytes in, matches out.
//!
//! One Aho-Corasick automaton over every detector's keywords finds the places worth a
//! look; each detector's regex (the `regex` crate: linear time, no backtracking) then runs
//! only on the lines around its own keywords; candidates go through entropy, checksum and
//! structural validators, then the allowlists. A file with no keyword costs one pass of
//! the automaton.

use std::collections::HashSet;
use std::sync::{Arc, OnceLock};

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use globset::GlobSet;
use palisade_core::{Finding, Location, RuleMeta, SecretInfo, Severity};
use regex::bytes::{Regex, RegexBuilder};

use crate::detector::{Check, Detector, Span};
use crate::{generic, redact, validate};

/// How far back from a keyword the engine looks for the start of its line.
const MAX_LOOKBEHIND: usize = 512;
/// How far forward from a keyword the engine looks for the end of its line.
const MAX_LOOKAHEAD: usize = 2048;
/// Matches of one rule reported per buffer. A file holding more (generated data, a
/// fixture repeated a million times) says so on the last one instead of filling the
/// report and memory with copies.
pub const MAX_MATCHES_PER_RULE: usize = 1000;

/// One secret found in a byte buffer. Carries no secret bytes: only where it is, a
/// redacted preview and a fingerprint.
#[derive(Debug, Clone)]
pub struct Match {
    pub rule_id: Arc<str>,
    pub title: Arc<str>,
    pub provider: Arc<str>,
    pub severity: Severity,
    /// Byte offsets of the secret in the scanned buffer.
    pub start: usize,
    pub end: usize,
    /// 1-based line and column (in characters) of `start`.
    pub line: u32,
    pub column: u32,
    /// 1-based line of the secret's last byte (multi-line secrets such as PEM keys).
    pub end_line: u32,
    pub preview: String,
    pub fingerprint: String,
    /// Why the severity was lowered, e.g. an encrypted key or a failed checksum.
    pub note: Option<String>,
    rule: Option<&'static RuleMeta>,
    remediation: Option<Arc<str>>,
}

impl Match {
    /// The finding for this match in file `path`.
    pub fn to_finding(&self, path: &str) -> Finding {
        let location = Location::at(path, self.line, self.column);
        let mut message = format!("{} found: {}", self.title, self.preview);
        if let Some(note) = &self.note {
            message.push_str(&format!(" ({note})"));
        }
        let mut finding = match self.rule {
            Some(rule) => Finding::new(rule, message, location),
            None => Finding {
                rule_id: self.rule_id.to_string().into(),
                practice: palisade_core::Practice::Sec,
                severity: self.severity,
                title: self.title.to_string().into(),
                message,
                location,
                remediation: self.remediation.as_ref().map(|r| r.to_string().into()),
                references: Default::default(),
                package: None,
                aliases: Vec::new(),
                secret: None,
                evidence: Vec::new(),
                suppressed: None,
            },
        };
        finding.severity = self.severity;
        finding.secret = Some(Box::new(SecretInfo {
            preview: self.preview.clone(),
            fingerprint: self.fingerprint.clone(),
        }));
        finding
    }
}

impl Match {
    /// A match of the generic rule's detector over `value[start..end]`, a single line, for
    /// judgements made on a whole configuration value rather than by a pattern. `secret`
    /// is what the preview and the fingerprint are taken from.
    pub(crate) fn of_value(title: &str, value: &str, start: usize, end: usize) -> Match {
        let rule = crate::rules::generic_detector().rule;
        let secret = &value.as_bytes()[start..end];
        crate::found::remember(secret);
        Match {
            rule_id: rule.id.into(),
            title: title.into(),
            provider: "Generic".into(),
            severity: rule.severity,
            start,
            end,
            line: 1,
            column: value[..start].chars().count() as u32 + 1,
            end_line: 1,
            preview: redact::preview(secret),
            fingerprint: redact::fingerprint(secret),
            note: None,
            rule: Some(rule),
            remediation: None,
        }
    }
}

/// A detector ready to run: its regex compiled, its identity shared by its matches.
#[derive(Debug)]
pub(crate) struct CompiledDetector {
    pub id: Arc<str>,
    pub title: Arc<str>,
    pub provider: Arc<str>,
    pub severity: Severity,
    pub rule: Option<&'static RuleMeta>,
    pub remediation: Option<Arc<str>>,
    pub keywords: Vec<String>,
    pub case_sensitive: bool,
    pub pattern: LazyPattern,
    pub min_entropy: f64,
    pub check: Check,
    pub span: Span,
    /// Only files whose path matches are scanned (custom rules' `paths`).
    pub only_paths: Option<GlobSet>,
    /// Files whose path matches are never scanned by this detector.
    pub skip_paths: Option<GlobSet>,
}

/// Errors building a scanner.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error("rule {rule}: invalid regex: {message}")]
    Regex { rule: String, message: String },
    #[error("rule {rule}: needs at least one keyword so the prefilter can find it")]
    NoKeywords { rule: String },
    #[error("building the keyword automaton: {0}")]
    Keywords(String),
}

impl CompiledDetector {
    pub(crate) fn from_builtin(d: &'static Detector) -> Result<Self, EngineError> {
        Ok(CompiledDetector {
            id: d.rule.id.into(),
            title: d.rule.title.into(),
            provider: d.provider.into(),
            severity: d.rule.severity,
            rule: Some(d.rule),
            remediation: None,
            keywords: d
                .keywords
                .iter()
                .map(|k| {
                    if d.case_sensitive {
                        k.to_string()
                    } else {
                        k.to_ascii_lowercase()
                    }
                })
                .collect(),
            case_sensitive: d.case_sensitive,
            pattern: LazyPattern::new(d.rule.id, d.pattern),
            min_entropy: d.min_entropy,
            check: d.check,
            span: d.span,
            only_paths: None,
            skip_paths: None,
        })
    }
}

/// A detector's pattern, compiled on first use. Most detectors never see one of their
/// keywords in a scan, and compiling every pattern up front was most of the scanner's
/// start-up time. Built-in patterns are compiled by a test, so `get` finding one that does
/// not compile means a detector that never matches, never a panic.
#[derive(Debug, Clone)]
pub(crate) struct LazyPattern {
    rule: Arc<str>,
    pattern: Arc<str>,
    compiled: Arc<OnceLock<Option<(Regex, usize)>>>,
}

impl LazyPattern {
    pub(crate) fn new(rule: &str, pattern: &str) -> Self {
        LazyPattern {
            rule: rule.into(),
            pattern: pattern.into(),
            compiled: Arc::new(OnceLock::new()),
        }
    }

    /// A pattern already compiled (custom rules are validated when the config loads).
    pub(crate) fn compiled(rule: &str, pattern: &str, regex: Regex) -> Self {
        let group = secret_group(&regex);
        let lazy = LazyPattern::new(rule, pattern);
        let _ = lazy.compiled.set(Some((regex, group)));
        lazy
    }

    /// Whether capture group `i` is a named context group (`key`, `value`).
    pub(crate) fn is_context_group(&self, i: usize) -> bool {
        self.get().is_some_and(|(regex, _)| {
            matches!(regex.capture_names().nth(i), Some(Some("key" | "value")))
        })
    }

    /// The regex and the index of the group that holds the secret.
    pub(crate) fn get(&self) -> Option<&(Regex, usize)> {
        self.compiled
            .get_or_init(|| {
                compile_pattern(&self.rule, &self.pattern)
                    .ok()
                    .map(|regex| {
                        let group = secret_group(&regex);
                        (regex, group)
                    })
            })
            .as_ref()
    }
}

/// Compiles a detector pattern for byte input with Unicode classes off: linear time,
/// small automata, and invalid UTF-8 is just bytes.
pub(crate) fn compile_pattern(rule: &str, pattern: &str) -> Result<Regex, EngineError> {
    RegexBuilder::new(pattern)
        .unicode(false)
        .size_limit(8 << 20)
        .dfa_size_limit(8 << 20)
        .build()
        .map_err(|e| EngineError::Regex {
            rule: rule.to_string(),
            message: e.to_string(),
        })
}

fn secret_group(regex: &Regex) -> usize {
    if let Some(i) = regex.capture_names().position(|n| n == Some("secret")) {
        return i;
    }
    if regex.captures_len() > 1 {
        1
    } else {
        0
    }
}

/// For one keyword, the case-sensitive detectors that own it and the exact keyword text
/// a hit must contain for each.
type ExactOwners = Vec<(usize, Arc<[u8]>)>;

/// The compiled rule set. Cheap to share across threads (`&Scanner` is `Sync`).
#[derive(Debug)]
pub struct Scanner {
    pub(crate) detectors: Vec<CompiledDetector>,
    /// Every keyword, lower-cased and matched ignoring ASCII case, in one automaton: one
    /// pass over the bytes whatever the mix of case-sensitive and insensitive keywords.
    keywords: AhoCorasick,
    /// For each keyword pattern id, the detectors whose keywords match ignoring case.
    owners: Vec<Vec<usize>>,
    /// For each keyword pattern id, the case-sensitive detectors and the exact keyword the
    /// hit must contain for them (`AKIA`, not `akia`).
    exact_owners: Vec<ExactOwners>,
    /// For each keyword pattern id, where the search resumes after one of its hits,
    /// counted from the hit's start: its length, or less where a suffix of it begins
    /// another keyword with detectors of its own (`eyJ` then `JrdHki`, `:AA` then a run
    /// of `A`), which a non-overlapping search would otherwise step over.
    resume_after: Vec<usize>,
}

/// Builds the keyword automaton: a leftmost-longest DFA, because keyword search over a
/// few hundred short keywords is the hot loop of the whole scan and non-overlapping
/// search is several times faster than overlapping search. A keyword that is a substring
/// of a longer one is not reported where the longer one matches, so each keyword also
/// carries the owners of every keyword it contains ([`absorb_substrings`]).
fn keyword_automaton(words: &[String]) -> Result<AhoCorasick, EngineError> {
    AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::LeftmostLongest)
        .kind(Some(aho_corasick::AhoCorasickKind::DFA))
        .build(words)
        .map_err(|e| EngineError::Keywords(e.to_string()))
}

/// For each keyword, the offset from a hit's start where the search resumes (see
/// [`Scanner::resume_after`]). A suffix that begins a keyword whose detectors all own the
/// hit's keyword already (`sword` after `pass` in `password`) needs no second look.
fn resume_offsets(
    words: &[String],
    owners: &[Vec<usize>],
    exact_owners: &[ExactOwners],
) -> Vec<usize> {
    let detectors_of = |i: usize| -> Vec<usize> {
        owners[i]
            .iter()
            .copied()
            .chain(exact_owners[i].iter().map(|(d, _)| *d))
            .collect()
    };
    words
        .iter()
        .enumerate()
        .map(|(i, word)| {
            let mine = detectors_of(i);
            (1..word.len())
                .find(|&k| {
                    let suffix = &word[k..];
                    words.iter().enumerate().any(|(j, other)| {
                        other.starts_with(suffix)
                            && detectors_of(j).iter().any(|d| !mine.contains(d))
                    })
                })
                .unwrap_or(word.len().max(1))
        })
        .collect()
}

/// Gives each keyword the owners of the keywords it contains (all are lower-case).
fn absorb_substrings(
    words: &[String],
    owners: &mut [Vec<usize>],
    exact_owners: &mut [ExactOwners],
) {
    let snapshot = owners.to_vec();
    let exact_snapshot = exact_owners.to_vec();
    for (i, outer) in words.iter().enumerate() {
        for (j, inner) in words.iter().enumerate() {
            if i != j && outer.contains(inner.as_str()) {
                for &d in &snapshot[j] {
                    if !owners[i].contains(&d) {
                        owners[i].push(d);
                    }
                }
                for e in &exact_snapshot[j] {
                    if !exact_owners[i].contains(e) {
                        exact_owners[i].push(e.clone());
                    }
                }
            }
        }
    }
}

impl Scanner {
    pub(crate) fn from_compiled(detectors: Vec<CompiledDetector>) -> Result<Self, EngineError> {
        let mut words: Vec<String> = Vec::new();
        let mut owners: Vec<Vec<usize>> = Vec::new();
        let mut exact_owners: Vec<ExactOwners> = Vec::new();
        for (i, d) in detectors.iter().enumerate() {
            if d.keywords.is_empty() && !matches!(d.span, Span::Shape(_)) {
                return Err(EngineError::NoKeywords {
                    rule: d.id.to_string(),
                });
            }
            for k in &d.keywords {
                let lower = k.to_ascii_lowercase();
                let p = match words.iter().position(|w| *w == lower) {
                    Some(p) => p,
                    None => {
                        words.push(lower);
                        owners.push(Vec::new());
                        exact_owners.push(Vec::new());
                        words.len() - 1
                    }
                };
                if d.case_sensitive {
                    let exact: Arc<[u8]> = k.as_bytes().into();
                    if !exact_owners[p].contains(&(i, exact.clone())) {
                        exact_owners[p].push((i, exact));
                    }
                } else if !owners[p].contains(&i) {
                    owners[p].push(i);
                }
            }
        }
        absorb_substrings(&words, &mut owners, &mut exact_owners);
        let resume_after = resume_offsets(&words, &owners, &exact_owners);
        Ok(Scanner {
            keywords: keyword_automaton(&words)?,
            detectors,
            owners,
            exact_owners,
            resume_after,
        })
    }

    /// Ids of the detectors this scanner runs.
    pub fn rule_ids(&self) -> impl Iterator<Item = &str> {
        self.detectors.iter().map(|d| &*d.id)
    }

    /// Scans one buffer. `path` feeds the path allowlists and names the format (a
    /// `.properties` file is also read entry by entry); offsets are into `bytes`.
    pub fn scan_bytes(&self, path: &str, bytes: &[u8]) -> Vec<Match> {
        if crate::allowlist::is_path_allowlisted(path) {
            return Vec::new();
        }
        let mut found = self.find(path, bytes);
        if crate::properties::is_properties_path(path) {
            self.judge_properties(path, bytes, &mut found);
        }
        finish(bytes, found)
    }

    /// Scans each entry of a properties file as `key: "value"`: its value whole (across
    /// continuations), whatever its separator, and as the literal text it is. Those
    /// matches replace the text matches they overlap.
    fn judge_properties(&self, path: &str, bytes: &[u8], found: &mut Vec<Match>) {
        // Provider formats are found by the text scan whatever the separator; only values
        // under secret-named keys can be judged differently entry by entry.
        static SECRET_NAMED: OnceLock<Option<AhoCorasick>> = OnceLock::new();
        let Some(secret_named) = SECRET_NAMED.get_or_init(|| {
            AhoCorasickBuilder::new()
                .ascii_case_insensitive(true)
                .build(crate::rules::generic_detector().keywords)
                .ok()
        }) else {
            return;
        };
        let secret_named = |key: &[u8]| secret_named.is_match(key);
        for entry in crate::properties::entries_where(bytes, secret_named, true) {
            let mut text = entry.key.clone();
            text.extend_from_slice(b": \"");
            let prefix = text.len();
            text.extend_from_slice(&entry.value);
            text.extend_from_slice(b"\"\n");
            for mut m in self.find(path, &text) {
                if m.start < prefix || m.end > prefix + entry.value.len() || m.end == m.start {
                    continue;
                }
                m.start = entry.offsets[m.start - prefix];
                m.end = entry.offsets[m.end - prefix - 1] + 1;
                found.retain(|f| f.end <= m.start || m.end <= f.start);
                found.push(m);
            }
        }
    }

    /// The matches in one buffer, without line and column.
    fn find(&self, path: &str, bytes: &[u8]) -> Vec<Match> {
        let mut windows: Vec<Vec<(usize, usize)>> = vec![Vec::new(); self.detectors.len()];
        let mut any = false;
        let mut at = 0;
        while let Some(hit) = self
            .keywords
            .find(aho_corasick::Input::new(bytes).span(at..bytes.len()))
        {
            let pattern = hit.pattern().as_usize();
            at = hit.start() + self.resume_after[pattern];
            let text = &bytes[hit.start()..hit.end()];
            let exact = self.exact_owners[pattern]
                .iter()
                .filter(|(_, k)| memchr::memmem::find(text, k).is_some())
                .map(|(d, _)| d);
            for &d in self.owners[pattern].iter().chain(exact) {
                let list = &mut windows[d];
                if list
                    .last()
                    .is_some_and(|w| hit.start() >= w.0 && hit.end() <= w.1)
                {
                    continue;
                }
                let (ws, we) = window_around(bytes, hit.start(), hit.end(), self.detectors[d].span);
                match list.last_mut() {
                    Some(last) if ws <= last.1 => {
                        last.0 = last.0.min(ws);
                        last.1 = last.1.max(we);
                    }
                    _ => list.push((ws, we)),
                }
                any = true;
            }
        }
        for (d, det) in self.detectors.iter().enumerate() {
            if let Span::Shape(shape) = det.span {
                windows[d] = shape.windows(bytes);
                any |= !windows[d].is_empty();
            }
        }
        if !any {
            return Vec::new();
        }
        let mut seen: HashSet<(usize, usize, usize)> = HashSet::new();
        let mut found: Vec<Match> = Vec::new();
        for (di, list) in windows.iter().enumerate() {
            if list.is_empty() {
                continue;
            }
            let det = &self.detectors[di];
            if det.only_paths.as_ref().is_some_and(|g| !g.is_match(path))
                || det.skip_paths.as_ref().is_some_and(|g| g.is_match(path))
            {
                continue;
            }
            let Some((regex, group)) = det.pattern.get() else {
                continue;
            };
            let mut reported = 0usize;
            'windows: for &(ws, we) in list {
                let window = &bytes[ws..we];
                for caps in regex.captures_iter(window) {
                    // Alternations may name the secret in another group than `secret`; the
                    // `key` and `value` groups are context, never the secret.
                    let Some(m) = caps
                        .get(*group)
                        .or_else(|| {
                            (1..caps.len())
                                .filter(|&i| !det.pattern.is_context_group(i))
                                .find_map(|i| caps.get(i))
                        })
                        .or_else(|| caps.get(0))
                    else {
                        continue;
                    };
                    let (start, end) = (ws + m.start(), ws + m.end());
                    if !seen.insert((di, start, end)) {
                        continue;
                    }
                    let whole = caps.get(0).map(|w| w.as_bytes()).unwrap_or_default();
                    if let Some(mut verdict) = self.judge(det, m.as_bytes(), whole, &caps) {
                        reported += 1;
                        let last = reported == MAX_MATCHES_PER_RULE;
                        if last {
                            let limit = format!(
                                "{MAX_MATCHES_PER_RULE} matches of this rule in this file: the rest are not reported"
                            );
                            verdict.note = Some(match verdict.note.take() {
                                Some(note) => format!("{note}; {limit}"),
                                None => limit,
                            });
                        }
                        found.push(self.make_match(det, start, end, &bytes[start..end], verdict));
                        if last {
                            break 'windows;
                        }
                    }
                }
            }
        }
        found
    }

    fn judge(
        &self,
        det: &CompiledDetector,
        secret: &[u8],
        whole: &[u8],
        caps: &regex::bytes::Captures<'_>,
    ) -> Option<Verdict> {
        if det.min_entropy > 0.0
            && validate::shannon_entropy(secret) < det.min_entropy
            && !(det.check == Check::Base62Crc32 && validate::base62_crc32_valid(secret))
        {
            return None;
        }
        let mut verdict = Verdict {
            severity: det.severity,
            note: None,
        };
        match det.check {
            Check::None => {
                if validate::is_placeholder(secret) {
                    return None;
                }
            }
            Check::Base62Crc32 => {
                // A matching checksum is computed, never typed: only placeholder words
                // and templates disqualify such a token, not runs such as `0000000`.
                if validate::base62_crc32_valid(secret) {
                    if validate::is_placeholder_text(secret) {
                        return None;
                    }
                } else if validate::is_placeholder(secret)
                    || !validate::has_standard_checksum_body(secret)
                {
                    return None;
                } else {
                    verdict.severity = Severity::Medium.min(det.severity);
                    verdict.note = Some("checksum does not match: likely a test value".into());
                }
            }
            Check::PemBody => {
                if !validate::pem_body_decodes(whole) {
                    return None;
                }
                let text = String::from_utf8_lossy(whole);
                if text.contains("ENCRYPTED") || text.contains("Proc-Type: 4,ENCRYPTED") {
                    verdict.severity = Severity::Low;
                    verdict.note = Some("the key is encrypted with a passphrase".into());
                }
            }
            Check::Jwt => {
                // A prefixed token (`ghs_<date>_eyJ…`) names its JWT part `value`.
                let token = caps.name("value").map(|v| v.as_bytes()).unwrap_or(secret);
                if !validate::jwt_header_valid(token) {
                    return None;
                }
                // Documentation signs its sample tokens with words (`…EXAMPLEFAKESIG`).
                let signature = token.rsplit(|&b| b == b'.').next().unwrap_or_default();
                if token.contains(&b'.') && validate::is_placeholder_text(signature) {
                    return None;
                }
            }
            Check::UrlPassword => {
                if !generic::is_real_password(secret) {
                    return None;
                }
            }
            Check::CurlUser => {
                let text = String::from_utf8_lossy(secret);
                let strip = |s: &str| {
                    s.trim_matches(|c: char| matches!(c, '"' | '\'' | '{' | '}'))
                        .to_string()
                };
                let (user, password) = text.split_once(':')?;
                let (user, password) = (strip(user), strip(password));
                let candidate = if password.is_empty() { user } else { password };
                if candidate.len() < 4 || !generic::is_real_password(candidate.as_bytes()) {
                    return None;
                }
            }
            Check::BasicAuthBase64 => {
                let decoded = validate::base64_decode(secret)?;
                let text = String::from_utf8(decoded).ok()?;
                let (_, password) = text.split_once(':')?;
                if !generic::is_real_password(password.as_bytes()) {
                    return None;
                }
            }
            Check::Base64Pem => {
                let decoded = validate::base64_decode(secret)?;
                if !decoded.starts_with(b"-----BEGIN") || !validate::pem_body_decodes(&decoded) {
                    return None;
                }
            }
            Check::InnerValue => {
                let value = caps.name("value").map(|v| v.as_bytes()).unwrap_or(secret);
                if validate::is_placeholder_text(value) {
                    return None;
                }
            }
            Check::Base64PemInside => match validate::base64_private_key_inside(secret)? {
                validate::EmbeddedKey::Plain => {}
                validate::EmbeddedKey::Encrypted => {
                    verdict.severity = Severity::Low;
                    verdict.note = Some("the key is encrypted with a passphrase".into());
                }
            },
            Check::DerPrivateKey => {
                if !validate::der_private_key(secret) {
                    return None;
                }
            }
            Check::MixedCaseRandom => {
                let key = caps.name("key").map(|k| k.as_bytes()).unwrap_or_default();
                let mixed = secret.iter().any(u8::is_ascii_uppercase)
                    && secret.iter().any(u8::is_ascii_lowercase)
                    && secret.iter().any(u8::is_ascii_digit);
                if !mixed || !generic::accept(key, secret, whole) {
                    return None;
                }
            }
            Check::JfrogReference => {
                if validate::is_placeholder(secret) || !validate::jfrog_reference_structure(secret)
                {
                    return None;
                }
            }
            Check::Bech32 => {
                if validate::is_placeholder(secret) || !validate::bech32_valid(secret) {
                    return None;
                }
            }
            Check::Base64JwkInside => {
                if !validate::base64_private_jwk_inside(secret) {
                    return None;
                }
            }
            Check::XmlElement => {
                let key = caps.name("key").map(|k| k.as_bytes()).unwrap_or_default();
                let value = caps.name("value").map(|v| v.as_bytes()).unwrap_or(secret);
                if !generic::accept_xml_text(key, value) {
                    return None;
                }
            }
            Check::CommandLine => match caps.name("key") {
                Some(key) => {
                    let key = key.as_bytes();
                    let name = &key[key.iter().take_while(|&&b| b == b'-').count()..];
                    // A UUID given to a `--token` option is a token (many services issue
                    // UUID keys); the generic rule rejects UUIDs only because, assigned in
                    // configuration, they are mostly identifiers.
                    if !generic::is_uuid(secret) && !generic::accept(name, secret, whole) {
                        return None;
                    }
                }
                None => {
                    if !generic::is_real_password(secret) {
                        return None;
                    }
                }
            },
            Check::GenericAssignment => {
                let key = caps.name("key").map(|k| k.as_bytes()).unwrap_or_default();
                if !generic::accept(key, secret, whole) {
                    return None;
                }
            }
        }
        Some(verdict)
    }

    fn make_match(
        &self,
        det: &CompiledDetector,
        start: usize,
        end: usize,
        secret: &[u8],
        verdict: Verdict,
    ) -> Match {
        Match {
            rule_id: det.id.clone(),
            title: det.title.clone(),
            provider: det.provider.clone(),
            severity: verdict.severity,
            start,
            end,
            line: 0,
            column: 0,
            end_line: 0,
            preview: redact::preview(secret),
            fingerprint: redact::fingerprint(secret),
            note: verdict.note,
            rule: det.rule,
            remediation: det.remediation.clone(),
        }
    }
}

struct Verdict {
    severity: Severity,
    note: Option<String>,
}

/// The line (or block) around a keyword hit, bounded so huge lines stay cheap.
fn window_around(bytes: &[u8], start: usize, end: usize, span: Span) -> (usize, usize) {
    let back_limit = start.saturating_sub(MAX_LOOKBEHIND);
    let mut ws = memchr::memrchr(b'\n', &bytes[back_limit..start])
        .map(|p| back_limit + p + 1)
        .unwrap_or(back_limit);
    if let Span::BlockFromLineBefore(_) = span {
        if ws > back_limit {
            ws = memchr::memrchr(b'\n', &bytes[back_limit..ws - 1])
                .map(|p| back_limit + p + 1)
                .unwrap_or(back_limit);
        }
    }
    let we = match span {
        Span::Line | Span::Shape(_) => {
            let fwd_limit = (end + MAX_LOOKAHEAD).min(bytes.len());
            memchr::memchr(b'\n', &bytes[end..fwd_limit])
                .map(|p| end + p)
                .unwrap_or(fwd_limit)
        }
        Span::Block(n) | Span::BlockFromLineBefore(n) => (ws + n).min(bytes.len()).max(end),
    };
    (ws, we)
}

/// Rules whose matches give way to any other rule's overlapping match: the generic rule,
/// and the unarmoured DER key rule, whose body is also the body of an armoured PEM key.
const FALLBACK_RULE_IDS: &[&str] = &[generic::GENERIC_RULE_ID, "SEC230"];

/// Drops generic matches that a provider rule already explains and identical ranges
/// found twice, then fills in line and column.
fn finish(bytes: &[u8], mut found: Vec<Match>) -> Vec<Match> {
    found.sort_by(|a, b| (a.start, &a.rule_id).cmp(&(b.start, &b.rule_id)));
    let specific: Vec<(usize, usize)> = found
        .iter()
        .filter(|m| !FALLBACK_RULE_IDS.contains(&&*m.rule_id))
        .map(|m| (m.start, m.end))
        .collect();
    found.retain(|m| {
        !FALLBACK_RULE_IDS.contains(&&*m.rule_id)
            || !specific.iter().any(|&(s, e)| s < m.end && m.start < e)
    });
    found.dedup_by(|b, a| a.start == b.start && a.end == b.end && a.provider == b.provider);
    let mut line = 1u32;
    let mut pos = 0usize;
    // Column (in characters) of `pos`, carried from match to match so a single huge line
    // with many matches is walked once, not once per match.
    let mut column = 1u32;
    for m in &mut found {
        let gap = &bytes[pos..m.start];
        let from = match memchr::memrchr(b'\n', gap) {
            Some(nl) => {
                line += memchr::memchr_iter(b'\n', gap).count() as u32;
                column = 1;
                nl + 1
            }
            None => 0,
        };
        column += gap[from..].iter().filter(|&&b| (b & 0xC0) != 0x80).count() as u32;
        pos = m.start;
        m.line = line;
        m.column = column;
        m.end_line = line + memchr::memchr_iter(b'\n', &bytes[m.start..m.end]).count() as u32;
        crate::found::remember(&bytes[m.start..m.end]);
    }
    found
}

impl CompiledDetector {
    /// A copy for another scanner (regexes are cheap to clone: they share their program).
    pub(crate) fn duplicate(&self) -> CompiledDetector {
        CompiledDetector {
            id: self.id.clone(),
            title: self.title.clone(),
            provider: self.provider.clone(),
            severity: self.severity,
            rule: self.rule,
            remediation: self.remediation.clone(),
            keywords: self.keywords.clone(),
            case_sensitive: self.case_sensitive,
            pattern: self.pattern.clone(),
            min_entropy: self.min_entropy,
            check: self.check,
            span: self.span,
            only_paths: self.only_paths.clone(),
            skip_paths: self.skip_paths.clone(),
        }
    }
}
