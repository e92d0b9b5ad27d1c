//! The integration tests of palisade-secrets, one module per file, linked into one test binary
//! (one binary per crate keeps CI's disk and link time small).

mod config_files;
mod config_values;
mod conformance;
mod custom_rules;
mod engine_behaviour;
mod generic_on_real_code;
mod rules;
