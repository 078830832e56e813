//! The "New certificate" use case: a self-signed signing certificate written as a password-protected
//! PFX (to keep), a DER `.cer` (to upload to the app registration) and optionally a PEM copy.
//!
//! Every rule is checked before a key is made, and files are never replaced unless asked (and never
//! a FIFO or a device, even then): an overwritten PFX would lose the only copy of a private key that
//! an app registration may trust. Files are created owner-only (0600 on Unix) by the store's writer.

use std::path::{Component, Path, PathBuf};

use openssl::hash::MessageDigest;

use super::OpsError;
use crate::cert::generate::{KeyPair, self_signed_with_subject, to_pfx};
use crate::core::thumbprint::to_hex;
pub use crate::core::validity::DAYS_RANGE;
use crate::profile_store::{StoreError, write_atomic, write_new};
use crate::secret::Secret;

/// RSA key sizes offered.
pub const KEY_SIZES: [u32; 3] = [2048, 3072, 4096];

/// What to make and where to write it.
pub struct NewCertificateRequest {
    /// Subject as parsed by [`crate::core::subject::parse_subject`]; must contain a `CN`.
    pub subject: Vec<(String, String)>,
    /// RSA key size, one of [`KEY_SIZES`].
    pub key_bits: u32,
    /// Validity in days, within [`DAYS_RANGE`].
    pub days: u32,
    /// The password-protected PFX (certificate and private key).
    pub pfx: PathBuf,
    /// The public certificate, DER, to upload.
    pub cer: PathBuf,
    /// Also the public certificate as PEM.
    pub pem: Option<PathBuf>,
    /// The PFX password; must not be empty.
    pub password: Secret,
    /// Replace files that exist.
    pub overwrite: bool,
}

/// A certificate that was made and written.
pub struct NewCertificate {
    /// The certificate and its private key.
    pub pair: KeyPair,
    /// SHA-1 thumbprint, uppercase hex, as the Azure portal lists it.
    pub thumbprint_sha1: String,
}

/// Checks the request, makes the key and certificate, and writes the files (PFX, `.cer`, then the
/// PEM). An existing file is refused with [`OpsError::FileExists`] unless `overwrite`; without it,
/// a file that appears while this runs is not replaced either. A request that breaks a rule is
/// [`OpsError::Invalid`]. If a write fails, the files this call already wrote are removed.
pub fn new_certificate(request: &NewCertificateRequest) -> Result<NewCertificate, OpsError> {
    check(request)?;
    let pair = self_signed_with_subject(&request.subject, request.key_bits, request.days)
        .map_err(|e| OpsError::Crypto(format!("could not make the certificate: {e}")))?;
    let text = |e: openssl::error::ErrorStack| OpsError::Crypto(e.to_string());
    let friendly = request
        .subject
        .iter()
        .find(|(f, _)| f == "CN")
        .map_or("certconnect", |(_, v)| v.as_str());
    // Everything is encoded first, so an encoding failure leaves no file behind.
    let mut files = vec![
        (
            request.pfx.as_path(),
            to_pfx(&pair, request.password.expose(), friendly).map_err(text)?,
        ),
        (
            request.cer.as_path(),
            pair.certificate.to_der().map_err(text)?,
        ),
    ];
    if let Some(pem) = &request.pem {
        files.push((pem.as_path(), pair.certificate.to_pem().map_err(text)?));
    }
    let mut written: Vec<&Path> = Vec::new();
    for (path, bytes) in &files {
        let result = if request.overwrite {
            write_atomic(path, bytes)
        } else {
            write_new(path, bytes)
        };
        if let Err(error) = result {
            for done in &written {
                std::fs::remove_file(done).ok();
            }
            return Err(write_error(path, error));
        }
        written.push(path);
    }
    let thumbprint_sha1 = pair
        .certificate
        .digest(MessageDigest::sha1())
        .map(|d| to_hex(&d))
        .map_err(text)?;
    Ok(NewCertificate {
        pair,
        thumbprint_sha1,
    })
}

/// Every rule that can be decided without making a key.
fn check(request: &NewCertificateRequest) -> Result<(), OpsError> {
    let invalid = |message: &str| Err(OpsError::Invalid(message.to_owned()));
    if !request.subject.iter().any(|(f, _)| f == "CN") {
        return invalid("the subject needs a common name, e.g. CN=MyClientAppCert");
    }
    if !KEY_SIZES.contains(&request.key_bits) {
        return invalid(&format!(
            "the key size must be one of 2048, 3072, 4096 bits (got {})",
            request.key_bits
        ));
    }
    if !crate::core::validity::is_allowed(request.days) {
        return invalid("the validity must be between 1 day and 100 years");
    }
    if request.password.is_empty() {
        return invalid("the PFX holds the private key: give it a password");
    }
    let outputs: Vec<&Path> = [
        Some(request.pfx.as_path()),
        Some(request.cer.as_path()),
        request.pem.as_deref(),
    ]
    .into_iter()
    .flatten()
    .collect();
    // Compared as absolute, lexically normalised paths: `x.pem` and `./x.pem` are one file, and
    // writing the second would silently replace the first (the PFX, with the only private key).
    let normalised = outputs
        .iter()
        .map(|p| normalise(p))
        .collect::<Result<Vec<_>, _>>()?;
    for (i, a) in normalised.iter().enumerate() {
        if normalised[..i].contains(a) {
            return invalid(&format!(
                "{} is given for two outputs; the PFX, .cer and .pem need different names",
                outputs[i].display()
            ));
        }
    }
    // An existing file is replaced only when asked; a FIFO, a device or a directory never is.
    for output in &outputs {
        crate::profile_store::check_output(output, request.overwrite, None)
            .map_err(|error| write_error(output, error))?;
    }
    Ok(())
}

/// The absolute path with `.` and `..` resolved lexically (symlinks are not followed: the files do
/// not exist yet).
fn normalise(path: &Path) -> Result<PathBuf, OpsError> {
    let absolute = std::path::absolute(path).map_err(|source| {
        OpsError::Store(StoreError::Io {
            path: path.to_path_buf(),
            source,
        })
    })?;
    let mut out = PathBuf::new();
    for component in absolute.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    Ok(out)
}

fn write_error(path: &Path, error: StoreError) -> OpsError {
    match error {
        // The file appeared after the check: still never replaced.
        StoreError::FileExists(_) => OpsError::FileExists(path.to_path_buf()),
        other => OpsError::Store(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_of_one_file_normalise_alike() {
        let plain = normalise(Path::new("x.pem")).unwrap();
        assert!(plain.is_absolute());
        assert_eq!(normalise(Path::new("./x.pem")).unwrap(), plain);
        assert_eq!(normalise(Path::new("sub/../x.pem")).unwrap(), plain);
        assert_ne!(normalise(Path::new("sub/x.pem")).unwrap(), plain);
    }
}
