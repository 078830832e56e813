//! Why a use case stopped, as the variants the front ends act on: the CLI turns some into flag
//! hints (`--force`) and exit codes, the app into prompts and status lines. Every message reads as
//! a sentence for the admin; no caller reads it to decide anything.

use std::path::PathBuf;

use crate::credential_store::BundleError;
use crate::profile_store::StoreError;

/// A use case that stopped. Unless a variant says otherwise, nothing was changed.
#[derive(Debug, thiserror::Error)]
pub enum OpsError {
    /// An output file exists and replacing it was not asked for (the CLI's `--force`).
    #[error("{} exists; choose another name", .0.display())]
    FileExists(PathBuf),
    /// Another saved profile has this name.
    #[error("a profile named '{0}' exists already")]
    NameTaken(String),
    /// Saved profiles use the stored certificate (removing it anyway is the CLI's `--force`).
    #[error(
        "'{certificate}' is used by {}; give them another certificate first, or remove it anyway",
        quoted_profiles(.profiles)
    )]
    InUse {
        /// The stored certificate's name.
        certificate: String,
        /// The names of the profiles that use it.
        profiles: Vec<String>,
    },
    /// A profile's certificate needs a password that was not given, or the one given is wrong
    /// (the app asks for it and runs the use case again).
    #[error("'{profile_name}': {reason}")]
    NeedsPassword {
        /// The profile whose certificate needs it.
        profile_id: String,
        /// Its name, for the message.
        profile_name: String,
        /// Why, in the certificate loader's words.
        reason: String,
        /// Why, for the prompt: none given, the given one refused, or the remembered one failed.
        ask: crate::core::password_ask::PasswordAsk,
    },
    /// The passphrase does not open the bundle.
    #[error("the passphrase does not open this bundle")]
    PasswordRefused,
    /// A profile's certificate could not be opened, for another reason than its password.
    #[error("'{profile_name}': {message}")]
    Certificate {
        /// The profile.
        profile_name: String,
        /// Why, in the certificate loader's words.
        message: String,
    },
    /// The profile's certificate takes no password, so none can be remembered for it.
    #[error("this profile's certificate needs no password")]
    NoPasswordNeeded,
    /// The credential-store entry holds the password of other profiles too.
    #[error(
        "the credential-store entry '{entry}' holds the password of {}; forget it there first",
        quoted_profiles(.profiles)
    )]
    EntryShared {
        /// The entry.
        entry: String,
        /// The profiles that name it.
        profiles: Vec<String>,
    },
    /// The password is stored, but the profile could not be saved; the entry was put back.
    #[error("the profile could not be saved: {0}")]
    NotSaved(StoreError),
    /// The profile could not be saved, and the entry written for it could not be put back.
    #[error(
        "the profile could not be saved ({error}), and the entry '{entry}' could not be restored in the {store}: {reason}"
    )]
    EntryNotRestored {
        /// Why the save failed (boxed: the rare case need not make every result large).
        error: Box<StoreError>,
        /// The entry left changed.
        entry: String,
        /// The credential store's name.
        store: String,
        /// Why it could not be restored.
        reason: String,
    },
    /// The profile asks for its password from now on, but its old entry is still stored.
    #[error(
        "'{profile_name}' now asks for its password, but the entry '{entry}' could not be deleted from the {store}: {reason}"
    )]
    EntryNotDeleted {
        /// The profile (saved).
        profile_name: String,
        /// The entry left over.
        entry: String,
        /// The credential store's name.
        store: String,
        /// Why it could not be deleted.
        reason: String,
    },
    /// The profile is deleted, but the password it remembered is still stored.
    #[error(
        "deleted '{profile_name}', but its remembered password could not be deleted from the {store}: {reason}"
    )]
    PasswordNotDeleted {
        /// The deleted profile.
        profile_name: String,
        /// The credential store's name.
        store: String,
        /// Why the entry could not be deleted.
        reason: String,
    },
    /// The saved profile changed while a rotation ran; it was left as it is.
    #[error("the profile '{0}' was changed while the rotation ran; it was left as it is")]
    ChangedMeanwhile(String),
    /// The input breaks a rule; the message says which and how to fix it.
    #[error("{0}")]
    Invalid(String),
    /// Making a key or encoding a certificate failed.
    #[error("{0}")]
    Crypto(String),
    /// Reading or writing profile files (or an output file) failed.
    #[error(transparent)]
    Store(StoreError),
    /// A bundle could not be written or read.
    #[error(transparent)]
    Bundle(BundleError),
    /// The OS credential store failed (or is not reachable).
    #[error(transparent)]
    CredentialStore(#[from] crate::credential_store::CredentialStoreError),
    /// A certificate kept in the credential store could not be kept, read or removed.
    #[error(transparent)]
    StoredCertificate(#[from] crate::credential_store::CredentialVaultError),
}

impl From<StoreError> for OpsError {
    /// An output that exists (the writers never replace one) is [`OpsError::FileExists`]; a name
    /// in use is [`OpsError::NameTaken`]; anything else stays a store error.
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::FileExists(path) => Self::FileExists(path),
            StoreError::NameTaken(name) => Self::NameTaken(name),
            other => Self::Store(other),
        }
    }
}

impl From<BundleError> for OpsError {
    fn from(error: BundleError) -> Self {
        match error {
            BundleError::FileExists(path) => Self::FileExists(path),
            BundleError::PassphraseRefused => Self::PasswordRefused,
            other => Self::Bundle(other),
        }
    }
}

/// `profile 'A'`, `profiles 'A', 'B'`.
pub(crate) fn quoted_profiles(names: &[String]) -> String {
    let list = names
        .iter()
        .map(|n| format!("'{n}'"))
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "{} {list}",
        crate::core::plural::noun(names.len(), "profile", "profiles")
    )
}
