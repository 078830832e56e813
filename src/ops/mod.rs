//! Use cases shared by the CLI and the app; each takes plain inputs and returns a result; neither
//! front end re-decides these rules.
//!
//! The front ends only gather inputs (flags, form fields) and show the outcome. Whatever decides
//! what is written, in which order, and what is cleaned up when a step fails lives here once, so the
//! command line and the desktop app cannot drift apart. Each use case that reads, changes and
//! writes profiles holds the profile directory's lock from the read to the write, so two of them
//! (in this process or another) never overwrite each other's change. Errors are [`OpsError`]
//! variants, which the front ends map to flag hints, prompts and exit codes.
//!
//! The protocol steps a use case runs (token requests, Graph key calls, the step pipeline) are in
//! `probe` and `net`; they never call back into this module.

pub mod app_keys;
pub mod app_registration;
pub mod certificate_facts;
pub mod delete;
pub mod demo;
mod error;
pub mod export;
pub mod import;
pub mod key_vault;
pub mod new_certificate;
mod open;
pub mod profile_secrets;
pub mod remembered_sign_in;
pub mod rename;
pub mod rotate;
mod rotate_token;
mod rotate_vault;
pub mod stored_certificate;
pub mod trust;

pub use app_keys::{KeyJob, change_key};
pub use app_registration::{
    AddCertificateJob, AdminGraph, AppSetupError, AppView, CertificateAdded, RegisterJob,
    Registration, SetupFailed, ShowJob, add_certificate, register, show,
};
pub use certificate_facts::record_certificate_facts;
pub use delete::delete_profile;
pub use demo::{demo_dir, is_demo_profile, save_demo_profile};
pub use error::OpsError;
pub use export::{CertificateExport, check_destination, export_profiles, export_with_certificates};
pub use import::{import_bundle, import_profiles, is_bundle_file};
pub use new_certificate::{KEY_SIZES, NewCertificate, NewCertificateRequest, new_certificate};
pub use profile_secrets::{Saved, forget_password, remember_password, save_profile};
pub use rename::rename_profile;
pub use rotate::{RemovalFailed, RotateError, RotateJob, Rotation, rotate};
pub use stored_certificate::{
    keep_in_credential_store, profiles_using_certificate, remove_stored_certificate,
};
pub use trust::trust_profile;
