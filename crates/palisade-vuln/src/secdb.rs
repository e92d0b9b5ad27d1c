//! Alpine's security database (secdb, `secdb.alpinelinux.org/<release>/<repo>.json`, or the
//! older YAML form of the same schema) read as OSV advisories, so that `db import` works
//! for Alpine images without an OSV mirror.
//!
//! A secdb file lists, for one release and repository, each source package's
//! `secfixes`: the package version that fixed each vulnerability. Each vulnerability id
//! becomes one advisory `ALPINE-<id>` (aliased to the id itself) with one affected entry
//! per package and release: ecosystem `Alpine:vX.Y`, range `introduced 0, fixed <version>`.
//! A fix listed as version `0` means the package was never affected and adds nothing.
//! Entries may carry more than an id (`CVE-2017-17564 XSA-250`, `CVE-2017-2616 (+
//! regression fix)`): the first word is the id, further ids are aliases.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use crate::osv::Advisory;

/// Whether a parsed document is a secdb file (and not an OSV record).
pub fn is_secdb(doc: &Value) -> bool {
    doc.get("secfixes").is_some()
        || (doc.get("distroversion").is_some() && doc.get("packages").is_some())
}

/// Word that looks like a vulnerability id: `CVE-2019-1`, `GHSA-...`, `XSA-250`,
/// `wnpa-sec-2017-18`: letters, a dash, then letters, digits, dashes and underscores with
/// at least one digit (`CVE-????-?????` placeholders and `CVE-2017-8073.patch` are not ids).
fn is_id(word: &str) -> bool {
    let Some((prefix, rest)) = word.split_once('-') else {
        return false;
    };
    !prefix.is_empty()
        && prefix.chars().all(|c| c.is_ascii_alphabetic())
        && rest.chars().any(|c| c.is_ascii_digit())
        && rest
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// Of one id: its aliases, and each (package, fixed version).
type Fixes = (Vec<String>, Vec<(String, String)>);

/// What one secdb document holds: its advisories, and the entries that name no
/// vulnerability id (placeholders, typos, patch file names), which are skipped.
#[derive(Debug, Default)]
pub struct SecdbFile {
    pub advisories: Vec<Advisory>,
    /// `package version: entry` of each skipped entry.
    pub skipped: Vec<String>,
}

/// The advisories one secdb document declares, keyed by id. `Err` names what is missing.
pub fn advisories(doc: &Value) -> Result<SecdbFile, String> {
    let release = doc
        .get("distroversion")
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .ok_or("secdb file without `distroversion`")?;
    let release = if release.starts_with('v') {
        release.to_string()
    } else {
        format!("v{release}")
    };
    let ecosystem = format!("Alpine:{release}");
    // the JSON form nests each package under `pkg`; vuln-list mirrors keep one per file
    let packages: Vec<&Value> = match doc.get("packages") {
        Some(Value::Array(items)) => items.iter().map(|p| p.get("pkg").unwrap_or(p)).collect(),
        Some(Value::Null) | None if doc.get("secfixes").is_some() => vec![doc],
        Some(Value::Null) | None => vec![],
        Some(_) => return Err("`packages` is not a list".into()),
    };
    // id -> (aliases, [(package, fixed version)])
    let mut by_id: BTreeMap<String, Fixes> = BTreeMap::new();
    let mut skipped = vec![];
    for pkg in packages {
        let Some(name) = pkg.get("name").and_then(Value::as_str) else {
            continue;
        };
        let Some(Value::Object(secfixes)) = pkg.get("secfixes") else {
            continue;
        };
        for (version, ids) in secfixes {
            let version = version.trim();
            if version.is_empty() || version == "0" {
                continue;
            }
            let Some(ids) = ids.as_array() else { continue };
            for entry in ids.iter().filter_map(Value::as_str) {
                let words: Vec<&str> = entry.split_whitespace().filter(|w| is_id(w)).collect();
                let Some((id, aliases)) = words.split_first() else {
                    skipped.push(format!("{name} {version}: {entry}"));
                    continue;
                };
                let slot = by_id.entry(id.to_string()).or_default();
                for a in aliases {
                    if !slot.0.iter().any(|x| x == a) {
                        slot.0.push(a.to_string());
                    }
                }
                if !slot.1.iter().any(|(n, v)| n == name && v == version) {
                    slot.1.push((name.to_string(), version.to_string()));
                }
            }
        }
    }
    let advisories = by_id
        .into_iter()
        .map(|(id, (mut aliases, fixes))| {
            aliases.insert(0, id.clone());
            let affected: Vec<Value> = fixes
                .iter()
                .map(|(name, fixed)| {
                    json!({
                        "package": {"ecosystem": ecosystem, "name": name},
                        "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": fixed}]}],
                    })
                })
                .collect();
            let record = json!({
                "id": format!("ALPINE-{id}"),
                "aliases": aliases,
                "affected": affected,
                "references": [{"type": "ADVISORY", "url": format!("https://security.alpinelinux.org/vuln/{id}")}],
                "database_specific": {"source": "Alpine secdb"},
            });
            serde_json::from_value(record).unwrap_or_default()
        })
        .collect();
    Ok(SecdbFile {
        advisories,
        skipped,
    })
}

/// Adds to `new` the affected entries of the same advisory already stored for other
/// releases or packages, so that importing `v3.10/main.json` and then
/// `v3.11/main.json` keeps both.
pub fn merge_stored(new: &mut Advisory, stored: &Advisory) {
    let key = |a: &crate::osv::Affected| {
        a.package
            .as_ref()
            .map(|p| (p.ecosystem.clone(), p.name.clone()))
    };
    for old in &stored.affected {
        let k = key(old);
        if !new.affected.iter().any(|a| key(a) == k) {
            new.affected.push(old.clone());
        }
    }
    for alias in &stored.aliases {
        if !new.aliases.contains(alias) {
            new.aliases.push(alias.clone());
        }
    }
}
