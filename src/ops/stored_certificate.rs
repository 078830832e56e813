//! Certificates kept in the OS credential store: keeping a profile's certificate there, and
//! removing one that profiles may still use.

use super::OpsError;
use super::open::{Owner, open_certificate};
use crate::core::profile::CertificateSource;
use crate::core::stored_certificate::stored_certificate_name;
use crate::credential_store::{CredentialVault, StoredCertificate};
use crate::profile_store::{ProfileStore, StoredProfile};
use crate::secret::Secret;

/// The names of the profiles whose certificate is the stored certificate `entry`.
pub fn profiles_using_certificate(profiles: &[StoredProfile], entry: &str) -> Vec<String> {
    profiles
        .iter()
        .filter(|p| {
            matches!(&p.profile.certificate(), CertificateSource::CredentialStore { entry: e } if e == entry)
        })
        .map(|p| p.profile.name().to_owned())
        .collect()
}

/// Removes a certificate (and its key) from the credential store. While saved profiles use it, it
/// is refused with [`OpsError::InUse`] naming them, since they would stop working, unless `force`
/// is set. The profile directory stays locked meanwhile, so no save starts using it in between.
pub fn remove_stored_certificate(
    store: &ProfileStore,
    vault: &CredentialVault,
    name: &str,
    force: bool,
) -> Result<(), OpsError> {
    let locked = store.lock()?;
    let users = profiles_using_certificate(&locked.loaded().profiles, name);
    if !users.is_empty() && !force {
        return Err(OpsError::InUse {
            certificate: name.to_owned(),
            profiles: users,
        });
    }
    Ok(vault.remove(name)?)
}

/// Keeps the certificate of `source` (a file, opened with `password` or the remembered one) in
/// the credential store, under the name [`stored_certificate_name`] gives the profile named
/// `profile_name`. A password that is missing or wrong is [`OpsError::NeedsPassword`].
pub fn keep_in_credential_store(
    vault: &CredentialVault,
    profile_id: &str,
    profile_name: &str,
    source: &CertificateSource,
    password: Option<Secret>,
) -> Result<StoredCertificate, OpsError> {
    let owner = Owner {
        id: profile_id,
        name: profile_name,
    };
    let credential = open_certificate(&owner, source, password, Some(vault))?;
    Ok(vault.import(&stored_certificate_name(profile_name), &credential)?)
}
