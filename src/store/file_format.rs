//! The versioned RON envelopes of profile files and exports.

use serde::{Deserialize, Serialize};

use crate::core::draft::ProfileDraft;
use crate::core::profile::Profile;

/// The format version written today. Files with a higher version are refused, not misread.
pub const FORMAT_VERSION: u32 = 1;

/// One profile file: `profiles/<slug>.ron`.
#[derive(Serialize, Deserialize)]
pub(crate) struct ProfileFile {
    pub format_version: u32,
    pub profile: Profile,
}

/// An export: any number of profiles, never a secret (profiles cannot hold one).
#[derive(Serialize, Deserialize)]
pub(crate) struct ExportFile {
    pub format_version: u32,
    pub profiles: Vec<Profile>,
}

pub(crate) fn to_ron<T: Serialize>(value: &T) -> Result<String, super::StoreError> {
    let config = ron::ser::PrettyConfig::new().struct_names(false);
    ron::ser::to_string_pretty(value, config)
        .map(|mut text| {
            text.push('\n');
            text
        })
        .map_err(|e| super::StoreError::Serialize(e.to_string()))
}

/// Refuses newer formats and re-checks a profile read from disk with the form's rules, so a
/// hand-edited file cannot smuggle in an invalid value.
pub(crate) fn check(format_version: u32, profile: Profile) -> Result<Profile, String> {
    if format_version > FORMAT_VERSION {
        return Err(format!(
            "written by a newer certconnect (format {format_version}; this one reads up to {FORMAT_VERSION})"
        ));
    }
    ProfileDraft::from(&profile).parse().map_err(|errors| {
        errors
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("; ")
    })
}
