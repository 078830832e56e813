//! The Windows certificate store as the rest of certconnect sees it: a certificate opened as a
//! [`Credential`] whose key signs in place, the store's listing, and PFX import. The platform
//! calls are in `windows_store`; this file turns its results and errors into certconnect's.

use crate::cert::{Credential, FileFormat};
use crate::core::event::Failure;
use crate::core::profile::StoreLocation;

/// One certificate of a store, as the picker and `cert list` show it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct WindowsCertificate {
    /// Subject distinguished name.
    pub subject: String,
    /// SHA-1 thumbprint, upper-case hex (what the store and the portal show).
    pub thumbprint_sha1: String,
    /// Expiry, Unix seconds.
    pub not_after: i64,
    /// The key's provider ("Microsoft Software Key Storage Provider", …), when it has a key.
    pub provider: Option<String>,
    /// Whether the store holds its private key (only those can sign).
    pub has_private_key: bool,
}

fn unavailable() -> Failure {
    Failure {
        code: "windows_store_unavailable".into(),
        message: "the Windows certificate store exists only on Windows".into(),
        hint: "Export the certificate with its key as a PFX and choose Local PFX file.".into(),
        ..Failure::default()
    }
}

/// Opens the certificate with this SHA-1 thumbprint in `Cert:\<location>\My` for signing.
pub fn open_windows_store(
    location: StoreLocation,
    thumbprint: &str,
) -> Result<Credential, Failure> {
    let _ = (location, thumbprint, FileFormat::WindowsStore);
    Err(unavailable())
}

/// Every certificate in `Cert:\<location>\My`.
pub fn list_windows_store(location: StoreLocation) -> Result<Vec<WindowsCertificate>, Failure> {
    let _ = location;
    Err(unavailable())
}

/// Imports a PFX (already checked by certconnect's own loader) into `Cert:\<location>\My`;
/// returns the thumbprint of the certificate that came with the key.
pub fn import_into_windows_store(
    location: StoreLocation,
    pfx: &[u8],
    password: &str,
    exportable: bool,
) -> Result<String, Failure> {
    let _ = (location, pfx, password, exportable);
    Err(unavailable())
}
