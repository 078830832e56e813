//! The credential store behind a small trait, chosen per platform explicitly.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use keyring_core::api::CredentialStore;
use zeroize::Zeroizing;

use super::SERVICE;

/// Where secrets are kept. Implemented by the OS stores and by an in-memory store for tests.
pub trait SecretStore: Send + Sync {
    /// The store's name, for messages ("Secret Service", "Windows Credential Manager", …).
    fn name(&self) -> &str;
    /// The secret of an entry, `None` when there is no such entry. Callers wrap it in
    /// `zeroize::Zeroizing` at once (it is a key or a password).
    fn get(&self, entry: &str) -> Result<Option<Vec<u8>>, String>;
    /// Creates or replaces an entry.
    fn set(&self, entry: &str, secret: &[u8]) -> Result<(), String>;
    /// Deletes an entry (no error when it does not exist).
    fn delete(&self, entry: &str) -> Result<(), String>;
}

/// An OS credential store through keyring-core.
struct KeyringStore {
    name: &'static str,
    store: Arc<CredentialStore>,
}

impl KeyringStore {
    fn entry(&self, entry: &str) -> Result<keyring_core::Entry, String> {
        self.store
            .build(SERVICE, entry, None)
            .map_err(|e| store_error(self.name, &e))
    }
}

/// Why a store could not be reached, in words that name the real service, with the library's own
/// error in parentheses for support ("kernel keyring: Couldn't access platform storage:
/// AccessDenied" alone does not tell an admin what to start or unlock).
fn store_error(name: &str, error: &keyring_core::Error) -> String {
    use keyring_core::Error as E;
    if !matches!(error, E::NoStorageAccess(_) | E::PlatformFailure(_)) {
        return format!("the {name} refused the request ({error})");
    }
    let reason = match name {
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
        other => return format!("the {other} is not reachable ({error})"),
    };
    format!("{reason} ({error})")
}

impl SecretStore for KeyringStore {
    fn name(&self) -> &str {
        self.name
    }

    fn get(&self, entry: &str) -> Result<Option<Vec<u8>>, String> {
        crate::blocking::forbid_on_ui_thread("SecretStore::get");
        match self.entry(entry)?.get_secret() {
            Ok(secret) => Ok(Some(secret)),
            Err(keyring_core::Error::NoEntry) => Ok(None),
            Err(e) => Err(store_error(self.name, &e)),
        }
    }

    fn set(&self, entry: &str, secret: &[u8]) -> Result<(), String> {
        crate::blocking::forbid_on_ui_thread("SecretStore::set");
        self.entry(entry)?
            .set_secret(secret)
            .map_err(|e| store_error(self.name, &e))
    }

    fn delete(&self, entry: &str) -> Result<(), String> {
        crate::blocking::forbid_on_ui_thread("SecretStore::delete");
        match self.entry(entry)?.delete_credential() {
            Ok(()) | Err(keyring_core::Error::NoEntry) => Ok(()),
            Err(e) => Err(store_error(self.name, &e)),
        }
    }
}

/// The platform's credential store by the name its users know it by (what a message names when
/// the store cannot be reached and so cannot name itself).
pub const PLATFORM_STORE_NAME: &str = if cfg!(windows) {
    "Windows Credential Manager"
} else if cfg!(target_os = "macos") {
    "macOS Keychain"
} else {
    "Secret Service"
};

/// The platform's credential store: Windows Credential Manager, the macOS Keychain, or on Linux the
/// Secret Service (GNOME Keyring, KWallet) with the kernel keyring as a fallback when no Secret
/// Service is running. An error says plainly that none is reachable; the app then works with files.
pub fn open_os_store() -> Result<Arc<dyn SecretStore>, String> {
    platform_store()
        .map(|(name, store)| Arc::new(KeyringStore { name, store }) as Arc<dyn SecretStore>)
}

#[cfg(target_os = "linux")]
fn platform_store() -> Result<(&'static str, Arc<CredentialStore>), String> {
    match zbus_secret_service_keyring_store::Store::new() {
        Ok(store) => Ok((PLATFORM_STORE_NAME, store)),
        Err(secret_service) => match linux_keyutils_keyring_store::Store::new() {
            Ok(store) => Ok(("kernel keyring", store)),
            Err(keyutils) => Err(format!(
                "no credential store is reachable: the Secret Service (GNOME Keyring / KWallet) is not running or not reachable on the session bus, and the Linux kernel keyring is not available either (Secret Service: {secret_service}; kernel keyring: {keyutils})"
            )),
        },
    }
}

#[cfg(windows)]
fn platform_store() -> Result<(&'static str, Arc<CredentialStore>), String> {
    windows_native_keyring_store::Store::new()
        .map(|store| (PLATFORM_STORE_NAME, store as Arc<CredentialStore>))
        .map_err(|e| format!("the Windows Credential Manager is not available for this user ({e})"))
}

#[cfg(target_os = "macos")]
fn platform_store() -> Result<(&'static str, Arc<CredentialStore>), String> {
    apple_native_keyring_store::keychain::Store::new()
        .map(|store| (PLATFORM_STORE_NAME, store as Arc<CredentialStore>))
        .map_err(|e| format!("the macOS Keychain is locked or not available ({e})"))
}

#[cfg(not(any(target_os = "linux", windows, target_os = "macos")))]
fn platform_store() -> Result<(&'static str, Arc<CredentialStore>), String> {
    Err("no credential store is supported on this platform".into())
}

/// Secrets in memory only: for tests, and never used by the app.
#[derive(Default)]
pub struct MemoryStore {
    entries: Mutex<HashMap<String, Zeroizing<Vec<u8>>>>,
}

impl SecretStore for MemoryStore {
    fn name(&self) -> &str {
        "memory"
    }

    fn get(&self, entry: &str) -> Result<Option<Vec<u8>>, String> {
        crate::blocking::forbid_on_ui_thread("SecretStore::get");
        Ok(self
            .entries
            .lock()
            .map_err(|e| e.to_string())?
            .get(entry)
            .map(|secret| secret.to_vec()))
    }

    fn set(&self, entry: &str, secret: &[u8]) -> Result<(), String> {
        crate::blocking::forbid_on_ui_thread("SecretStore::set");
        self.entries
            .lock()
            .map_err(|e| e.to_string())?
            .insert(entry.to_owned(), Zeroizing::new(secret.to_vec()));
        Ok(())
    }

    fn delete(&self, entry: &str) -> Result<(), String> {
        crate::blocking::forbid_on_ui_thread("SecretStore::delete");
        self.entries
            .lock()
            .map_err(|e| e.to_string())?
            .remove(entry);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn denied() -> keyring_core::Error {
        keyring_core::Error::NoStorageAccess(Box::new(std::io::Error::new(
            std::io::ErrorKind::PermissionDenied,
            "AccessDenied",
        )))
    }

    #[test]
    fn an_unreachable_store_is_named_with_the_raw_error_kept() {
        let text = store_error("kernel keyring", &denied());
        assert!(
            text.starts_with("no Secret Service (GNOME Keyring / KWallet) is running"),
            "{text}"
        );
        assert!(
            text.ends_with("(Couldn't access platform storage: AccessDenied)"),
            "{text}"
        );
        let text = store_error("Secret Service", &denied());
        assert!(text.contains("GNOME Keyring / KWallet"), "{text}");
        assert!(
            store_error("Windows Credential Manager", &denied())
                .starts_with("the Windows Credential Manager")
        );
        assert!(
            store_error("macOS Keychain", &denied()).starts_with("the macOS Keychain is locked")
        );
    }

    #[test]
    fn other_refusals_keep_the_store_name_and_the_reason() {
        let error = keyring_core::Error::TooLong("secret".into(), 2560);
        let text = store_error("Windows Credential Manager", &error);
        assert!(
            text.starts_with("the Windows Credential Manager refused the request ("),
            "{text}"
        );
    }
}
