//! The one YAML (and JSON) loader of Palisade.
//!
//! It turns text into a tree of [`Node`]s that remember their line and column, so every
//! rule can point at the field it is about. It is built for untrusted input: nesting depth,
//! node count and alias expansion are bounded ([`Limits`]), so a "billion laughs" file or a
//! 10,000-deep document yields a [`YamlError`], never a hang, a stack overflow or an
//! exhausted memory. JSON is read by the same loader (JSON is YAML's flow style).
//!
//! It does not know what the documents mean: Kubernetes, CloudFormation or Serverless
//! models are built on top of these nodes by the IaC crate.

mod json;
mod loader;
mod node;

pub use json::{to_json, to_yaml};
pub use loader::{load, load_with, Document, Limits, YamlError};
pub use node::{Node, NodeKind, Pos, Scalar};
