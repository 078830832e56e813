//! The versioned RON envelopes of profile files and exports.

use serde::{Deserialize, Serialize};

use super::ProfileFileError;
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
pub(crate) fn check(format_version: u32, profile: Profile) -> Result<Profile, ProfileFileError> {
    if format_version > FORMAT_VERSION {
        return Err(ProfileFileError::NewerFormat {
            found: format_version,
            supported: FORMAT_VERSION,
        });
    }
    ProfileDraft::from(&profile)
        .parse()
        .map_err(ProfileFileError::Invalid)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::draft::Field;

    fn profile() -> Profile {
        ProfileDraft::example("Prod")
            .parse()
            .expect("valid profile")
    }

    #[test]
    fn a_newer_format_is_refused_by_its_version() {
        let newer = FORMAT_VERSION + 1;
        let error = check(newer, profile()).unwrap_err();
        assert!(
            matches!(error, ProfileFileError::NewerFormat { found, supported } if found == newer && supported == FORMAT_VERSION),
            "{error:?}"
        );
        assert!(
            error
                .to_string()
                .starts_with("written by a newer certconnect")
        );
        assert!(check(FORMAT_VERSION, profile()).is_ok());
    }

    #[test]
    fn a_hand_edited_value_is_refused_with_its_field() {
        let text = to_ron(&profile())
            .unwrap()
            .replace(ProfileDraft::EXAMPLE_CLIENT_ID, "not-a-guid");
        let profile: Profile = ron::from_str(&text).unwrap();
        let error = check(FORMAT_VERSION, profile).unwrap_err();
        let ProfileFileError::Invalid(errors) = &error else {
            panic!("{error:?}");
        };
        assert!(errors.iter().any(|e| e.field == Field::ClientId), "{error}");
        assert!(error.to_string().starts_with("Client ID: "), "{error}");
    }
}
