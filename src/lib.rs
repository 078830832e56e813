//! certconnect: a connection manager for certificate-based, app-only access to Microsoft Graph.
//!
//! The crate is layered so that every front end shares one tested core (`ARCHITECTURE.md` draws
//! the map and says how a new certificate source is added):
//!
//! - [`core`] is pure: profiles, form parsing, retry and header rules, certificate findings, the
//!   rules both front ends show. It never touches the file system, the network, the clock or a
//!   crypto library, so everything in it is deterministic and unit-testable. `now` is always a
//!   parameter.
//! - Adapters wrap the outside world: [`cert`] (OpenSSL, every certificate container, the Windows
//!   certificate store and the in-place signing seam), [`profile_store`] (profile files),
//!   [`credential_store`] (the OS credential store: remembered passwords, stored certificates,
//!   bundles), [`net`] (the one HTTPS client, token and Graph requests), [`assertion`] (the signed
//!   client assertion), [`bounded_read`] (every read bounded, so a FIFO or a huge file is an error,
//!   not a hang) and [`ui_thread_guard`] (a blocking adapter call inside a frame panics in debug
//!   builds).
//! - [`admin_signin`] signs an administrator in, delegated (authorization code with PKCE through
//!   the system browser and a loopback redirect, or the device code flow), for setting up an app
//!   registration; the session's tokens stay in memory.
//! - [`probe`] is a test connection as steps reported to a sink, and the protocol steps of key
//!   changes; [`report`] is the run as both front ends show it, and its plain-text report.
//! - [`ops`] holds every use case both front ends offer (export, import, trust, rename, delete,
//!   passwords, stored certificates, new certificates, key upload and removal, rotation), once.
//! - [`cli`] and [`gui`] are the front ends: they gather input, call `ops` and `probe`, and show the
//!   outcome. Only `cli` prints; only `gui` draws.
//! - [`sandbox`] is a local Entra token endpoint and Graph stand-in on 127.0.0.1, for the demo and
//!   every test.
//!
//! Secrets (passwords, private keys) only ever live in [`secret::Secret`], which cannot be printed
//! or serialized, so they cannot end up in a profile file, an export or a log line by accident.

pub mod admin_signin;
pub mod assertion;
pub mod bounded_read;
pub mod cert;
pub mod cli;
pub mod core;
pub mod credential_store;
pub mod gui;
pub mod net;
pub mod ops;
pub mod probe;
pub mod profile_store;
pub mod report;
pub mod sandbox;
pub mod secret;
pub mod ui_thread_guard;
