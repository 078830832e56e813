//! What can go wrong with the credential store and with the certificates kept in it.

use std::path::PathBuf;

use crate::bounded_read::ReadError;
use crate::cert::CertError;
use crate::profile_store::StoreError;

/// A credential-store request that failed. Every message names the store as its users know it
/// ("Secret Service", "Windows Credential Manager", …) and keeps the platform's own words in
/// parentheses for support.
#[derive(Debug, thiserror::Error)]
pub enum CredentialStoreError {
    /// No credential store can be opened on this machine: none is running or reachable. The app
    /// then works with files only.
    #[error("{}", unavailable_text(store, detail))]
    Unavailable {
        /// The store that was looked for.
        store: String,
        /// The platform's reason (on Linux, both stores' reasons).
        detail: String,
    },
    /// No credential store is supported on this platform.
    #[error("no credential store is supported on this platform")]
    Unsupported,
    /// The store is there but refused access: it is locked, or its access rules deny this user
    /// (the platform libraries report both alike).
    #[error("{}", unreachable_text(store, detail))]
    LockedOrDenied {
        /// The store.
        store: String,
        /// The platform's error.
        detail: String,
    },
    /// The Secret Service has no default keyring (collection) to keep an entry in: none was
    /// created for this session, as on a fresh or headless login.
    #[error(
        "the {store} has no default keyring to keep it in: create one (for example the 'Login' keyring in Passwords and Keys), or sign in to a desktop session that unlocks it"
    )]
    NoDefaultKeyring {
        /// The store.
        store: String,
    },
    /// The store asked to be unlocked and the prompt was dismissed.
    #[error("the {store} is locked and its unlock prompt was dismissed: unlock it and try again")]
    PromptDismissed {
        /// The store.
        store: String,
    },
    /// The store's service failed or could not be reached (not running, not on the session bus).
    #[error("{}", unreachable_text(store, detail))]
    Platform {
        /// The store.
        store: String,
        /// The platform's error.
        detail: String,
    },
    /// The store answered and refused this request (a value too long for it, malformed data…).
    #[error("the {store} refused the request ({detail})")]
    Refused {
        /// The store.
        store: String,
        /// The platform's error.
        detail: String,
    },
}

/// Why no store could be opened, in words that name what to start or unlock.
fn unavailable_text(store: &str, detail: &str) -> String {
    match store {
        "Secret Service" => format!(
            "no credential store is reachable: the Secret Service (GNOME Keyring / KWallet) is not running or not reachable on the session bus, and the Linux kernel keyring is not available either ({detail})"
        ),
        "Windows Credential Manager" => {
            format!("the Windows Credential Manager is not available for this user ({detail})")
        }
        "macOS Keychain" => format!("the macOS Keychain is locked or not available ({detail})"),
        other => format!("the {other} is not available ({detail})"),
    }
}

/// Why an opened store could not be reached, in words that name the real service, with the
/// platform's error in parentheses ("kernel keyring: Couldn't access platform storage:
/// AccessDenied" alone does not tell an admin what to start or unlock).
fn unreachable_text(store: &str, detail: &str) -> String {
    let reason = match store {
        "Secret Service" => {
            "the Secret Service (GNOME Keyring / KWallet) is not running, is locked, or is not reachable on the session bus"
        }
        "kernel keyring" => {
            "no Secret Service (GNOME Keyring / KWallet) is running, and the Linux kernel keyring that stands in for it refused access"
        }
        "Windows Credential Manager" => {
            "the Windows Credential Manager refused access or is not available for this user"
        }
        "macOS Keychain" => "the macOS Keychain is locked or refused access",
        other => return format!("the {other} is not reachable ({detail})"),
    };
    format!("{reason} ({detail})")
}

/// A stored-certificate operation that failed (see [`super::CredentialVault`]).
#[derive(Debug, thiserror::Error)]
pub enum CredentialVaultError {
    /// No data directory could be determined for this user.
    #[error("no data directory for this user")]
    NoDataDir,
    /// The name cannot name a stored certificate.
    #[error("'{0}' is not a valid name: use letters, digits, space, '.', '_' or '-' (up to 64)")]
    InvalidName(String),
    /// A certificate is stored under this name already.
    #[error("a certificate named '{0}' is already in the credential store")]
    NameTaken(String),
    /// No certificate is stored under this name.
    #[error("no certificate named '{0}' in the credential store")]
    NotFound(String),
    /// The credential has no private key, so it could not sign.
    #[error("the file holds no private key: only a certificate with its key can sign")]
    NoPrivateKey,
    /// The encrypted file is there but its key is not in the credential store.
    #[error("the key of '{name}' is missing from the {store}; import the certificate again")]
    KeyMissing {
        /// The stored certificate.
        name: String,
        /// The credential store.
        store: String,
    },
    /// The file does not decrypt with its key: one of them was changed.
    #[error("'{0}' cannot be decrypted: the file or its key was changed")]
    Tampered(String),
    /// The encrypted file is not one the vault wrote.
    #[error("{path}: {detail}")]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        detail: String,
    },
    /// The encrypted file could not be read (not a regular file, too large, an I/O error).
    #[error(transparent)]
    Unreadable(ReadError),
    /// The decrypted certificate could not be loaded.
    #[error(transparent)]
    Certificate(CertError),
    /// The credential store refused.
    #[error(transparent)]
    Store(#[from] CredentialStoreError),
    /// The encrypted file could not be written.
    #[error(transparent)]
    Write(StoreError),
    /// The encrypted file could not be removed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// OpenSSL failed to build or encrypt the PKCS#12 (should not happen).
    #[error("{0}")]
    Crypto(#[from] openssl::error::ErrorStack),
    /// The file could not be turned into RON (should not happen).
    #[error("{0}")]
    Serialize(String),
}
