//! Why a certificate file could not be read, in words an admin can act on.

use std::path::PathBuf;

use crate::core::event::codes;

/// A certificate file that could not be read. Each variant is a distinct, plain-language reason.
#[derive(Debug, thiserror::Error)]
pub enum CertError {
    /// The path does not exist.
    #[error("file not found: {0}")]
    NotFound(PathBuf),
    /// The file exists but could not be read.
    #[error("cannot read {path}: {source}")]
    Unreadable {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// Not a regular file, or larger than any certificate file (see [`crate::bounded_read`]).
    #[error("{0}")]
    Refused(crate::bounded_read::ReadError),
    /// The file is empty.
    #[error("the file is empty")]
    Empty,
    /// A PKCS#12 file asks for more key-derivation iterations than any real export uses.
    #[error(
        "the PKCS#12 file asks for {count} {what} iterations, more than the {max} any real export uses"
    )]
    TooManyIterations {
        /// Which count (MAC, key encryption).
        what: &'static str,
        /// The count in the file.
        count: u64,
        /// The bound.
        max: u64,
    },
    /// A password was given and it does not open the file.
    #[error("the password does not open this file")]
    WrongPassword,
    /// The file is protected and no password was given.
    #[error("this file is password-protected and no password was given")]
    PasswordRequired,
    /// The file looks like a known format but its content is damaged or cut off.
    #[error("the file is corrupt or truncated: {0}")]
    Corrupt(String),
    /// The file is not a certificate format certconnect reads.
    #[error("unsupported file format: {0}")]
    UnsupportedFormat(String),
    /// The file uses an old cipher (RC2/RC4) and OpenSSL's legacy provider is not available.
    #[error("the file is encrypted with a legacy algorithm this OpenSSL cannot use: {0}")]
    LegacyAlgorithm(String),
    /// A key was found but no certificate.
    #[error("the file holds a private key but no certificate")]
    NoCertificate,
    /// The keystore holds several keys and no alias was given.
    #[error("the keystore holds several keys; choose one by alias: {}", .0.join(", "))]
    AliasRequired(Vec<String>),
    /// The given alias is not in the keystore.
    #[error("the keystore has no key with alias '{alias}'; its aliases: {}", available.join(", "))]
    AliasNotFound {
        /// The alias asked for.
        alias: String,
        /// The aliases present.
        available: Vec<String>,
    },
}

impl CertError {
    /// One line that tells the admin what to do about it.
    pub fn fix(&self) -> &'static str {
        match self {
            Self::NotFound(_) => {
                "Check the path; on Windows, the export may still be on the machine that made it."
            }
            Self::Unreadable { .. } => "Check the file's permissions.",
            Self::Refused(_) => {
                "Give the path of the certificate file itself (a .pfx, .p12, .pem, .cer or .jks of a few KiB)."
            }
            Self::TooManyIterations { .. } => {
                "Export the certificate again with standard settings (Export-PfxCertificate, or openssl pkcs12 -export)."
            }
            Self::Empty => "The export did not complete: export the certificate again.",
            Self::WrongPassword => {
                "Use the password chosen when the PFX was exported (Export-PfxCertificate -Password, openssl pkcs12 -passout)."
            }
            Self::PasswordRequired => {
                "Give the password with --password-env VAR or --password-stdin."
            }
            Self::Corrupt(_) => {
                "Copy or download the file again in binary mode; a PFX pasted through a text editor or e-mail body is damaged."
            }
            Self::UnsupportedFormat(_) => {
                "Use a PFX/P12 file, a PEM or DER certificate (.cer/.crt/.pem), or a PEM private key."
            }
            Self::LegacyAlgorithm(_) => {
                "Re-export with modern encryption: openssl pkcs12 -legacy -in old.pfx -nodes | openssl pkcs12 -export -out new.pfx (or Export-PfxCertificate -CryptoAlgorithmOption AES256_SHA256)."
            }
            Self::NoCertificate => {
                "Give the certificate file as well (cert inspect CERT --key KEY)."
            }
            Self::AliasRequired(_) | Self::AliasNotFound { .. } => {
                "Give the alias of the key to use (--alias NAME); keytool -list shows them."
            }
        }
    }

    /// A stable identifier for scripts.
    pub fn code(&self) -> &'static str {
        match self {
            Self::NotFound(_) => "not_found",
            Self::Unreadable { .. } => "unreadable",
            Self::Refused(_) => "refused_file",
            Self::TooManyIterations { .. } => "too_many_iterations",
            Self::Empty => "empty",
            Self::WrongPassword => codes::WRONG_PASSWORD,
            Self::PasswordRequired => codes::PASSWORD_REQUIRED,
            Self::Corrupt(_) => "corrupt",
            Self::UnsupportedFormat(_) => "unsupported_format",
            Self::LegacyAlgorithm(_) => "legacy_algorithm",
            Self::NoCertificate => "no_certificate",
            Self::AliasRequired(_) => "alias_required",
            Self::AliasNotFound { .. } => "alias_not_found",
        }
    }
}

/// The reasons in an OpenSSL error stack, lowercased and joined, for classifying failures.
pub(crate) fn reasons(stack: &openssl::error::ErrorStack) -> String {
    stack
        .errors()
        .iter()
        .filter_map(|e| e.reason())
        .collect::<Vec<_>>()
        .join("; ")
        .to_ascii_lowercase()
}
