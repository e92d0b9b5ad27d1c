//! The integration tests of palisade-dockerfile, one module per file, linked into one test binary
//! (one binary per crate keeps CI's disk and link time small).

mod conformance;
mod img011_local_images;
mod robustness;
mod rules;
mod secrets_in_images;
