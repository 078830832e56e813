//! Export profiles to one file and import them back, never overwriting a profile silently.

use std::path::Path;

use super::file_format::{ExportFile, FORMAT_VERSION, ProfileFile, check, to_ron};
use super::{ProfileStore, StoreError, write_atomic};
use crate::core::profile::Profile;

/// Writes the named profiles to one RON file. Profiles hold no secret, so neither does the export.
pub fn export_profiles(
    store: &ProfileStore,
    names: &[String],
    out: &Path,
) -> Result<usize, StoreError> {
    let profiles = names
        .iter()
        .map(|name| store.get(name).map(|stored| stored.profile))
        .collect::<Result<Vec<_>, _>>()?;
    let file = ExportFile {
        format_version: FORMAT_VERSION,
        profiles,
    };
    write_atomic(out, to_ron(&file)?.as_bytes())?;
    Ok(file.profiles.len())
}

/// A profile that was imported, and the name it got.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportedProfile {
    /// The name in the file.
    pub original_name: String,
    /// The name it was saved under (differs when the original was taken).
    pub saved_as: String,
}

/// A profile of the file that was not imported.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SkippedProfile {
    /// Its name in the file.
    pub name: String,
    /// Why.
    pub reason: String,
}

/// What an import did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// Saved profiles.
    pub imported: Vec<ImportedProfile>,
    /// Invalid profiles left out.
    pub skipped: Vec<SkippedProfile>,
}

/// Imports an export file (or a single profile file). A name that is taken gets a suffix
/// (` (imported)`, ` (imported 2)`, …) so no existing profile is overwritten.
pub fn import_file(store: &ProfileStore, path: &Path) -> Result<ImportReport, StoreError> {
    let text = std::fs::read_to_string(path).map_err(StoreError::io(path))?;
    let (format_version, profiles) =
        parse_import(&text).map_err(|message| StoreError::Invalid {
            path: path.to_path_buf(),
            message,
        })?;
    let mut report = ImportReport::default();
    for profile in profiles {
        let original_name = profile.name.clone();
        let profile = match check(format_version, profile) {
            Ok(profile) => profile,
            Err(reason) => {
                report.skipped.push(SkippedProfile {
                    name: original_name,
                    reason,
                });
                continue;
            }
        };
        let saved_as = free_name(store, &profile.name);
        // A fresh id: a re-imported export must never share an id, and with it a remembered
        // password's entry, with the profile it was exported from.
        store.save(&Profile {
            id: String::new(),
            name: saved_as.clone(),
            ..profile
        })?;
        report.imported.push(ImportedProfile {
            original_name,
            saved_as,
        });
    }
    Ok(report)
}

fn parse_import(text: &str) -> Result<(u32, Vec<Profile>), String> {
    match ron::from_str::<ExportFile>(text) {
        Ok(file) => Ok((file.format_version, file.profiles)),
        Err(export_error) => match ron::from_str::<ProfileFile>(text) {
            Ok(file) => Ok((file.format_version, vec![file.profile])),
            Err(_) => Err(format!(
                "not a certconnect export or profile file ({export_error})"
            )),
        },
    }
}

fn free_name(store: &ProfileStore, name: &str) -> String {
    if !store.contains(name) {
        return name.to_owned();
    }
    (1..)
        .map(|n| match n {
            1 => format!("{name} (imported)"),
            n => format!("{name} (imported {n})"),
        })
        .find(|candidate| !store.contains(candidate))
        .unwrap_or_else(|| format!("{name} (imported)"))
}
