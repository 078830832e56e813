//! Secrets in the operating system's credential store, never in files.
//!
//! Two things are kept there: a remembered PFX password (`pfx-password/<profile id>`), and the random
//! key of each certificate imported into the store (`certificate/<name>`). The certificate itself is
//! too large for some stores (Windows Credential Manager blobs stop at 2,560 bytes), so it is kept in
//! the app's data directory encrypted with AES-256-GCM under that key: the file alone is useless,
//! and the key never leaves the credential store but to decrypt it in memory.

mod bundle;
mod error;
mod os_store;
mod vault;

pub use bundle::{
    BundleError, MIN_PASSPHRASE, PBKDF2_ITERATIONS, check_passphrase, export_bundle,
    export_bundle_to, import_bundle, is_bundle, is_bundle_file,
};
pub use error::{CredentialStoreError, CredentialVaultError};
pub use os_store::{CredentialBackend, MemoryBackend, PLATFORM_STORE_NAME, open_os_backend};
pub use vault::{CredentialVault, DATA_DIR_ENV, StoredCertificate};

/// The service name under which certconnect's entries are kept.
pub const SERVICE: &str = "certconnect";

/// The user's stored certificates with their keys in the platform's credential store (see
/// [`open_os_backend`] and [`CredentialVault::open_default`]).
pub fn open_os_vault() -> Result<CredentialVault, CredentialVaultError> {
    CredentialVault::open_default(open_os_backend()?)
}

/// The credential-store entry of a profile's remembered PFX password, keyed by the profile's id so
/// that renaming a profile keeps it and a new profile reusing a name never takes it over. Profiles
/// that remembered a password before ids existed name their older `pfx-password/<name>` entry
/// explicitly, so they keep working.
pub fn password_entry(profile_id: &str) -> String {
    format!("pfx-password/{profile_id}")
}
