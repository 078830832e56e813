//! Profile files on disk: one RON file per profile, atomic writes, export and import.

mod atomic;
mod error;
mod exchange;
mod file_format;
mod locked;
mod profiles;

pub use atomic::{check_output, write_atomic, write_new, write_output};
pub use error::{ProfileFileError, StoreError};
pub use exchange::{
    ImportReport, ImportedProfile, SkippedProfile, export_profiles, export_profiles_to,
    import_file, imported_name,
};
pub use file_format::FORMAT_VERSION;
pub(crate) use file_format::check as check_profile;
pub use locked::LockedStore;
pub use profiles::{
    CONFIG_DIR_ENV, LoadProblem, LoadedProfiles, ProfileStore, StoredProfile, new_profile_id,
};
