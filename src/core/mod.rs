//! The pure core: no file system, network, clock, threads or crypto library in here.
//!
//! Everything that decides something — is this profile valid, is this certificate usable for Entra,
//! how long to wait before a retry — lives here and takes its inputs (including `now`) as arguments.

pub mod app_registration;
pub mod authority;
pub mod diagnosis;
pub mod draft;
mod draft_pkcs11;
pub mod event;
pub mod expiry;
pub mod findings;
pub mod graph_response;
pub mod guid;
pub mod headers;
pub mod jwt;
pub mod key_vault;
pub mod name_pattern;
pub mod password_ask;
pub mod pkcs11_uri;
pub mod plural;
pub mod profile;
pub mod retry;
pub mod signin;
pub mod stored_certificate;
pub mod subject;
pub mod thumbprint;
pub mod time_fmt;
pub mod token_response;
pub mod trust;
pub mod url_rules;
pub mod validity;

#[cfg(test)]
mod draft_tests;
#[cfg(test)]
mod pkcs11_uri_tests;
#[cfg(test)]
mod profile_tests;
