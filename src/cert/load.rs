//! Reading a certificate (and its private key, when there is one) from bytes or files.

use std::fmt;
use std::path::{Path, PathBuf};

use openssl::pkcs12::Pkcs12;
use openssl::pkey::{PKey, Private};
use openssl::x509::X509;

use super::detect::{FileFormat, Sniffed, sniff};
use super::error::{CertError, reasons};
use super::legacy;
use super::select::select;
use crate::bounded_read::{self, ReadError};
use crate::secret::Secret;
use zeroize::Zeroizing;

/// A loaded certificate: the signing certificate, its private key (absent for a `.cer`), the other
/// certificates of the file ordered as a chain, and the format it came from.
pub struct Credential {
    /// The certificate whose public key matches the key (or the end-entity one without a key).
    pub certificate: X509,
    /// The private key, if the file held one.
    pub private_key: Option<PKey<Private>>,
    /// Issuers found in the file, leaf's issuer first.
    pub chain: Vec<X509>,
    /// Whether the key belongs to the certificate (`None` without a key).
    pub key_matches: Option<bool>,
    /// The container format.
    pub format: FileFormat,
    /// A key kept elsewhere that signs in place (the Windows certificate store), instead of
    /// `private_key`.
    pub in_place_key: Option<std::sync::Arc<dyn super::InPlaceKey>>,
}

impl Credential {
    /// Whether there is a key to sign with, here or in place.
    pub fn has_key(&self) -> bool {
        self.private_key.is_some() || self.in_place_key.is_some()
    }
}

impl fmt::Debug for Credential {
    // Never print key material, whatever OpenSSL's Debug would do.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credential")
            .field(
                "subject",
                &super::names::distinguished_name(self.certificate.subject_name()),
            )
            .field("private_key", &self.private_key.as_ref().map(|_| "***"))
            .field(
                "in_place_key",
                &self.in_place_key.as_ref().map(|k| k.keeper()),
            )
            .field("chain_len", &self.chain.len())
            .field("format", &self.format)
            .finish()
    }
}

/// What to load besides the main file.
#[derive(Clone, Copy, Debug, Default)]
pub struct LoadOptions<'a> {
    /// A separate private key file (PEM or DER), for a certificate given as PEM/DER.
    pub key_path: Option<&'a Path>,
    /// The password of the PFX, keystore or encrypted key. `None` and empty both mean "no password".
    pub password: Option<&'a Secret>,
    /// Which entry of a Java keystore to use (needed when it holds several keys).
    pub alias: Option<&'a str>,
}

/// Loads a certificate file (and optionally a separate key file).
pub fn load_file(path: &Path, options: LoadOptions<'_>) -> Result<Credential, CertError> {
    crate::ui_thread_guard::forbid_on_ui_thread("cert::load_file");
    let bytes = read(path)?;
    let key_bytes = options.key_path.map(read).transpose()?;
    load_bytes(
        &bytes,
        key_bytes.as_ref().map(|k| k.as_slice()),
        options.password,
        options.alias,
    )
}

/// Reads a certificate or key file: a regular file of at most
/// [`bounded_read::CERTIFICATE_FILE_MAX`] bytes, wiped from memory when dropped (it may hold a key).
fn read(path: &Path) -> Result<Zeroizing<Vec<u8>>, CertError> {
    bounded_read::read_regular(
        path,
        bounded_read::CERTIFICATE_FILE_MAX,
        "certificate or key file",
    )
    .map_err(|error| match error {
        ReadError::Io { source, .. } if source.kind() == std::io::ErrorKind::NotFound => {
            CertError::NotFound(path.to_path_buf())
        }
        ReadError::Io { source, .. } => CertError::Unreadable {
            path: PathBuf::from(path),
            source,
        },
        refused => CertError::Refused(refused),
    })
}

/// Loads a certificate from the bytes of a file and, optionally, of a separate key file.
pub fn load_bytes(
    bytes: &[u8],
    key_bytes: Option<&[u8]>,
    password: Option<&Secret>,
    alias: Option<&str>,
) -> Result<Credential, CertError> {
    crate::ui_thread_guard::forbid_on_ui_thread("cert::load_bytes");
    let password = password.map(Secret::expose).filter(|p| !p.is_empty());
    let (format, certs, key) = match sniff(bytes) {
        _ if bytes.is_empty() => return Err(CertError::Empty),
        Sniffed::JavaKeystore("JKS") => {
            let (certs, key) = load_jks(bytes, password, alias)?;
            (FileFormat::Jks, certs, key)
        }
        Sniffed::JavaKeystore(kind) => {
            return Err(CertError::UnsupportedFormat(format!(
                "a Java {kind} keystore; convert it to PKCS#12 with: keytool -importkeystore -srckeystore FILE -destkeystore FILE.p12 -deststoretype PKCS12"
            )));
        }
        Sniffed::Pem => (
            FileFormat::Pem,
            pem_certificates(bytes)?,
            pem_key_if_any(bytes, password)?,
        ),
        Sniffed::Der => match Pkcs12::from_der(bytes) {
            Ok(p12) => {
                // Before OpenSSL runs any key derivation: a hostile count would keep it busy for
                // minutes, and that work cannot be interrupted.
                super::pkcs12_bounds::check(bytes)?;
                let (certs, key) = parse_pkcs12(&p12, password)?;
                (FileFormat::Pkcs12, certs, key)
            }
            Err(_) => match X509::from_der(bytes) {
                Ok(cert) => (FileFormat::Der, vec![cert], None),
                Err(e) => {
                    return Err(CertError::Corrupt(format!(
                        "neither a PKCS#12 file nor a DER certificate could be read ({})",
                        reasons(&e)
                    )));
                }
            },
        },
        Sniffed::Unknown => {
            return Err(CertError::UnsupportedFormat(
                "not PKCS#12, PEM or DER (the first bytes match none of them)".into(),
            ));
        }
    };
    let key = match key_bytes {
        Some(key_bytes) => Some(load_key(key_bytes, password)?),
        None => key,
    };
    let selected = select(certs, key.as_deref()).ok_or(CertError::NoCertificate)?;
    Ok(Credential {
        certificate: selected.leaf,
        private_key: key,
        chain: selected.chain,
        key_matches: selected.key_matches,
        format,
        in_place_key: None,
    })
}

/// The chosen key entry of a JKS keystore: by alias, or the only key entry there is.
fn load_jks(
    bytes: &[u8],
    password: Option<&str>,
    alias: Option<&str>,
) -> Result<(Vec<X509>, Option<PKey<Private>>), CertError> {
    let password = password.unwrap_or("");
    let entries = super::jks::parse(bytes, password)?;
    let keys: Vec<_> = entries.iter().filter(|e| e.has_key()).collect();
    let aliases = || keys.iter().map(|e| e.alias.clone()).collect::<Vec<_>>();
    let entry = match alias {
        // Java stores aliases lowercased.
        Some(alias) => entries
            .iter()
            .find(|e| e.alias.eq_ignore_ascii_case(alias))
            .ok_or_else(|| CertError::AliasNotFound {
                alias: alias.to_owned(),
                available: entries.iter().map(|e| e.alias.clone()).collect(),
            })?,
        None => match keys.as_slice() {
            [only] => *only,
            [] => entries.first().ok_or(CertError::NoCertificate)?,
            _ => return Err(CertError::AliasRequired(aliases())),
        },
    };
    let key = entry.private_key(password)?;
    Ok((entry.chain.clone(), key))
}

fn parse_pkcs12(
    p12: &Pkcs12,
    password: Option<&str>,
) -> Result<(Vec<X509>, Option<PKey<Private>>), CertError> {
    // OpenSSL tries both the empty and the absent password itself when given "" (RFC 7292 B.1 vs
    // B.2 encodings), so "no password" covers both kinds of password-less PFX.
    let password_text = password.unwrap_or("");
    // The legacy provider (RC2, RC4, 40-bit ciphers) is loaded only for a file that needs it:
    // loading it for every file cost each run a library load and provider set-up.
    // OpenSSL's reason strings are read here, at the adapter's edge: its error stack carries no
    // typed reason for these; callers get a typed `CertError`.
    let parsed = match p12.parse2(password_text) {
        Err(e) if reasons(&e).contains("unsupported") && !legacy::is_loaded() => {
            legacy::ensure_loaded();
            p12.parse2(password_text)
        }
        result => result,
    };
    let parsed = parsed.map_err(|e| {
        let why = reasons(&e);
        if why.contains("mac verify failure") || why.contains("invalid password") {
            if password.is_some() {
                CertError::WrongPassword
            } else {
                CertError::PasswordRequired
            }
        } else if why.contains("unsupported") {
            CertError::LegacyAlgorithm(why)
        } else {
            CertError::Corrupt(why)
        }
    })?;
    let mut certs: Vec<X509> = parsed.cert.into_iter().collect();
    if let Some(ca) = parsed.ca {
        certs.extend(ca);
    }
    Ok((certs, parsed.pkey))
}

fn pem_certificates(bytes: &[u8]) -> Result<Vec<X509>, CertError> {
    if !contains(bytes, b"CERTIFICATE-----") {
        return Ok(Vec::new());
    }
    X509::stack_from_pem(bytes).map_err(|e| {
        CertError::Corrupt(format!(
            "a PEM certificate could not be read ({})",
            reasons(&e)
        ))
    })
}

fn pem_key_if_any(
    bytes: &[u8],
    password: Option<&str>,
) -> Result<Option<PKey<Private>>, CertError> {
    if contains(bytes, b"PRIVATE KEY-----") {
        load_key(bytes, password).map(Some)
    } else {
        Ok(None)
    }
}

/// Loads a private key: PEM (PKCS#8, encrypted PKCS#8, PKCS#1 with or without `Proc-Type`) or DER.
fn load_key(bytes: &[u8], password: Option<&str>) -> Result<PKey<Private>, CertError> {
    let encrypted =
        contains(bytes, b"ENCRYPTED PRIVATE KEY") || contains(bytes, b"Proc-Type: 4,ENCRYPTED");
    let is_pem = contains(bytes, b"-----BEGIN ");
    if is_pem && !contains(bytes, b"PRIVATE KEY-----") {
        return Err(CertError::UnsupportedFormat(
            "the key file holds no PEM private key".into(),
        ));
    }
    let result = match (is_pem, encrypted, password) {
        (true, true, None) => return Err(CertError::PasswordRequired),
        (true, true, Some(pass)) => PKey::private_key_from_pem_passphrase(bytes, pass.as_bytes()),
        // The callback answers "no password" so OpenSSL can never fall back to prompting on a terminal.
        (true, false, _) => PKey::private_key_from_pem_callback(bytes, |_| Ok(0)),
        (false, _, Some(pass)) => PKey::private_key_from_pkcs8_passphrase(bytes, pass.as_bytes())
            .or_else(|_| PKey::private_key_from_der(bytes)),
        (false, _, None) => PKey::private_key_from_der(bytes),
    };
    result.map_err(|e| {
        // OpenSSL's reason text, read at the adapter's edge (see `parse_pkcs12`).
        let why = reasons(&e);
        match encrypted {
            true if is_unsupported_cipher(&why) => CertError::LegacyAlgorithm(why),
            true => CertError::WrongPassword,
            _ => CertError::Corrupt(format!("the private key could not be read ({why})")),
        }
    })
}

/// Whether OpenSSL refused an encrypted key's cipher, rather than the password. A wrong password
/// usually fails the padding check, but about one time in 256 the padding of the garbage it
/// decrypts to looks right: the decoders then find no key in it and say "unsupported" too, with
/// ASN.1 errors beside it. A cipher that is not available fails before anything is decoded. (OpenSSL's
/// reason text, read at the adapter's edge.)
fn is_unsupported_cipher(why: &str) -> bool {
    why.contains("unsupported")
        && !why.contains("asn1")
        && !why.contains("wrong tag")
        && !why.contains("decode error")
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}
