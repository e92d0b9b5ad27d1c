//! Front-ends: one per template language, each producing [`Inventory`] values.

pub mod azure;
pub mod cfn;
pub mod serverless_fw;
pub mod terraform;

use palisade_core::ScanError;

use crate::model::Inventory;

/// Loads a YAML/JSON file and builds an inventory from every CloudFormation, SAM or
/// Serverless Framework document in it.
pub fn load_yaml_or_json(path: &str, text: &str) -> (Vec<Inventory>, Vec<ScanError>) {
    let docs = match palisade_yaml::load(text) {
        Ok(d) => d,
        Err(e) => {
            return (
                Vec::new(),
                vec![ScanError::new(path, Some(e.line), e.message)],
            )
        }
    };
    let mut invs = Vec::new();
    let mut errors = Vec::new();
    for doc in &docs {
        let (inv, errs) = if cfn::is_template(&doc.root) {
            cfn::build(path, &doc.root)
        } else if serverless_fw::is_service(&doc.root) {
            serverless_fw::build(path, &doc.root)
        } else {
            continue;
        };
        errors.extend(errs);
        invs.push(inv);
    }
    (invs, errors)
}
