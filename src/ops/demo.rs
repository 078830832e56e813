//! The sandbox demo's profile: saved as an ordinary profile when the demo starts, so it behaves as
//! every other profile (no "unsaved" state to discard). Its certificate lives in a directory beside
//! the profiles, which outlives the run; the sandbox itself runs only as long as the process that
//! started it, so after a restart the profile's test fails at the token step (nothing listens on
//! its loopback port) until the demo is started again, which points the same profile at the new
//! sandbox.

use std::path::PathBuf;

use super::OpsError;
use crate::core::profile::Profile;
use crate::core::url_rules::is_loopback;
use crate::profile_store::ProfileStore;
use crate::sandbox::DEMO_CLIENT_ID;

/// The name the demo's profile is saved under when it is free.
pub const DEMO_PROFILE_NAME: &str = "Sandbox demo";

/// Where the demo keeps its certificate: `sandbox-demo` beside the profile directory.
pub fn demo_dir(store: &ProfileStore) -> PathBuf {
    let profiles = store.dir();
    profiles.parent().unwrap_or(profiles).join("sandbox-demo")
}

/// Whether a saved profile is one the demo made: the demo app's client ID at a loopback token URL.
pub fn is_demo_profile(profile: &Profile) -> bool {
    profile.client_id() == DEMO_CLIENT_ID && is_loopback(&profile.authority().token_url)
}

/// The file beside the demo's certificate that names the profile the demo saved (its id).
const DEMO_PROFILE_ID_FILE: &str = "profile-id";

/// The most an id file may hold.
const ID_FILE_LIMIT: u64 = 256;

/// Saves the demo's `profile`: over the profile an earlier demo saved (its id and name kept, so
/// starting the demo again does not add a profile each time), or else under the first free name
/// among "Sandbox demo", "Sandbox demo (2)", … Returns the profile as saved.
///
/// The earlier demo's profile is the one whose id the demo noted beside its certificate, as long
/// as it still points at a loopback sandbox: a setup run in the demo gives it another app's client
/// ID, so the demo's client ID alone would not find it again. A profile the admin made (another
/// id) is never taken over.
pub fn save_demo_profile(store: &ProfileStore, profile: &Profile) -> Result<Profile, OpsError> {
    let id_file = demo_dir(store).join(DEMO_PROFILE_ID_FILE);
    // No note (a first demo, or one from before the note existed): the demo's client ID finds it.
    let noted = crate::bounded_read::read_regular_text(&id_file, ID_FILE_LIMIT, "demo profile id")
        .ok()
        .map(|id| id.trim().to_owned())
        .filter(|id| !id.is_empty());
    let mut locked = store.lock()?;
    let profiles: Vec<Profile> = locked
        .loaded()
        .profiles
        .into_iter()
        .map(|stored| stored.profile)
        .collect();
    let earlier = profiles
        .iter()
        .find(|p| noted.as_deref() == Some(p.id()) && is_loopback(&p.authority().token_url))
        .or_else(|| profiles.iter().find(|p| is_demo_profile(p)))
        .cloned();
    let to_save = match earlier {
        Some(earlier) => profile
            .clone()
            .renamed(earlier.name())
            .map_err(|e| OpsError::Invalid(e.message))?
            .with_id(earlier.id()),
        None => {
            let name = (1..)
                .map(|n| match n {
                    1 => DEMO_PROFILE_NAME.to_owned(),
                    n => format!("{DEMO_PROFILE_NAME} ({n})"),
                })
                .find(|candidate| !locked.contains(candidate))
                .unwrap_or_else(|| DEMO_PROFILE_NAME.to_owned());
            profile
                .clone()
                .renamed(&name)
                .map_err(|e| OpsError::Invalid(e.message))?
                .with_id(String::new())
        }
    };
    let saved = locked.save(&to_save)?;
    if let Some(dir) = id_file.parent() {
        std::fs::create_dir_all(dir).map_err(|source| crate::profile_store::StoreError::Io {
            path: dir.to_owned(),
            source,
        })?;
    }
    crate::profile_store::write_atomic(&id_file, saved.id().as_bytes())?;
    Ok(saved)
}
