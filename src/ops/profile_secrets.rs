//! A saved profile's secrets: remembering and forgetting its PFX password, deleting the profile with
//! the password it remembered, and removing a stored certificate that profiles may still use.
//!
//! Credential-store entries can be shared: a profile file written before ids existed names a
//! `pfx-password/<name>` entry, and an entry may be named by more than one profile (a file copied by
//! hand). So an entry is only ever deleted once no other saved profile names it.

use crate::core::profile::{CertificateSource, PasswordSource, Profile};
use crate::secret::Secret;
use crate::secrets::{SecretStore, Vault, password_entry};
use crate::store::{ProfileStore, StoredProfile};

/// Keeps `password` in the credential store under `pfx-password/<id>` and points the saved profile
/// with this id at it. Returns the profile as saved.
///
/// The profile must be saved already: the entry is keyed by its id. If saving the profile fails, the
/// entry is put back as it was, so no orphaned secret is left. A different entry the profile named
/// before (a `pfx-password/<name>` from before ids existed) is deleted afterwards unless another saved
/// profile names it too.
pub fn remember_password(
    store: &ProfileStore,
    secrets: &dyn SecretStore,
    id: &str,
    password: &Secret,
) -> Result<Profile, String> {
    let mut profile = store.get_by_id(id).map_err(|e| e.to_string())?.profile;
    let entry = password_entry(profile.id());
    let previous = match profile.certificate() {
        CertificateSource::CredentialStore { .. } | CertificateSource::WindowsStore { .. } => {
            return Err("this profile's certificate needs no password".into());
        }
        CertificateSource::PfxFile { password, .. }
        | CertificateSource::PemFiles { password, .. } => password.clone(),
    };
    // A profile file from before ids existed takes its file name as id, which could equal an older
    // profile's name and so the name-keyed entry another profile remembers; never overwrite that.
    let others = others_naming(store, &entry, profile.id());
    if !others.is_empty() {
        return Err(format!(
            "the credential-store entry '{entry}' holds the password of {}; forget it there first",
            quoted_profiles(&others)
        ));
    }
    // Kept so a failed save can put back what an earlier remember stored under the same entry.
    let overwritten = secrets.get(&entry)?;
    secrets.set(&entry, password.expose().as_bytes())?;
    profile = profile.with_password_source(PasswordSource::CredentialStore {
        entry: entry.clone(),
    });
    let saved = match store.save(&profile) {
        Ok(saved) => saved,
        Err(error) => {
            let undo = match &overwritten {
                Some(old) => secrets.set(&entry, old),
                None => secrets.delete(&entry),
            };
            return Err(match undo {
                Ok(()) => format!("the profile could not be saved: {error}"),
                Err(undo_error) => format!(
                    "the profile could not be saved ({error}), and the entry '{entry}' could not be restored in the {}: {undo_error}",
                    secrets.name()
                ),
            });
        }
    };
    if let PasswordSource::CredentialStore { entry: old } = previous
        && old != entry
        && others_naming(store, &old, saved.id()).is_empty()
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
    secrets: &dyn SecretStore,
    id: &str,
) -> Result<Profile, String> {
    let mut profile = store.get_by_id(id).map_err(|e| e.to_string())?.profile;
    let PasswordSource::CredentialStore { entry } = profile.certificate().password().clone() else {
        return Ok(profile);
    };
    profile = profile.with_password_source(PasswordSource::Ask);
    // The profile stops naming the entry first: a profile naming a deleted entry would fail its
    // next test, while an entry nobody names is merely left over.
    let saved = store.save(&profile).map_err(|e| e.to_string())?;
    if others_naming(store, &entry, saved.id()).is_empty() {
        secrets.delete(&entry).map_err(|e| {
            format!(
                "'{}' now asks for its password, but the entry '{entry}' could not be deleted from the {}: {e}",
                saved.name(),
                secrets.name()
            )
        })?;
    }
    Ok(saved)
}

/// Deletes the saved profile with this id, then the remembered-password entry it named unless
/// another saved profile names it. A certificate kept in the credential store is not deleted: other
/// profiles or a later profile may use it (`remove_stored_certificate` does that, on request).
///
/// Without a reachable credential store (`secrets` is `None`) only the file is deleted.
pub fn delete_profile(
    store: &ProfileStore,
    secrets: Option<&dyn SecretStore>,
    id: &str,
) -> Result<(), String> {
    let profile = store.delete_by_id(id).map_err(|e| e.to_string())?;
    if let (PasswordSource::CredentialStore { entry }, Some(secrets)) =
        (profile.certificate().password(), secrets)
        && others_naming(store, entry, profile.id()).is_empty()
    {
        secrets.delete(entry).map_err(|e| {
            format!(
                "deleted '{}', but its remembered password could not be deleted from the {}: {e}",
                profile.name(),
                secrets.name()
            )
        })?;
    }
    Ok(())
}

/// The names of the profiles whose certificate is the stored certificate `entry`.
pub fn profiles_using_certificate(profiles: &[StoredProfile], entry: &str) -> Vec<String> {
    profiles
        .iter()
        .filter(|p| {
            matches!(p.profile.certificate(), CertificateSource::CredentialStore { entry: e } if e == entry)
        })
        .map(|p| p.profile.name().to_owned())
        .collect()
}

/// Removes a certificate (and its key) from the credential store. While saved profiles use it, it
/// is refused with their names, since they would stop working, unless `force` is set.
pub fn remove_stored_certificate(
    store: &ProfileStore,
    vault: &Vault,
    name: &str,
    force: bool,
) -> Result<(), String> {
    let users = profiles_using_certificate(&store.load_all().profiles, name);
    if !users.is_empty() && !force {
        return Err(format!(
            "'{name}' is used by {}; give them another certificate first, or remove it anyway",
            quoted_profiles(&users)
        ));
    }
    vault.remove(name)
}

/// Names of the saved profiles, other than `id`, whose password source is the entry `entry`.
fn others_naming(store: &ProfileStore, entry: &str, id: &str) -> Vec<String> {
    store
        .load_all()
        .profiles
        .into_iter()
        .filter(|p| p.profile.id() != id)
        .filter(|p| {
            matches!(p.profile.certificate().password(), PasswordSource::CredentialStore { entry: e } if e == entry)
        })
        .map(|p| p.profile.name().to_owned())
        .collect()
}

/// `profile 'A'` or `profile(s) 'A', 'B'`.
fn quoted_profiles(names: &[String]) -> String {
    let list = names
        .iter()
        .map(|n| format!("'{n}'"))
        .collect::<Vec<_>>()
        .join(", ");
    format!("profile(s) {list}")
}
