//! A certificate from the Windows certificate store as a [`Credential`]: the certificate's DER
//! read from the store, and its key as an [`InPlaceKey`] that the key's provider signs with.

use crate::cert::{Credential, FileFormat};
use crate::core::event::Failure;
use crate::core::profile::StoreLocation;

/// Opens the certificate with this SHA-1 thumbprint in `Cert:\<location>\My` for signing.
pub fn open_windows_store(
    location: StoreLocation,
    thumbprint: &str,
) -> Result<Credential, Failure> {
    let _ = (location, thumbprint, FileFormat::WindowsStore);
    Err(Failure {
        code: "windows_store_unavailable".into(),
        message: "the Windows certificate store exists only on Windows".into(),
        hint: "Export the certificate with its key as a PFX and choose Local PFX file.".into(),
        ..Failure::default()
    })
}

#[allow(dead_code)]
fn _credential_type_check(c: Credential) -> Credential {
    c
}
