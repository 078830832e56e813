//! The profile directory under its advisory lock, with an index read once.
//!
//! Every change to the directory (save, rename, delete, import) happens while holding an exclusive
//! advisory lock (std's `File::lock`: `flock` on the directory itself on Unix, `LockFileEx` on a
//! `.profiles.lock` file beside it elsewhere). The lock belongs to the open file, so a killed
//! process releases it. Under the lock the directory is read
//! once into an index (names, ids, file names); each save updates the index instead of reading the
//! directory again, so importing N profiles costs N writes, not N directory reads.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use super::StoreError;
use super::atomic::{TEMP_PREFIX, TEMP_SUFFIX, write_atomic};
use super::file_format::{FORMAT_VERSION, ProfileFile, to_ron};
use super::profiles::{
    LoadProblem, LoadedProfiles, ProfileStore, StoredProfile, new_profile_id, read_profile_file,
    slug, with_file_id,
};
use crate::core::draft::ProfileDraft;
use crate::core::profile::Profile;

/// What one read of the directory found.
pub(super) struct Scan {
    pub loaded: LoadedProfiles,
    /// Every file name in the directory, lowercased (file systems may ignore case).
    pub file_names: HashSet<String>,
    /// Temporary files of saves (maybe running, maybe killed).
    pub leftovers: Vec<PathBuf>,
}

/// Reads the directory once: every `*.ron` file, parsed and checked.
pub(super) fn scan_dir(dir: &Path) -> Scan {
    let mut scan = Scan {
        loaded: LoadedProfiles::default(),
        file_names: HashSet::new(),
        leftovers: Vec::new(),
    };
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return scan,
        Err(e) => {
            scan.loaded.problems.push(LoadProblem {
                path: dir.to_path_buf(),
                message: e.to_string(),
            });
            return scan;
        }
    };
    let mut paths = Vec::new();
    for entry in entries.filter_map(Result::ok) {
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = entry.path();
        if name.starts_with(TEMP_PREFIX) && name.ends_with(TEMP_SUFFIX) {
            scan.leftovers.push(path);
            continue;
        }
        if path.extension().is_some_and(|ext| ext == "ron") {
            paths.push(path);
        }
        scan.file_names.insert(name.to_lowercase());
    }
    paths.sort();
    let mut ids = HashSet::new();
    let mut names = HashSet::new();
    for path in paths {
        let profile = match read_profile_file(&path) {
            Ok(profile) => with_file_id(profile, &path),
            Err(error) => {
                scan.loaded.problems.push(LoadProblem {
                    path,
                    message: error.to_string(),
                });
                continue;
            }
        };
        let message = if ids.contains(profile.id()) {
            Some("another file already holds this profile (the same id); if this file is a copy, remove its `id` line".to_owned())
        } else if names.contains(profile.name()) {
            Some(format!(
                "another file already holds a profile named '{}'",
                profile.name()
            ))
        } else {
            None
        };
        match message {
            Some(message) => scan.loaded.problems.push(LoadProblem { path, message }),
            None => {
                ids.insert(profile.id().to_owned());
                names.insert(profile.name().to_owned());
                scan.loaded.profiles.push(StoredProfile { path, profile });
            }
        }
    }
    scan
}

/// Removes temporary files of killed saves. Call only while holding the lock.
pub(super) fn remove_leftovers(leftovers: &[PathBuf]) {
    for path in leftovers {
        std::fs::remove_file(path).ok();
    }
}

pub(super) fn sort_by_name(profiles: &mut [StoredProfile]) {
    profiles.sort_by_cached_key(|p| p.profile.name().to_lowercase());
}

/// The profile directory, locked against other writers, with its index. Dropping it releases the
/// lock.
pub struct LockedStore<'a> {
    store: &'a ProfileStore,
    _lock: std::fs::File,
    profiles: Vec<StoredProfile>,
    problems: Vec<LoadProblem>,
    /// Profile name → index in `profiles`.
    by_name: HashMap<String, usize>,
    /// Profile id → index in `profiles`.
    by_id: HashMap<String, usize>,
    /// Lowercased file names in the directory.
    file_names: HashSet<String>,
    /// The generation of this read (see [`LoadedProfiles::generation`]).
    generation: u64,
}

impl<'a> LockedStore<'a> {
    pub(super) fn new(
        store: &'a ProfileStore,
        lock: std::fs::File,
        scan: Scan,
        generation: u64,
    ) -> Self {
        let mut locked = Self {
            store,
            _lock: lock,
            profiles: Vec::new(),
            problems: scan.loaded.problems,
            by_name: HashMap::new(),
            by_id: HashMap::new(),
            file_names: scan.file_names,
            generation,
        };
        for stored in scan.loaded.profiles {
            locked.insert(stored);
        }
        locked
    }

    fn insert(&mut self, stored: StoredProfile) {
        let index = self.profiles.len();
        self.by_name.insert(stored.profile.name().to_owned(), index);
        self.by_id.insert(stored.profile.id().to_owned(), index);
        self.profiles.push(stored);
    }

    /// The directory.
    pub fn dir(&self) -> &Path {
        self.store.dir()
    }

    /// The profiles as read under the lock (and saved since), sorted by name.
    pub fn loaded(&self) -> LoadedProfiles {
        let mut profiles = self.profiles.clone();
        sort_by_name(&mut profiles);
        LoadedProfiles {
            profiles,
            problems: self.problems.clone(),
            generation: self.generation,
        }
    }

    /// Whether a profile has this name.
    pub fn contains(&self, name: &str) -> bool {
        self.by_name.contains_key(name)
    }

    /// The profile with this exact name.
    pub fn get(&self, name: &str) -> Result<&StoredProfile, StoreError> {
        self.by_name
            .get(name)
            .map(|&i| &self.profiles[i])
            .ok_or_else(|| StoreError::NotFound(name.to_owned()))
    }

    /// The profile with this id.
    pub fn get_by_id(&self, id: &str) -> Result<&StoredProfile, StoreError> {
        self.by_id
            .get(id)
            .map(|&i| &self.profiles[i])
            .ok_or_else(|| StoreError::UnknownId(id.to_owned()))
    }

    /// Saves a profile (see [`ProfileStore::save`]) and keeps the index current.
    pub fn save(&mut self, profile: &Profile) -> Result<Profile, StoreError> {
        let mut profile = checked(profile)?;
        if profile.id().is_empty() {
            profile = profile.with_id(new_profile_id());
        }
        if let Some(&i) = self.by_name.get(profile.name())
            && self.profiles[i].profile.id() != profile.id()
        {
            return Err(StoreError::NameTaken(profile.name().to_owned()));
        }
        let existing = self.by_id.get(profile.id()).copied();
        let path = match existing {
            Some(i) => self.profiles[i].path.clone(),
            None => self.free_path(profile.name()),
        };
        let file = ProfileFile {
            format_version: FORMAT_VERSION,
            profile,
        };
        write_atomic(&path, to_ron(&file)?.as_bytes())?;
        let stored = StoredProfile {
            path: path.clone(),
            profile: file.profile,
        };
        match existing {
            Some(i) => {
                let old_name = std::mem::replace(&mut self.profiles[i], stored.clone())
                    .profile
                    .name()
                    .to_owned();
                if old_name != stored.profile.name() {
                    self.by_name.remove(&old_name);
                }
                self.by_name.insert(stored.profile.name().to_owned(), i);
            }
            None => {
                if let Some(name) = path.file_name() {
                    self.file_names
                        .insert(name.to_string_lossy().to_lowercase());
                }
                self.insert(stored.clone());
            }
        }
        Ok(stored.profile)
    }

    /// Renames the profile with this id (its file keeps its name) and returns it as saved. A name
    /// held by another profile is refused and nothing is written.
    pub fn rename_by_id(&mut self, id: &str, new_name: &str) -> Result<Profile, StoreError> {
        let profile = self.get_by_id(id)?.profile.clone();
        let renamed = profile
            .renamed(new_name)
            .map_err(|error| StoreError::InvalidProfile {
                name: new_name.to_owned(),
                errors: vec![error],
            })?;
        self.save(&renamed)
    }

    /// Deletes the file of the profile with this id and returns the profile it held.
    pub fn delete_by_id(&mut self, id: &str) -> Result<Profile, StoreError> {
        let i = *self
            .by_id
            .get(id)
            .ok_or_else(|| StoreError::UnknownId(id.to_owned()))?;
        let path = self.profiles[i].path.clone();
        std::fs::remove_file(&path).map_err(StoreError::io(&path))?;
        let removed = self.profiles.swap_remove(i);
        self.by_id.remove(removed.profile.id());
        self.by_name.remove(removed.profile.name());
        if let Some(name) = path.file_name() {
            self.file_names
                .remove(&name.to_string_lossy().to_lowercase());
        }
        if let Some(moved) = self.profiles.get(i) {
            self.by_id.insert(moved.profile.id().to_owned(), i);
            self.by_name.insert(moved.profile.name().to_owned(), i);
        }
        Ok(removed.profile)
    }

    /// A file name derived from the profile name that no file uses yet.
    fn free_path(&self, name: &str) -> PathBuf {
        let slug = slug(name);
        let dir = self.store.dir();
        (1..)
            .map(|n| match n {
                1 => format!("{slug}.ron"),
                n => format!("{slug}-{n}.ron"),
            })
            .find(|file| !self.file_names.contains(file) && !dir.join(file).exists())
            .map_or_else(|| dir.join("profile.ron"), |file| dir.join(file))
    }
}

/// The profile as the form's rules read it, or every field they refuse. A profile can only be made
/// valid, but one can still be deserialized from anywhere; checking here means the store writes
/// only what it reads back (reading re-checks each file the same way).
fn checked(profile: &Profile) -> Result<Profile, StoreError> {
    ProfileDraft::from(profile)
        .parse()
        .map_err(|errors| StoreError::InvalidProfile {
            name: profile.name().to_owned(),
            errors,
        })
}
