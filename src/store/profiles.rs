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
            match read_profile_file(&path) {
                Ok(profile)
                    if loaded
                        .profiles
                        .iter()
                        .any(|p| p.profile.name == profile.name) =>
                {
                    loaded.problems.push(LoadProblem {
                        message: format!(
                            "another file already holds a profile named '{}'",
                            profile.name
                        ),
                        path,
                    });
                }
                Ok(profile) => loaded.profiles.push(StoredProfile { path, profile }),
                Err(message) => loaded.problems.push(LoadProblem { path, message }),
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

    /// Saves a profile, replacing the file of the profile with the same name if there is one.
    pub fn save(&self, profile: &Profile) -> Result<PathBuf, StoreError> {
        let path = match self.get(&profile.name) {
            Ok(existing) => existing.path,
            Err(_) => self.free_path(&profile.name),
        };
        let file = ProfileFile {
            format_version: FORMAT_VERSION,
            profile: profile.clone(),
        };
        write_atomic(&path, to_ron(&file)?.as_bytes())?;
        Ok(path)
    }

    /// Renames a profile (its file keeps its name; the new name must be free).
    pub fn rename(&self, old: &str, new: &str) -> Result<(), StoreError> {
        if old != new && self.contains(new) {
            return Err(StoreError::NameTaken(new.to_owned()));
        }
        let stored = self.get(old)?;
        let file = ProfileFile {
            format_version: FORMAT_VERSION,
            profile: Profile {
                name: new.to_owned(),
                ..stored.profile
            },
        };
        write_atomic(&stored.path, to_ron(&file)?.as_bytes())
    }

    /// Deletes a profile's file.
    pub fn delete(&self, name: &str) -> Result<(), StoreError> {
        let stored = self.get(name)?;
        std::fs::remove_file(&stored.path).map_err(StoreError::io(&stored.path))
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
