//! Renaming a saved profile. Its file, id and remembered password stay: only the name changes.

use super::OpsError;
use crate::core::profile::Profile;
use crate::profile_store::ProfileStore;

/// The name a profile would be renamed to, checked: trimmed, and a valid profile name.
pub fn checked_name(new_name: &str) -> Result<String, OpsError> {
    let new_name = new_name.trim();
    crate::core::draft::check_name(new_name).map_err(OpsError::Invalid)?;
    Ok(new_name.to_owned())
}

/// Renames the saved profile with this id; a name held by another profile is
/// [`OpsError::NameTaken`]. Returns the profile as saved.
pub fn rename_profile(store: &ProfileStore, id: &str, new_name: &str) -> Result<Profile, OpsError> {
    let new_name = checked_name(new_name)?;
    let mut locked = store.lock()?;
    Ok(locked.rename_by_id(id, &new_name)?)
}
