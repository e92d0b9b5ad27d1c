//! Vulnerable-dependency detection for Palisade: package inventories, version ordering
//! per ecosystem, the OSV advisory database (SQLite) and the matcher that joins them.
//!
//! The inventory model ([`inventory::Package`]) says nothing about where a package list
//! came from: lockfiles in a source tree, an image's dpkg status file, or an SBOM all feed
//! the same matcher. This crate does not walk directories or read images (the CLI and the
//! image crate do), and it does not render reports.

pub mod db;
pub mod installed;
pub mod inventory;
pub mod lockfile;
pub mod matcher;
pub mod osv;
pub mod rules;
pub mod scan;
pub mod secdb;
pub mod severity;
pub mod update;
pub mod version;

pub use db::{Database, DbError};
pub use inventory::Package;
pub use rules::rules;
pub use scan::{findings, match_packages, unpinned_findings, MatchOptions, Vulnerability};
pub use version::VersionScheme;
