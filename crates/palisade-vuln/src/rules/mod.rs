//! The DEP rules of this crate.

pub mod dep001_vulnerable_dependency;
pub mod dep002_unpinned_requirement;

use palisade_core::RuleMeta;

pub fn rules() -> Vec<&'static RuleMeta> {
    vec![
        &dep001_vulnerable_dependency::DEP001,
        &dep002_unpinned_requirement::DEP002,
    ]
}
