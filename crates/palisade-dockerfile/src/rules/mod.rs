//! The rules, one per file. Each file declares its metadata with `declare_rule!` and has
//! a `check` over a parsed Dockerfile.

use palisade_core::{Finding, Location, RuleMeta, Severity};

use crate::parse::{Dockerfile, Instruction, Stage};
use crate::shell::{self, Command};

pub mod img010_unpinned_base;
pub mod img011_root_user;
pub mod img012_add_instead_of_copy;
pub mod img013_add_remote_url;
pub mod img014_apt_install_recommends;
pub mod img015_apt_lists_kept;
pub mod img016_apk_cache_kept;
pub mod img017_rpm_cache_kept;
pub mod img018_pip_cache_kept;
pub mod img019_sudo;
pub mod img020_secret_in_build_config;
pub mod img021_pipe_to_shell;
pub mod img022_world_writable;
pub mod img023_no_healthcheck;
pub mod img024_ssh_port;
pub mod img025_distro_upgrade;
pub mod img026_relative_workdir;
pub mod img027_duplicate_startup;
pub mod img028_cd_in_run;
pub mod img029_update_alone;
pub mod img030_duplicate_stage_name;
pub mod img031_copy_from_own_stage;
pub mod img032_credential_file_copied;
pub mod img033_file_removed_in_later_layer;
pub mod img034_build_secret_written_to_image;

type Check = fn(&mut Context);

const CHECKS: &[(&RuleMeta, Check)] = &[
    (&img010_unpinned_base::RULE, img010_unpinned_base::check),
    (&img011_root_user::RULE, img011_root_user::check),
    (
        &img012_add_instead_of_copy::RULE,
        img012_add_instead_of_copy::check,
    ),
    (&img013_add_remote_url::RULE, img013_add_remote_url::check),
    (
        &img014_apt_install_recommends::RULE,
        img014_apt_install_recommends::check,
    ),
    (&img015_apt_lists_kept::RULE, img015_apt_lists_kept::check),
    (&img016_apk_cache_kept::RULE, img016_apk_cache_kept::check),
    (&img017_rpm_cache_kept::RULE, img017_rpm_cache_kept::check),
    (&img018_pip_cache_kept::RULE, img018_pip_cache_kept::check),
    (&img019_sudo::RULE, img019_sudo::check),
    (
        &img020_secret_in_build_config::RULE,
        img020_secret_in_build_config::check,
    ),
    (&img021_pipe_to_shell::RULE, img021_pipe_to_shell::check),
    (&img022_world_writable::RULE, img022_world_writable::check),
    (&img023_no_healthcheck::RULE, img023_no_healthcheck::check),
    (&img024_ssh_port::RULE, img024_ssh_port::check),
    (&img025_distro_upgrade::RULE, img025_distro_upgrade::check),
    (
        &img026_relative_workdir::RULE,
        img026_relative_workdir::check,
    ),
    (
        &img027_duplicate_startup::RULE,
        img027_duplicate_startup::check,
    ),
    (&img028_cd_in_run::RULE, img028_cd_in_run::check),
    (&img029_update_alone::RULE, img029_update_alone::check),
    (
        &img030_duplicate_stage_name::RULE,
        img030_duplicate_stage_name::check,
    ),
    (
        &img031_copy_from_own_stage::RULE,
        img031_copy_from_own_stage::check,
    ),
    (
        &img032_credential_file_copied::RULE,
        img032_credential_file_copied::check,
    ),
    (
        &img033_file_removed_in_later_layer::RULE,
        img033_file_removed_in_later_layer::check,
    ),
    (
        &img034_build_secret_written_to_image::RULE,
        img034_build_secret_written_to_image::check,
    ),
];

pub fn all() -> Vec<&'static RuleMeta> {
    CHECKS.iter().map(|(r, _)| *r).collect()
}

pub fn check_dockerfile(
    path: &str,
    df: &Dockerfile,
    value_scanner: Option<crate::secrets::ValueScanner>,
    local_images: Option<&crate::LocalImages>,
) -> Vec<Finding> {
    let mut cx = Context::new(path, df);
    cx.value_scanner = value_scanner;
    cx.local_images = local_images;
    for (_, check) in CHECKS {
        check(&mut cx);
    }
    let mut findings = cx.findings;
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    findings
}

/// What a rule sees: the parsed file, the shell commands of each `RUN`, and where to
/// put findings.
pub struct Context<'a> {
    pub df: &'a Dockerfile,
    path: &'a str,
    /// Shell commands of each instruction that runs a script (`RUN`), by instruction index.
    scripts: Vec<Option<Vec<Command>>>,
    findings: Vec<Finding>,
    /// The secrets engine, when the caller has one, for values whose names say nothing.
    pub value_scanner: Option<crate::secrets::ValueScanner>,
    /// Images the scanned tree builds itself, when the caller knows them (IMG011).
    pub local_images: Option<&'a crate::LocalImages>,
}

impl<'a> Context<'a> {
    fn new(path: &'a str, df: &'a Dockerfile) -> Self {
        let scripts = df
            .instructions
            .iter()
            .map(|ins| ins.is("RUN").then(|| shell::commands(&ins.script())))
            .collect();
        Context {
            df,
            path,
            scripts,
            findings: Vec::new(),
            value_scanner: None,
            local_images: None,
        }
    }

    /// `RUN` instructions of the given stages, with their commands, in file order.
    pub fn runs_in<'s>(
        &'s self,
        stages: &[&Stage],
    ) -> impl Iterator<Item = (usize, &'a Instruction, &'s [Command])> + 's {
        let mut indices: Vec<usize> = stages.iter().flat_map(|s| s.instructions.clone()).collect();
        indices.sort_unstable();
        indices.dedup();
        indices.into_iter().filter_map(move |i| {
            self.scripts[i]
                .as_deref()
                .map(|cmds| (i, &self.df.instructions[i], cmds))
        })
    }

    /// Every stage.
    pub fn all_stages(&self) -> Vec<&'a Stage> {
        self.df.stages.iter().collect()
    }

    /// The final stage and the stages it is built on.
    pub fn shipped_stages(&self) -> Vec<&'a Stage> {
        self.df.shipped_stages()
    }

    pub fn stage_of(&self, ins: &Instruction) -> &'a Stage {
        &self.df.stages[ins.stage.unwrap_or(0)]
    }

    pub fn report(
        &mut self,
        rule: &'static RuleMeta,
        line: u32,
        stage: &Stage,
        message: impl Into<String>,
    ) -> &mut Finding {
        self.report_with(rule, line, stage, message, None)
    }

    pub fn report_with(
        &mut self,
        rule: &'static RuleMeta,
        line: u32,
        stage: &Stage,
        message: impl Into<String>,
        severity: Option<Severity>,
    ) -> &mut Finding {
        let location = Location {
            path: self.path.to_string(),
            line: Some(line),
            column: Some(1),
            resource: Some(stage.resource()),
            layer: None,
            field: None,
            rendered: None,
        };
        let mut finding = Finding::new(rule, message, location);
        if let Some(s) = severity {
            finding.severity = s;
        }
        self.findings.push(finding);
        self.findings.last_mut().expect("just pushed")
    }
}

/// `RUN --mount=type=cache,...`: caches written there never reach a layer.
pub fn has_cache_mount(ins: &Instruction) -> bool {
    ins.flags.iter().any(|f| {
        f.name == "mount"
            && f.value
                .as_deref()
                .is_some_and(|v| v.split(',').any(|p| p.trim() == "type=cache"))
    })
}

/// Whether a script removes a path that starts with `prefix` (`rm -rf /var/lib/apt/lists/*`).
pub fn removes_path(commands: &[Command], after_order: usize, prefix: &str) -> bool {
    commands.iter().any(|c| {
        c.order > after_order
            && c.program() == "rm"
            && c.args().iter().any(|a| a.starts_with(prefix))
    })
}
