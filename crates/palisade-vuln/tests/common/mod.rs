#![allow(dead_code)]
//! Shared helpers for integration tests: the HTTP server of the `db update` tests.

pub mod http;
