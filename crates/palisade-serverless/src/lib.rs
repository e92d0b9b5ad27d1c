//! Serverless deployments for Palisade: CloudFormation, SAM, Serverless Framework,
//! Terraform and Azure Functions definitions parsed with source positions into one
//! normalized model ([`model::Function`], [`model::Role`], [`model::Endpoint`],
//! [`model::SecurityGroup`]...), and the FN, AUTH, LOG, COLD, SEC and NET rules written
//! once against that model.
//!
//! It is for templates on disk: text in, [`TemplateScan`] (inventory, findings, errors) out.
//! It does not walk directories, read files, deploy anything or talk to a cloud; the CLI
//! does the walking, and what a template leaves to deploy time stays unknown here.

pub mod boundary;
pub mod drift;
pub mod frontend;
pub mod grant;
pub mod iam;
pub mod kubernetes_versions;
pub mod managed_policies;
pub mod model;
pub mod platform;
pub mod policy_templates;
pub mod rules;
pub mod runtimes;
pub mod settings;
pub mod value;

use palisade_core::{Finding, Location, RuleMeta, ScanError};

pub use model::Inventory;
pub use settings::{ServerlessSettings, SettingsError};

/// Which front-end reads a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TemplateKind {
    /// YAML or JSON: CloudFormation, SAM or a Serverless Framework service (decided on content).
    YamlOrJson,
    /// Terraform HCL (`*.tf`).
    TerraformHcl,
    /// Terraform JSON (`*.tf.json`).
    TerraformJson,
    /// Azure Functions `function.json`.
    AzureFunction,
}

/// Whether this crate wants to read a file, judged on its name and a cheap look at its text.
pub fn detect(path: &str, text: &str) -> Option<TemplateKind> {
    let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".tf.json") {
        return text
            .contains("\"resource\"")
            .then_some(TemplateKind::TerraformJson)
            .or_else(|| {
                text.contains("\"data\"")
                    .then_some(TemplateKind::TerraformJson)
            });
    }
    if lower.ends_with(".tf") {
        return Some(TemplateKind::TerraformHcl);
    }
    if lower == "function.json" {
        return text
            .contains("bindings")
            .then_some(TemplateKind::AzureFunction);
    }
    let yamlish = [".yaml", ".yml", ".json", ".template"]
        .iter()
        .any(|e| lower.ends_with(e));
    if yamlish
        && (text.contains("AWSTemplateFormatVersion")
            || text.contains("AWS::")
            || (text.contains("provider")
                && (text.contains("functions") || text.contains("service"))))
    {
        return Some(TemplateKind::YamlOrJson);
    }
    None
}

/// What scanning one template produced.
#[derive(Debug, Default)]
pub struct TemplateScan {
    /// One inventory per template (a YAML stream may hold several; empty when not serverless).
    pub inventories: Vec<Inventory>,
    pub findings: Vec<Finding>,
    pub errors: Vec<ScanError>,
    /// What was deliberately left unread (remote Terraform module sources...), for the user.
    pub warnings: Vec<String>,
}

/// Parses one file (of a kind [`detect`] accepted) and runs every rule on it.
pub fn scan_template(path: &str, text: &str, settings: &ServerlessSettings) -> TemplateScan {
    let mut scan = TemplateScan::default();
    match detect(path, text) {
        Some(TemplateKind::TerraformHcl) | Some(TemplateKind::TerraformJson) => {
            return scan_terraform_module(&[(path, text)], settings);
        }
        Some(TemplateKind::AzureFunction) => match frontend::azure::build(path, text) {
            Ok(inv) => scan.inventories.push(inv),
            Err(e) => scan.errors.push(e),
        },
        Some(TemplateKind::YamlOrJson) => {
            let (invs, errors) = frontend::load_yaml_or_json(path, text);
            scan.inventories = invs;
            scan.errors = errors;
        }
        None => {}
    }
    for inv in &scan.inventories {
        scan.findings.extend(check(inv, settings));
    }
    scan
}

/// Parses and checks a Terraform module: every `.tf` / `.tf.json` file of one directory,
/// so references between files resolve. Local `module` calls are not followed (see
/// [`TerraformProject`] for that); they are listed in `warnings`.
pub fn scan_terraform_module(
    files: &[(&str, &str)],
    settings: &ServerlessSettings,
) -> TemplateScan {
    let mut project = TerraformProject::default();
    for (path, text) in files {
        project.add_file(path, text);
    }
    let folder = project.folders.keys().next().cloned().unwrap_or_default();
    let built = frontend::terraform::build_root(
        &folder,
        files,
        &frontend::terraform::ModuleFoldersFn(|_: &str| None),
    );
    terraform_scan(built, settings)
}

/// The Terraform files of a scan, by folder, so that a root module is read together with
/// the local modules it calls (`module "m" { source = "./m" }`), their variables bound from
/// the call. A folder that another folder calls as a module is read through that call, not
/// again on its own.
#[derive(Debug, Default)]
pub struct TerraformProject<'a> {
    folders: std::collections::BTreeMap<String, Vec<(&'a str, &'a str)>>,
}

impl<'a> TerraformProject<'a> {
    /// Adds one `.tf` / `.tf.json` file; its folder is the path up to the last `/`.
    pub fn add_file(&mut self, path: &'a str, text: &'a str) {
        let folder = path.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
        self.folders
            .entry(folder.to_string())
            .or_default()
            .push((path, text));
    }

    /// Folders to scan as root modules: those no other folder calls as a local module, and
    /// those only reachable through a cycle of calls.
    pub fn roots(&self) -> Vec<&str> {
        let mut called = std::collections::BTreeSet::new();
        for (folder, files) in &self.folders {
            for source in files
                .iter()
                .flat_map(|(p, t)| frontend::terraform::module_sources(p, t))
            {
                if let Some(child) = frontend::terraform::module_folder(folder, &source) {
                    if child != *folder && self.folders.contains_key(&child) {
                        called.insert(child);
                    }
                }
            }
        }
        let mut roots: Vec<&str> = self
            .folders
            .keys()
            .filter(|f| !called.contains(*f))
            .map(String::as_str)
            .collect();
        // Folders that call each other and are called by no root would otherwise be lost.
        let mut reached: std::collections::BTreeSet<String> =
            roots.iter().map(|r| r.to_string()).collect();
        let mut queue: Vec<String> = reached.iter().cloned().collect();
        while let Some(f) = queue.pop() {
            for source in self.folders[&f]
                .iter()
                .flat_map(|(p, t)| frontend::terraform::module_sources(p, t))
            {
                if let Some(child) = frontend::terraform::module_folder(&f, &source) {
                    if self.folders.contains_key(&child) && reached.insert(child.clone()) {
                        queue.push(child);
                    }
                }
            }
        }
        roots.extend(
            self.folders
                .keys()
                .filter(|f| !reached.contains(*f))
                .map(String::as_str),
        );
        roots.sort_unstable();
        roots
    }

    /// Parses and checks the root module in `folder` with every local module it calls.
    pub fn scan_root(&self, folder: &str, settings: &ServerlessSettings) -> TemplateScan {
        let files = self.folders.get(folder).cloned().unwrap_or_default();
        let built = frontend::terraform::build_root(folder, &files, self);
        terraform_scan(built, settings)
    }
}

impl frontend::terraform::ModuleFolders for TerraformProject<'_> {
    fn files(&self, folder: &str) -> Option<Vec<(&str, &str)>> {
        self.folders.get(folder).cloned()
    }
}

fn terraform_scan(
    built: frontend::terraform::BuiltModule,
    settings: &ServerlessSettings,
) -> TemplateScan {
    let inv = built.inventory;
    let mut scan = TemplateScan {
        errors: built.errors,
        warnings: built.warnings,
        ..TemplateScan::default()
    };
    if !inv.is_empty() {
        scan.findings = check(&inv, settings);
        // Positions of a module share one line space; give each finding its own file back.
        for f in &mut scan.findings {
            if let Some(line) = f.location.line {
                let (file, line) = frontend::terraform::split_line(line);
                f.location.line = Some(line);
                if let Some(path) = built.paths.get(file) {
                    f.location.path = path.clone();
                }
            }
        }
        scan.findings
            .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        scan.inventories.push(inv);
    }
    scan
}

/// Runs every serverless rule on one inventory.
pub fn check(inv: &Inventory, settings: &ServerlessSettings) -> Vec<Finding> {
    let ctx = rules::Context { inv, settings };
    let mut out = Vec::new();
    for rule in rules::ALL.iter().chain(platform::rules::ALL) {
        (rule.check)(&ctx, &mut out);
    }
    out.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    out.dedup_by(|a, b| a.sort_key() == b.sort_key() && a.location.resource == b.location.resource);
    out
}

/// Every rule of this crate (FN009 judges a live function against its template, see
/// [`drift`]; it does not run on templates alone).
pub fn rules() -> Vec<&'static RuleMeta> {
    rules::ALL
        .iter()
        .chain(platform::rules::ALL)
        .map(|r| r.meta)
        .chain(std::iter::once(&drift::RULE))
        .collect()
}

pub(crate) fn location(inv: &Inventory, pos: value::Pos, resource: &str) -> Location {
    Location::at(inv.path.clone(), pos.line.max(1), pos.column.max(1)).with_resource(resource)
}
