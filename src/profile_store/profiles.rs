//! The profile directory: one RON file per profile.

use std::path::{Path, PathBuf};

use super::file_format::{ProfileFile, check};
use super::locked::{LockedStore, remove_leftovers, scan_dir, sort_by_name};
use super::{ProfileFileError, StoreError};
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
    /// When the directory was read, among the reads of this process: of two lists read by
    /// [`ProfileStore::load_locked`], the one with the higher generation was read later, so it
    /// is never older. 0 for a read that is not ordered ([`ProfileStore::load_all`]).
    pub generation: u64,
}

impl LoadedProfiles {
    /// Whether this list was read after `other` (an unordered read never is).
    pub fn is_newer_than(&self, other: &Self) -> bool {
        self.generation > other.generation
    }
}

/// The last generation handed out (see [`LoadedProfiles::generation`]).
static GENERATION: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// The next read's generation. Taken while holding the directory's lock, so the order of the
/// generations is the order in which the reads saw the directory.
pub(super) fn next_generation() -> u64 {
    GENERATION.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1
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

    /// Loads every `*.ron` file; broken files are reported by name and left as they are. Temporary
    /// files left by a save that was killed half-way are removed when no save is running.
    pub fn load_all(&self) -> LoadedProfiles {
        crate::ui_thread_guard::forbid_on_ui_thread("ProfileStore::load_all");
        let scan = scan_dir(&self.dir);
        if !scan.leftovers.is_empty()
            && let Ok(lock) = self.open_lock_file()
            && lock.try_lock().is_ok()
        {
            remove_leftovers(&scan.leftovers);
        }
        let mut loaded = scan.loaded;
        sort_by_name(&mut loaded.profiles);
        loaded
    }

    /// Loads every profile while holding the lock (no save is half-done meanwhile), with a
    /// generation that orders it after every list read before (see
    /// [`LoadedProfiles::generation`]): a list read after a write is never replaced by one read
    /// before it. A directory that does not exist yet is not created; its list is empty.
    pub fn load_locked(&self) -> LoadedProfiles {
        crate::ui_thread_guard::forbid_on_ui_thread("ProfileStore::load_locked");
        // Taken before looking: a directory created after the look is read by a later generation.
        let generation = next_generation();
        if !self.dir.exists() {
            return LoadedProfiles {
                generation,
                ..LoadedProfiles::default()
            };
        }
        match self.lock() {
            Ok(locked) => locked.loaded(),
            // Not lockable (a read-only directory): read it anyway, numbered before the read.
            Err(_) => LoadedProfiles {
                generation,
                ..self.load_all()
            },
        }
    }

    /// Locks the directory against saves by other threads and processes (an advisory lock,
    /// released when the returned value is dropped, or when a killed process exits),
    /// then reads it once. Saves through the lock keep that index current, so saving or importing N
    /// profiles reads the directory once, not N times.
    pub fn lock(&self) -> Result<LockedStore<'_>, StoreError> {
        crate::ui_thread_guard::forbid_on_ui_thread("ProfileStore::lock");
        std::fs::create_dir_all(&self.dir).map_err(StoreError::io(&self.dir))?;
        let lock = self.open_lock_file()?;
        lock.lock().map_err(StoreError::io(&self.dir))?;
        let generation = next_generation();
        let scan = scan_dir(&self.dir);
        // Under the lock no save is running, so every temporary file is a killed save's leftover.
        remove_leftovers(&scan.leftovers);
        Ok(LockedStore::new(self, lock, scan, generation))
    }

    /// What the lock is taken on. On Unix, the directory itself (`flock` works on a directory), so
    /// no file is added; elsewhere a `.<dir name>.lock` file beside the directory.
    fn open_lock_file(&self) -> Result<std::fs::File, StoreError> {
        #[cfg(unix)]
        {
            std::fs::File::open(&self.dir).map_err(StoreError::io(&self.dir))
        }
        #[cfg(not(unix))]
        {
            let name = self
                .dir
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| "profiles".to_owned());
            let path = self.dir.with_file_name(format!(".{name}.lock"));
            std::fs::OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(&path)
                .map_err(StoreError::io(path))
        }
    }

    /// The profile with this exact name.
    pub fn get(&self, name: &str) -> Result<StoredProfile, StoreError> {
        self.load_all()
            .profiles
            .into_iter()
            .find(|p| p.profile.name() == name)
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
            .find(|p| p.profile.id() == id)
            .ok_or_else(|| StoreError::UnknownId(id.to_owned()))
    }

    /// Saves a profile and returns it as saved. An empty id gets a new one. The file of the profile
    /// with the same id is replaced, so a changed name is a rename in one atomic write; otherwise a
    /// new file is made. A name held by another profile is refused and nothing is written; so is a
    /// profile the form's rules refuse ([`StoreError::InvalidProfile`]). Safe against concurrent
    /// saves by other processes (see [`ProfileStore::lock`]).
    pub fn save(&self, profile: &Profile) -> Result<Profile, StoreError> {
        crate::ui_thread_guard::forbid_on_ui_thread("ProfileStore::save");
        self.lock()?.save(profile)
    }

    /// Renames a profile (its file keeps its name; the new name must be free).
    pub fn rename(&self, old: &str, new: &str) -> Result<(), StoreError> {
        let mut locked = self.lock()?;
        let id = locked.get(old)?.profile.id().to_owned();
        locked.rename_by_id(&id, new).map(drop)
    }

    /// Deletes a profile's file.
    pub fn delete(&self, name: &str) -> Result<(), StoreError> {
        let mut locked = self.lock()?;
        let id = locked.get(name)?.profile.id().to_owned();
        locked.delete_by_id(&id).map(drop)
    }

    /// Deletes the file of the profile with this id and returns the profile it held.
    pub fn delete_by_id(&self, id: &str) -> Result<Profile, StoreError> {
        crate::ui_thread_guard::forbid_on_ui_thread("ProfileStore::delete_by_id");
        self.lock()?.delete_by_id(id)
    }
}

/// A new profile id: a random UUID (v4), hyphenated lowercase. Random rather than derived from the
/// name, so a new profile that reuses a deleted or renamed profile's name never inherits its entries.
pub fn new_profile_id() -> String {
    uuid::Uuid::new_v4().hyphenated().to_string()
}

/// A profile from a file written before ids existed gets the file's stem as its id, in memory only.
/// The stem is stable: a renamed profile keeps its file.
pub(super) fn with_file_id(profile: Profile, path: &Path) -> Profile {
    if profile.id().is_empty() {
        let id = path
            .file_stem()
            .map(|stem| stem.to_string_lossy().into_owned())
            .unwrap_or_default();
        return profile.with_id(id);
    }
    profile
}

pub(super) fn read_profile_file(path: &Path) -> Result<Profile, ProfileFileError> {
    let text = crate::bounded_read::read_regular_text(
        path,
        crate::bounded_read::PROFILE_FILE_MAX,
        "profile file",
    )
    .map_err(ProfileFileError::Unreadable)?;
    let file: ProfileFile =
        ron::from_str(&text).map_err(|e| ProfileFileError::NotAProfile(e.to_string()))?;
    check(file.format_version, file.profile)
}

/// File names Windows reserves whatever their extension (`CON.ron` is the console, not a file).
const WINDOWS_RESERVED: [&str; 22] = [
    "con", "prn", "aux", "nul", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8",
    "com9", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
];

/// A portable file name: lowercase letters, digits and single dashes, at most 60 characters, never
/// a name Windows reserves (`con` becomes `con-profile`).
pub(super) fn slug(name: &str) -> String {
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
    } else if WINDOWS_RESERVED.contains(&slug) || slug == "com0" || slug == "lpt0" {
        format!("{slug}-profile")
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
        assert_eq!(slug("CON"), "con-profile");
        assert_eq!(slug("nul"), "nul-profile");
        assert_eq!(slug("Com1"), "com1-profile");
        assert_eq!(slug("lpt9 "), "lpt9-profile");
        assert_eq!(slug("console"), "console");
        assert_eq!(slug("Ünïcode"), "n-code");
        assert!(slug(&"x".repeat(200)).len() <= 60);
    }
}
