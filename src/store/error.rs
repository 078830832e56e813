//! What can go wrong with profile files.

use std::path::PathBuf;

use crate::core::draft::FieldError;

/// A profile file operation that failed. Nothing on disk is changed when one is returned.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// No configuration directory could be determined for this user.
    #[error(
        "no configuration directory for this user; set {} to choose one",
        super::CONFIG_DIR_ENV
    )]
    NoConfigDir,
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A file is not a valid certconnect profile or export.
    #[error("{path}: {message}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },
    /// No profile has this name.
    #[error("no profile named '{0}'")]
    NotFound(String),
    /// No saved profile has this id (it was deleted, or its file removed). The id is kept for
    /// code, not shown: ids mean nothing to the admin.
    #[error("the profile is no longer saved; it may have been deleted")]
    UnknownId(String),
    /// A profile with this name exists already.
    #[error("a profile named '{0}' exists already")]
    NameTaken(String),
    /// The profile breaks the form's rules, so it is not written: a file the store writes is one
    /// it can read back.
    #[error("the profile '{name}' is not valid: {}", joined(.errors))]
    InvalidProfile {
        /// The profile's name (as given, so perhaps the invalid value itself).
        name: String,
        /// Every field the rules refuse.
        errors: Vec<FieldError>,
    },
    /// The profile could not be turned into RON (should not happen).
    #[error("could not write the profile: {0}")]
    Serialize(String),
}

fn joined(errors: &[FieldError]) -> String {
    errors
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

impl StoreError {
    pub(crate) fn io(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> Self {
        let path = path.into();
        move |source| Self::Io { path, source }
    }
}
