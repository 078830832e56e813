//! Confirming an imported profile on this machine.

use super::OpsError;
use crate::core::profile::{Origin, Profile};
use crate::profile_store::ProfileStore;

/// Marks the saved profile with this name (or, failing that, this id) as confirmed here: its origin
/// becomes [`Origin::Local`], so its hosts and credential-store entries are trusted from now on.
/// Returns the profile as saved; a profile already local is returned unchanged.
pub fn trust_profile(store: &ProfileStore, name_or_id: &str) -> Result<Profile, OpsError> {
    let mut locked = store.lock()?;
    let stored = match locked.get(name_or_id) {
        Ok(stored) => stored,
        Err(not_found) => locked.get_by_id(name_or_id).map_err(|_| not_found)?,
    };
    if stored.profile.origin().is_local() {
        return Ok(stored.profile.clone());
    }
    let profile = stored.profile.clone().with_origin(Origin::Local);
    Ok(locked.save(&profile)?)
}
