//! What the app remembers between runs in eframe's storage: only UI preferences — never profiles,
//! passwords or keys (profiles live in their own RON files).

use serde::{Deserialize, Serialize};

/// The eframe storage key.
pub const PREFS_KEY: &str = "certconnect-ui";

/// The colours the app is drawn in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum ThemeChoice {
    /// Light or dark as the system is.
    #[default]
    System,
    /// Always light.
    Light,
    /// Always dark.
    Dark,
}

impl ThemeChoice {
    /// Every choice, in menu order.
    pub const ALL: [ThemeChoice; 3] = [Self::System, Self::Light, Self::Dark];

    /// Its name in the menu.
    pub fn label(self) -> &'static str {
        match self {
            Self::System => "System theme",
            Self::Light => "Light",
            Self::Dark => "Dark",
        }
    }

    /// What egui is told.
    pub fn preference(self) -> egui::ThemePreference {
        match self {
            Self::System => egui::ThemePreference::System,
            Self::Light => egui::ThemePreference::Light,
            Self::Dark => egui::ThemePreference::Dark,
        }
    }
}

/// UI preferences.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct UiPrefs {
    /// The profile open when the app closed.
    pub last_profile: Option<String>,
    /// Width of the profile list, in points.
    pub list_width: f32,
    /// Width of the test panel beside the form (wide windows), in points.
    pub test_width: f32,
    /// Height of the test panel under the form (narrow windows), in points.
    pub test_height: f32,
    /// The test panel under the form is open (narrow windows).
    pub test_open: bool,
    /// Light, dark, or as the system is.
    pub theme: ThemeChoice,
}

impl Default for UiPrefs {
    fn default() -> Self {
        Self {
            last_profile: None,
            list_width: 240.0,
            test_width: 400.0,
            test_height: 220.0,
            test_open: true,
            theme: ThemeChoice::System,
        }
    }
}
