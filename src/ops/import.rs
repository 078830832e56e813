//! Importing an export file (plain profiles) or a bundle (profiles with their certificates). Which
//! one a file is, is read through the bounded reader, so a FIFO, a device or a huge file is never
//! waited for.

use std::path::Path;

use super::OpsError;
use crate::credential_store::CredentialVault;
use crate::profile_store::{ImportReport, ImportedProfile, ProfileStore};
use crate::secret::Secret;

/// Whether the file is a bundle with certificates (its import needs the passphrase). A file that
/// cannot be read is not; the plain import then says why.
pub fn is_bundle_file(path: &Path) -> bool {
    crate::credential_store::is_bundle_file(path)
}

/// Imports the profiles of an export file (or a profile file), each under a free name and
/// untrusted (see [`crate::profile_store::import_file`]).
pub fn import_profiles(store: &ProfileStore, path: &Path) -> Result<ImportReport, OpsError> {
    Ok(crate::profile_store::import_file(store, path)?)
}

/// Imports a bundle: its certificates into the credential store, its profiles pointing at them
/// (see [`crate::credential_store::import_bundle`]); all or nothing.
pub fn import_bundle(
    store: &ProfileStore,
    vault: &CredentialVault,
    path: &Path,
    passphrase: &Secret,
) -> Result<Vec<ImportedProfile>, OpsError> {
    Ok(crate::credential_store::import_bundle(
        path, passphrase, store, vault,
    )?)
}
