//! What can go wrong with profile files.

use std::path::PathBuf;

use crate::bounded_read::ReadError;
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
    /// A file the user named could not be read: not a regular file, too large, or an I/O error.
    #[error(transparent)]
    Read(ReadError),
    /// A file is not a valid certconnect profile or export.
    #[error("{path}: {message}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },
    /// An output exists and was not to be replaced (also when it appeared while writing).
    #[error("{0} exists; choose another name")]
    FileExists(PathBuf),
    /// An output lies in the profile directory, where it would replace or shadow a profile.
    #[error("{0}: this is the profile directory; write the export somewhere else")]
    InProfileDir(PathBuf),
    /// An output exists and is not a regular file (a FIFO, a device, a directory): never replaced.
    #[error("{path}: exists and is not a regular file ({kind}); it is never replaced")]
    NotRegularFile {
        /// The path.
        path: PathBuf,
        /// What it is instead ("a named pipe", "a device", …).
        kind: &'static str,
    },
    /// An output to be replaced is a symlink to nothing: it is not followed.
    #[error("{0}: is a symlink to nothing; it is never followed")]
    DanglingSymlink(PathBuf),
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

/// Why one profile read from a file (a profile file, an export, a bundle) was not taken.
#[derive(Debug, thiserror::Error)]
pub enum ProfileFileError {
    /// The file could not be read.
    #[error(transparent)]
    Unreadable(ReadError),
    /// The file is not a profile file at all.
    #[error("not a valid profile file ({0})")]
    NotAProfile(String),
    /// Written by a newer certconnect: refused rather than misread.
    #[error("written by a newer certconnect (format {found}; this one reads up to {supported})")]
    NewerFormat {
        /// The file's format version.
        found: u32,
        /// The highest version this build reads.
        supported: u32,
    },
    /// A value breaks the form's rules (a hand-edited file).
    #[error("{}", join(.0))]
    Invalid(Vec<FieldError>),
}

fn join(errors: &[FieldError]) -> String {
    errors
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}
