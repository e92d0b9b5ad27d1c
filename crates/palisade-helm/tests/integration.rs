//! The integration tests of palisade-helm, one module per file, linked into one test binary
//! (one binary per crate keeps CI's disk and link time small).

mod conformance;
mod render;
mod schema;
