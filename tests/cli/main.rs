//! The real `certconnect` binary run as an admin runs it: its commands, output, exit codes and files.
//!
//! One test binary per front end (core and adapters, cli, gui) so a build links three, not forty;
//! each file below is one area, sharing the fixtures in `tests/support`.

#![expect(clippy::unwrap_used, reason = "test helpers fail loudly by design")]

#[path = "../support/mod.rs"]
mod support;

mod app;
mod cert;
mod clean_output;
mod completions;
mod key_rotation;
mod key_vault;
mod pkcs11;
mod platform;
mod profile;
mod test;
mod test_all;
mod trust;
mod workshop;
