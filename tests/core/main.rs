//! Tests of the core and its adapters: certificate files, the profile store, the credential store,
//! the sandbox and the test pipeline, each against real files, real servers on 127.0.0.1 and real tools.
//!
//! One test binary per front end (core and adapters, cli, gui) so a build links three, not forty;
//! each file below is one area, sharing the fixtures in `tests/support`.

#![expect(clippy::unwrap_used, reason = "test helpers fail loudly by design")]

#[path = "../support/mod.rs"]
mod support;

mod admin_signin;
mod app_registration;
mod assertion_in_place;
mod bundle_safety;
mod cert_inspect;
mod cert_jks;
mod cert_load;
mod cert_pkcs11;
mod fuzz_core;
mod fuzz_files;
mod hostile_input;
mod hostile_server;
mod key_vault_sign_in;
mod key_vault_signing;
mod net_errors;
mod ops_secrets;
mod probe_faults;
mod probe_flow;
mod profile_store;
mod remembered_sign_in;
mod sandbox_abuse;
mod sandbox_app_keys;
mod sandbox_app_registration;
mod sandbox_device_login;
mod sandbox_key_vault;
mod secret_store_real;
mod secret_store_real_sign_in;
mod secrets_vault;
mod store_safety;
