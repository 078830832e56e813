//! Every token of a module and, on each, the certificates that have a private key beside them:
//! what `certconnect cert list --pkcs11-module` prints and the app's picker shows.

use std::path::Path;

use cryptoki::object::{Attribute, AttributeType, KeyType, ObjectClass};
use cryptoki::session::Session;
use openssl::hash::MessageDigest;
use openssl::x509::X509;

use super::error::Pkcs11Error;
use super::mechanism::choose;
use super::registry;
use super::token::{self, Access, FoundToken, call_error, key_facts};
use crate::core::pkcs11_uri::{Pkcs11Uri, hex};
use crate::core::profile::AssertionAlgorithm;
use crate::secret::Secret;

/// One token and what it holds.
#[derive(Clone, Debug, serde::Serialize)]
pub struct TokenListing {
    /// The token's label.
    pub label: String,
    /// Its serial number.
    pub serial: String,
    /// Its manufacturer.
    pub manufacturer: String,
    /// Its model.
    pub model: String,
    /// Whether its private objects were seen (logged in, or none need a login).
    pub logged_in: bool,
    /// Its certificates.
    pub certificates: Vec<TokenCertificate>,
}

/// One certificate on a token.
#[derive(Clone, Debug, serde::Serialize)]
pub struct TokenCertificate {
    /// A URI that names the key (and module) as `test --pkcs11` takes it.
    pub uri: String,
    /// The object's label.
    pub label: String,
    /// The object's `CKA_ID`, hex.
    pub id: String,
    /// SHA-1 thumbprint, upper-case hex, as the portal shows it.
    pub thumbprint_sha1: String,
    /// Subject distinguished name.
    pub subject: String,
    /// Expiry, RFC 3339.
    pub not_after: String,
    /// "RSA", "EC", …
    pub key_type: String,
    /// Key size in bits (RSA modulus).
    pub key_bits: Option<u32>,
    /// Whether a private key with the same id is on the token (`None` when not logged in).
    pub has_private_key: Option<bool>,
    /// Which of RS256 / PS256 the token can sign.
    pub algorithms: Vec<&'static str>,
    /// The certificate, DER.
    #[serde(skip)]
    pub der: Vec<u8>,
}

/// Lists every initialised token of the module. With a PIN, each token that needs a login is
/// logged in to once (a wrong PIN ends the listing, and is never retried); without one, the
/// certificates are listed without checking for their keys.
pub fn list_pkcs11(
    module_path: &Path,
    pin: Option<&Secret>,
) -> Result<Vec<TokenListing>, Pkcs11Error> {
    crate::ui_thread_guard::forbid_on_ui_thread("pkcs11::list");
    let module = registry::load(module_path)?;
    let mut listings = Vec::new();
    for found in token::tokens(&module)? {
        let label = found.label();
        let session = token::open_session(&module, &found, Access::ReadOnly)?;
        let logged_in = match pin {
            Some(_) => {
                token::login(&module, &found, &session, pin)?;
                true
            }
            None => !found.info.login_required(),
        };
        let mechanisms = module
            .context
            .get_mechanism_list(found.slot)
            .map_err(|e| call_error(&label, "C_GetMechanismList", e))?;
        let algorithms: Vec<&'static str> = [
            (AssertionAlgorithm::Rs256, "RS256"),
            (AssertionAlgorithm::Ps256, "PS256"),
        ]
        .into_iter()
        .filter(|(a, _)| choose(*a, &mechanisms).is_some())
        .map(|(_, n)| n)
        .collect();
        let certificates = certificates(&session, &found, module_path, logged_in, &algorithms)?;
        listings.push(TokenListing {
            label,
            serial: found.info.serial_number().trim_end().to_owned(),
            manufacturer: found.info.manufacturer_id().trim_end().to_owned(),
            model: found.info.model().trim_end().to_owned(),
            logged_in,
            certificates,
        });
    }
    Ok(listings)
}

fn certificates(
    session: &Session,
    found: &FoundToken,
    module_path: &Path,
    logged_in: bool,
    algorithms: &[&'static str],
) -> Result<Vec<TokenCertificate>, Pkcs11Error> {
    let label = found.label();
    let handles = session
        .find_objects(&[Attribute::Class(ObjectClass::CERTIFICATE)])
        .map_err(|e| call_error(&label, "C_FindObjects", e))?;
    let mut out = Vec::new();
    for handle in handles {
        let attributes = session
            .get_attributes(
                handle,
                &[
                    AttributeType::Label,
                    AttributeType::Id,
                    AttributeType::Value,
                ],
            )
            .map_err(|e| call_error(&label, "C_GetAttributeValue", e))?;
        let (mut object, mut id, mut der) = (String::new(), Vec::new(), Vec::new());
        for attribute in attributes {
            match attribute {
                Attribute::Label(l) => object = String::from_utf8_lossy(&l).into_owned(),
                Attribute::Id(i) => id = i,
                Attribute::Value(v) => der = v,
                _ => {}
            }
        }
        let Ok(certificate) = X509::from_der(&der) else {
            continue;
        };
        let key = if logged_in {
            let mut template = vec![Attribute::Class(ObjectClass::PRIVATE_KEY)];
            template.push(if id.is_empty() {
                Attribute::Label(object.as_bytes().to_vec())
            } else {
                Attribute::Id(id.clone())
            });
            let keys = session
                .find_objects(&template)
                .map_err(|e| call_error(&label, "C_FindObjects", e))?;
            match keys.first() {
                Some(k) => Some(Some(key_facts(session, &label, *k)?)),
                // Only certificates with a key beside them can sign: the others are left out.
                None => continue,
            }
        } else {
            None
        };
        let (key_type, key_bits) =
            key_description(&certificate, key.as_ref().and_then(|k| k.as_ref()));
        let uri = Pkcs11Uri {
            token: Some(label.clone()),
            serial: Some(found.info.serial_number().trim_end().to_owned()),
            // The key's label: the URI names the key, whose label may differ from the certificate's.
            object: key
                .as_ref()
                .and_then(|k| k.as_ref())
                .map_or_else(|| object.clone(), |k| k.label.clone())
                .into(),
            id: Some(id.clone()).filter(|i| !i.is_empty()),
            module_path: Some(module_path.display().to_string()),
            ..Pkcs11Uri::default()
        };
        let sha1 = certificate
            .digest(MessageDigest::sha1())
            .map(|d| hex(&d).to_uppercase())
            .unwrap_or_default();
        out.push(TokenCertificate {
            uri: uri.to_string(),
            label: object,
            id: hex(&id),
            thumbprint_sha1: sha1,
            subject: crate::cert::names::distinguished_name(certificate.subject_name()),
            not_after: crate::core::time_fmt::rfc3339(crate::cert::unix_seconds(
                certificate.not_after(),
            )),
            key_type,
            key_bits,
            has_private_key: key.map(|k| k.is_some()),
            algorithms: if key_type_is_rsa(&certificate) {
                algorithms.to_vec()
            } else {
                Vec::new()
            },
            der,
        });
    }
    Ok(out)
}

fn key_type_is_rsa(certificate: &X509) -> bool {
    certificate.public_key().and_then(|k| k.rsa()).is_ok()
}

fn key_description(certificate: &X509, key: Option<&token::KeyFacts>) -> (String, Option<u32>) {
    if let Some(key) = key
        && key.key_type != KeyType::RSA
    {
        return (format!("{}", key.key_type), None);
    }
    match certificate.public_key() {
        Ok(public) if public.rsa().is_ok() => ("RSA".to_owned(), Some(public.bits())),
        Ok(public) if public.ec_key().is_ok() => ("EC".to_owned(), Some(public.bits())),
        _ => ("unknown".to_owned(), None),
    }
}
