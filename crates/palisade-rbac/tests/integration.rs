//! The integration tests of palisade-rbac, one module per file, linked into one test binary
//! (one binary per crate keeps CI's disk and link time small).

mod common;

mod builder;
mod conformance;
mod rules;
mod who_can;
