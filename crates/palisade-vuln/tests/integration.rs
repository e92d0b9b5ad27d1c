//! The integration tests of palisade-vuln, one module per file, linked into one test binary
//! (one binary per crate keeps CI's disk and link time small).

mod alpine_secdb;
mod cvss_reference;
mod db_update;
mod dep001;
mod dep002;
mod hostile_files;
mod installed_binaries;
mod lockfiles;
mod osv_corpus;
mod pep440_epochs;
mod version_corpus;
mod version_properties;
mod version_reference;
