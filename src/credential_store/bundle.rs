//! Moving a connection to another machine: profiles plus their certificates, re-encrypted under a
//! passphrase chosen at export time. Without this, exports carry no secret at all.
//!
//! A bundle travels (mail, shares, USB sticks), so its passphrase must withstand offline guessing:
//! each certificate is a PKCS#12 whose key is encrypted with AES-256-CBC under PBKDF2-HMAC-SHA256
//! with [`PBKDF2_ITERATIONS`] iterations (OWASP's 2023 figure), and whose MAC (which would
//! otherwise be the cheaper oracle for guessing) uses as many. Bundles written before, with 2,048,
//! still import. Profiles sharing one stored certificate carry it once.
//!
//! Import checks everything first (the file, every profile, every certificate under the
//! passphrase) and changes nothing when any of it fails; it is then all-or-nothing: a failure
//! while storing certificates or saving profiles removes what this import had added.

use std::path::{Path, PathBuf};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};

use super::CredentialVault;
use crate::bounded_read::{EXPORT_FILE_MAX, ReadError, read_regular_text};
use crate::cert::{self, Credential};
use crate::core::profile::{CertificateSource, Origin, Profile};
use crate::core::stored_certificate::stored_certificate_name;
use crate::profile_store::{
    FORMAT_VERSION, ImportedProfile, ProfileStore, StoreError, check_profile, imported_name,
    write_output,
};
use crate::secret::Secret;

/// The least passphrase length accepted: the bundle holds private keys.
pub const MIN_PASSPHRASE: usize = 12;

/// Why a bundle was not written or not imported. Nothing was changed when one is returned.
#[derive(Debug, thiserror::Error)]
pub enum BundleError {
    /// The passphrase is shorter than [`MIN_PASSPHRASE`].
    #[error(
        "the bundle holds private keys: use a passphrase of at least {MIN_PASSPHRASE} characters"
    )]
    ShortPassphrase,
    /// The output exists and replacing it was not asked for.
    #[error("{} exists; choose another name", .0.display())]
    FileExists(PathBuf),
    /// A profile's certificate came without its private key.
    #[error("'{0}': the certificate has no private key")]
    NoPrivateKey(String),
    /// Encoding a certificate or the file failed (should not happen).
    #[error("{0}")]
    Encoding(String),
    /// The bundle file could not be read (missing, too large, a FIFO or a device).
    #[error(transparent)]
    Unreadable(ReadError),
    /// The file is not a bundle.
    #[error("{}: not a certconnect bundle ({reason})", path.display())]
    NotABundle {
        /// The file.
        path: PathBuf,
        /// The parser's words.
        reason: String,
    },
    /// A profile in the bundle is not valid.
    #[error("{}: profile '{name}': {reason}", path.display())]
    InvalidProfile {
        /// The bundle.
        path: PathBuf,
        /// The profile's name in the bundle.
        name: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A certificate in the bundle cannot be read (for another reason than the passphrase).
    #[error("{}: certificate '{name}': {reason}", path.display())]
    InvalidCertificate {
        /// The bundle.
        path: PathBuf,
        /// The certificate's name in the bundle.
        name: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The passphrase does not open the bundle's certificates.
    #[error("the passphrase does not open this bundle")]
    PassphraseRefused,
    /// Two different certificates carry one name.
    #[error(
        "{}: two different certificates are both named '{name}'; nothing was imported",
        path.display()
    )]
    ConflictingCertificates {
        /// The bundle.
        path: PathBuf,
        /// The name.
        name: String,
    },
    /// Profile files could not be read or written (what this import added was removed).
    #[error(transparent)]
    Store(StoreError),
    /// The credential store failed (what this import added was removed).
    #[error(transparent)]
    StoredCertificate(super::CredentialVaultError),
}

impl From<StoreError> for BundleError {
    /// A writer that never replaces found the output: [`BundleError::FileExists`].
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::FileExists(path) => Self::FileExists(path),
            other => Self::Store(other),
        }
    }
}

/// A profile that a change would make invalid (a stored-certificate or imported name the checks
/// refuse): the store's own refusal.
fn invalid(name: &str, error: crate::core::draft::FieldError) -> BundleError {
    BundleError::Store(StoreError::InvalidProfile {
        name: name.to_owned(),
        errors: vec![error],
    })
}

fn encoding(error: impl std::fmt::Display) -> BundleError {
    BundleError::Encoding(error.to_string())
}

/// PBKDF2 iterations of the key encryption and of the MAC of each certificate in a new bundle.
pub const PBKDF2_ITERATIONS: u32 = 600_000;

#[derive(Serialize, Deserialize)]
struct BundleFile {
    bundle_format: u32,
    profiles: Vec<Profile>,
    certificates: Vec<BundledCertificate>,
}

#[derive(Serialize, Deserialize)]
struct BundledCertificate {
    name: String,
    /// PKCS#12 (AES-256, PBKDF2) under the bundle passphrase, base64.
    pfx: String,
}

/// Whether a file is a bundle (rather than a plain export).
pub fn is_bundle(text: &str) -> bool {
    ron::from_str::<BundleFile>(text).is_ok()
}

/// Whether the file at `path` is a bundle, read through the bounded reader: a file that cannot be
/// read (a FIFO, a device, too large, missing) is not, and is never waited for.
pub fn is_bundle_file(path: &Path) -> bool {
    read_regular_text(path, EXPORT_FILE_MAX, "certconnect bundle")
        .is_ok_and(|text| is_bundle(&text))
}

/// Refuses a passphrase too short for a bundle.
pub fn check_passphrase(passphrase: &Secret) -> Result<(), BundleError> {
    if passphrase.expose().chars().count() < MIN_PASSPHRASE {
        return Err(BundleError::ShortPassphrase);
    }
    Ok(())
}

/// Writes `profiles` with their certificates (`credentials`, one per profile, same order),
/// replacing an existing regular file (the app's save dialog has asked). Each profile in the
/// bundle refers to its certificate by name, to be kept in the credential store on import.
pub fn export_bundle(
    profiles: &[Profile],
    credentials: &[Credential],
    passphrase: &Secret,
    out: &Path,
) -> Result<usize, BundleError> {
    export_bundle_to(profiles, credentials, passphrase, out, true, None)
}

/// Like [`export_bundle`]; an existing file is replaced only with `replace`, and never a FIFO, a
/// device or a file in `protected_dir` (the profile directory).
pub fn export_bundle_to(
    profiles: &[Profile],
    credentials: &[Credential],
    passphrase: &Secret,
    out: &Path,
    replace: bool,
    protected_dir: Option<&Path>,
) -> Result<usize, BundleError> {
    check_passphrase(passphrase)?;
    crate::profile_store::check_output(out, replace, protected_dir)?;
    let mut bundled: Vec<BundledCertificate> = Vec::new();
    // Name → DER of the certificate bundled under it: profiles sharing a certificate carry it once.
    let mut seen: Vec<(String, Vec<u8>)> = Vec::new();
    let mut moved = Vec::new();
    for (profile, credential) in profiles.iter().zip(credentials) {
        let der = credential.certificate.to_der().map_err(encoding)?;
        let wanted = certificate_name(profile);
        let name = (1..)
            .map(|n| {
                if n == 1 {
                    wanted.clone()
                } else {
                    format!("{wanted}-{n}")
                }
            })
            .find(|n| seen.iter().all(|(s, d)| s != n || *d == der))
            .unwrap_or_else(|| wanted.clone());
        if !seen.iter().any(|(s, _)| *s == name) {
            let key = credential
                .private_key
                .as_ref()
                .ok_or_else(|| BundleError::NoPrivateKey(profile.name().to_owned()))?;
            let pfx =
                to_bundle_pfx(&credential.certificate, key, passphrase, &name).map_err(encoding)?;
            bundled.push(BundledCertificate {
                name: name.clone(),
                pfx: STANDARD.encode(pfx),
            });
            seen.push((name.clone(), der));
        }
        let profile = profile
            .clone()
            .with_certificate(CertificateSource::CredentialStore { entry: name })
            .map_err(|e| invalid(profile.name(), e))?;
        moved.push(profile);
    }
    let file = BundleFile {
        bundle_format: 1,
        profiles: moved,
        certificates: bundled,
    };
    let text =
        ron::ser::to_string_pretty(&file, ron::ser::PrettyConfig::default()).map_err(encoding)?;
    write_output(out, text.as_bytes(), replace, protected_dir)?;
    Ok(file.profiles.len())
}

/// A PKCS#12 for the bundle: AES-256-CBC, PBKDF2-HMAC-SHA256 and a SHA-256 MAC, both at
/// [`PBKDF2_ITERATIONS`].
fn to_bundle_pfx(
    certificate: &openssl::x509::X509,
    key: &openssl::pkey::PKey<openssl::pkey::Private>,
    passphrase: &Secret,
    name: &str,
) -> Result<Vec<u8>, openssl::error::ErrorStack> {
    openssl::pkcs12::Pkcs12::builder()
        .name(name)
        .pkey(key)
        .cert(certificate)
        .key_algorithm(openssl::nid::Nid::AES_256_CBC)
        .cert_algorithm(openssl::nid::Nid::AES_256_CBC)
        .key_iter(PBKDF2_ITERATIONS)
        .mac_iter(PBKDF2_ITERATIONS)
        .mac_md(openssl::hash::MessageDigest::sha256())
        .build2(passphrase.expose())?
        .to_der()
}

/// The name a profile's certificate is bundled (and stored on import) under: the entry it is kept
/// in, or else the name the profile's certificate gets in the credential store.
fn certificate_name(profile: &Profile) -> String {
    match profile.certificate() {
        CertificateSource::CredentialStore { entry } => entry.clone(),
        _ => stored_certificate_name(profile.name()),
    }
}

/// Imports a bundle: each certificate goes into the credential store once (under a free name),
/// each profile is saved (renamed when its name is taken) pointing at it and marked
/// [`Origin::Imported`] with the entries this import brought. Everything is checked before anything
/// changes; a later failure removes what was added (see the module docs).
pub fn import_bundle(
    path: &Path,
    passphrase: &Secret,
    profiles: &ProfileStore,
    vault: &CredentialVault,
) -> Result<Vec<ImportedProfile>, BundleError> {
    let text = read_regular_text(path, EXPORT_FILE_MAX, "certconnect bundle")
        .map_err(BundleError::Unreadable)?;
    let file: BundleFile = ron::from_str(&text).map_err(|e| BundleError::NotABundle {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })?;
    let checked = file
        .profiles
        .into_iter()
        .map(|profile| {
            let name = profile.name().to_owned();
            check_profile(FORMAT_VERSION, profile).map_err(|reason| BundleError::InvalidProfile {
                path: path.to_path_buf(),
                name,
                reason: reason.to_string(),
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let credentials = decrypt_all(&file.certificates, passphrase, path)?;
    let mut locked = profiles.lock().map_err(BundleError::Store)?;
    let mut added = Added::default();
    let result = (|| -> Result<Vec<ImportedProfile>, BundleError> {
        let mut taken: std::collections::HashSet<String> =
            vault.list().into_iter().map(|c| c.name).collect();
        let mut renamed = std::collections::HashMap::new();
        for (name, credential) in &credentials {
            let free = (1..)
                .map(|n| {
                    if n == 1 {
                        name.clone()
                    } else {
                        format!("{name}-{n}")
                    }
                })
                .find(|n| !taken.contains(n))
                .unwrap_or_else(|| name.clone());
            vault
                .import(&free, credential)
                .map_err(BundleError::StoredCertificate)?;
            added.certificates.push(free.clone());
            taken.insert(free.clone());
            renamed.insert(name.clone(), free);
        }
        let mut imported = Vec::new();
        for mut profile in checked {
            let mut brought_entries = Vec::new();
            let original_name = profile.name().to_owned();
            if let CertificateSource::CredentialStore { entry } = profile.certificate()
                && let Some(free) = renamed.get(entry)
            {
                profile = profile
                    .with_certificate(CertificateSource::CredentialStore {
                        entry: free.clone(),
                    })
                    .map_err(|e| invalid(&original_name, e))?;
                brought_entries.push(free.clone());
            }
            let saved_as = (1..)
                .map(|n| imported_name(&original_name, n))
                .find(|n| !locked.contains(n))
                .unwrap_or_else(|| original_name.clone());
            // A fresh id, so the import never shares an id or a credential-store entry with the
            // profile it was exported from; and no trust, whatever the file said.
            let profile = profile
                .renamed(&saved_as)
                .map_err(|e| invalid(&original_name, e))?
                .with_id(String::new())
                .with_origin(Origin::Imported { brought_entries });
            let saved = locked.save(&profile).map_err(BundleError::Store)?;
            added.profiles.push(saved.id().to_owned());
            imported.push(ImportedProfile {
                original_name,
                saved_as,
            });
        }
        Ok(imported)
    })();
    if result.is_err() {
        for id in &added.profiles {
            locked.delete_by_id(id).ok();
        }
        for name in &added.certificates {
            vault.remove(name).ok();
        }
    }
    result
}

/// What an import added so far, to be removed if it fails.
#[derive(Default)]
struct Added {
    certificates: Vec<String>,
    profiles: Vec<String>,
}

/// Decrypts every certificate (a wrong passphrase changes nothing). A name listed twice with the
/// same certificate is one certificate; with two different ones the bundle is refused.
fn decrypt_all(
    certificates: &[BundledCertificate],
    passphrase: &Secret,
    path: &Path,
) -> Result<Vec<(String, Credential)>, BundleError> {
    let invalid = |name: &str, reason: String| BundleError::InvalidCertificate {
        path: path.to_path_buf(),
        name: name.to_owned(),
        reason,
    };
    let mut credentials: Vec<(String, Credential)> = Vec::new();
    for bundled in certificates {
        let pfx = zeroize::Zeroizing::new(
            STANDARD
                .decode(&bundled.pfx)
                .map_err(|e| invalid(&bundled.name, e.to_string()))?,
        );
        let credential =
            cert::load_bytes(&pfx, None, Some(passphrase), None).map_err(|e| match e {
                cert::CertError::WrongPassword => BundleError::PassphraseRefused,
                other => invalid(&bundled.name, other.to_string()),
            })?;
        match credentials.iter().find(|(n, _)| *n == bundled.name) {
            Some((_, first)) if same_certificate(first, &credential) => {}
            Some(_) => {
                return Err(BundleError::ConflictingCertificates {
                    path: path.to_path_buf(),
                    name: bundled.name.clone(),
                });
            }
            None => credentials.push((bundled.name.clone(), credential)),
        }
    }
    Ok(credentials)
}

fn same_certificate(a: &Credential, b: &Credential) -> bool {
    matches!((a.certificate.to_der(), b.certificate.to_der()), (Ok(a), Ok(b)) if a == b)
}
