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

use std::path::Path;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};

use super::Vault;
use crate::cert::{self, Credential};
use crate::core::profile::{CertificateSource, Origin, Profile};
use crate::limits::{EXPORT_FILE_MAX, read_regular_text};
use crate::secret::Secret;
use crate::store::{
    FORMAT_VERSION, ImportedProfile, ProfileStore, check_profile, imported_name, write_output,
};

/// The least passphrase length accepted: the bundle holds private keys.
pub const MIN_PASSPHRASE: usize = 12;

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

/// Writes `profiles` with their certificates (`credentials`, one per profile, same order),
/// replacing an existing regular file (the app's save dialog has asked). Each profile in the
/// bundle refers to its certificate by name, to be kept in the credential store on import.
pub fn export_bundle(
    profiles: &[Profile],
    credentials: &[Credential],
    passphrase: &Secret,
    out: &Path,
) -> Result<usize, String> {
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
) -> Result<usize, String> {
    if passphrase.expose().chars().count() < MIN_PASSPHRASE {
        return Err(format!(
            "the bundle holds private keys: use a passphrase of at least {MIN_PASSPHRASE} characters"
        ));
    }
    crate::store::check_output(out, replace, protected_dir).map_err(|e| e.to_string())?;
    let mut bundled: Vec<BundledCertificate> = Vec::new();
    // Name → DER of the certificate bundled under it: profiles sharing a certificate carry it once.
    let mut seen: Vec<(String, Vec<u8>)> = Vec::new();
    let mut moved = Vec::new();
    for (profile, credential) in profiles.iter().zip(credentials) {
        let der = credential.certificate.to_der().map_err(|e| e.to_string())?;
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
            let key = credential.private_key.as_ref().ok_or_else(|| {
                format!("'{}': the certificate has no private key", profile.name())
            })?;
            let pfx = to_bundle_pfx(&credential.certificate, key, passphrase, &name)
                .map_err(|e| e.to_string())?;
            bundled.push(BundledCertificate {
                name: name.clone(),
                pfx: STANDARD.encode(pfx),
            });
            seen.push((name.clone(), der));
        }
        let profile = profile
            .clone()
            .with_certificate(CertificateSource::CredentialStore { entry: name })
            .map_err(|e| format!("'{}': {e}", profile.name()))?;
        moved.push(profile);
    }
    let file = BundleFile {
        bundle_format: 1,
        profiles: moved,
        certificates: bundled,
    };
    let text = ron::ser::to_string_pretty(&file, ron::ser::PrettyConfig::default())
        .map_err(|e| e.to_string())?;
    write_output(out, text.as_bytes(), replace, protected_dir).map_err(|e| match &e {
        crate::store::StoreError::Io { source, .. }
            if source.kind() == std::io::ErrorKind::AlreadyExists =>
        {
            format!("{} exists; choose another name", out.display())
        }
        _ => e.to_string(),
    })?;
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

fn certificate_name(profile: &Profile) -> String {
    match profile.certificate() {
        CertificateSource::CredentialStore { entry } => entry.clone(),
        _ => profile
            .name()
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || "._-".contains(c) {
                    c
                } else {
                    '_'
                }
            })
            .take(64)
            .collect(),
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
    vault: &Vault,
) -> Result<Vec<ImportedProfile>, String> {
    let text = read_regular_text(path, EXPORT_FILE_MAX, "certconnect bundle")
        .map_err(|e| e.to_string())?;
    let file: BundleFile = ron::from_str(&text)
        .map_err(|e| format!("{}: not a certconnect bundle ({e})", path.display()))?;
    let checked = file
        .profiles
        .into_iter()
        .map(|profile| {
            let name = profile.name().to_owned();
            check_profile(FORMAT_VERSION, profile)
                .map_err(|reason| format!("{}: profile '{name}': {reason}", path.display()))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let credentials = decrypt_all(&file.certificates, passphrase, path)?;
    let mut locked = profiles.lock().map_err(|e| e.to_string())?;
    let mut added = Added::default();
    let result = (|| -> Result<Vec<ImportedProfile>, String> {
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
            vault.import(&free, credential)?;
            added.certificates.push(free.clone());
            taken.insert(free.clone());
            renamed.insert(name.clone(), free);
        }
        let mut imported = Vec::new();
        for mut profile in checked {
            let mut brought_entries = Vec::new();
            if let CertificateSource::CredentialStore { entry } = profile.certificate()
                && let Some(free) = renamed.get(entry)
            {
                profile = profile
                    .with_certificate(CertificateSource::CredentialStore {
                        entry: free.clone(),
                    })
                    .map_err(|e| e.to_string())?;
                brought_entries.push(free.clone());
            }
            let original_name = profile.name().to_owned();
            let saved_as = (1..)
                .map(|n| imported_name(&original_name, n))
                .find(|n| !locked.contains(n))
                .unwrap_or_else(|| original_name.clone());
            // A fresh id, so the import never shares an id or a credential-store entry with the
            // profile it was exported from; and no trust, whatever the file said.
            let profile = profile
                .renamed(&saved_as)
                .map_err(|e| e.to_string())?
                .with_id(String::new())
                .with_origin(Origin::Imported { brought_entries });
            let saved = locked.save(&profile).map_err(|e| e.to_string())?;
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
) -> Result<Vec<(String, Credential)>, String> {
    let mut credentials: Vec<(String, Credential)> = Vec::new();
    for bundled in certificates {
        let pfx = zeroize::Zeroizing::new(
            STANDARD
                .decode(&bundled.pfx)
                .map_err(|e| format!("{}: certificate '{}': {e}", path.display(), bundled.name))?,
        );
        let credential =
            cert::load_bytes(&pfx, None, Some(passphrase), None).map_err(|e| match e {
                cert::CertError::WrongPassword => {
                    "the passphrase does not open this bundle".to_owned()
                }
                other => format!(
                    "{}: certificate '{}': {other}",
                    path.display(),
                    bundled.name
                ),
            })?;
        match credentials.iter().find(|(n, _)| *n == bundled.name) {
            Some((_, first)) if same_certificate(first, &credential) => {}
            Some(_) => {
                return Err(format!(
                    "{}: two different certificates are both named '{}'; nothing was imported",
                    path.display(),
                    bundled.name
                ));
            }
            None => credentials.push((bundled.name.clone(), credential)),
        }
    }
    Ok(credentials)
}

fn same_certificate(a: &Credential, b: &Credential) -> bool {
    matches!((a.certificate.to_der(), b.certificate.to_der()), (Ok(a), Ok(b)) if a == b)
}
