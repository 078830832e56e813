//! The profile directory: one RON file per profile.

use std::path::{Path, PathBuf};

use super::StoreError;
use super::atomic::write_atomic;
use super::file_format::{FORMAT_VERSION, ProfileFile, check, to_ron};
use crate::core::profile::Profile;

/// Overrides the configuration directory (portable installs, tests, several setups side by side).
pub const CONFIG_DIR_ENV: &str = "CERTCONNECT_CONFIG_DIR";

/// A profile and the file it was read from.
#[derive(Clone, Debug)]
pub struct StoredProfile {
    /// The file.
    pub path: PathBuf,
    /// The profile.
    pub profile: Profile,
}

/// A file in the profile directory that could not be loaded. It is left untouched.
#[derive(Clone, Debug)]
pub struct LoadProblem {
    /// The file.
    pub path: PathBuf,
    /// Why it could not be loaded.
    pub message: String,
}

/// Everything found in the profile directory.
#[derive(Clone, Debug, Default)]
pub struct LoadedProfiles {
    /// Valid profiles, sorted by name.
    pub profiles: Vec<StoredProfile>,
    /// Files that failed to load; the rest still load.
    pub problems: Vec<LoadProblem>,
}

/// The profile directory.
#[derive(Clone, Debug)]
pub struct ProfileStore {
    dir: PathBuf,
}

impl ProfileStore {
    /// The user's store: `$CERTCONNECT_CONFIG_DIR/profiles`, or `profiles` under the OS config
    /// directory (`%APPDATA%\certconnect\config`, `~/.config/certconnect`, `~/Library/Application Support/certconnect`).
    pub fn open_default() -> Result<Self, StoreError> {
        Ok(Self::at(config_dir()?.join("profiles")))
    }

    /// A store in the given directory (created on first save).
    pub fn at(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    /// The directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Loads every `*.ron` file; broken files are reported by name and left as they are.
    pub fn load_all(&self) -> LoadedProfiles {
        crate::blocking::forbid_on_ui_thread("ProfileStore::load_all");
        let mut loaded = LoadedProfiles::default();
        let entries = match std::fs::read_dir(&self.dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return loaded,
            Err(e) => {
                loaded.problems.push(LoadProblem {
                    path: self.dir.clone(),
                    message: e.to_string(),
                });
                return loaded;
            }
        };
        let mut paths: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|ext| ext == "ron"))
            .collect();
        paths.sort();
        for path in paths {
            let profile = match read_profile_file(&path) {
                Ok(profile) => with_file_id(profile, &path),
                Err(message) => {
                    loaded.problems.push(LoadProblem { path, message });
                    continue;
                }
            };
            let clash = loaded.profiles.iter().find_map(|p| {
                if p.profile.id == profile.id {
                    // A file copied by hand carries its original's id; without the id line it
                    // loads as a profile of its own (the file name becomes its id).
                    Some("another file already holds this profile (the same id); if this file is a copy, remove its `id` line".to_owned())
                } else if p.profile.name == profile.name {
                    Some(format!(
                        "another file already holds a profile named '{}'",
                        profile.name
                    ))
                } else {
                    None
                }
            });
            match clash {
                Some(message) => loaded.problems.push(LoadProblem { path, message }),
                None => loaded.profiles.push(StoredProfile { path, profile }),
            }
        }
        loaded.profiles.sort_by(|a, b| {
            a.profile
                .name
                .to_lowercase()
                .cmp(&b.profile.name.to_lowercase())
        });
        loaded
    }

    /// The profile with this exact name.
    pub fn get(&self, name: &str) -> Result<StoredProfile, StoreError> {
        self.load_all()
            .profiles
            .into_iter()
            .find(|p| p.profile.name == name)
            .ok_or_else(|| StoreError::NotFound(name.to_owned()))
    }

    /// Whether a profile has this name.
    pub fn contains(&self, name: &str) -> bool {
        self.get(name).is_ok()
    }

    /// The profile with this id.
    pub fn get_by_id(&self, id: &str) -> Result<StoredProfile, StoreError> {
        self.load_all()
            .profiles
            .into_iter()
            .find(|p| p.profile.id == id)
            .ok_or_else(|| StoreError::UnknownId(id.to_owned()))
    }

    /// Saves a profile and returns it as saved. An empty id gets a new one. The file of the profile
    /// with the same id is replaced, so a changed name is a rename in one atomic write; otherwise a
    /// new file is made. A name held by another profile is refused and nothing is written.
    pub fn save(&self, profile: &Profile) -> Result<Profile, StoreError> {
        crate::blocking::forbid_on_ui_thread("ProfileStore::save");
        let mut profile = profile.clone();
        if profile.id.is_empty() {
            profile.id = new_profile_id();
        }
        let loaded = self.load_all();
        if loaded
            .profiles
            .iter()
            .any(|p| p.profile.name == profile.name && p.profile.id != profile.id)
        {
            return Err(StoreError::NameTaken(profile.name));
        }
        let path = match loaded
            .profiles
            .into_iter()
            .find(|p| p.profile.id == profile.id)
        {
            Some(existing) => existing.path,
            None => self.free_path(&profile.name),
        };
        let file = ProfileFile {
            format_version: FORMAT_VERSION,
            profile,
        };
        write_atomic(&path, to_ron(&file)?.as_bytes())?;
        Ok(file.profile)
    }

    /// Renames a profile (its file keeps its name; the new name must be free).
    pub fn rename(&self, old: &str, new: &str) -> Result<(), StoreError> {
        let stored = self.get(old)?;
        self.save(&Profile {
            name: new.to_owned(),
            ..stored.profile
        })
        .map(drop)
    }

    /// Deletes a profile's file.
    pub fn delete(&self, name: &str) -> Result<(), StoreError> {
        let stored = self.get(name)?;
        std::fs::remove_file(&stored.path).map_err(StoreError::io(&stored.path))
    }

    /// Deletes the file of the profile with this id and returns the profile it held.
    pub fn delete_by_id(&self, id: &str) -> Result<Profile, StoreError> {
        crate::blocking::forbid_on_ui_thread("ProfileStore::delete_by_id");
        let stored = self.get_by_id(id)?;
        std::fs::remove_file(&stored.path).map_err(StoreError::io(&stored.path))?;
        Ok(stored.profile)
    }

    /// A file name derived from the profile name that no file uses yet.
    fn free_path(&self, name: &str) -> PathBuf {
        let slug = slug(name);
        (1..)
            .map(|n| match n {
                1 => self.dir.join(format!("{slug}.ron")),
                n => self.dir.join(format!("{slug}-{n}.ron")),
            })
            .find(|p| !p.exists())
            .unwrap_or_else(|| self.dir.join("profile.ron"))
    }
}

/// A new profile id: a random UUID (v4), hyphenated lowercase. Random rather than derived from the
/// name, so a new profile that reuses a deleted or renamed profile's name never inherits its entries.
pub fn new_profile_id() -> String {
    uuid::Uuid::new_v4().hyphenated().to_string()
}

/// A profile from a file written before ids existed gets the file's stem as its id, in memory only.
/// The stem is stable: a renamed profile keeps its file.
fn with_file_id(mut profile: Profile, path: &Path) -> Profile {
    if profile.id.is_empty() {
        profile.id = path
            .file_stem()
            .map(|stem| stem.to_string_lossy().into_owned())
            .unwrap_or_default();
    }
    profile
}

fn read_profile_file(path: &Path) -> Result<Profile, String> {
    let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    let file: ProfileFile =
        ron::from_str(&text).map_err(|e| format!("not a valid profile file ({e})"))?;
    check(file.format_version, file.profile)
}

/// A portable file name: lowercase letters, digits and single dashes, at most 60 characters.
fn slug(name: &str) -> String {
    let mut slug = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
        if slug.len() >= 60 {
            break;
        }
    }
    let slug = slug.trim_end_matches('-');
    if slug.is_empty() {
        "profile".to_owned()
    } else {
        slug.to_owned()
    }
}

fn config_dir() -> Result<PathBuf, StoreError> {
    if let Some(dir) = std::env::var_os(CONFIG_DIR_ENV).filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    directories::ProjectDirs::from("", "", "certconnect")
        .map(|dirs| dirs.config_dir().to_path_buf())
        .ok_or(StoreError::NoConfigDir)
}

#[cfg(test)]
mod tests {
    use super::slug;

    #[test]
    fn slugs_are_portable_file_names() {
        assert_eq!(slug("Contoso Prod / SharePoint"), "contoso-prod-sharepoint");
        assert_eq!(slug("   "), "profile");
        assert_eq!(slug("CON"), "con");
        assert_eq!(slug("Ünïcode"), "n-code");
        assert!(slug(&"x".repeat(200)).len() <= 60);
    }
}
