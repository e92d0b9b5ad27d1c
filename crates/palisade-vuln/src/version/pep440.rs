//! Python versions (PEP 440), ordered like `packaging.version.Version`.
//!
//! Accepts every spelling packaging accepts (case, `v` prefix, `alpha`/`c`/`pre`/`preview`,
//! `-N` post releases, `rev`/`r`, separators `.`/`-`/`_` or none, implicit numbers) and
//! normalises to the canonical form. Fallback: a string packaging rejects sorts before
//! every valid version, and invalid versions compare by their text (the old
//! `LegacyVersion` rule).

use std::cmp::Ordering;

use super::numeric::cmp_decimal;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Pep440 {
    epoch: String,
    release: Vec<String>,
    /// (0 = a, 1 = b, 2 = rc, number)
    pre: Option<(u8, String)>,
    post: Option<String>,
    dev: Option<String>,
    local: Vec<String>,
}

struct Cursor<'a> {
    s: &'a [u8],
    i: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }
    fn digits(&mut self) -> Option<String> {
        let start = self.i;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.i += 1;
        }
        (self.i > start).then(|| String::from_utf8_lossy(&self.s[start..self.i]).into_owned())
    }
    fn word(&mut self, words: &[&str]) -> Option<String> {
        for w in words {
            if self.s[self.i..].starts_with(w.as_bytes()) {
                self.i += w.len();
                return Some((*w).to_string());
            }
        }
        None
    }
    fn sep(&mut self) -> bool {
        if matches!(self.peek(), Some(b'.' | b'-' | b'_')) {
            self.i += 1;
            true
        } else {
            false
        }
    }
}

fn strip_zeros(n: String) -> String {
    let t = n.trim_start_matches('0');
    if t.is_empty() {
        "0".into()
    } else {
        t.into()
    }
}

pub(crate) fn parse(v: &str) -> Option<Pep440> {
    let lower = v.trim().to_ascii_lowercase();
    let mut c = Cursor {
        s: lower.as_bytes(),
        i: 0,
    };
    if c.peek() == Some(b'v') {
        c.i += 1;
    }
    let mut epoch = "0".to_string();
    let first = c.digits()?;
    let mut release = vec![];
    if c.peek() == Some(b'!') {
        c.i += 1;
        epoch = strip_zeros(first);
        release.push(strip_zeros(c.digits()?));
    } else {
        release.push(strip_zeros(first));
    }
    loop {
        let save = c.i;
        if c.peek() == Some(b'.') {
            c.i += 1;
            if let Some(d) = c.digits() {
                release.push(strip_zeros(d));
                continue;
            }
        }
        c.i = save;
        break;
    }
    let mut pre = None;
    {
        let save = c.i;
        c.sep();
        let w = c.word(&["alpha", "beta", "preview", "pre", "rc", "a", "b", "c"]);
        match w {
            Some(w) => {
                let kind = match w.as_str() {
                    "alpha" | "a" => 0,
                    "beta" | "b" => 1,
                    _ => 2,
                };
                let save2 = c.i;
                c.sep();
                let n = match c.digits() {
                    Some(n) => n,
                    None => {
                        c.i = save2;
                        "0".into()
                    }
                };
                pre = Some((kind, strip_zeros(n)));
            }
            None => c.i = save,
        }
    }
    let mut post = None;
    {
        let save = c.i;
        if c.peek() == Some(b'-') {
            c.i += 1;
            if let Some(n) = c.digits() {
                post = Some(strip_zeros(n));
            } else {
                c.i = save;
            }
        }
        if post.is_none() {
            c.i = save;
            c.sep();
            if c.word(&["post", "rev", "r"]).is_some() {
                let save2 = c.i;
                c.sep();
                post = Some(match c.digits() {
                    Some(n) => strip_zeros(n),
                    None => {
                        c.i = save2;
                        "0".into()
                    }
                });
            } else {
                c.i = save;
            }
        }
    }
    let mut dev = None;
    {
        let save = c.i;
        c.sep();
        if c.word(&["dev"]).is_some() {
            let save2 = c.i;
            c.sep();
            dev = Some(match c.digits() {
                Some(n) => strip_zeros(n),
                None => {
                    c.i = save2;
                    "0".into()
                }
            });
        } else {
            c.i = save;
        }
    }
    let mut local = vec![];
    if c.peek() == Some(b'+') {
        c.i += 1;
        let rest = std::str::from_utf8(&c.s[c.i..]).ok()?;
        for part in rest.split(['.', '-', '_']) {
            if part.is_empty() || !part.bytes().all(|b| b.is_ascii_alphanumeric()) {
                return None;
            }
            local.push(part.to_string());
        }
        c.i = c.s.len();
    }
    if c.i != c.s.len() {
        return None;
    }
    Some(Pep440 {
        epoch,
        release,
        pre,
        post,
        dev,
        local,
    })
}

pub(crate) fn normalize(v: &str) -> Option<String> {
    let p = parse(v)?;
    let mut out = String::new();
    if p.epoch != "0" {
        out.push_str(&p.epoch);
        out.push('!');
    }
    out.push_str(&p.release.join("."));
    if let Some((k, n)) = &p.pre {
        out.push_str(["a", "b", "rc"][*k as usize]);
        out.push_str(n);
    }
    if let Some(n) = &p.post {
        out.push_str(".post");
        out.push_str(n);
    }
    if let Some(n) = &p.dev {
        out.push_str(".dev");
        out.push_str(n);
    }
    if !p.local.is_empty() {
        out.push('+');
        out.push_str(&p.local.join("."));
    }
    Some(out)
}

/// A sort key position that is below or above every value (packaging's Infinity).
#[derive(PartialEq, Eq, PartialOrd, Ord)]
enum Bound<T> {
    NegInf,
    Val(T),
    PosInf,
}

#[derive(PartialEq, Eq)]
struct Num<'a>(&'a str);
impl PartialOrd for Num<'_> {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Num<'_> {
    fn cmp(&self, o: &Self) -> Ordering {
        cmp_decimal(self.0, o.0)
    }
}

fn cmp_release(a: &[String], b: &[String]) -> Ordering {
    let trim = |r: &'_ [String]| {
        let mut n = r.len();
        while n > 0 && r[n - 1] == "0" {
            n -= 1;
        }
        n
    };
    let (na, nb) = (trim(a), trim(b));
    for (x, y) in a[..na].iter().zip(&b[..nb]) {
        let ord = cmp_decimal(x, y);
        if ord != Ordering::Equal {
            return ord;
        }
    }
    na.cmp(&nb)
}

fn cmp_local(a: &[String], b: &[String]) -> Ordering {
    match (a.is_empty(), b.is_empty()) {
        (true, true) => return Ordering::Equal,
        (true, false) => return Ordering::Less,
        (false, true) => return Ordering::Greater,
        _ => {}
    }
    for (x, y) in a.iter().zip(b) {
        let xd = x.bytes().all(|c| c.is_ascii_digit());
        let yd = y.bytes().all(|c| c.is_ascii_digit());
        let ord = match (xd, yd) {
            (true, true) => cmp_decimal(x, y),
            (true, false) => Ordering::Greater,
            (false, true) => Ordering::Less,
            _ => x.cmp(y),
        };
        if ord != Ordering::Equal {
            return ord;
        }
    }
    a.len().cmp(&b.len())
}

pub(crate) fn cmp_parsed(a: &Pep440, b: &Pep440) -> Ordering {
    fn pre_key(p: &Pep440) -> Bound<(u8, Num<'_>)> {
        match (&p.pre, &p.post, &p.dev) {
            (None, None, Some(_)) => Bound::NegInf,
            (None, _, _) => Bound::PosInf,
            (Some((k, n)), _, _) => Bound::Val((*k, Num(n))),
        }
    }
    fn post_key(p: &Pep440) -> Bound<Num<'_>> {
        match &p.post {
            None => Bound::NegInf,
            Some(n) => Bound::Val(Num(n)),
        }
    }
    fn dev_key(p: &Pep440) -> Bound<Num<'_>> {
        match &p.dev {
            None => Bound::PosInf,
            Some(n) => Bound::Val(Num(n)),
        }
    }
    cmp_decimal(&a.epoch, &b.epoch)
        .then_with(|| cmp_release(&a.release, &b.release))
        .then_with(|| pre_key(a).cmp(&pre_key(b)))
        .then_with(|| post_key(a).cmp(&post_key(b)))
        .then_with(|| dev_key(a).cmp(&dev_key(b)))
        .then_with(|| cmp_local(&a.local, &b.local))
}

pub fn compare(a: &str, b: &str) -> Ordering {
    match (parse(a), parse(b)) {
        (Some(x), Some(y)) => cmp_parsed(&x, &y),
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (None, None) => a.cmp(b),
    }
}
