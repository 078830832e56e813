//! The credential store behind a small trait, chosen per platform explicitly.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use keyring_core::api::CredentialStore;

use super::SERVICE;

/// Where secrets are kept. Implemented by the OS stores and by an in-memory store for tests.
pub trait SecretStore: Send + Sync {
    /// The store's name, for messages ("Secret Service", "Windows Credential Manager", …).
    fn name(&self) -> &str;
    /// The secret of an entry, `None` when there is no such entry.
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
            .map_err(|e| format!("{}: {e}", self.name))
    }
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
            Err(e) => Err(format!("{}: {e}", self.name)),
        }
    }

    fn set(&self, entry: &str, secret: &[u8]) -> Result<(), String> {
        crate::blocking::forbid_on_ui_thread("SecretStore::set");
        self.entry(entry)?
            .set_secret(secret)
            .map_err(|e| format!("{}: {e}", self.name))
    }

    fn delete(&self, entry: &str) -> Result<(), String> {
        crate::blocking::forbid_on_ui_thread("SecretStore::delete");
        match self.entry(entry)?.delete_credential() {
            Ok(()) | Err(keyring_core::Error::NoEntry) => Ok(()),
            Err(e) => Err(format!("{}: {e}", self.name)),
        }
    }
}

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
        Ok(store) => Ok(("Secret Service", store)),
        Err(secret_service) => match linux_keyutils_keyring_store::Store::new() {
            Ok(store) => Ok(("kernel keyring", store)),
            Err(keyutils) => Err(format!(
                "no credential store is reachable (Secret Service: {secret_service}; kernel keyring: {keyutils})"
            )),
        },
    }
}

#[cfg(windows)]
fn platform_store() -> Result<(&'static str, Arc<CredentialStore>), String> {
    windows_native_keyring_store::Store::new()
        .map(|store| ("Windows Credential Manager", store as Arc<CredentialStore>))
        .map_err(|e| format!("the Windows Credential Manager is not reachable: {e}"))
}

#[cfg(target_os = "macos")]
fn platform_store() -> Result<(&'static str, Arc<CredentialStore>), String> {
    apple_native_keyring_store::keychain::Store::new()
        .map(|store| ("macOS Keychain", store as Arc<CredentialStore>))
        .map_err(|e| format!("the macOS Keychain is not reachable: {e}"))
}

#[cfg(not(any(target_os = "linux", windows, target_os = "macos")))]
fn platform_store() -> Result<(&'static str, Arc<CredentialStore>), String> {
    Err("no credential store is supported on this platform".into())
}

/// Secrets in memory only: for tests, and never used by the app.
#[derive(Default)]
pub struct MemoryStore {
    entries: Mutex<HashMap<String, Vec<u8>>>,
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
            .cloned())
    }

    fn set(&self, entry: &str, secret: &[u8]) -> Result<(), String> {
        crate::blocking::forbid_on_ui_thread("SecretStore::set");
        self.entries
            .lock()
            .map_err(|e| e.to_string())?
            .insert(entry.to_owned(), secret.to_vec());
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
