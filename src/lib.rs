//! certconnect: a connection manager for certificate-based, app-only access to Microsoft Graph.
//!
//! The crate is layered so that every front end shares one tested core:
//!
//! - [`core`] is pure: profiles, form parsing, retry and header rules, certificate findings. It never
//!   touches the file system, the network, the clock or a crypto library, so everything in it is
//!   deterministic and unit-testable. `now` is always a parameter.
//! - Adapters wrap the outside world: [`cert`] (OpenSSL), [`store`] (profile files).
//! - [`ops`] holds the use cases both front ends share (remembering a password, making a
//!   certificate), so the CLI and the app apply the same rules.
//! - [`report`] is the test run as both front ends show it, and its plain-text report.
//! - [`cli`] is a thin front end over the adapters; it is the only place that prints.
//!
//! Secrets (passwords, private keys) only ever live in [`secret::Secret`], which cannot be printed
//! or serialized, so they cannot end up in a profile file, an export or a log line by accident.

pub mod assertion;
pub mod blocking;
pub mod cert;
pub mod cli;
pub mod core;
pub mod gui;
pub mod limits;
pub mod net;
pub mod ops;
pub mod probe;
pub mod report;
pub mod sandbox;
pub mod secret;
pub mod secrets;
pub mod store;
