//! A saved profile's remembered PFX password: remembering it (also as part of a save) and
//! forgetting it, each under the profile directory's lock from the read to the write.
//!
//! Credential-store entries can be shared: a profile file written before ids existed names a
//! `pfx-password/<name>` entry, and an entry may be named by more than one profile (a file copied by
//! hand). So an entry is only ever deleted once no other saved profile names it.

use super::OpsError;
use crate::core::profile::{CertificateSource, PasswordSource, Profile};
use crate::credential_store::{CredentialBackend, password_entry};
use crate::profile_store::{LockedStore, ProfileStore};
use crate::secret::Secret;

/// Keeps `password` in the credential store under `pfx-password/<id>` and points the saved profile
/// with this id at it. Returns the profile as saved.
///
/// The profile must be saved already: the entry is keyed by its id. If saving the profile fails, the
/// entry is put back as it was, so no orphaned secret is left. A different entry the profile named
/// before (a `pfx-password/<name>` from before ids existed) is deleted afterwards unless another saved
/// profile names it too.
pub fn remember_password(
    store: &ProfileStore,
    secrets: &dyn CredentialBackend,
    id: &str,
    password: &Secret,
) -> Result<Profile, OpsError> {
    let mut locked = store.lock()?;
    remember_locked(&mut locked, secrets, id, password)
}

/// A profile saved, and whether its password was remembered.
pub struct Saved {
    /// The profile as saved (pointing at its remembered password when that worked).
    pub profile: Profile,
    /// Why the password was not remembered, when it was asked for and failed: the profile itself
    /// is saved all the same.
    pub not_remembered: Option<OpsError>,
}

/// Saves a profile (see [`ProfileStore::save`]) and, with `remember`, then keeps its password in
/// `secrets` under the saved profile's id (see [`remember_password`]), both under one lock.
pub fn save_profile(
    store: &ProfileStore,
    profile: &Profile,
    remember: Option<(&dyn CredentialBackend, &Secret)>,
) -> Result<Saved, OpsError> {
    let mut locked = store.lock()?;
    let saved = locked.save(profile)?;
    let Some((secrets, password)) = remember else {
        return Ok(Saved {
            profile: saved,
            not_remembered: None,
        });
    };
    Ok(
        match remember_locked(&mut locked, secrets, saved.id(), password) {
            Ok(profile) => Saved {
                profile,
                not_remembered: None,
            },
            Err(error) => Saved {
                profile: saved,
                not_remembered: Some(error),
            },
        },
    )
}

fn remember_locked(
    locked: &mut LockedStore<'_>,
    secrets: &dyn CredentialBackend,
    id: &str,
    password: &Secret,
) -> Result<Profile, OpsError> {
    let profile = locked.get_by_id(id)?.profile.clone();
    let entry = password_entry(profile.id());
    let previous = match &profile.certificate() {
        CertificateSource::CredentialStore { .. }
        | CertificateSource::WindowsStore { .. }
        | CertificateSource::KeyVault { .. } => {
            return Err(OpsError::NoPasswordNeeded);
        }
        CertificateSource::PfxFile { password, .. }
        | CertificateSource::PemFiles { password, .. }
        | CertificateSource::Pkcs11 { pin: password, .. } => password.clone(),
    };
    // A profile file from before ids existed takes its file name as id, which could equal an older
    // profile's name and so the name-keyed entry another profile remembers; never overwrite that.
    let others = others_naming(locked, &entry, profile.id());
    if !others.is_empty() {
        return Err(OpsError::EntryShared {
            entry,
            profiles: others,
        });
    }
    // Kept so a failed save can put back what an earlier remember stored under the same entry.
    let overwritten = secrets.get(&entry)?;
    secrets.set(&entry, password.expose().as_bytes())?;
    let profile = profile.with_password_source(PasswordSource::CredentialStore {
        entry: entry.clone(),
    });
    let saved = match locked.save(&profile) {
        Ok(saved) => saved,
        Err(error) => {
            let undo = match &overwritten {
                Some(old) => secrets.set(&entry, old),
                None => secrets.delete(&entry),
            };
            return Err(match undo {
                Ok(()) => OpsError::NotSaved(error),
                Err(reason) => OpsError::EntryNotRestored {
                    error: Box::new(error),
                    entry,
                    store: secrets.name().to_owned(),
                    reason: reason.to_string(),
                },
            });
        }
    };
    if let PasswordSource::CredentialStore { entry: old } = previous
        && old != entry
        && others_naming(locked, &old, saved.id()).is_empty()
    {
        // The password now lives under the id-keyed entry; the old copy is only a leftover secret.
        // Failing to delete it does not undo the remember, so it is not reported as a failure.
        secrets.delete(&old).ok();
    }
    Ok(saved)
}

/// Makes the saved profile with this id ask for its password again, then deletes the entry it named
/// unless another saved profile names the same entry. Returns the profile as saved. A profile that
/// remembers no password is returned unchanged.
pub fn forget_password(
    store: &ProfileStore,
    secrets: &dyn CredentialBackend,
    id: &str,
) -> Result<Profile, OpsError> {
    let mut locked = store.lock()?;
    let mut profile = locked.get_by_id(id)?.profile.clone();
    let PasswordSource::CredentialStore { entry } = profile.certificate().password().clone() else {
        return Ok(profile);
    };
    profile = profile.with_password_source(PasswordSource::Ask);
    // The profile stops naming the entry first: a profile naming a deleted entry would fail its
    // next test, while an entry nobody names is merely left over.
    let saved = locked.save(&profile)?;
    if others_naming(&locked, &entry, saved.id()).is_empty() {
        secrets
            .delete(&entry)
            .map_err(|reason| OpsError::EntryNotDeleted {
                profile_name: saved.name().to_owned(),
                entry: entry.clone(),
                store: secrets.name().to_owned(),
                reason: reason.to_string(),
            })?;
    }
    Ok(saved)
}

/// Names of the saved profiles, other than `id`, whose password source is the entry `entry`.
pub(super) fn others_naming(locked: &LockedStore<'_>, entry: &str, id: &str) -> Vec<String> {
    locked
        .loaded()
        .profiles
        .into_iter()
        .filter(|p| p.profile.id() != id)
        .filter(|p| {
            matches!(p.profile.certificate().password(), PasswordSource::CredentialStore { entry: e } if e == entry)
        })
        .map(|p| p.profile.name().to_owned())
        .collect()
}
