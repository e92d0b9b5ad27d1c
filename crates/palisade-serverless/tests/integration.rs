//! The integration tests of palisade-serverless, one module per file, linked into one test binary
//! (one binary per crate keeps CI's disk and link time small).

mod async_triggers;
mod conformance;
mod drift;
mod platform;
mod policy_templates;
mod robustness;
mod rules;
mod terraform_modules;
mod unused_roles;
