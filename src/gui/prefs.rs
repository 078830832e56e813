//! What the app remembers between runs in eframe's storage: only UI preferences — never profiles,
//! passwords or keys (profiles live in their own RON files).

use serde::{Deserialize, Serialize};

/// The eframe storage key.
pub const PREFS_KEY: &str = "certconnect-ui";

/// UI preferences.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct UiPrefs {
    /// The profile open when the app closed.
    pub last_profile: Option<String>,
}
