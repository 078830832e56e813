//! Opening a profile's certificate for a use case, with the loader's failure turned into the
//! variant the front ends act on (a password to ask for, or a reason to show).

use super::OpsError;
use crate::cert::Credential;
use crate::core::password_ask::PasswordAsk;
use crate::core::profile::CertificateSource;
use crate::credential_store::CredentialVault;
use crate::secret::Secret;

/// Whose certificate is opened, for the error.
pub(super) struct Owner<'a> {
    /// The profile's id (the app asks for this profile's password).
    pub id: &'a str,
    /// The profile's name (for the message).
    pub name: &'a str,
}

/// Opens `source` with `password`, or else the password it remembers in `vault` (see
/// [`crate::probe::open_certificate`]). A missing or wrong password is
/// [`OpsError::NeedsPassword`]; any other failure [`OpsError::Certificate`].
pub(super) fn open_certificate(
    owner: &Owner<'_>,
    source: &CertificateSource,
    password: Option<Secret>,
    vault: Option<&CredentialVault>,
) -> Result<Credential, OpsError> {
    let typed = password.is_some();
    crate::probe::open_certificate(source, password, vault).map_err(|(failure, _)| {
        if let Some(ask) = PasswordAsk::of(&failure, typed) {
            OpsError::NeedsPassword {
                profile_id: owner.id.to_owned(),
                profile_name: owner.name.to_owned(),
                reason: failure.message,
                ask,
            }
        } else {
            OpsError::Certificate {
                profile_name: owner.name.to_owned(),
                message: failure.message,
            }
        }
    })
}
