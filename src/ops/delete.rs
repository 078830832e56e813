//! Deleting a saved profile with the password it remembered.

use super::OpsError;
use super::profile_secrets::others_naming;
use crate::core::profile::PasswordSource;
use crate::credential_store::CredentialBackend;
use crate::profile_store::ProfileStore;

/// Deletes the saved profile with this id, then the remembered-password entry it named unless
/// another saved profile names it. A certificate kept in the credential store is not deleted: other
/// profiles or a later profile may use it (`remove_stored_certificate` does that, on request).
///
/// Without a reachable credential store (`secrets` is `None`) only the file is deleted.
pub fn delete_profile(
    store: &ProfileStore,
    secrets: Option<&dyn CredentialBackend>,
    id: &str,
) -> Result<(), OpsError> {
    let mut locked = store.lock()?;
    let profile = locked.delete_by_id(id)?;
    if let (PasswordSource::CredentialStore { entry }, Some(secrets)) =
        (profile.certificate().password(), secrets)
        && others_naming(&locked, entry, profile.id()).is_empty()
    {
        secrets
            .delete(entry)
            .map_err(|reason| OpsError::PasswordNotDeleted {
                profile_name: profile.name().to_owned(),
                store: secrets.name().to_owned(),
                reason: reason.to_string(),
            })?;
    }
    Ok(())
}
