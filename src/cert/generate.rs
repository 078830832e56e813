//! Making certificates with OpenSSL: self-signed signing certificates (the admin's
//! `New-SelfSignedCertificate`), and the CA plus server certificate the sandbox's HTTPS uses.

use openssl::asn1::Asn1Time;
use openssl::bn::{BigNum, MsbOption};
use openssl::error::ErrorStack;
use openssl::hash::MessageDigest;
use openssl::pkey::{PKey, Private};
use openssl::rsa::Rsa;
use openssl::x509::extension::{BasicConstraints, KeyUsage, SubjectAlternativeName};
use openssl::x509::{X509, X509Builder, X509NameBuilder};

/// A certificate and its private key.
pub struct KeyPair {
    /// The certificate.
    pub certificate: X509,
    /// Its RSA private key.
    pub key: PKey<Private>,
}

impl KeyPair {
    /// The pair as a loaded credential, as if read back from the PFX it is written to.
    pub fn credential(&self) -> super::Credential {
        super::Credential {
            certificate: self.certificate.clone(),
            private_key: Some(self.key.clone()),
            chain: Vec::new(),
            key_matches: Some(true),
            format: super::FileFormat::Pkcs12,
            in_place_key: None,
        }
    }
}

/// A self-signed RSA certificate for signing client assertions: SHA-256, digitalSignature usage.
pub fn self_signed(common_name: &str, key_bits: u32, days: u32) -> Result<KeyPair, ErrorStack> {
    self_signed_with_subject(&[("CN".into(), common_name.into())], key_bits, days)
}

/// Like [`self_signed`], with a full subject (`CN`, `O`, `OU`, …) as parsed by
/// [`crate::core::subject::parse_subject`].
pub fn self_signed_with_subject(
    subject: &[(String, String)],
    key_bits: u32,
    days: u32,
) -> Result<KeyPair, ErrorStack> {
    let key = PKey::from_rsa(Rsa::generate(key_bits)?)?;
    let mut name = X509NameBuilder::new()?;
    for (field, value) in subject {
        name.append_entry_by_text(field, value)?;
    }
    let name = name.build();
    let mut builder = base_builder("", &key, days)?;
    builder.set_subject_name(&name)?;
    builder.set_issuer_name(&name)?;
    builder.append_extension(KeyUsage::new().critical().digital_signature().build()?)?;
    builder.sign(&key, MessageDigest::sha256())?;
    Ok(KeyPair {
        certificate: builder.build(),
        key,
    })
}

/// A CA certificate that can sign server certificates.
pub fn certificate_authority(common_name: &str, days: u32) -> Result<KeyPair, ErrorStack> {
    let key = PKey::from_rsa(Rsa::generate(2048)?)?;
    let mut builder = base_builder(common_name, &key, days)?;
    builder.set_issuer_name(builder_subject(common_name)?.as_ref())?;
    builder.append_extension(BasicConstraints::new().critical().ca().build()?)?;
    builder.append_extension(
        KeyUsage::new()
            .critical()
            .key_cert_sign()
            .crl_sign()
            .build()?,
    )?;
    builder.sign(&key, MessageDigest::sha256())?;
    Ok(KeyPair {
        certificate: builder.build(),
        key,
    })
}

/// A TLS server certificate for 127.0.0.1 and localhost, signed by `ca`.
pub fn loopback_server(ca: &KeyPair, days: u32) -> Result<KeyPair, ErrorStack> {
    let key = PKey::from_rsa(Rsa::generate(2048)?)?;
    let mut builder = base_builder("127.0.0.1", &key, days)?;
    builder.set_issuer_name(ca.certificate.subject_name())?;
    let san = SubjectAlternativeName::new()
        .ip("127.0.0.1")
        .dns("localhost")
        .build(&builder.x509v3_context(Some(&ca.certificate), None))?;
    builder.append_extension(san)?;
    builder.append_extension(
        KeyUsage::new()
            .critical()
            .digital_signature()
            .key_encipherment()
            .build()?,
    )?;
    builder.sign(&ca.key, MessageDigest::sha256())?;
    Ok(KeyPair {
        certificate: builder.build(),
        key,
    })
}

/// A password-protected PKCS#12 file: AES-256-CBC with PBKDF2 for key and certificate, SHA-256 MAC
/// (what OpenSSL 3 and current Windows write; old RC2/3DES is never produced).
pub fn to_pfx(pair: &KeyPair, password: &str, friendly_name: &str) -> Result<Vec<u8>, ErrorStack> {
    openssl::pkcs12::Pkcs12::builder()
        .name(friendly_name)
        .pkey(&pair.key)
        .cert(&pair.certificate)
        .key_algorithm(openssl::nid::Nid::AES_256_CBC)
        .cert_algorithm(openssl::nid::Nid::AES_256_CBC)
        .mac_md(MessageDigest::sha256())
        .build2(password)?
        .to_der()
}

fn builder_subject(common_name: &str) -> Result<openssl::x509::X509Name, ErrorStack> {
    let mut name = X509NameBuilder::new()?;
    name.append_entry_by_text("CN", common_name)?;
    Ok(name.build())
}

fn base_builder(
    common_name: &str,
    key: &PKey<Private>,
    days: u32,
) -> Result<X509Builder, ErrorStack> {
    let mut serial = BigNum::new()?;
    serial.rand(127, MsbOption::MAYBE_ZERO, false)?;
    let serial = serial.to_asn1_integer()?;
    let not_before = Asn1Time::days_from_now(0)?;
    let not_after = Asn1Time::days_from_now(days)?;
    let mut builder = X509::builder()?;
    builder.set_version(2)?;
    builder.set_serial_number(&serial)?;
    if !common_name.is_empty() {
        builder.set_subject_name(builder_subject(common_name)?.as_ref())?;
    }
    builder.set_pubkey(key)?;
    builder.set_not_before(&not_before)?;
    builder.set_not_after(&not_after)?;
    Ok(builder)
}
