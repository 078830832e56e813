//! Moving a connection to another machine: profiles plus their certificates, re-encrypted under a
//! passphrase chosen at export time. Without this, exports carry no secret at all.

use std::path::Path;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};

use super::Vault;
use crate::cert::{self, Credential};
use crate::core::profile::{CertificateSource, Profile};
use crate::secret::Secret;
use crate::store::{ImportedProfile, ProfileStore, write_atomic};

/// The least passphrase length accepted: the bundle holds private keys.
pub const MIN_PASSPHRASE: usize = 12;

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

/// Writes `profiles` with their certificates (`credentials`, one per profile, same order). Each
/// profile in the bundle refers to its certificate by name, to be kept in the credential store on import.
pub fn export_bundle(
    profiles: &[Profile],
    credentials: &[Credential],
    passphrase: &Secret,
    out: &Path,
) -> Result<usize, String> {
    if passphrase.expose().chars().count() < MIN_PASSPHRASE {
        return Err(format!(
            "the bundle holds private keys: use a passphrase of at least {MIN_PASSPHRASE} characters"
        ));
    }
    let mut bundled = Vec::new();
    let mut moved = Vec::new();
    for (profile, credential) in profiles.iter().zip(credentials) {
        let name = certificate_name(profile);
        let key = credential
            .private_key
            .as_ref()
            .ok_or_else(|| format!("'{}': the certificate has no private key", profile.name))?;
        let pair = cert::generate::KeyPair {
            certificate: credential.certificate.clone(),
            key: key.clone(),
        };
        let pfx =
            cert::generate::to_pfx(&pair, passphrase.expose(), &name).map_err(|e| e.to_string())?;
        bundled.push(BundledCertificate {
            name: name.clone(),
            pfx: STANDARD.encode(pfx),
        });
        let mut profile = profile.clone();
        profile.certificate = CertificateSource::CredentialStore { entry: name };
        moved.push(profile);
    }
    let file = BundleFile {
        bundle_format: 1,
        profiles: moved,
        certificates: bundled,
    };
    let text = ron::ser::to_string_pretty(&file, ron::ser::PrettyConfig::default())
        .map_err(|e| e.to_string())?;
    write_atomic(out, text.as_bytes()).map_err(|e| e.to_string())?;
    Ok(file.profiles.len())
}

fn certificate_name(profile: &Profile) -> String {
    match &profile.certificate {
        CertificateSource::CredentialStore { entry } => entry.clone(),
        _ => profile
            .name
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

/// Imports a bundle: each certificate goes into the credential store (under a free name), each
/// profile is saved (renamed when its name is taken) pointing at it.
pub fn import_bundle(
    path: &Path,
    passphrase: &Secret,
    profiles: &ProfileStore,
    vault: &Vault,
) -> Result<Vec<ImportedProfile>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let file: BundleFile = ron::from_str(&text)
        .map_err(|e| format!("{}: not a certconnect bundle ({e})", path.display()))?;
    // Decrypt everything first: a wrong passphrase changes nothing.
    let mut credentials = Vec::new();
    for bundled in &file.certificates {
        let pfx = STANDARD.decode(&bundled.pfx).map_err(|e| e.to_string())?;
        let credential =
            cert::load_bytes(&pfx, None, Some(passphrase), None).map_err(|e| match e {
                cert::CertError::WrongPassword => {
                    "the passphrase does not open this bundle".to_owned()
                }
                other => other.to_string(),
            })?;
        credentials.push((bundled.name.clone(), credential));
    }
    let taken: Vec<String> = vault.list().into_iter().map(|c| c.name).collect();
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
        renamed.insert(name.clone(), free);
    }
    let mut imported = Vec::new();
    for mut profile in file.profiles {
        if let CertificateSource::CredentialStore { entry } = &mut profile.certificate
            && let Some(free) = renamed.get(entry)
        {
            entry.clone_from(free);
        }
        let original_name = profile.name.clone();
        let saved_as = (1..)
            .map(|n| match n {
                1 => original_name.clone(),
                2 => format!("{original_name} (imported)"),
                n => format!("{original_name} (imported {})", n - 1),
            })
            .find(|n| !profiles.contains(n))
            .unwrap_or_else(|| original_name.clone());
        profile.name.clone_from(&saved_as);
        // A fresh id, so the import never shares an id or a credential-store entry with the
        // profile it was exported from.
        profile.id.clear();
        profiles.save(&profile).map_err(|e| e.to_string())?;
        imported.push(ImportedProfile {
            original_name,
            saved_as,
        });
    }
    Ok(imported)
}
