//! Opening a profile's hardware-token source: the module resolved (the URI's, else the profile's,
//! else the platform's usual ones), the PIN given or remembered, the key opened on the token.

use crate::cert::Credential;
use crate::cert::pkcs11::{self, Pkcs11Request};
use crate::core::event::Failure;
use crate::core::pkcs11_uri::Pkcs11Uri;
use crate::core::profile::CertificateSource;
use crate::secret::Secret;

/// Opens the key a [`CertificateSource::Pkcs11`] names, logging in with `pin` (given, or read
/// from the credential store by the caller). Other sources are not this function's.
pub(super) fn open(
    source: &CertificateSource,
    pin: Option<&Secret>,
) -> Result<Credential, Failure> {
    let CertificateSource::Pkcs11 {
        uri,
        module,
        cert_pem,
        ..
    } = source
    else {
        return Err(Failure {
            code: "internal".into(),
            message: "not a hardware-token source".into(),
            ..Failure::default()
        });
    };
    let failure = |e: &pkcs11::Pkcs11Error| pkcs11::failure(e);
    let uri = Pkcs11Uri::parse(uri).map_err(|e| failure(&e.into()))?;
    let module = pkcs11::resolve_module(&uri, None, module.as_deref()).map_err(|e| failure(&e))?;
    pkcs11::open_pkcs11(Pkcs11Request {
        uri: &uri,
        module: &module,
        pin,
        cert_pem: cert_pem.as_deref(),
    })
    .map_err(|e| failure(&e))
}
