//! Serverless deployments for Palisade: CloudFormation, SAM, Serverless Framework,
//! Terraform and Azure Functions definitions parsed with source positions into one
//! normalized model ([`model::Function`], [`model::Role`], [`model::Endpoint`],
//! [`model::SecurityGroup`]...), and the FN, AUTH, LOG, COLD, SEC and NET rules written
//! once against that model.
//!
//! It is for templates on disk: text in, [`TemplateScan`] (inventory, findings, errors) out.
//! It does not walk directories, read files, deploy anything or talk to a cloud; the CLI
//! does the walking, and what a template leaves to deploy time stays unknown here.

pub mod frontend;
pub mod iam;
pub mod model;
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
/// so references between files resolve.
pub fn scan_terraform_module(
    files: &[(&str, &str)],
    settings: &ServerlessSettings,
) -> TemplateScan {
    let (inv, errors) = frontend::terraform::build_module(files);
    let mut scan = TemplateScan {
        errors,
        ..TemplateScan::default()
    };
    if !inv.is_empty() {
        scan.findings = check(&inv, settings);
        // Positions of a module share one line space; give each finding its own file back.
        for f in &mut scan.findings {
            if let Some(line) = f.location.line {
                let (file, line) = frontend::terraform::split_line(line);
                f.location.line = Some(line);
                if let Some((path, _)) = files.get(file) {
                    f.location.path = path.to_string();
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
    for rule in rules::ALL {
        (rule.check)(&ctx, &mut out);
    }
    out.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    out.dedup_by(|a, b| a.sort_key() == b.sort_key() && a.location.resource == b.location.resource);
    out
}

/// Every rule of this crate.
pub fn rules() -> Vec<&'static RuleMeta> {
    rules::ALL.iter().map(|r| r.meta).collect()
}

pub(crate) fn location(inv: &Inventory, pos: value::Pos, resource: &str) -> Location {
    Location::at(inv.path.clone(), pos.line.max(1), pos.column.max(1)).with_resource(resource)
}
