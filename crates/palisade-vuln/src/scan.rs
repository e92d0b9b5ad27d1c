//! Joins an inventory with the advisory database and turns matches into findings.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::Arc;

use palisade_core::{Finding, Location, PackageInfo, Practice, Severity};

use crate::db::{AffectedEntry, Database, DbError, FindingFacts};
use crate::inventory::{normalize_name, Package};
use crate::matcher;

/// How a scan treats its matches.
#[derive(Debug, Clone, Default)]
pub struct MatchOptions {
    /// Drop findings for which no fixed version exists.
    pub ignore_unfixed: bool,
    /// Drop findings below this severity.
    pub min_severity: Option<Severity>,
    /// `IMG` for OS packages in images, `DEP` otherwise.
    pub practice: Option<Practice>,
}

/// One advisory (with its merged aliases) affecting one package.
///
/// The summary, references and severity source belong to the advisory and are shared by
/// every package it affects, not copied into each finding.
#[derive(Debug, Clone)]
pub struct Vulnerability {
    pub package: Arc<Package>,
    pub id: String,
    pub aliases: Vec<String>,
    pub fixed_versions: Vec<String>,
    pub severity: Severity,
    pub severity_source: Arc<str>,
    pub summary: Option<Arc<str>>,
    pub references: Arc<[String]>,
}

/// Prefer the ecosystem's own id over a CVE as the finding's id.
fn id_rank(id: &str) -> (u8, &str) {
    let rank = if id.starts_with("CVE-") {
        2
    } else if id.starts_with("GHSA-") {
        1
    } else {
        0
    };
    (rank, id)
}

/// Advisories of one package that alias each other: every name, the fixed versions, and
/// the ids of the advisories themselves.
#[derive(Default)]
struct AliasGroup<'a> {
    names: Vec<&'a str>,
    fixed: Vec<&'a str>,
    advisories: Vec<usize>,
}

/// One version to test under one package key: the package's own name, or for distro
/// binary packages also the source package advisories are filed under.
struct Lookup<'p> {
    base: &'p str,
    name: String,
    /// Lookups of the same (ecosystem, name) share a number.
    group: usize,
    package: usize,
    version: &'p str,
}

/// An advisory entry that affects a package: the advisory (its index among the ids in
/// sorted order), and the fixed versions above the installed one (a slice of the pool).
struct Hit {
    package: usize,
    advisory: usize,
    fixed: std::ops::Range<usize>,
}

/// Multiply-rotate hashing (the scheme of rustc's FxHash) for the advisory ids and aliases
/// of one package: short strings from our own database, hashed tens of thousands of times
/// per inventory, where SipHash's defence against chosen keys buys nothing.
#[derive(Default)]
struct IdHasher(u64);

impl Hasher for IdHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.add(u64::from_le_bytes(c.try_into().unwrap_or_default()));
        }
        for &b in chunks.remainder() {
            self.add(u64::from(b));
        }
    }

    fn write_u8(&mut self, b: u8) {
        self.add(u64::from(b));
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

impl IdHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

/// Finds every advisory affecting each package; aliases are merged so that one package
/// gets one entry per advisory.
///
/// Lookups are grouped by (ecosystem, normalised name): each name costs one index lookup
/// through a statement prepared once, and each advisory entry's ranges are parsed once for
/// all the versions of that name; each installed version is parsed once per scheme. The
/// decision needs only the `affected` rows; the advisory facts (and the withdrawn flag)
/// are read once per advisory that matched, and shared by all its findings.
pub fn match_packages(db: &Database, packages: &[Package]) -> Result<Vec<Vulnerability>, DbError> {
    db.in_snapshot(|db| match_in_snapshot(db, packages))
}

fn match_in_snapshot(db: &Database, packages: &[Package]) -> Result<Vec<Vulnerability>, DbError> {
    let mut lookups: Vec<Lookup<'_>> = Vec::with_capacity(packages.len());
    for (i, pkg) in packages.iter().enumerate() {
        if pkg.version.is_empty() {
            continue;
        }
        let base = pkg.base_ecosystem();
        lookups.push(Lookup {
            base,
            name: normalize_name(&pkg.ecosystem, &pkg.name),
            group: 0,
            package: i,
            version: &pkg.version,
        });
        if let (Some(sn), Some(sv)) = (&pkg.source_name, &pkg.source_version) {
            if sn != &pkg.name && !sv.is_empty() {
                lookups.push(Lookup {
                    base,
                    name: normalize_name(&pkg.ecosystem, sn),
                    group: 0,
                    package: i,
                    version: sv,
                });
            }
        }
    }
    // one group per (ecosystem, name), numbered by a hash map: sorting by number is far
    // cheaper than sorting by the strings. The names come from the scanned files, so the
    // map keeps std's keyed hashing: no lockfile can be written to collide.
    let mut group_of_key: HashMap<(&str, &str), usize> = HashMap::with_capacity(lookups.len());
    let group_numbers: Vec<usize> = lookups
        .iter()
        .map(|l| {
            let next = group_of_key.len();
            *group_of_key
                .entry((l.base, l.name.as_str()))
                .or_insert(next)
        })
        .collect();
    drop(group_of_key);
    for (lookup, group) in lookups.iter_mut().zip(group_numbers) {
        lookup.group = group;
    }
    lookups.sort_unstable_by_key(|l| (l.group, l.package));
    let mut queries = db.matching_queries()?;

    // every entry of every name first, so that the matching below can borrow from them
    let mut entries: Vec<AffectedEntry> = vec![];
    // (entries of one name, the lookups of that name)
    let mut groups: Vec<(std::ops::Range<usize>, std::ops::Range<usize>)> = vec![];
    let mut start = 0;
    while start < lookups.len() {
        let (group, key) = (
            lookups[start].group,
            (lookups[start].base, lookups[start].name.as_str()),
        );
        let end = start
            + lookups[start..]
                .iter()
                .take_while(|l| l.group == group)
                .count();
        let first = entries.len();
        queries.append_affected_entries(key.0, key.1, &mut entries)?;
        if entries.len() > first {
            groups.push((first..entries.len(), start..end));
        }
        start = end;
    }

    // advisories by index, in id order: from here on an advisory is compared as a number
    let mut ids: Vec<&str> = entries.iter().map(|e| e.advisory_id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    let advisory_of: Vec<usize> = entries
        .iter()
        .map(|e| {
            ids.binary_search(&e.advisory_id.as_str())
                .unwrap_or_default()
        })
        .collect();

    let mut hits: Vec<Hit> = vec![];
    let mut fixed_pool: Vec<&str> = vec![];
    for (entry_range, lookup_range) in groups {
        let compiled: Vec<(&AffectedEntry, usize, matcher::CompiledAffected<'_>)> = entry_range
            .map(|i| {
                let e = &entries[i];
                (
                    e,
                    advisory_of[i],
                    matcher::CompiledAffected::from_parts(&e.versions, &e.ranges, &e.ecosystem),
                )
            })
            .collect();
        for lookup in &lookups[lookup_range] {
            let pkg = &packages[lookup.package];
            // the key already matched the base ecosystems; only releases can differ
            let plain = !pkg.ecosystem.contains(':');
            let mut installed = matcher::InstalledVersion::new(lookup.version);
            for (entry, advisory, compiled) in &compiled {
                let same = plain && !entry.ecosystem.contains(':');
                if !same && !matcher::ecosystem_applies(&entry.ecosystem, &pkg.ecosystem) {
                    continue;
                }
                if compiled.affects(&mut installed) {
                    let from = fixed_pool.len();
                    compiled.extend_fixed_above(&mut installed, &mut fixed_pool);
                    hits.push(Hit {
                        package: lookup.package,
                        advisory: *advisory,
                        fixed: from..fixed_pool.len(),
                    });
                }
            }
        }
    }
    if hits.is_empty() {
        return Ok(vec![]);
    }

    // advisory facts are shared by every package an advisory hits: read each once, in
    // index order; withdrawn advisories (and rows of none) drop out here
    let mut hit_advisories: Vec<usize> = hits.iter().map(|h| h.advisory).collect();
    hit_advisories.sort_unstable();
    hit_advisories.dedup();
    let mut facts: Vec<Option<FindingFacts>> = (0..ids.len()).map(|_| None).collect();
    for a in hit_advisories {
        facts[a] = queries.finding_facts(ids[a])?;
    }
    hits.retain(|h| facts[h.advisory].is_some());
    // per package, advisories in id order (the order the alias merge below relies on)
    hits.sort_unstable_by_key(|h| (h.package, h.advisory));

    let mut out = Vec::with_capacity(hits.len());
    // reused from package to package
    let mut merged: Vec<AliasGroup<'_>> = vec![];
    let mut group_of: HashMap<&str, usize, BuildHasherDefault<IdHasher>> = HashMap::default();
    let mut names: Vec<&str> = vec![];
    let mut found: Vec<usize> = vec![];
    for package_hits in hits.chunk_by(|a, b| a.package == b.package) {
        let pkg = &packages[package_hits[0].package];
        let shared_pkg = Arc::new(pkg.clone());
        // merge advisories that alias each other (directly or through a chain) into one
        // group; a name -> group map keeps this linear in the number of hits (a package
        // can have hundreds of advisories)
        merged.clear();
        group_of.clear();
        for same_id in package_hits.chunk_by(|a, b| a.advisory == b.advisory) {
            let advisory = same_id[0].advisory;
            names.clear();
            names.push(ids[advisory]);
            if let Some(f) = &facts[advisory] {
                names.extend(f.aliases.iter().map(String::as_str));
            }
            found.clear();
            found.extend(names.iter().filter_map(|n| group_of.get(n).copied()));
            found.sort_unstable();
            found.dedup();
            let target = match found.first() {
                Some(&t) => t,
                None => {
                    merged.push(AliasGroup::default());
                    merged.len() - 1
                }
            };
            // later groups this id's names join are folded into the earliest
            for &other in found.iter().skip(1) {
                let taken = std::mem::take(&mut merged[other]);
                for n in &taken.names {
                    group_of.insert(n, target);
                }
                let g = &mut merged[target];
                g.names.extend(taken.names);
                g.fixed.extend(taken.fixed);
                g.advisories.extend(taken.advisories);
            }
            let g = &mut merged[target];
            for &n in &names {
                g.names.push(n);
                group_of.insert(n, target);
            }
            for hit in same_id {
                g.fixed.extend(&fixed_pool[hit.fixed.clone()]);
            }
            g.advisories.push(advisory);
        }
        let scheme = crate::VersionScheme::for_ecosystem(&pkg.ecosystem);
        for AliasGroup {
            names: mut group_names,
            mut fixed,
            advisories,
        } in merged.drain(..).filter(|g| !g.advisories.is_empty())
        {
            group_names.sort_unstable();
            group_names.dedup();
            let primary = advisories
                .iter()
                .map(|&a| ids[a])
                .min_by_key(|i| id_rank(i))
                .unwrap_or_default();
            let mut severity = Severity::Info;
            let mut source: Option<&Arc<str>> = None;
            let mut summary = None;
            let mut references: Option<Arc<[String]>> = None;
            for &a in &advisories {
                if let Some(f) = &facts[a] {
                    if f.severity > severity || source.is_none() {
                        severity = f.severity;
                        source = Some(&f.severity_source);
                    }
                    if summary.is_none() {
                        summary = f.summary.clone();
                    }
                    references = Some(match references {
                        // one advisory (the usual case) shares its list
                        None => f.references.clone(),
                        Some(r) => r.iter().chain(f.references.iter()).cloned().collect(),
                    });
                }
            }
            // distinct in text order first: versions the scheme ranks equal keep that order
            fixed.sort_unstable();
            fixed.dedup();
            if let (Some(s), true) = (scheme, fixed.len() > 1) {
                // each parsed once, not once per comparison
                let mut parsed: Vec<_> = fixed.iter().map(|f| s.parse(f)).collect();
                parsed.sort_by(|a, b| a.compare(b));
                fixed = parsed.iter().map(|p| p.text()).collect();
            }
            let fixed: Vec<String> = fixed.into_iter().map(str::to_string).collect();
            out.push(Vulnerability {
                package: shared_pkg.clone(),
                aliases: group_names
                    .into_iter()
                    .filter(|n| *n != primary)
                    .map(str::to_string)
                    .collect(),
                id: primary.to_string(),
                fixed_versions: fixed,
                severity,
                severity_source: source.cloned().unwrap_or_else(|| Arc::from("")),
                summary,
                references: references.unwrap_or_else(|| Arc::from(Vec::new())),
            });
        }
    }
    Ok(out)
}

/// Findings for matched vulnerabilities, after `--ignore-unfixed` and `--min-severity`.
pub fn findings(vulns: &[Vulnerability], opts: &MatchOptions) -> Vec<Finding> {
    let rule = &crate::rules::dep001_vulnerable_dependency::DEP001;
    vulns
        .iter()
        .filter(|v| !(opts.ignore_unfixed && v.fixed_versions.is_empty()))
        .filter(|v| opts.min_severity.is_none_or(|m| v.severity >= m))
        .map(|v| {
            let p = &v.package;
            let relation = match p.direct {
                Some(true) => " (direct)",
                Some(false) => " (transitive)",
                None => "",
            };
            let fix = if v.fixed_versions.is_empty() {
                "no fixed version yet".to_string()
            } else {
                format!("fixed in {}", v.fixed_versions.join(", "))
            };
            let unrated = if crate::severity::is_unrated(&v.severity_source) {
                format!(" [severity {}; counted as medium]", crate::severity::UNRATED)
            } else {
                String::new()
            };
            let message = format!(
                "{} {}{} is affected by {}{}: {}; {}{unrated}",
                p.name,
                p.version,
                relation,
                v.id,
                if v.aliases.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", v.aliases.join(", "))
                },
                v.summary.as_deref().unwrap_or("known vulnerability"),
                fix
            );
            let mut f = Finding::new(
                rule,
                message,
                Location {
                    path: p.location.path.clone(),
                    line: p.location.line,
                    layer: p.layer.clone(),
                    ..Location::default()
                },
            );
            f.rule_id = v.id.clone().into();
            f.practice = opts.practice.unwrap_or(Practice::Dep);
            f.severity = v.severity;
            f.title = v
                .summary
                .as_deref()
                .map(str::to_string)
                .unwrap_or_else(|| format!("Vulnerable dependency {}", p.name))
                .into();
            f.remediation = Some(if v.fixed_versions.is_empty() {
                format!("No fixed version of {} is known; remove or replace it, or suppress {} with a reason.", p.name, v.id)
            } else {
                format!("Upgrade {} to {} or later.", p.name, v.fixed_versions[0])
            }
            .into());
            let mut refs = vec![format!("https://osv.dev/vulnerability/{}", v.id)];
            refs.extend(v.references.iter().take(5).cloned());
            f.references = refs.into();
            f.aliases = v.aliases.clone();
            f.package = Some(Box::new(PackageInfo {
                ecosystem: p.ecosystem.clone(),
                name: p.name.clone(),
                version: p.version.clone(),
                fixed_versions: v.fixed_versions.clone(),
                purl: Some(p.purl()),
                direct: p.direct,
            }));
            f.evidence = vec![palisade_core::Evidence {
                label: if crate::severity::is_unrated(&v.severity_source) {
                    format!("severity {}", crate::severity::UNRATED)
                } else {
                    format!("severity from {}", v.severity_source)
                },
                location: None,
            }];
            f
        })
        .collect()
}

/// DEP002 findings for requirements that name no single version: one per line, so that
/// a dependency is never left unchecked without the report saying so.
///
/// Such a requirement is often a URL (`git+https://user:TOKEN@host/repo.git`): the
/// message shows it with its secrets redacted, and each secret in it is reported as well,
/// as the SEC finding of the secret engine at the requirement's line.
pub fn unpinned_findings(unpinned: &[crate::lockfile::Unpinned]) -> Vec<Finding> {
    let rule = &crate::rules::dep002_unpinned_requirement::DEP002;
    let mut secrets = Vec::new();
    let mut findings: Vec<Finding> = unpinned
        .iter()
        .map(|u| {
            for m in palisade_secrets::builtin_scanner()
                .scan_bytes(&u.location.path, u.requirement.as_bytes())
            {
                let mut sec = m.to_finding(&u.location.path);
                // the match is placed within the requirement, not within the file's line
                sec.location.line = u.location.line;
                sec.location.column = None;
                secrets.push(sec);
            }
            let mut f = Finding::new(
                rule,
                format!(
                    "`{}` cannot be checked for vulnerabilities: {}",
                    palisade_secrets::redact(&u.requirement),
                    palisade_secrets::redact(&u.reason)
                ),
                Location {
                    path: u.location.path.clone(),
                    line: u.location.line,
                    ..Location::default()
                },
            );
            if let Some(name) = &u.name {
                f.package = Some(Box::new(PackageInfo {
                    ecosystem: u.ecosystem.clone(),
                    name: name.clone(),
                    version: String::new(),
                    fixed_versions: vec![],
                    purl: Some(crate::inventory::purl(&u.ecosystem, name, "")),
                    direct: Some(true),
                }));
            }
            f
        })
        .collect();
    findings.extend(secrets);
    findings
}
