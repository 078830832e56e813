//! The Windows certificate store: `Cert:\CurrentUser\My` and `Cert:\LocalMachine\My`.
//!
//! Certificates there come with keys that often cannot be exported, so certconnect never reads
//! the key: it asks the key's provider to sign in place. Modern keys live in a CNG key storage
//! provider and sign RS256 and PS256; keys imported long ago (and every key under wine) live in a
//! legacy CryptoAPI provider, which signs RS256 only.
//!
//! The types and functions here compile everywhere; on other platforms every store operation
//! answers [`WinStoreError::Unavailable`], so callers need no `cfg` of their own. The calls into
//! Windows are in `ffi` (the only `unsafe` code of the crate); everything testable without
//! Windows is in `convert`.

#[cfg_attr(
    not(windows),
    expect(
        dead_code,
        reason = "the parts only the Windows calls use are still compiled and tested everywhere"
    )
)]
mod convert;
#[cfg(windows)]
mod ffi;
#[cfg(all(test, windows))]
mod windows_tests;

use std::fmt;

#[cfg(windows)]
use ffi as imp;

/// Which Personal (`My`) store; the profile's type, so a saved choice is exactly what is opened.
pub use crate::core::profile::StoreLocation;

/// The JWS algorithms a client assertion is signed with; both hash with SHA-256.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SignAlgorithm {
    /// RSASSA-PKCS1-v1_5.
    Rs256,
    /// RSASSA-PSS, MGF1 with SHA-256, salt of 32 bytes.
    Ps256,
}

impl fmt::Display for SignAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Rs256 => "RS256",
            Self::Ps256 => "PS256",
        })
    }
}

/// One certificate of a store, as the picker lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoreEntry {
    /// Subject distinguished name (`CN=MyClientAppCert, O=Contoso`).
    pub subject: String,
    /// SHA-1 thumbprint: 40 upper-case hex digits, as certmgr.msc and the Entra portal show it.
    pub thumbprint_sha1: String,
    /// Expiry, Unix seconds.
    pub not_after: i64,
    /// The key's provider ("Microsoft Software Key Storage Provider", …); `None` without a key.
    pub provider: Option<String>,
    /// Whether the store links a private key to it (only those can sign).
    pub has_private_key: bool,
    /// The certificate, DER.
    pub der: Vec<u8>,
}

/// One certificate opened for signing.
#[derive(Debug)]
pub struct StoreCertificate {
    /// The certificate, DER.
    pub der: Vec<u8>,
    /// Its private key, which signs where it is kept.
    pub key: PlatformKey,
    /// Who keeps the key, as certmgr.msc names it.
    pub provider: String,
}

/// A handle to a private key in a Windows key provider. The key's bytes never leave the provider;
/// signing is serialized, so one handle can be shared between threads. Dropping it frees the
/// handles (the key itself stays in the store).
pub struct PlatformKey {
    inner: imp::Key,
}

impl PlatformKey {
    /// Signs `message` (the JWT signing input, `header.payload`) with the key's provider; returns
    /// the signature big-endian, as JOSE wants it.
    pub fn sign(&self, algorithm: SignAlgorithm, message: &[u8]) -> Result<Vec<u8>, WinStoreError> {
        self.inner.sign(algorithm, message)
    }

    /// Whether the provider can sign with `algorithm`: CNG keys do both, legacy CryptoAPI keys
    /// only RS256.
    pub fn supports(&self, algorithm: SignAlgorithm) -> bool {
        self.inner.supports(algorithm)
    }

    /// [`Self::supports`] as a refusal that says why and what to do.
    pub fn check(&self, algorithm: SignAlgorithm) -> Result<(), WinStoreError> {
        if self.supports(algorithm) {
            Ok(())
        } else {
            Err(WinStoreError::AlgorithmUnsupported {
                provider: self.provider().to_owned(),
                algorithm,
            })
        }
    }

    /// The provider's name, for the step log.
    pub fn provider(&self) -> &str {
        self.inner.provider()
    }
}

impl fmt::Debug for PlatformKey {
    /// The provider and the API only: no handle values, nothing about the key.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.inner, f)
    }
}

// Signing runs on worker threads and the key is shared with the GUI: keep it Send + Sync.
const _: fn() = || {
    fn shareable<T: Send + Sync>() {}
    shareable::<PlatformKey>();
};

/// Why the store could not be read, opened, written or asked to sign.
#[derive(Debug, thiserror::Error)]
pub enum WinStoreError {
    /// Not on Windows.
    #[error("{0}")]
    Unavailable(String),
    /// The text is not a SHA-1 thumbprint.
    #[error("'{text}' is not a certificate thumbprint: {reason}")]
    BadThumbprint {
        /// What was given, without invisible marks, shortened.
        text: String,
        /// What is wrong with it.
        reason: String,
    },
    /// No certificate with this thumbprint in the store.
    #[error("no certificate with thumbprint {thumbprint} in {}", .location.path())]
    NotFound {
        /// The store searched.
        location: StoreLocation,
        /// The thumbprint, normalized.
        thumbprint: String,
    },
    /// The certificate is there, but not its private key.
    #[error(
        "the certificate {thumbprint} in {} has no private key in this store",
        .location.path()
    )]
    NoPrivateKey {
        /// The store.
        location: StoreLocation,
        /// The certificate's thumbprint.
        thumbprint: String,
    },
    /// PS256 asked of a legacy CryptoAPI key.
    #[error(
        "the key is held by a legacy CryptoAPI provider ({provider}), which cannot sign {algorithm}"
    )]
    AlgorithmUnsupported {
        /// The provider's name.
        provider: String,
        /// What was asked for.
        algorithm: SignAlgorithm,
    },
    /// Windows refused this account access to the store or the key.
    #[error("Windows denied access to {} or its key ({what} failed)", .location.path())]
    AccessDenied {
        /// The store.
        location: StoreLocation,
        /// The call that was refused.
        what: &'static str,
    },
    /// The PFX password is wrong.
    #[error("the password does not open this PFX file")]
    BadPassword,
    /// The PFX opened but holds no certificate with a private key.
    #[error("the PFX file holds no certificate with a private key")]
    NoKeyInPfx,
    /// Any other failure of a Windows call.
    #[error("{what} failed: {}", convert::describe_code(*.code))]
    Os {
        /// The call that failed.
        what: &'static str,
        /// Its GetLastError value, HRESULT or NTSTATUS.
        code: u32,
    },
}

impl WinStoreError {
    /// A stable machine-readable code for reports and scripts.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Unavailable(_) => "windows_store_unavailable",
            Self::BadThumbprint { .. } => "windows_store_bad_thumbprint",
            Self::NotFound { .. } => "windows_store_not_found",
            Self::NoPrivateKey { .. } => "windows_store_no_private_key",
            Self::AlgorithmUnsupported { .. } => "windows_store_algorithm_unsupported",
            Self::AccessDenied { .. } => "windows_store_access_denied",
            Self::BadPassword => "windows_store_bad_password",
            Self::NoKeyInPfx => "windows_store_pfx_without_key",
            Self::Os { .. } => "windows_store_os_error",
        }
    }

    /// One plain sentence telling the admin what to do about it.
    pub fn fix(&self) -> &'static str {
        match self {
            Self::Unavailable(_) => {
                "Export the certificate with its private key as a PFX and choose it as a local file."
            }
            Self::BadThumbprint { .. } => {
                "Copy the 40-character SHA-1 thumbprint from the certificate's Details tab in certmgr.msc, or choose the certificate from the list."
            }
            Self::NotFound {
                location: StoreLocation::CurrentUser,
                ..
            } => {
                "Check the thumbprint in certmgr.msc (Personal > Certificates) or choose the certificate from the list."
            }
            Self::NotFound {
                location: StoreLocation::LocalMachine,
                ..
            } => {
                "Check the thumbprint in certlm.msc (Personal > Certificates) or choose the certificate from the list."
            }
            Self::NoPrivateKey { .. } => {
                "Import the PFX that holds the private key into this store, or choose a certificate shown with a key."
            }
            Self::AlgorithmUnsupported { .. } => {
                "Use RS256 for this certificate, or re-import it into a CNG key storage provider."
            }
            Self::AccessDenied {
                location: StoreLocation::LocalMachine,
                ..
            } => {
                "Run certconnect as administrator, or grant this account Read on the key in certlm.msc (All Tasks > Manage Private Keys)."
            }
            Self::AccessDenied {
                location: StoreLocation::CurrentUser,
                ..
            } => {
                "Sign in as the user who imported the certificate, or import it again under this account."
            }
            Self::BadPassword => "Type the password the PFX file was exported with.",
            Self::NoKeyInPfx => {
                "Export the certificate again with \"Yes, export the private key\" selected."
            }
            Self::Os { .. } => {
                "Check the certificate and its key in certmgr.msc; if the key is on a smart card or token, insert it and try again."
            }
        }
    }
}

/// Whether this platform has the store: `Ok` on Windows.
pub fn available() -> Result<(), WinStoreError> {
    if cfg!(windows) {
        Ok(())
    } else {
        Err(WinStoreError::Unavailable(
            "the Windows certificate store exists only on Windows".into(),
        ))
    }
}

/// Every certificate in `<location>\My`, with or without a key.
pub fn list(location: StoreLocation) -> Result<Vec<StoreEntry>, WinStoreError> {
    available()?;
    imp::list(location)
}

/// Opens the certificate with this SHA-1 thumbprint (any form [`parse_thumbprint`] reads) in
/// `<location>\My`, with a handle to its private key.
pub fn open(location: StoreLocation, thumbprint: &str) -> Result<StoreCertificate, WinStoreError> {
    available()?;
    imp::open(location, thumbprint)
}

/// Imports a PFX into `<location>\My`: every certificate that comes with a key, the key into
/// the user's or the machine's key set, marked exportable only when asked. Returns the
/// thumbprint (upper-case hex) of the (first) certificate with a key.
pub fn import_pfx(
    location: StoreLocation,
    pfx: &[u8],
    password: &str,
    exportable: bool,
) -> Result<String, WinStoreError> {
    available()?;
    imp::import_pfx(location, pfx, password, exportable)
}

/// Reads a SHA-1 thumbprint in any form admins paste: upper or lower case, with spaces or colons,
/// with the invisible direction marks certmgr.msc's Details tab copies along.
pub fn parse_thumbprint(text: &str) -> Result<[u8; 20], WinStoreError> {
    convert::parse_thumbprint(text)
}

/// The canonical form of a thumbprint: 40 upper-case hex digits.
pub fn format_thumbprint(thumbprint: &[u8; 20]) -> String {
    convert::format_thumbprint(thumbprint)
}

/// What stands in for `ffi` where there is no Windows: no key can exist, and [`available`]
/// refuses every store operation before these are reached.
#[cfg(not(windows))]
mod imp {
    use super::{SignAlgorithm, StoreCertificate, StoreEntry, StoreLocation, WinStoreError};

    /// No key can be opened here, so no value of this type exists.
    #[derive(Debug)]
    pub(super) enum Key {}

    impl Key {
        pub(super) fn sign(&self, _: SignAlgorithm, _: &[u8]) -> Result<Vec<u8>, WinStoreError> {
            match *self {}
        }

        pub(super) fn supports(&self, _: SignAlgorithm) -> bool {
            match *self {}
        }

        pub(super) fn provider(&self) -> &str {
            match *self {}
        }
    }

    fn unavailable() -> WinStoreError {
        match super::available() {
            Err(error) => error,
            Ok(()) => WinStoreError::Unavailable(String::new()),
        }
    }

    pub(super) fn list(_: StoreLocation) -> Result<Vec<StoreEntry>, WinStoreError> {
        Err(unavailable())
    }

    pub(super) fn open(_: StoreLocation, _: &str) -> Result<StoreCertificate, WinStoreError> {
        Err(unavailable())
    }

    pub(super) fn import_pfx(
        _: StoreLocation,
        _: &[u8],
        _: &str,
        _: bool,
    ) -> Result<String, WinStoreError> {
        Err(unavailable())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_speak_to_admins() {
        let not_found = WinStoreError::NotFound {
            location: StoreLocation::CurrentUser,
            thumbprint: "A909".into(),
        };
        assert_eq!(
            not_found.to_string(),
            r"no certificate with thumbprint A909 in Cert:\CurrentUser\My"
        );
        assert_eq!(not_found.code(), "windows_store_not_found");
        assert!(not_found.fix().contains("certmgr.msc"));

        let legacy = WinStoreError::AlgorithmUnsupported {
            provider: "Microsoft Enhanced Cryptographic Provider v1.0".into(),
            algorithm: SignAlgorithm::Ps256,
        };
        assert_eq!(
            legacy.to_string(),
            "the key is held by a legacy CryptoAPI provider \
             (Microsoft Enhanced Cryptographic Provider v1.0), which cannot sign PS256"
        );
        assert!(legacy.fix().starts_with("Use RS256"));

        let os = WinStoreError::Os {
            what: "CryptCreateHash",
            code: 0x8009_0008,
        };
        assert_eq!(
            os.to_string(),
            "CryptCreateHash failed: 0x80090008 (NTE_BAD_ALGID)"
        );
    }

    #[cfg(not(windows))]
    #[test]
    fn elsewhere_every_store_call_is_unavailable() {
        let reason = "the Windows certificate store exists only on Windows";
        let check = |error: WinStoreError| {
            assert_eq!(error.code(), "windows_store_unavailable");
            assert_eq!(error.to_string(), reason);
        };
        check(available().expect_err("not Windows"));
        check(list(StoreLocation::CurrentUser).expect_err("not Windows"));
        check(open(StoreLocation::LocalMachine, "00").expect_err("not Windows"));
        check(import_pfx(StoreLocation::CurrentUser, b"", "", false).expect_err("not Windows"));
    }
}
