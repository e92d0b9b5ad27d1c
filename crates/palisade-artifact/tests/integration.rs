//! The integration tests of palisade-artifact, one module per file, linked into one test binary
//! (one binary per crate keeps CI's disk and link time small).

mod common;

mod hostile_registry;
mod layers;
mod real_images;
mod registry;
mod rules;
mod special_files;
