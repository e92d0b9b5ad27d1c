//! The integration tests of palisade-policy, one module per file, linked into one test binary
//! (one binary per crate keeps CI's disk and link time small).

mod export_vap;
mod gatekeeper_library;
mod kyverno_policies;
mod policy_set;
mod scan_agrees_with_suites;
