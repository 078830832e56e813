//! The Windows certificate store as the rest of certconnect sees it: a certificate opened as a
//! [`Credential`] whose key signs in place, the store's listing, and PFX import. The platform
//! calls are in `windows_cert_store`; this file turns its results and errors into certconnect's.

use std::sync::Arc;

use openssl::x509::X509;

use super::windows_cert_store::{self, PlatformKey, SignAlgorithm, StoreEntry, WinStoreError};
use crate::cert::{Credential, FileFormat, InPlaceKey};
use crate::core::event::Failure;
use crate::core::profile::{AssertionAlgorithm, StoreLocation};

/// What the store's errors become in a run: its machine code, message and fix.
fn failure(error: &WinStoreError) -> Failure {
    Failure {
        code: error.code().into(),
        message: error.to_string(),
        hint: error.fix().into(),
        ..Failure::default()
    }
}

/// Opens the certificate with this SHA-1 thumbprint in `Cert:\<location>\My` for signing.
pub fn open_windows_store(
    location: StoreLocation,
    thumbprint: &str,
) -> Result<Credential, Failure> {
    let opened = windows_cert_store::open(location, thumbprint).map_err(|e| failure(&e))?;
    let certificate = X509::from_der(&opened.der).map_err(|_| Failure {
        code: "windows_store_bad_certificate".into(),
        message: format!(
            "the certificate {thumbprint} in {} cannot be read",
            location.path()
        ),
        hint: "Export it from certmgr.msc and check it with certconnect cert inspect.".into(),
        ..Failure::default()
    })?;
    Ok(Credential {
        certificate,
        private_key: None,
        chain: Vec::new(),
        // The store links this key to this certificate; a mismatch would fail at the signature.
        key_matches: Some(true),
        format: FileFormat::WindowsStore,
        in_place_key: Some(Arc::new(StoreKey(opened.key))),
    })
}

/// Every certificate in `Cert:\<location>\My`.
pub fn list_windows_store(location: StoreLocation) -> Result<Vec<StoreEntry>, Failure> {
    windows_cert_store::list(location).map_err(|e| failure(&e))
}

/// Imports a PFX (already checked by certconnect's own loader) into `Cert:\<location>\My`;
/// returns the thumbprint of the certificate that came with the key.
pub fn import_into_windows_store(
    location: StoreLocation,
    pfx: &[u8],
    password: &str,
    exportable: bool,
) -> Result<String, Failure> {
    windows_cert_store::import_pfx(location, pfx, password, exportable).map_err(|e| failure(&e))
}

/// A store key as the signer sees it.
struct StoreKey(PlatformKey);

fn algorithm(algorithm: AssertionAlgorithm) -> SignAlgorithm {
    match algorithm {
        AssertionAlgorithm::Rs256 => SignAlgorithm::Rs256,
        AssertionAlgorithm::Ps256 => SignAlgorithm::Ps256,
    }
}

impl InPlaceKey for StoreKey {
    fn sign(&self, alg: AssertionAlgorithm, message: &[u8]) -> Result<Vec<u8>, Failure> {
        self.0
            .sign(algorithm(alg), message)
            .map_err(|e| failure(&e))
    }

    fn supports(&self, alg: AssertionAlgorithm) -> Result<(), Failure> {
        self.0.check(algorithm(alg)).map_err(|e| failure(&e))
    }

    fn keeper(&self) -> String {
        self.0.provider().to_owned()
    }
}
