//! The platform around functions and containers — networks, data stores, clusters,
//! registries, identities, the queues and APIs that trigger functions, the tables, user
//! pools and state machines that work with them, load balancers and search domains — as declared in the same Terraform modules and CloudFormation
//! templates, normalized into one [`Platform`] per inventory so each rule is written once
//! for every cloud and template language.
//!
//! The front-ends evaluate resources (variables, references, intrinsics) and hand them
//! here as [`SourceResource`]s; this module only reads the evaluated values. A value the
//! front-end could not evaluate stays [`crate::model::Attr::Unknown`] and no rule judges it.

mod apis;
mod cfn;
pub(crate) mod clusters;
mod db_transport;
mod flow_logs;
mod gateways;
mod identities;
mod load_balancers;
mod messaging;
pub mod model;
pub mod policy;
mod registries;
pub mod rules;
mod search_domains;
mod state_machines;
mod tables;
mod template_secrets;
mod terraform;
mod user_pools;

pub(crate) use gateways::APPLICATION_GATEWAY;
pub use model::*;

pub(crate) use crate::frontend::cfn::{attr_bool, attr_str};
use crate::model::Attr;
use crate::value::{Pos, Value};

/// One evaluated resource of a template, as a front-end hands it over.
pub struct SourceResource<'a> {
    /// What findings name: a Terraform address, or `AWS::Type/LogicalId`.
    pub id: String,
    /// What other resources refer to it by: the Terraform address or the logical id.
    pub key: &'a str,
    pub rtype: &'a str,
    pub pos: Pos,
    /// Terraform arguments and blocks, or CloudFormation `Properties`.
    pub body: &'a Value,
}

/// Whether the platform model reads this Terraform resource type.
pub fn wants_terraform(rtype: &str) -> bool {
    terraform::wants(rtype)
}

/// Whether the platform model reads this CloudFormation resource type.
pub fn wants_cfn(rtype: &str) -> bool {
    cfn::wants(rtype)
}

/// Builds the platform model of a Terraform module's evaluated resources.
pub fn from_terraform<'a>(resources: impl Iterator<Item = SourceResource<'a>>) -> Platform {
    terraform::build(resources.collect())
}

/// Builds the platform model of a CloudFormation template's evaluated resources.
pub fn from_cfn<'a>(resources: impl Iterator<Item = SourceResource<'a>>) -> Platform {
    cfn::build(resources.collect())
}

/// A switch inside an optional section (a Terraform block, a CloudFormation property
/// map): off when the section or the switch is unwritten.
pub(crate) fn section_switch(section: Option<&Value>, key: &str, fallback: Pos) -> Attr<bool> {
    let Some(s) = section else {
        return Attr::Set(false, fallback);
    };
    if s.is_unknown() {
        return Attr::Unknown(s.pos);
    }
    match attr_bool(s.get(key)) {
        Attr::Unset => Attr::Set(false, s.pos),
        other => other,
    }
}

/// Nested blocks `key` (HCL blocks are lists; `.tf.json` may write a single map).
pub(crate) fn blocks<'v>(v: &'v Value, key: &str) -> Vec<&'v Value> {
    v.get(key).map(|b| b.one_or_many()).unwrap_or_default()
}

/// Where a setting is written, or the resource when it is not.
pub(crate) fn pos_of(v: &Value, key: &str, fallback: Pos) -> Pos {
    v.get(key).map(|x| x.pos).unwrap_or(fallback)
}
