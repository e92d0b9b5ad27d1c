//! Core vocabulary of Palisade: what a finding is, how severe it is, which practice it
//! belongs to, where it points, and how rules describe themselves.
//!
//! Every scanner (Kubernetes manifests, secrets, vulnerabilities, images, serverless
//! templates) produces [`Finding`] values against [`RuleMeta`] entries; the report crate
//! renders a [`ScanReport`]. This crate parses nothing and walks nothing: it is the shared
//! language between the crates that do (and [`Json`], the compact form in which a live
//! cluster's objects travel between them).

pub mod config;
pub mod finding;
pub mod fsio;
pub mod ignore;
pub mod json;
pub mod kinds;
pub mod rule;
pub mod text;

pub use config::{Config, ConfigError, Suppression};
pub use finding::{
    Evidence, Finding, Location, PackageInfo, Practice, ScanError, ScanReport, SecretInfo,
    Severity, SuppressedBy,
};
pub use ignore::{suppression, InlineIgnores, ObjectMarkers};
pub use json::Json;
pub use rule::{RuleMeta, RuleRegistry};
