//! The OpenSSL adapter: read every kind of certificate file admins have, and inspect it.

pub(crate) mod der;
mod detect;
mod error;
pub mod generate;
mod in_place;
mod inspect;
mod jks;
mod key_vault;
mod legacy;
mod load;
pub(crate) mod names;
pub(crate) use names::{subject_entries, unix_seconds};
pub mod pkcs11;
mod pkcs12_bounds;
mod select;
mod store_credential;
pub mod windows_cert_store;
pub use windows_cert_store::StoreEntry;

pub use detect::FileFormat;
pub use error::CertError;
pub use in_place::InPlaceKey;
pub use inspect::{CertReport, ChainEntry, KeyInfo, certificate_info, inspect};
pub use key_vault::{
    OpenedVaultCertificate, VaultListEntry, create_key_vault_version, list_key_vault,
    open_key_vault, read_key_vault, vault_failure,
};
pub use load::{Credential, LoadOptions, load_bytes, load_file};
pub use pkcs12_bounds::MAX_ITERATIONS;
pub use store_credential::{import_into_windows_store, list_windows_store, open_windows_store};
