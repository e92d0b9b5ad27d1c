//! The integration tests of palisade-netpol, one module per file, linked into one test binary
//! (one binary per crate keeps CI's disk and link time small).

mod common;

mod conformance;
mod engine;
mod properties;
mod recipes;
mod rules;
