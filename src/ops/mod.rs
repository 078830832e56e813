//! Use cases shared by the CLI and the app; each takes plain inputs and returns a result; neither
//! front end re-decides these rules.
//!
//! The front ends only gather inputs (flags, form fields) and show the outcome. Whatever decides
//! what is written, in which order, and what is cleaned up when a step fails lives here once, so the
//! command line and the desktop app cannot drift apart.

pub mod new_certificate;
pub mod profile_secrets;
pub mod trust;

pub use new_certificate::{KEY_SIZES, NewCertificate, NewCertificateRequest, new_certificate};
pub use profile_secrets::{
    delete_profile, forget_password, profiles_using_certificate, remember_password,
    remove_stored_certificate,
};
pub use trust::trust_profile;
