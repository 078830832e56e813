//! Profile files on disk: one RON file per profile, atomic writes, export and import.

mod atomic;
mod error;
mod exchange;
mod file_format;
mod profiles;

pub use atomic::{write_atomic, write_new};
pub use error::StoreError;
pub use exchange::{ImportReport, ImportedProfile, SkippedProfile, export_profiles, import_file};
pub use file_format::FORMAT_VERSION;
pub use profiles::{
    CONFIG_DIR_ENV, LoadProblem, LoadedProfiles, ProfileStore, StoredProfile, new_profile_id,
};
