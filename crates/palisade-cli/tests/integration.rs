//! The integration tests of palisade-cli, one module per file, linked into one test binary
//! (one binary per crate keeps CI's disk and link time small).

mod common;
#[path = "../../palisade-artifact/tests/common/mod.rs"]
mod image_builder;
#[path = "support/langpkg_image.rs"]
mod langpkg_image;
#[path = "support/moto.rs"]
mod moto;

mod bad_input;
mod cloud_aws;
mod cloud_parity;
mod cluster_dump;
mod cluster_live;
mod cluster_questions;
mod cluster_watch;
mod config_secrets;
mod cross_file;
mod dockerfile;
mod helm;
mod image_cmd;
mod image_langpkgs;
mod image_sbom;
mod image_secrets;
mod image_vulns;
mod images_fleet;
mod k8s_graph;
mod kustomize;
mod langpkg_real;
mod manifests_schema;
mod pod_templates;
mod policy;
mod readme;
mod registry_logins;
mod scan_examples;
mod secrets;
mod serverless_e2e;
mod vuln_cli;
mod vuln_kill;
mod webhook;
