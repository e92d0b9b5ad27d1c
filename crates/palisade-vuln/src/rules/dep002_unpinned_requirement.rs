//! DEP002 — a requirement that pins no single version, so it cannot be checked.

palisade_core::declare_rule! {
    /// ## What it checks
    /// Lines of `requirements*.txt` (and the files they include with `-r`) that do not
    /// name exactly one version: ranges such as `flask>=2` or `django~=4.2`, bare names,
    /// wildcards (`==2.*`), editable installs (`-e .`, `-e git+https://...`) and direct
    /// URLs or paths whose file name carries no version. Wheel and sdist URLs
    /// (`.../requests-2.31.0-py3-none-any.whl`) pin a version and are checked by DEP001
    /// instead.
    /// ## Why it matters
    /// Vulnerabilities are matched against the installed version. For these lines the
    /// version depends on the day and the index the install ran against, so no scanner
    /// can tell whether a vulnerable release is in use: the dependency is silently
    /// unchecked, and the build is not reproducible either.
    /// ## Fix
    /// Pin every dependency with `==`, ideally by compiling the requirements with
    /// `pip-compile` (pip-tools) or `uv pip compile` into a fully pinned file (with
    /// `--generate-hashes`), and scan that file. Keep ranges in `requirements.in` or
    /// `pyproject.toml`, where they belong.
    /// ## References
    /// - https://pip.pypa.io/en/stable/topics/repeatable-installs/
    /// - https://pip.pypa.io/en/stable/reference/requirements-file-format/
    pub static DEP002 = {
        id: "DEP002", practice: Dep, severity: Info, title: "Unpinned requirement cannot be checked for vulnerabilities",
    };
}
