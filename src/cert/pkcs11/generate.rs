//! A new key made on the token, for a rotation: `C_GenerateKeyPair` with the private key sensitive
//! and never extractable, and its self-signed certificate written to the token beside it (same
//! `CKA_ID`). The key never exists outside the token: the certificate's signature is made there
//! too (OpenSSL lays the certificate out, the token signs its to-be-signed part).

use std::path::Path;

use cryptoki::mechanism::{Mechanism, MechanismType};
use cryptoki::object::{
    Attribute, AttributeType, CertificateType, KeyType, ObjectClass, ObjectHandle,
};
use cryptoki::session::Session;
use openssl::asn1::Asn1Time;
use openssl::bn::{BigNum, MsbOption};
use openssl::hash::MessageDigest;
use openssl::pkey::PKey;
use openssl::rsa::Rsa;
use openssl::x509::extension::KeyUsage;
use openssl::x509::{X509, X509NameBuilder};

use super::error::Pkcs11Error;
use super::mechanism::{choose, prepare};
use super::registry;
use super::token::{self, Access, call_error};
use crate::core::pkcs11_uri::Pkcs11Uri;
use crate::core::profile::AssertionAlgorithm;
use crate::secret::Secret;

/// What to make.
#[derive(Clone, Copy, Debug)]
pub struct TokenKeyRequest<'a> {
    /// A URI naming the token (its object attributes are ignored).
    pub token: &'a Pkcs11Uri,
    /// The module file.
    pub module: &'a Path,
    /// The PIN.
    pub pin: Option<&'a Secret>,
    /// The certificate's subject (`CN`, `O`, …).
    pub subject: &'a [(String, String)],
    /// RSA key size.
    pub key_bits: u32,
    /// Validity in days.
    pub days: u32,
    /// The new objects' label (`CKA_LABEL`); the id is chosen free on the token.
    pub label: &'a str,
}

/// The key made: a URI naming it (with the request's module path, if any) and its certificate.
#[derive(Debug)]
pub struct TokenKeyMade {
    /// Names the new key on this token.
    pub uri: Pkcs11Uri,
    /// Its self-signed certificate, as written to the token.
    pub certificate: X509,
}

fn openssl_error(e: &openssl::error::ErrorStack) -> Pkcs11Error {
    Pkcs11Error::Call {
        call: "lay out the certificate".into(),
        rv: e.to_string(),
    }
}

/// Makes an RSA key pair on the token the request names, and its self-signed certificate beside
/// it. Nothing is left on the token when it fails.
pub fn generate_on_token(request: TokenKeyRequest<'_>) -> Result<TokenKeyMade, Pkcs11Error> {
    crate::ui_thread_guard::forbid_on_ui_thread("pkcs11::generate");
    let module = registry::load(request.module)?;
    let (found, session) =
        token::signed_in_session(&module, request.token, request.pin, Access::ReadWrite)?;
    let label = found.label();
    let mechanisms = module
        .context
        .get_mechanism_list(found.slot)
        .map_err(|e| call_error(&label, "C_GetMechanismList", e))?;
    if !mechanisms.contains(&MechanismType::RSA_PKCS_KEY_PAIR_GEN) {
        return Err(Pkcs11Error::MechanismMissing {
            token: label,
            algorithm: "a new RSA key",
            mechanism: "CKM_RSA_PKCS_KEY_PAIR_GEN",
            fallback: "any other RSA key generation",
        });
    }
    let id = free_id(&session, &label)?;
    let common = |extra: Vec<Attribute>| {
        let mut attributes = vec![
            Attribute::Token(true),
            Attribute::Id(id.clone()),
            Attribute::Label(request.label.as_bytes().to_vec()),
        ];
        attributes.extend(extra);
        attributes
    };
    let public_template = common(vec![
        Attribute::Verify(true),
        // CK_ULONG is 64 bits on Unix and 32 on Windows: usize converts on both.
        Attribute::ModulusBits(key_bits(request.key_bits)?),
        Attribute::PublicExponent(vec![0x01, 0x00, 0x01]),
    ]);
    let private_template = common(vec![
        Attribute::Private(true),
        Attribute::Sensitive(true),
        Attribute::Extractable(false),
        Attribute::Sign(true),
    ]);
    let (public, private) = session
        .generate_key_pair(
            &Mechanism::RsaPkcsKeyPairGen,
            &public_template,
            &private_template,
        )
        .map_err(|e| call_error(&label, "C_GenerateKeyPair", e))?;
    let written = certificate(&session, &label, &mechanisms, request, public, private, &id);
    match written {
        Ok(certificate) => {
            let mut uri = Pkcs11Uri {
                token: Some(label),
                serial: Some(found.info.serial_number().trim_end().to_owned()),
                object: Some(request.label.to_owned()),
                id: Some(id),
                ..Pkcs11Uri::default()
            };
            uri.module_path.clone_from(&request.token.module_path);
            Ok(TokenKeyMade { uri, certificate })
        }
        Err(error) => {
            // A key without its certificate is of no use, and could be mistaken for one.
            for handle in [private, public] {
                let _ = session.destroy_object(handle);
            }
            Err(error)
        }
    }
}

fn key_bits(bits: u32) -> Result<cryptoki::types::Ulong, Pkcs11Error> {
    usize::try_from(bits)
        .ok()
        .and_then(|b| cryptoki::types::Ulong::try_from(b).ok())
        .ok_or_else(|| Pkcs11Error::Call {
            call: "C_GenerateKeyPair".into(),
            rv: format!("{bits} bits is not a key size"),
        })
}

/// An id no object on the token has: the date and time, then a counter.
fn free_id(session: &Session, token: &str) -> Result<Vec<u8>, Pkcs11Error> {
    let now = time::OffsetDateTime::now_utc();
    let stamp = format!(
        "{:04}{:02}{:02}{:02}{:02}{:02}",
        now.year(),
        u8::from(now.month()),
        now.day(),
        now.hour(),
        now.minute(),
        now.second()
    );
    for counter in 0u8..=255 {
        let mut id = stamp.as_bytes().to_vec();
        if counter > 0 {
            id.push(counter);
        }
        let taken = session
            .find_objects(&[Attribute::Id(id.clone())])
            .map_err(|e| call_error(token, "C_FindObjects", e))?;
        if taken.is_empty() {
            return Ok(id);
        }
    }
    Err(Pkcs11Error::Call {
        call: "choose an id".into(),
        rv: "every id for this second is taken".into(),
    })
}

/// Lays the certificate out with OpenSSL, has the token sign it, and writes it beside the key.
fn certificate(
    session: &Session,
    token: &str,
    mechanisms: &[MechanismType],
    request: TokenKeyRequest<'_>,
    public: ObjectHandle,
    private: ObjectHandle,
    id: &[u8],
) -> Result<X509, Pkcs11Error> {
    let attributes = session
        .get_attributes(
            public,
            &[
                AttributeType::Modulus,
                AttributeType::PublicExponent,
                AttributeType::KeyType,
            ],
        )
        .map_err(|e| call_error(token, "C_GetAttributeValue", e))?;
    let (mut n, mut e) = (Vec::new(), Vec::new());
    for attribute in attributes {
        match attribute {
            Attribute::Modulus(m) => n = m,
            Attribute::PublicExponent(x) => e = x,
            Attribute::KeyType(t) if t != KeyType::RSA => {
                return Err(Pkcs11Error::NotRsa {
                    token: token.into(),
                    key_type: format!("{t}"),
                });
            }
            _ => {}
        }
    }
    let laid_out = lay_out(request, &n, &e).map_err(|e| openssl_error(&e))?;
    let der = laid_out.to_der().map_err(|e| openssl_error(&e))?;
    let (tbs, algorithm) = split_certificate(&der).ok_or_else(|| Pkcs11Error::Call {
        call: "lay out the certificate".into(),
        rv: "unexpected DER".into(),
    })?;
    let chosen =
        choose(AssertionAlgorithm::Rs256, mechanisms).ok_or(Pkcs11Error::MechanismMissing {
            token: token.into(),
            algorithm: "RS256",
            mechanism: "CKM_SHA256_RSA_PKCS",
            fallback: "CKM_RSA_PKCS",
        })?;
    let (mechanism, data) = prepare(chosen, tbs).map_err(|e| openssl_error(&e))?;
    let signature = session
        .sign(&mechanism, private, &data)
        .map_err(|e| call_error(token, "C_Sign", e))?;
    let signed = assemble(tbs, algorithm, &signature);
    let certificate = X509::from_der(&signed).map_err(|e| openssl_error(&e))?;
    let subject = certificate
        .subject_name()
        .to_der()
        .map_err(|e| openssl_error(&e))?;
    session
        .create_object(&[
            Attribute::Class(ObjectClass::CERTIFICATE),
            Attribute::CertificateType(CertificateType::X_509),
            Attribute::Token(true),
            Attribute::Private(false),
            Attribute::Id(id.to_vec()),
            Attribute::Label(request.label.as_bytes().to_vec()),
            Attribute::Subject(subject),
            Attribute::Value(signed),
        ])
        .map_err(|e| call_error(token, "C_CreateObject", e))?;
    Ok(certificate)
}

/// The certificate with the token key's public key, signed (for now) by a throwaway key: only
/// its layout is kept, the signature is replaced by the token's.
fn lay_out(
    request: TokenKeyRequest<'_>,
    n: &[u8],
    e: &[u8],
) -> Result<X509, openssl::error::ErrorStack> {
    let public = PKey::from_rsa(Rsa::from_public_components(
        BigNum::from_slice(n)?,
        BigNum::from_slice(e)?,
    )?)?;
    let mut name = X509NameBuilder::new()?;
    for (field, value) in request.subject {
        name.append_entry_by_text(field, value)?;
    }
    let name = name.build();
    let mut serial = BigNum::new()?;
    serial.rand(127, MsbOption::MAYBE_ZERO, false)?;
    let mut builder = X509::builder()?;
    builder.set_version(2)?;
    builder.set_serial_number(serial.to_asn1_integer()?.as_ref())?;
    builder.set_not_before(Asn1Time::days_from_now(0)?.as_ref())?;
    builder.set_not_after(Asn1Time::days_from_now(request.days)?.as_ref())?;
    builder.set_subject_name(&name)?;
    builder.set_issuer_name(&name)?;
    builder.set_pubkey(&public)?;
    builder.append_extension(KeyUsage::new().critical().digital_signature().build()?)?;
    // 1024 bits: the throwaway signature is replaced, only its algorithm identifier stays.
    let throwaway = PKey::from_rsa(Rsa::generate(1024)?)?;
    builder.sign(&throwaway, MessageDigest::sha256())?;
    Ok(builder.build())
}

/// The raw to-be-signed part and signature algorithm of a certificate's DER.
fn split_certificate(der: &[u8]) -> Option<(&[u8], &[u8])> {
    let (tag, contents, rest) = crate::cert::der::definite_tlv(der)?;
    if tag != 0x30 || !rest.is_empty() {
        return None;
    }
    let (_, _, after_tbs) = crate::cert::der::definite_tlv(contents)?;
    let tbs = &contents[..contents.len() - after_tbs.len()];
    let (_, _, after_algorithm) = crate::cert::der::definite_tlv(after_tbs)?;
    let algorithm = &after_tbs[..after_tbs.len() - after_algorithm.len()];
    Some((tbs, algorithm))
}

fn der_length(len: usize, out: &mut Vec<u8>) {
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes: Vec<u8> = len
            .to_be_bytes()
            .into_iter()
            .skip_while(|b| *b == 0)
            .collect();
        out.push(0x80 | bytes.len() as u8);
        out.extend(bytes);
    }
}

/// `Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue BIT STRING }`.
fn assemble(tbs: &[u8], algorithm: &[u8], signature: &[u8]) -> Vec<u8> {
    let mut bit_string = vec![0x03];
    der_length(signature.len() + 1, &mut bit_string);
    bit_string.push(0x00);
    bit_string.extend_from_slice(signature);
    let body_len = tbs.len() + algorithm.len() + bit_string.len();
    let mut out = vec![0x30];
    der_length(body_len, &mut out);
    out.extend_from_slice(tbs);
    out.extend_from_slice(algorithm);
    out.extend(bit_string);
    out
}

/// Removes the key and certificate objects a URI names (a rotation's new key that was never
/// registered). Only objects with the URI's id are touched; the URI must name one.
pub fn destroy_on_token(
    uri: &Pkcs11Uri,
    module: &Path,
    pin: Option<&Secret>,
) -> Result<(), Pkcs11Error> {
    crate::ui_thread_guard::forbid_on_ui_thread("pkcs11::destroy");
    let Some(id) = uri.id.clone().filter(|id| !id.is_empty()) else {
        return Err(Pkcs11Error::NoSuchObject {
            what: "key",
            asked: "an id".into(),
            token: uri.token.clone().unwrap_or_default(),
            present: Vec::new(),
        });
    };
    let module = registry::load(module)?;
    let (found, session) = token::signed_in_session(&module, uri, pin, Access::ReadWrite)?;
    let label = found.label();
    let handles = session
        .find_objects(&[Attribute::Id(id)])
        .map_err(|e| call_error(&label, "C_FindObjects", e))?;
    for handle in handles {
        session
            .destroy_object(handle)
            .map_err(|e| call_error(&label, "C_DestroyObject", e))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_certificate_is_split_and_assembled_back_as_it_was() {
        let pair = crate::cert::generate::self_signed("Split", 2048, 30).expect("certificate");
        let der = pair.certificate.to_der().expect("DER");
        let (tbs, algorithm) = split_certificate(&der).expect("a certificate");
        let signature = pair.certificate.signature().as_slice();
        assert_eq!(assemble(tbs, algorithm, signature), der);
    }
}
