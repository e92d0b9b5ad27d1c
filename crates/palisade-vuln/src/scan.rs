//! Joins an inventory with the advisory database and turns matches into findings.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use palisade_core::{Finding, Location, PackageInfo, Practice, Severity};

use crate::db::{Database, DbError};
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
#[derive(Debug, Clone)]
pub struct Vulnerability {
    pub package: Package,
    pub id: String,
    pub aliases: Vec<String>,
    pub fixed_versions: Vec<String>,
    pub severity: Severity,
    pub severity_source: String,
    pub summary: Option<String>,
    pub references: Vec<String>,
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
    names: BTreeSet<&'a str>,
    fixed: BTreeSet<&'a str>,
    ids: Vec<&'a str>,
}

/// Advisory id -> fixed versions, for one package.
type Hits = BTreeMap<String, BTreeSet<String>>;

/// Finds every advisory affecting each package; aliases are merged so that one package
/// gets one entry per advisory.
///
/// Packages are grouped by (ecosystem, normalised name) so that each name costs one
/// database lookup, and each advisory entry's ranges are parsed once for all the
/// versions of that name; each installed version is parsed once per scheme.
pub fn match_packages(db: &Database, packages: &[Package]) -> Result<Vec<Vulnerability>, DbError> {
    db.in_snapshot(|db| match_in_snapshot(db, packages))
}

fn match_in_snapshot(db: &Database, packages: &[Package]) -> Result<Vec<Vulnerability>, DbError> {
    // (base ecosystem, normalised name) -> (package index, version to test)
    let mut groups: HashMap<(&str, String), Vec<(usize, &str)>> = HashMap::new();
    for (i, pkg) in packages.iter().enumerate() {
        if pkg.version.is_empty() {
            continue;
        }
        let base = pkg.base_ecosystem();
        groups
            .entry((base, normalize_name(&pkg.ecosystem, &pkg.name)))
            .or_default()
            .push((i, pkg.version.as_str()));
        if let (Some(sn), Some(sv)) = (&pkg.source_name, &pkg.source_version) {
            if sn != &pkg.name && !sv.is_empty() {
                groups
                    .entry((base, normalize_name(&pkg.ecosystem, sn)))
                    .or_default()
                    .push((i, sv.as_str()));
            }
        }
    }
    let mut hits: HashMap<usize, Hits> = HashMap::new();
    for ((base, name), lookups) in &groups {
        let rows = db.affected_by_key(base, name)?;
        if rows.is_empty() {
            continue;
        }
        let compiled: Vec<(&str, &str, matcher::CompiledAffected<'_>)> = rows
            .iter()
            .map(|(id, eco, affected)| {
                (
                    id.as_str(),
                    eco.as_str(),
                    matcher::CompiledAffected::new(affected, eco),
                )
            })
            .collect();
        for &(index, version) in lookups {
            let pkg = &packages[index];
            let mut installed = matcher::InstalledVersion::new(version);
            for (id, adv_eco, entry) in &compiled {
                if !matcher::ecosystem_applies(adv_eco, &pkg.ecosystem) {
                    continue;
                }
                if entry.affects(&mut installed) {
                    let fixed = hits
                        .entry(index)
                        .or_default()
                        .entry(id.to_string())
                        .or_default();
                    fixed.extend(
                        entry
                            .fixed_above(&mut installed)
                            .into_iter()
                            .map(str::to_string),
                    );
                }
            }
        }
    }
    // advisory facts are shared by every package an advisory hits: read each once
    let mut infos: HashMap<&str, Option<crate::db::AdvisoryInfo>> = HashMap::new();
    for package_hits in hits.values() {
        for id in package_hits.keys() {
            if !infos.contains_key(id.as_str()) {
                infos.insert(id.as_str(), db.advisory_info(id)?);
            }
        }
    }
    let mut out = vec![];
    let mut indices: Vec<&usize> = hits.keys().collect();
    indices.sort();
    for index in indices {
        let pkg = &packages[*index];
        let package_hits = &hits[index];
        // merge advisories that alias each other (directly or through a chain) into one
        // group; a name -> group map keeps this linear in the number of hits (a package
        // can have hundreds of advisories)
        let mut merged: Vec<AliasGroup<'_>> = vec![];
        let mut group_of: HashMap<&str, usize> = HashMap::new();
        for (id, fixed) in package_hits {
            let mut names: Vec<&str> = vec![id.as_str()];
            if let Some(Some(i)) = infos.get(id.as_str()) {
                names.extend(i.aliases.iter().map(String::as_str));
            }
            let mut found: Vec<usize> = names
                .iter()
                .filter_map(|n| group_of.get(n).copied())
                .collect();
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
                g.ids.extend(taken.ids);
            }
            let g = &mut merged[target];
            for n in names {
                g.names.insert(n);
                group_of.insert(n, target);
            }
            g.fixed.extend(fixed.iter().map(String::as_str));
            g.ids.push(id.as_str());
        }
        let scheme = crate::VersionScheme::for_ecosystem(&pkg.ecosystem);
        for AliasGroup { names, fixed, ids } in merged.into_iter().filter(|g| !g.ids.is_empty()) {
            let primary = ids
                .iter()
                .copied()
                .min_by_key(|i| id_rank(i))
                .unwrap_or_default();
            let mut severity = Severity::Info;
            let mut source = String::new();
            let mut summary = None;
            let mut references = vec![];
            for id in &ids {
                if let Some(Some(info)) = infos.get(id) {
                    if info.severity > severity || source.is_empty() {
                        severity = info.severity;
                        source = format!("{}: {}", info.id, info.severity_source);
                    }
                    if summary.is_none() {
                        summary = info.summary.clone();
                    }
                    references.extend(info.references.iter().cloned());
                }
            }
            let mut fixed: Vec<String> = fixed.into_iter().map(str::to_string).collect();
            if let Some(s) = scheme {
                fixed.sort_by(|a, b| s.compare(a, b));
            }
            out.push(Vulnerability {
                package: pkg.clone(),
                aliases: names
                    .into_iter()
                    .filter(|n| *n != primary)
                    .map(str::to_string)
                    .collect(),
                id: primary.to_string(),
                fixed_versions: fixed,
                severity,
                severity_source: source,
                summary,
                references,
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
            let message = format!(
                "{} {}{} is affected by {}{}: {}; {}",
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
                .clone()
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
                label: format!("severity from {}", v.severity_source),
                location: None,
            }];
            f
        })
        .collect()
}

/// DEP002 findings for requirements that name no single version: one per line, so that
/// a dependency is never left unchecked without the report saying so.
pub fn unpinned_findings(unpinned: &[crate::lockfile::Unpinned]) -> Vec<Finding> {
    let rule = &crate::rules::dep002_unpinned_requirement::DEP002;
    unpinned
        .iter()
        .map(|u| {
            let mut f = Finding::new(
                rule,
                format!(
                    "`{}` cannot be checked for vulnerabilities: {}",
                    u.requirement, u.reason
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
        .collect()
}
