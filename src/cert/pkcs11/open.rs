//! Opening the credential a `pkcs11:` URI names: the token's certificate (or a given PEM file,
//! checked against the key) and a key that signs on the token.

use std::path::Path;
use std::sync::{Arc, Mutex};

use cryptoki::object::KeyType;
use openssl::bn::BigNum;
use openssl::x509::X509;

use super::error::Pkcs11Error;
use super::key::TokenKey;
use super::registry;
use super::token::{self, Access, FoundToken, KeyFacts, call_error};
use crate::cert::{Credential, FileFormat};
use crate::core::pkcs11_uri::{Pkcs11Uri, hex};
use crate::secret::Secret;

/// What to open.
#[derive(Clone, Copy, Debug)]
pub struct Pkcs11Request<'a> {
    /// The URI naming the token and the key.
    pub uri: &'a Pkcs11Uri,
    /// The module file (already resolved: see [`super::resolve_module`]).
    pub module: &'a Path,
    /// The PIN, when the token needs one.
    pub pin: Option<&'a Secret>,
    /// A certificate file to use when the token holds none for the key.
    pub cert_pem: Option<&'a Path>,
}

/// Opens the key the URI names for signing, with its certificate. The session stays open (logged
/// in) until the credential is dropped.
pub fn open_pkcs11(request: Pkcs11Request<'_>) -> Result<Credential, Pkcs11Error> {
    let (certificate, key) = open_token_key(request)?;
    Ok(Credential {
        certificate,
        private_key: None,
        chain: Vec::new(),
        key_matches: Some(true),
        format: FileFormat::Pkcs11,
        in_place_key: Some(key),
    })
}

/// The key alone, typed, so tests can sign with each mechanism (the fallbacks included, which
/// SoftHSM would otherwise never be asked for).
#[doc(hidden)]
pub fn open_token_key_for_tests(request: Pkcs11Request<'_>) -> Result<Arc<TokenKey>, Pkcs11Error> {
    open_token_key(request).map(|(_, key)| key)
}

fn open_token_key(request: Pkcs11Request<'_>) -> Result<(X509, Arc<TokenKey>), Pkcs11Error> {
    crate::ui_thread_guard::forbid_on_ui_thread("pkcs11::open");
    if request.uri.pin_source.is_some() {
        return Err(Pkcs11Error::PinSourceUnsupported);
    }
    let module = registry::load(request.module)?;
    let (token, session) =
        token::signed_in_session(&module, request.uri, request.pin, Access::ReadOnly)?;
    let label = token.label();
    let key = token::find_key(&session, &token, request.uri)?;
    if key.key_type != KeyType::RSA {
        return Err(Pkcs11Error::NotRsa {
            token: label,
            key_type: format!("{}", key.key_type),
        });
    }
    let certificate = certificate(&session, &token, &key, request)?;
    check_public_key(&certificate, &key, &label)?;
    let mechanisms = module
        .context
        .get_mechanism_list(token.slot)
        .map_err(|e| call_error(&label, "C_GetMechanismList", e))?;
    let keeper = format!(
        "PKCS#11 token \"{label}\" ({} {})",
        token.info.manufacturer_id().trim_end(),
        token.info.model().trim_end()
    );
    let key = Arc::new(TokenKey {
        session: Mutex::new(session),
        key: key.handle,
        token: label,
        slot: token.slot,
        serial: token.info.serial_number().trim_end().to_owned(),
        mechanisms,
        keeper,
        module,
    });
    Ok((certificate, key))
}

fn certificate(
    session: &cryptoki::session::Session,
    token: &FoundToken,
    key: &KeyFacts,
    request: Pkcs11Request<'_>,
) -> Result<X509, Pkcs11Error> {
    if let Some(path) = request.cert_pem {
        return read_certificate_file(path);
    }
    let label = token.label();
    let der = token::find_certificate_der(session, &label, key)?.ok_or_else(|| {
        Pkcs11Error::NoCertificate {
            token: label.clone(),
            asked: format!("\"{}\" (id {})", key.label, hex(&key.id)),
        }
    })?;
    X509::from_der(&der).map_err(|e| Pkcs11Error::Call {
        call: "read the token's certificate".into(),
        rv: e.to_string(),
    })
}

fn read_certificate_file(path: &Path) -> Result<X509, Pkcs11Error> {
    let file_error = |reason: String| Pkcs11Error::CertificateFile {
        path: path.to_owned(),
        reason,
    };
    let bytes = crate::bounded_read::read_regular(path, 1 << 20, "certificate file")
        .map_err(|e| file_error(e.to_string()))?;
    X509::from_pem(&bytes)
        .or_else(|_| X509::from_der(&bytes))
        .map_err(|_| file_error("not a PEM or DER certificate".into()))
}

/// The certificate's RSA public key must be the token key's: same modulus and exponent.
fn check_public_key(certificate: &X509, key: &KeyFacts, token: &str) -> Result<(), Pkcs11Error> {
    let subject = crate::cert::names::distinguished_name(certificate.subject_name());
    let mismatch = || Pkcs11Error::KeyMismatch {
        token: token.to_owned(),
        subject: subject.clone(),
    };
    let rsa = certificate
        .public_key()
        .and_then(|k| k.rsa())
        .map_err(|_| mismatch())?;
    // A token that hides the modulus of a private key (rare) cannot be checked here; the sandbox
    // or Entra then refuses the signature, and the finding says the key may not match.
    let (Some(modulus), Some(exponent)) = (&key.modulus, &key.exponent) else {
        return Ok(());
    };
    let same = |bytes: &[u8], number: &openssl::bn::BigNumRef| {
        BigNum::from_slice(bytes).is_ok_and(|n| n.as_ref() == number)
    };
    if same(modulus, rsa.n()) && same(exponent, rsa.e()) {
        Ok(())
    } else {
        Err(mismatch())
    }
}
