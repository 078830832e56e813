//! Certificates kept "in the credential store": the PKCS#12 encrypted with AES-256-GCM in the data
//! directory, its random key in the OS credential store.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use openssl::symm::{Cipher, decrypt_aead, encrypt_aead};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::SecretStore;
use crate::cert::{self, Credential};
use crate::limits;
use crate::store::write_atomic;

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
/// most [`limits::VAULT_FILE_MAX`] bytes.
fn read_vault_file(path: &Path) -> Result<Zeroizing<String>, limits::ReadError> {
    limits::read_regular_text(path, limits::VAULT_FILE_MAX, "stored certificate file")
}

/// The stored certificates.
pub struct Vault {
    dir: PathBuf,
    store: Arc<dyn SecretStore>,
}

fn key_entry(name: &str) -> String {
    format!("certificate/{name}")
}

fn check_name(name: &str) -> Result<(), String> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || " ._-".contains(c))
        && !name.starts_with(['.', ' ']);
    if ok {
        Ok(())
    } else {
        Err(format!(
            "'{name}' is not a valid name: use letters, digits, space, '.', '_' or '-' (up to 64)"
        ))
    }
}

impl Vault {
    /// The vault in `dir` with keys in `store`.
    pub fn at(dir: impl Into<PathBuf>, store: Arc<dyn SecretStore>) -> Self {
        Self {
            dir: dir.into(),
            store,
        }
    }

    /// The user's vault: `$CERTCONNECT_DATA_DIR/certificates` or `certificates` under the OS data directory.
    pub fn open_default(store: Arc<dyn SecretStore>) -> Result<Self, String> {
        let base = match std::env::var_os(DATA_DIR_ENV).filter(|d| !d.is_empty()) {
            Some(dir) => PathBuf::from(dir),
            None => directories::ProjectDirs::from("", "", "certconnect")
                .map(|d| d.data_dir().to_path_buf())
                .ok_or("no data directory for this user")?,
        };
        Ok(Self::at(base.join("certificates"), store))
    }

    /// The directory of the encrypted files.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The credential store holding the keys.
    pub fn store(&self) -> &Arc<dyn SecretStore> {
        &self.store
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.join(format!("{}.ccert", name.replace(' ', "_")))
    }

    /// Stores a certificate with its private key under `name` (which must be free).
    pub fn import(&self, name: &str, credential: &Credential) -> Result<StoredCertificate, String> {
        crate::blocking::forbid_on_ui_thread("Vault::import");
        check_name(name)?;
        let path = self.path(name);
        if path.exists() {
            return Err(format!(
                "a certificate named '{name}' is already in the credential store"
            ));
        }
        let key_pair = credential
            .private_key
            .as_ref()
            .ok_or("the file holds no private key: only a certificate with its key can sign")?;
        let text = |e: openssl::error::ErrorStack| e.to_string();
        let mut chain = openssl::stack::Stack::new().map_err(text)?;
        for cert in &credential.chain {
            chain.push(cert.clone()).map_err(text)?;
        }
        let plaintext = openssl::pkcs12::Pkcs12::builder()
            .pkey(key_pair)
            .cert(&credential.certificate)
            .ca(chain)
            .build2("")
            .map_err(text)?
            .to_der()
            .map(Zeroizing::new)
            .map_err(text)?;
        let mut key = Zeroizing::new([0u8; 32]);
        let mut nonce = [0u8; 12];
        openssl::rand::rand_bytes(key.as_mut()).map_err(text)?;
        openssl::rand::rand_bytes(&mut nonce).map_err(text)?;
        let mut tag = [0u8; 16];
        let ciphertext = encrypt_aead(
            Cipher::aes_256_gcm(),
            key.as_ref(),
            Some(&nonce),
            name.as_bytes(),
            &plaintext,
            &mut tag,
        )
        .map_err(text)?;
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
            .map_err(|e| e.to_string())?;
        // The key goes first: a file without its key would be useless, a key without its file harmless.
        self.store.set(&key_entry(name), key.as_ref())?;
        if let Err(e) = write_atomic(&path, ron.as_bytes()) {
            self.store.delete(&key_entry(name)).ok();
            return Err(e.to_string());
        }
        Ok(certificate)
    }

    /// Every stored certificate (unreadable files are skipped).
    pub fn list(&self) -> Vec<StoredCertificate> {
        crate::blocking::forbid_on_ui_thread("Vault::list");
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
    pub fn load(&self, name: &str) -> Result<Credential, String> {
        crate::blocking::forbid_on_ui_thread("Vault::load");
        let path = self.path(name);
        let text = read_vault_file(&path).map_err(|e| match e.io_kind() {
            Some(std::io::ErrorKind::NotFound) => {
                format!("no certificate named '{name}' in the credential store")
            }
            _ => e.to_string(),
        })?;
        let file: VaultFile =
            ron::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        let key = self
            .store
            .get(&key_entry(name))?
            .map(Zeroizing::new)
            .ok_or_else(|| {
                format!(
                    "the key of '{name}' is missing from the {}; import the certificate again",
                    self.store.name()
                )
            })?;
        let decode = |s: &str| {
            STANDARD
                .decode(s)
                .map_err(|e| format!("{}: {e}", path.display()))
        };
        let plaintext = decrypt_aead(
            Cipher::aes_256_gcm(),
            &key,
            Some(&decode(&file.nonce)?),
            name.as_bytes(),
            &decode(&file.ciphertext)?,
            &decode(&file.tag)?,
        )
        .map(Zeroizing::new)
        .map_err(|_| format!("'{name}' cannot be decrypted: the file or its key was changed"))?;
        cert::load_bytes(&plaintext, None, None, None).map_err(|e| e.to_string())
    }

    /// Removes a stored certificate and its key.
    pub fn remove(&self, name: &str) -> Result<(), String> {
        crate::blocking::forbid_on_ui_thread("Vault::remove");
        let path = self.path(name);
        if !path.exists() {
            return Err(format!(
                "no certificate named '{name}' in the credential store"
            ));
        }
        self.store.delete(&key_entry(name))?;
        std::fs::remove_file(&path).map_err(|e| format!("{}: {e}", path.display()))
    }
}
