//! DEP001 — a dependency with a known vulnerability.
//!
//! Findings of this rule carry the advisory's OSV id as their `rule_id` (e.g.
//! `GHSA-xxxx-xxxx-xxxx`, `PYSEC-2023-1`), so a suppression or `palisade rule` can name
//! the advisory itself; DEP001 documents them all.

palisade_core::declare_rule! {
    /// ## What it checks
    /// Every package declared in a lockfile or manifest (Cargo.lock, package-lock.json,
    /// yarn.lock, pnpm-lock.yaml, requirements.txt, poetry.lock, go.mod, Gemfile.lock,
    /// composer.lock, packages.lock.json, pom.xml, gradle.lockfile...) is looked up in the
    /// local OSV database; a package whose installed version falls inside an advisory's
    /// affected ranges is reported once per advisory, with the advisory's aliases (CVE,
    /// GHSA, PYSEC, RUSTSEC...) merged into that one finding.
    /// ## Why it matters
    /// Known vulnerabilities in dependencies are the most common way applications are
    /// compromised: exploits for them are public and scanned for at scale.
    /// ## Fix
    /// Upgrade the package to one of the fixed versions listed in the finding (for a
    /// transitive dependency, upgrade the direct dependency that pulls it in or add an
    /// override). If no fix exists, remove the package or suppress the advisory in
    /// `palisade.toml` with a reason and an expiry date.
    /// ## References
    /// - https://osv.dev/
    /// - https://ossf.github.io/osv-schema/
    pub static DEP001 = {
        id: "DEP001", practice: Dep, severity: High, title: "Vulnerable dependency",
    };
}
