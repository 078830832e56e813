//! The real desktop app driven through its accessibility tree (egui_kittest), against the sandbox.
//!
//! One test binary per front end (core and adapters, cli, gui) so a build links three, not forty;
//! each file below is one area, sharing the fixtures in `tests/support`.

#![expect(clippy::unwrap_used, reason = "test helpers fail loudly by design")]

#[path = "../gui_harness/mod.rs"]
mod gui_harness;
#[path = "../support/mod.rs"]
mod support;

mod app;
mod cells;
mod editor;
mod field_messages;
mod first_run;
mod hidden_inputs;
mod icon;
mod key_vault;
mod keyboard_path;
mod layout;
mod many_profiles;
mod password_prompt;
mod pkcs11;
mod remembered_sign_in;
mod report;
mod rotation;
mod setup_entra;
mod setup_entra_keys;
mod setup_entra_runs;
mod trust;
#[cfg(not(windows))]
mod windows_store;
