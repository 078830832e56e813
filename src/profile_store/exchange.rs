//! Export profiles to one file and import them back, never overwriting a profile silently.
//!
//! An import holds the profile directory's lock from start to end (concurrent imports and saves
//! wait for each other, so none loses a profile) and reads the directory once.
//!
//! An interrupted import (killed, power lost) is **resumable**: before saving anything, the import
//! writes a small journal `profiles/.import-<SHA-256 of the file>.journal` holding a random nonce,
//! and the i-th profile of the file is saved under an id derived from that nonce and i. Importing
//! the same file again finds the journal, skips the profiles whose id is already saved and saves
//! the rest, so no profile is imported twice; the journal is removed when the import completes. A
//! completed import leaves no journal, so importing the file once more imports copies, as before.

use std::path::{Path, PathBuf};

use super::atomic::write_output;
use super::file_format::{ExportFile, FORMAT_VERSION, ProfileFile, check, to_ron};
use super::{LockedStore, ProfileStore, StoreError, write_atomic};
use crate::bounded_read::{EXPORT_FILE_MAX, read_regular_text};
use crate::core::draft::MAX_NAME_CHARS;
use crate::core::profile::{Origin, Profile};

/// Writes the named profiles to one RON file, replacing an existing regular file (the app's save
/// dialog has asked). Profiles hold no secret, so neither does the export.
pub fn export_profiles(
    store: &ProfileStore,
    names: &[String],
    out: &Path,
) -> Result<usize, StoreError> {
    export_profiles_to(store, names, out, true)
}

/// Like [`export_profiles`]; an existing file is replaced only with `replace`, and never a FIFO, a
/// device or a file in the profile directory.
pub fn export_profiles_to(
    store: &ProfileStore,
    names: &[String],
    out: &Path,
    replace: bool,
) -> Result<usize, StoreError> {
    super::atomic::check_output(out, replace, Some(store.dir()))?;
    let loaded = store.load_all();
    let profiles = names
        .iter()
        .map(|name| {
            loaded
                .profiles
                .iter()
                .find(|p| p.profile.name() == name)
                .map(|stored| stored.profile.clone())
                .ok_or_else(|| StoreError::NotFound(name.clone()))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let file = ExportFile {
        format_version: FORMAT_VERSION,
        profiles,
    };
    write_output(out, to_ron(&file)?.as_bytes(), replace, Some(store.dir()))?;
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
    /// Saved profiles (including, when an interrupted import is resumed, those saved before).
    pub imported: Vec<ImportedProfile>,
    /// Invalid profiles left out.
    pub skipped: Vec<SkippedProfile>,
}

/// Imports an export file (or a single profile file). A name that is taken gets a suffix
/// (` (imported)`, ` (imported 2)`, …, the name shortened to fit) so no existing profile is
/// overwritten. Every imported profile is marked [`Origin::Imported`]: it carries no trust,
/// whatever the file said. An interrupted import resumes (see the module docs).
pub fn import_file(store: &ProfileStore, path: &Path) -> Result<ImportReport, StoreError> {
    let text =
        read_regular_text(path, EXPORT_FILE_MAX, "certconnect export").map_err(StoreError::Read)?;
    let (format_version, profiles) = parse_import(&text).map_err(|e| StoreError::Invalid {
        path: path.to_path_buf(),
        message: format!("not a certconnect export or profile file ({e})"),
    })?;
    let mut locked = store.lock()?;
    let journal = Journal::open(&locked, &text)?;
    let mut report = ImportReport::default();
    for (index, profile) in profiles.into_iter().enumerate() {
        let original_name = profile.name().to_owned();
        let profile = match check(format_version, profile) {
            Ok(profile) => profile,
            Err(reason) => {
                report.skipped.push(SkippedProfile {
                    name: original_name,
                    reason: reason.to_string(),
                });
                continue;
            }
        };
        // A fresh id (never the exporter's: a re-imported export must not share an id, and with it
        // a remembered password's entry, with the profile it came from), but the same one when an
        // interrupted import of this file is resumed.
        let id = journal.id(index);
        if let Ok(done) = locked.get_by_id(&id) {
            report.imported.push(ImportedProfile {
                original_name,
                saved_as: done.profile.name().to_owned(),
            });
            continue;
        }
        let saved_as = free_name(&locked, profile.name());
        let profile = match profile.with_id(id).renamed(&saved_as) {
            Ok(profile) => profile.with_origin(Origin::Imported {
                brought_entries: Vec::new(),
            }),
            Err(reason) => {
                report.skipped.push(SkippedProfile {
                    name: original_name,
                    reason: reason.to_string(),
                });
                continue;
            }
        };
        locked.save(&profile)?;
        report.imported.push(ImportedProfile {
            original_name,
            saved_as,
        });
    }
    journal.finish();
    Ok(report)
}

/// The profiles of an export, or of a single profile file; the error is the export's (what the
/// file was most likely meant to be).
fn parse_import(text: &str) -> Result<(u32, Vec<Profile>), ron::error::SpannedError> {
    match ron::from_str::<ExportFile>(text) {
        Ok(file) => Ok((file.format_version, file.profiles)),
        Err(export_error) => ron::from_str::<ProfileFile>(text)
            .map(|file| (file.format_version, vec![file.profile]))
            .map_err(|_| export_error),
    }
}

/// The first free name among `name`, `name (imported)`, `name (imported 2)`, …; the name is
/// shortened (at a character boundary) so that name and suffix stay within the profile name limit.
pub(crate) fn free_name(locked: &LockedStore<'_>, name: &str) -> String {
    (1..)
        .map(|n| imported_name(name, n))
        .find(|candidate| !locked.contains(candidate))
        .unwrap_or_else(|| imported_name(name, 1))
}

/// The n-th candidate name for an imported profile named `name` (1 is the name itself), never
/// longer than the profile name limit.
pub fn imported_name(name: &str, n: usize) -> String {
    let suffix = match n {
        0 | 1 => return name.to_owned(),
        2 => " (imported)".to_owned(),
        n => format!(" (imported {})", n - 1),
    };
    let room = MAX_NAME_CHARS.saturating_sub(suffix.chars().count());
    let base: String = name.chars().take(room).collect();
    format!("{}{suffix}", base.trim_end())
}

/// The resume journal of one import file (see the module docs).
struct Journal {
    path: PathBuf,
    nonce: String,
}

impl Journal {
    fn open(locked: &LockedStore<'_>, text: &str) -> Result<Self, StoreError> {
        let digest = openssl::sha::sha256(text.as_bytes());
        let key: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
        let path = locked.dir().join(format!(".import-{key}.journal"));
        let existing = read_regular_text(&path, 256, "import journal")
            .ok()
            .map(|nonce| nonce.trim().to_owned())
            .filter(|nonce| !nonce.is_empty());
        let nonce = match existing {
            Some(nonce) => nonce,
            None => {
                let nonce = uuid::Uuid::new_v4().simple().to_string();
                write_atomic(&path, nonce.as_bytes())?;
                nonce
            }
        };
        Ok(Self { path, nonce })
    }

    /// The id of the `index`-th profile of the file: a v4-shaped UUID from the nonce and index.
    fn id(&self, index: usize) -> String {
        let digest = openssl::sha::sha256(format!("{}:{index}", self.nonce).as_bytes());
        let mut bytes = [0u8; 16];
        bytes.copy_from_slice(&digest[..16]);
        uuid::Builder::from_random_bytes(bytes)
            .into_uuid()
            .hyphenated()
            .to_string()
    }

    fn finish(self) {
        std::fs::remove_file(&self.path).ok();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unreadable_or_foreign_import_files_are_typed_refusals() {
        let dir = tempfile::tempdir().unwrap();
        let store = ProfileStore::at(dir.path().join("profiles"));
        let missing = dir.path().join("missing.ron");
        let error = import_file(&store, &missing).unwrap_err();
        assert!(
            matches!(&error, StoreError::Read(read) if read.io_kind() == Some(std::io::ErrorKind::NotFound)),
            "{error:?}"
        );
        assert!(
            error
                .to_string()
                .starts_with(&format!("{}: ", missing.display())),
            "the path is named once: {error}"
        );
        let foreign = dir.path().join("foreign.ron");
        std::fs::write(&foreign, "(something: else)").unwrap();
        let error = import_file(&store, &foreign).unwrap_err();
        assert!(
            matches!(&error, StoreError::Invalid { path, message }
                if *path == foreign && message.starts_with("not a certconnect export or profile file (")),
            "{error:?}"
        );
    }

    #[test]
    fn an_export_never_replaces_a_file_unasked_nor_lands_among_the_profiles() {
        let dir = tempfile::tempdir().unwrap();
        let store = ProfileStore::at(dir.path().join("profiles"));
        std::fs::create_dir_all(store.dir()).unwrap();
        let out = dir.path().join("out.ron");
        std::fs::write(&out, "mine").unwrap();
        assert!(matches!(
            export_profiles_to(&store, &[], &out, false),
            Err(StoreError::FileExists(path)) if path == out
        ));
        assert_eq!(std::fs::read_to_string(&out).unwrap(), "mine");
        assert!(matches!(
            export_profiles_to(&store, &[], &store.dir().join("all.ron"), true),
            Err(StoreError::InProfileDir(_))
        ));
        assert!(matches!(
            export_profiles_to(&store, &["Nobody".to_owned()], &out, true),
            Err(StoreError::NotFound(name)) if name == "Nobody"
        ));
    }

    #[test]
    fn imported_names_fit_the_limit_with_their_suffix() {
        let long = "n".repeat(95);
        assert_eq!(imported_name(&long, 1), long);
        for n in 2..12 {
            let name = imported_name(&long, n);
            assert!(name.chars().count() <= MAX_NAME_CHARS, "{name}");
            assert!(name.ends_with(')'));
        }
        assert_eq!(imported_name("Prod", 2), "Prod (imported)");
        assert_eq!(imported_name("Prod", 3), "Prod (imported 2)");
        let wide = "é".repeat(100);
        assert_eq!(imported_name(&wide, 2).chars().count(), MAX_NAME_CHARS);
    }
}
