//! Joins an inventory with the advisory database and turns matches into findings.

use std::collections::{BTreeMap, BTreeSet};

use palisade_core::{Finding, Location, PackageInfo, Practice, Severity};

use crate::db::{Database, DbError};
use crate::inventory::Package;
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

/// (advisory id, ecosystem as the advisory wrote it, affected entry)
type AffectedRow = (String, String, crate::osv::Affected);

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

/// Finds every advisory affecting each package; aliases are merged so that one package
/// gets one entry per advisory.
pub fn match_packages(db: &Database, packages: &[Package]) -> Result<Vec<Vulnerability>, DbError> {
    let mut out = vec![];
    let mut cache: BTreeMap<(String, String), Vec<AffectedRow>> = BTreeMap::new();
    // advisory facts are shared by every package an advisory hits
    let mut infos: std::collections::HashMap<String, Option<crate::db::AdvisoryInfo>> =
        std::collections::HashMap::new();
    let mut info_of = |id: &str| -> Result<Option<crate::db::AdvisoryInfo>, DbError> {
        if let Some(i) = infos.get(id) {
            return Ok(i.clone());
        }
        let i = db.advisory_info(id)?;
        infos.insert(id.to_string(), i.clone());
        Ok(i)
    };
    for pkg in packages {
        if pkg.version.is_empty() {
            continue;
        }
        let lookups: Vec<(&str, &str)> = {
            let mut v = vec![(pkg.name.as_str(), pkg.version.as_str())];
            if let (Some(sn), Some(sv)) = (&pkg.source_name, &pkg.source_version) {
                if sn != &pkg.name {
                    v.push((sn.as_str(), sv.as_str()));
                }
            }
            v
        };
        // advisory id -> fixed versions
        let mut hits: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (name, version) in lookups {
            let key = (pkg.base_ecosystem().to_string(), name.to_string());
            if !cache.contains_key(&key) {
                let rows = db.affected_for(&pkg.ecosystem, name)?;
                cache.insert(key.clone(), rows);
            }
            for (id, adv_eco, affected) in &cache[&key] {
                if !matcher::ecosystem_applies(adv_eco, &pkg.ecosystem) {
                    continue;
                }
                if matcher::is_affected(affected, adv_eco, version) {
                    hits.entry(id.clone())
                        .or_default()
                        .extend(matcher::fixed_versions(affected, adv_eco, version));
                }
            }
        }
        if hits.is_empty() {
            continue;
        }
        // merge advisories that alias each other into groups
        let mut groups: Vec<(BTreeSet<String>, BTreeSet<String>, Vec<String>)> = vec![];
        for (id, fixed) in hits {
            let info = info_of(&id)?;
            let mut names: BTreeSet<String> = BTreeSet::from([id.clone()]);
            if let Some(i) = &info {
                names.extend(i.aliases.iter().cloned());
            }
            match groups.iter_mut().find(|g| !g.0.is_disjoint(&names)) {
                Some(g) => {
                    g.0.extend(names);
                    g.1.extend(fixed);
                    g.2.push(id);
                }
                None => groups.push((names, fixed, vec![id])),
            }
        }
        for (names, fixed, ids) in groups {
            let primary = ids
                .iter()
                .min_by_key(|i| id_rank(i))
                .cloned()
                .unwrap_or_default();
            let mut severity = Severity::Info;
            let mut source = String::new();
            let mut summary = None;
            let mut references = vec![];
            for id in &ids {
                if let Some(info) = info_of(id)? {
                    if info.severity > severity || source.is_empty() {
                        severity = info.severity;
                        source = format!("{}: {}", info.id, info.severity_source);
                    }
                    if summary.is_none() {
                        summary = info.summary.clone();
                    }
                    references.extend(info.references);
                }
            }
            let scheme = crate::VersionScheme::for_ecosystem(&pkg.ecosystem);
            let mut fixed: Vec<String> = fixed.into_iter().collect();
            if let Some(s) = scheme {
                fixed.sort_by(|a, b| s.compare(a, b));
            }
            out.push(Vulnerability {
                package: pkg.clone(),
                aliases: names.into_iter().filter(|n| *n != primary).collect(),
                id: primary,
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
