//! Exporting profiles: plain (no secret inside), or with their certificates re-encrypted under a
//! passphrase (a bundle). Both refuse to write into the profile directory, and replace an existing
//! file only when asked.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::OpsError;
use super::open::{Owner, open_certificate};
use crate::core::profile::Profile;
use crate::credential_store::CredentialVault;
use crate::profile_store::ProfileStore;
use crate::secret::Secret;

/// Writes the named saved profiles to `out`, without any password or key. An existing file is
/// replaced only with `replace`; never a FIFO, a device or a file in the profile directory.
pub fn export_profiles(
    store: &ProfileStore,
    names: &[String],
    out: &Path,
    replace: bool,
) -> Result<usize, OpsError> {
    Ok(crate::profile_store::export_profiles_to(
        store, names, out, replace,
    )?)
}

/// Whether an export may be written to `out` (see [`export_profiles`]): the check both exports
/// make first, also before any password is read.
pub fn check_destination(store: &ProfileStore, out: &Path, replace: bool) -> Result<(), OpsError> {
    Ok(crate::profile_store::check_output(
        out,
        replace,
        Some(store.dir()),
    )?)
}

/// An export with certificates.
pub struct CertificateExport {
    /// The saved profiles to export, by name.
    pub names: Vec<String>,
    /// Where to write the bundle.
    pub out: PathBuf,
    /// Replace an existing regular file.
    pub replace: bool,
    /// The bundle's passphrase.
    pub passphrase: Secret,
    /// The password of every certificate that needs one and has none in `passwords`.
    pub password: Option<Secret>,
    /// Passwords by profile id (the app asks for each certificate that needs one).
    pub passwords: BTreeMap<String, Secret>,
}

/// Writes the named saved profiles with their certificates, re-encrypted under the passphrase, to
/// `export.out` (see [`crate::credential_store::export_bundle_to`]); returns how many were exported. The
/// destination and passphrase are checked before any certificate is opened; a certificate whose
/// password is missing or wrong is [`OpsError::NeedsPassword`], naming its profile. `vault` opens
/// certificates and passwords kept in the credential store.
pub fn export_with_certificates(
    store: &ProfileStore,
    vault: Option<&CredentialVault>,
    export: &CertificateExport,
) -> Result<usize, OpsError> {
    crate::credential_store::check_passphrase(&export.passphrase)?;
    check_destination(store, &export.out, export.replace)?;
    let profiles = export
        .names
        .iter()
        .map(|name| store.get(name).map(|stored| stored.profile))
        .collect::<Result<Vec<_>, _>>()?;
    let credentials = profiles
        .iter()
        .map(|profile| open(profile, export, vault))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(crate::credential_store::export_bundle_to(
        &profiles,
        &credentials,
        &export.passphrase,
        &export.out,
        export.replace,
        Some(store.dir()),
    )?)
}

/// The profile's certificate, opened with the password given for it.
fn open(
    profile: &Profile,
    export: &CertificateExport,
    vault: Option<&CredentialVault>,
) -> Result<crate::cert::Credential, OpsError> {
    let password = export
        .passwords
        .get(profile.id())
        .or(export.password.as_ref())
        .cloned();
    let owner = Owner {
        id: profile.id(),
        name: profile.name(),
    };
    open_certificate(&owner, profile.certificate(), password, vault)
}
