//! The credential store behind a small trait, chosen per platform explicitly.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use keyring_core::api::CredentialStore;
use zeroize::Zeroizing;

use super::{CredentialStoreError, SERVICE};

/// Where secrets are kept. Implemented by the OS stores and by an in-memory store for tests.
pub trait CredentialBackend: Send + Sync {
    /// The store's name, for messages ("Secret Service", "Windows Credential Manager", …).
    fn name(&self) -> &str;
    /// The secret of an entry, `None` when there is no such entry. Callers wrap it in
    /// `zeroize::Zeroizing` at once (it is a key or a password).
    fn get(&self, entry: &str) -> Result<Option<Vec<u8>>, CredentialStoreError>;
    /// Creates or replaces an entry.
    fn set(&self, entry: &str, secret: &[u8]) -> Result<(), CredentialStoreError>;
    /// Deletes an entry (no error when it does not exist).
    fn delete(&self, entry: &str) -> Result<(), CredentialStoreError>;
}

/// An OS credential store through keyring-core.
struct KeyringStore {
    name: &'static str,
    store: Arc<CredentialStore>,
}

impl KeyringStore {
    fn entry(&self, entry: &str) -> Result<keyring_core::Entry, CredentialStoreError> {
        self.store
            .build(SERVICE, entry, None)
            .map_err(|e| store_error(self.name, &e))
    }
}

/// The typed error of a keyring-core failure. This is the edge where keyring-core's error kinds are
/// read: `NoStorageAccess` is a locked or denied store, `PlatformFailure` a service that failed or
/// is not reachable, anything else a refused request. The library's own text is kept as the detail.
fn store_error(name: &str, error: &keyring_core::Error) -> CredentialStoreError {
    use keyring_core::Error as E;
    let (store, detail) = (name.to_owned(), error.to_string());
    #[cfg(target_os = "linux")]
    if let Some(plain) = secret_service_error(name, error) {
        return plain;
    }
    match error {
        E::NoStorageAccess(_) => CredentialStoreError::LockedOrDenied { store, detail },
        E::PlatformFailure(_) => CredentialStoreError::Platform { store, detail },
        _ => CredentialStoreError::Refused { store, detail },
    }
}

/// The Secret Service's own error kinds that have plain words: the zbus store boxes
/// `secret_service::Error` inside keyring-core's error, and the type (never its text, "SS error:
/// result not returned from SS API") says which it is.
#[cfg(target_os = "linux")]
fn secret_service_error(name: &str, error: &keyring_core::Error) -> Option<CredentialStoreError> {
    use keyring_core::Error as E;
    let (E::NoStorageAccess(inner) | E::PlatformFailure(inner)) = error else {
        return None;
    };
    let store = name.to_owned();
    match inner.downcast_ref::<secret_service::Error>()? {
        secret_service::Error::NoResult => Some(CredentialStoreError::NoDefaultKeyring { store }),
        secret_service::Error::Prompt => Some(CredentialStoreError::PromptDismissed { store }),
        _ => None,
    }
}

impl CredentialBackend for KeyringStore {
    fn name(&self) -> &str {
        self.name
    }

    fn get(&self, entry: &str) -> Result<Option<Vec<u8>>, CredentialStoreError> {
        crate::ui_thread_guard::forbid_on_ui_thread("CredentialBackend::get");
        match self.entry(entry)?.get_secret() {
            Ok(secret) => Ok(Some(secret)),
            Err(keyring_core::Error::NoEntry) => Ok(None),
            Err(e) => Err(store_error(self.name, &e)),
        }
    }

    fn set(&self, entry: &str, secret: &[u8]) -> Result<(), CredentialStoreError> {
        crate::ui_thread_guard::forbid_on_ui_thread("CredentialBackend::set");
        self.entry(entry)?
            .set_secret(secret)
            .map_err(|e| store_error(self.name, &e))
    }

    fn delete(&self, entry: &str) -> Result<(), CredentialStoreError> {
        crate::ui_thread_guard::forbid_on_ui_thread("CredentialBackend::delete");
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
pub fn open_os_backend() -> Result<Arc<dyn CredentialBackend>, CredentialStoreError> {
    platform_store()
        .map(|(name, store)| Arc::new(KeyringStore { name, store }) as Arc<dyn CredentialBackend>)
}

#[cfg(target_os = "linux")]
fn platform_store() -> Result<(&'static str, Arc<CredentialStore>), CredentialStoreError> {
    match zbus_secret_service_keyring_store::Store::new() {
        Ok(store) => Ok((PLATFORM_STORE_NAME, store)),
        Err(secret_service) => match linux_keyutils_keyring_store::Store::new() {
            Ok(store) => Ok(("kernel keyring", store)),
            Err(keyutils) => Err(CredentialStoreError::Unavailable {
                store: PLATFORM_STORE_NAME.to_owned(),
                detail: format!("Secret Service: {secret_service}; kernel keyring: {keyutils}"),
            }),
        },
    }
}

#[cfg(windows)]
fn platform_store() -> Result<(&'static str, Arc<CredentialStore>), CredentialStoreError> {
    windows_native_keyring_store::Store::new()
        .map(|store| (PLATFORM_STORE_NAME, store as Arc<CredentialStore>))
        .map_err(|e| CredentialStoreError::Unavailable {
            store: PLATFORM_STORE_NAME.to_owned(),
            detail: e.to_string(),
        })
}

#[cfg(target_os = "macos")]
fn platform_store() -> Result<(&'static str, Arc<CredentialStore>), CredentialStoreError> {
    apple_native_keyring_store::keychain::Store::new()
        .map(|store| (PLATFORM_STORE_NAME, store as Arc<CredentialStore>))
        .map_err(|e| CredentialStoreError::Unavailable {
            store: PLATFORM_STORE_NAME.to_owned(),
            detail: e.to_string(),
        })
}

#[cfg(not(any(target_os = "linux", windows, target_os = "macos")))]
fn platform_store() -> Result<(&'static str, Arc<CredentialStore>), CredentialStoreError> {
    Err(CredentialStoreError::Unsupported)
}

/// Secrets in memory only: for tests, and never used by the app.
#[derive(Default)]
pub struct MemoryBackend {
    entries: Mutex<HashMap<String, Zeroizing<Vec<u8>>>>,
}

/// A test thread panicked while holding the memory store's lock.
fn poisoned<T>(error: std::sync::PoisonError<T>) -> CredentialStoreError {
    CredentialStoreError::Platform {
        store: "memory".to_owned(),
        detail: error.to_string(),
    }
}

impl CredentialBackend for MemoryBackend {
    fn name(&self) -> &str {
        "memory"
    }

    fn get(&self, entry: &str) -> Result<Option<Vec<u8>>, CredentialStoreError> {
        crate::ui_thread_guard::forbid_on_ui_thread("CredentialBackend::get");
        Ok(self
            .entries
            .lock()
            .map_err(poisoned)?
            .get(entry)
            .map(|secret| secret.to_vec()))
    }

    fn set(&self, entry: &str, secret: &[u8]) -> Result<(), CredentialStoreError> {
        crate::ui_thread_guard::forbid_on_ui_thread("CredentialBackend::set");
        self.entries
            .lock()
            .map_err(poisoned)?
            .insert(entry.to_owned(), Zeroizing::new(secret.to_vec()));
        Ok(())
    }

    fn delete(&self, entry: &str) -> Result<(), CredentialStoreError> {
        crate::ui_thread_guard::forbid_on_ui_thread("CredentialBackend::delete");
        self.entries.lock().map_err(poisoned)?.remove(entry);
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
        let text = store_error("kernel keyring", &denied()).to_string();
        assert!(
            text.starts_with("no Secret Service (GNOME Keyring / KWallet) is running"),
            "{text}"
        );
        assert!(
            text.ends_with("(Couldn't access platform storage: AccessDenied)"),
            "{text}"
        );
        let text = store_error("Secret Service", &denied()).to_string();
        assert!(text.contains("GNOME Keyring / KWallet"), "{text}");
        assert!(
            store_error("Windows Credential Manager", &denied())
                .to_string()
                .starts_with("the Windows Credential Manager")
        );
        assert!(
            store_error("macOS Keychain", &denied())
                .to_string()
                .starts_with("the macOS Keychain is locked")
        );
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn the_secret_services_no_result_and_dismissed_prompt_are_plain_sentences() {
        let wrapped = |error| keyring_core::Error::NoStorageAccess(Box::new(error));
        let error = store_error("Secret Service", &wrapped(secret_service::Error::NoResult));
        assert!(
            matches!(&error, CredentialStoreError::NoDefaultKeyring { store } if store == "Secret Service"),
            "{error:?}"
        );
        let text = error.to_string();
        assert!(text.contains("has no default keyring"), "{text}");
        assert!(!text.contains("SS error"), "{text}");
        let error = store_error("Secret Service", &wrapped(secret_service::Error::Prompt));
        assert!(
            matches!(error, CredentialStoreError::PromptDismissed { .. }),
            "{error:?}"
        );
        // Other kinds keep the general words with the library's text.
        let error = store_error("Secret Service", &wrapped(secret_service::Error::Locked));
        assert!(
            matches!(error, CredentialStoreError::LockedOrDenied { .. }),
            "{error:?}"
        );
    }

    #[test]
    fn other_refusals_keep_the_store_name_and_the_reason() {
        let error = keyring_core::Error::TooLong("secret".into(), 2560);
        let text = store_error("Windows Credential Manager", &error).to_string();
        assert!(
            text.starts_with("the Windows Credential Manager refused the request ("),
            "{text}"
        );
    }

    #[test]
    fn keyring_errors_map_to_the_variant_callers_act_on() {
        assert!(matches!(
            store_error("Secret Service", &denied()),
            CredentialStoreError::LockedOrDenied { store, .. } if store == "Secret Service"
        ));
        let failed =
            keyring_core::Error::PlatformFailure(Box::new(std::io::Error::other("no session bus")));
        assert!(matches!(
            store_error("Secret Service", &failed),
            CredentialStoreError::Platform { detail, .. } if detail == "Platform failure: no session bus"
        ));
        for refused in [
            keyring_core::Error::TooLong("secret".into(), 2560),
            keyring_core::Error::BadEncoding(vec![0xff]),
            keyring_core::Error::NoDefaultStore,
        ] {
            assert!(
                matches!(
                    store_error("macOS Keychain", &refused),
                    CredentialStoreError::Refused { .. }
                ),
                "{refused}"
            );
        }
    }

    #[test]
    fn an_unavailable_store_says_so_in_the_words_of_its_platform() {
        let windows = CredentialStoreError::Unavailable {
            store: "Windows Credential Manager".into(),
            detail: "Access is denied.".into(),
        };
        assert_eq!(
            windows.to_string(),
            "the Windows Credential Manager is not available for this user (Access is denied.)"
        );
        let linux = CredentialStoreError::Unavailable {
            store: "Secret Service".into(),
            detail: "Secret Service: a; kernel keyring: b".into(),
        };
        assert!(
            linux
                .to_string()
                .starts_with("no credential store is reachable: the Secret Service"),
            "{linux}"
        );
        assert!(
            linux
                .to_string()
                .ends_with("(Secret Service: a; kernel keyring: b)")
        );
    }

    #[test]
    fn the_memory_store_keeps_and_forgets_entries() {
        let store = MemoryBackend::default();
        assert_eq!(store.get("a").unwrap(), None);
        store.set("a", b"secret").unwrap();
        assert_eq!(store.get("a").unwrap().as_deref(), Some(&b"secret"[..]));
        store.delete("a").unwrap();
        store.delete("a").unwrap();
        assert_eq!(store.get("a").unwrap(), None);
    }
}
