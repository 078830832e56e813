//! Certificates kept "in the credential store": the PKCS#12 encrypted with AES-256-GCM in the data
//! directory, its random key in the OS credential store.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use openssl::symm::{Cipher, decrypt_aead, encrypt_aead};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::{CredentialBackend, CredentialVaultError};
use crate::bounded_read;
use crate::cert::{self, Credential};
use crate::profile_store::write_atomic;

/// Overrides the data directory (portable installs, tests).
pub const DATA_DIR_ENV: &str = "CERTCONNECT_DATA_DIR";

/// What is known of a stored certificate without decrypting it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredCertificate {
    /// The name profiles refer to.
    pub name: String,
    /// Subject distinguished name.
    pub subject: String,
    /// SHA-1 thumbprint, uppercase hex.
    pub thumbprint_sha1: String,
    /// End of validity, Unix seconds.
    pub not_after: i64,
}

#[derive(Serialize, Deserialize)]
struct VaultFile {
    format_version: u32,
    certificate: StoredCertificate,
    nonce: String,
    tag: String,
    ciphertext: String,
}

/// Reads one `.ccert` file: a regular file (a symlink to `/dev/zero` or a FIFO is refused) of at
/// most [`bounded_read::VAULT_FILE_MAX`] bytes.
fn read_vault_file(path: &Path) -> Result<Zeroizing<String>, bounded_read::ReadError> {
    bounded_read::read_regular_text(
        path,
        bounded_read::VAULT_FILE_MAX,
        "stored certificate file",
    )
}

/// The stored certificates.
pub struct CredentialVault {
    dir: PathBuf,
    store: Arc<dyn CredentialBackend>,
}

fn key_entry(name: &str) -> String {
    format!("certificate/{name}")
}

fn check_name(name: &str) -> Result<(), CredentialVaultError> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || " ._-".contains(c))
        && !name.starts_with(['.', ' ']);
    if ok {
        Ok(())
    } else {
        Err(CredentialVaultError::InvalidName(name.to_owned()))
    }
}

impl CredentialVault {
    /// The vault in `dir` with keys in `store`.
    pub fn at(dir: impl Into<PathBuf>, store: Arc<dyn CredentialBackend>) -> Self {
        Self {
            dir: dir.into(),
            store,
        }
    }

    /// The user's vault: `$CERTCONNECT_DATA_DIR/certificates` or `certificates` under the OS data directory.
    pub fn open_default(store: Arc<dyn CredentialBackend>) -> Result<Self, CredentialVaultError> {
        let base = match std::env::var_os(DATA_DIR_ENV).filter(|d| !d.is_empty()) {
            Some(dir) => PathBuf::from(dir),
            None => directories::ProjectDirs::from("", "", "certconnect")
                .map(|d| d.data_dir().to_path_buf())
                .ok_or(CredentialVaultError::NoDataDir)?,
        };
        Ok(Self::at(base.join("certificates"), store))
    }

    /// The directory of the encrypted files.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The credential store holding the keys.
    pub fn store(&self) -> &Arc<dyn CredentialBackend> {
        &self.store
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.join(format!("{}.ccert", name.replace(' ', "_")))
    }

    /// Stores a certificate with its private key under `name` (which must be free).
    pub fn import(
        &self,
        name: &str,
        credential: &Credential,
    ) -> Result<StoredCertificate, CredentialVaultError> {
        crate::ui_thread_guard::forbid_on_ui_thread("CredentialVault::import");
        check_name(name)?;
        let path = self.path(name);
        if path.exists() {
            return Err(CredentialVaultError::NameTaken(name.to_owned()));
        }
        let key_pair = credential
            .private_key
            .as_ref()
            .ok_or(CredentialVaultError::NoPrivateKey)?;
        let mut chain = openssl::stack::Stack::new()?;
        for cert in &credential.chain {
            chain.push(cert.clone())?;
        }
        let plaintext = openssl::pkcs12::Pkcs12::builder()
            .pkey(key_pair)
            .cert(&credential.certificate)
            .ca(chain)
            .build2("")?
            .to_der()
            .map(Zeroizing::new)?;
        let mut key = Zeroizing::new([0u8; 32]);
        let mut nonce = [0u8; 12];
        openssl::rand::rand_bytes(key.as_mut())?;
        openssl::rand::rand_bytes(&mut nonce)?;
        let mut tag = [0u8; 16];
        let ciphertext = encrypt_aead(
            Cipher::aes_256_gcm(),
            key.as_ref(),
            Some(&nonce),
            name.as_bytes(),
            &plaintext,
            &mut tag,
        )?;
        let report = cert::inspect(credential, 0, None);
        let certificate = StoredCertificate {
            name: name.to_owned(),
            subject: report.subject,
            thumbprint_sha1: report.thumbprint_sha1,
            not_after: report.not_after_unix,
        };
        let file = VaultFile {
            format_version: 1,
            certificate: certificate.clone(),
            nonce: STANDARD.encode(nonce),
            tag: STANDARD.encode(tag),
            ciphertext: STANDARD.encode(ciphertext),
        };
        let ron = ron::ser::to_string_pretty(&file, ron::ser::PrettyConfig::default())
            .map_err(|e| CredentialVaultError::Serialize(e.to_string()))?;
        // The key goes first: a file without its key would be useless, a key without its file harmless.
        self.store.set(&key_entry(name), key.as_ref())?;
        if let Err(e) = write_atomic(&path, ron.as_bytes()) {
            self.store.delete(&key_entry(name)).ok();
            return Err(CredentialVaultError::Write(e));
        }
        Ok(certificate)
    }

    /// Every stored certificate (unreadable files are skipped).
    pub fn list(&self) -> Vec<StoredCertificate> {
        crate::ui_thread_guard::forbid_on_ui_thread("CredentialVault::list");
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return Vec::new();
        };
        let mut list: Vec<StoredCertificate> = entries
            .filter_map(Result::ok)
            .filter(|e| e.path().extension().is_some_and(|x| x == "ccert"))
            .filter_map(|e| read_vault_file(&e.path()).ok())
            .filter_map(|text| ron::from_str::<VaultFile>(&text).ok())
            .map(|file| file.certificate)
            .collect();
        list.sort_by(|a, b| a.name.cmp(&b.name));
        list
    }

    /// Decrypts a stored certificate with its key from the credential store.
    pub fn load(&self, name: &str) -> Result<Credential, CredentialVaultError> {
        crate::ui_thread_guard::forbid_on_ui_thread("CredentialVault::load");
        let path = self.path(name);
        let text = read_vault_file(&path).map_err(|e| match e.io_kind() {
            Some(std::io::ErrorKind::NotFound) => CredentialVaultError::NotFound(name.to_owned()),
            _ => CredentialVaultError::Unreadable(e),
        })?;
        let corrupt = |detail: String| CredentialVaultError::Corrupt {
            path: path.clone(),
            detail,
        };
        let file: VaultFile = ron::from_str(&text).map_err(|e| corrupt(e.to_string()))?;
        let key = self
            .store
            .get(&key_entry(name))?
            .map(Zeroizing::new)
            .ok_or_else(|| CredentialVaultError::KeyMissing {
                name: name.to_owned(),
                store: self.store.name().to_owned(),
            })?;
        let decode = |s: &str| STANDARD.decode(s).map_err(|e| corrupt(e.to_string()));
        let plaintext = decrypt_aead(
            Cipher::aes_256_gcm(),
            &key,
            Some(&decode(&file.nonce)?),
            name.as_bytes(),
            &decode(&file.ciphertext)?,
            &decode(&file.tag)?,
        )
        .map(Zeroizing::new)
        .map_err(|_| CredentialVaultError::Tampered(name.to_owned()))?;
        cert::load_bytes(&plaintext, None, None, None).map_err(CredentialVaultError::Certificate)
    }

    /// Removes a stored certificate and its key.
    pub fn remove(&self, name: &str) -> Result<(), CredentialVaultError> {
        crate::ui_thread_guard::forbid_on_ui_thread("CredentialVault::remove");
        let path = self.path(name);
        if !path.exists() {
            return Err(CredentialVaultError::NotFound(name.to_owned()));
        }
        self.store.delete(&key_entry(name))?;
        std::fs::remove_file(&path).map_err(|source| CredentialVaultError::Io { path, source })
    }
}
