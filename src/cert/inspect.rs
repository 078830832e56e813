//! The certificate report: everything an admin checks before and after uploading a certificate.

use openssl::hash::MessageDigest;
use openssl::pkey::{Id, PKeyRef, Public};
use openssl::x509::{X509, X509KeyUsage};
use serde::Serialize;

use super::load::Credential;
use super::names::{distinguished_name, unix_seconds};
use super::select::issued;
use crate::core::findings::{self, CertFacts, ChainLink, Finding, KeyAlgorithm, Severity};
use crate::core::profile::CertificateInfo;
use crate::core::thumbprint::{to_hex, to_jose};
use crate::core::time_fmt::{days_between, rfc3339};

/// Everything about one certificate file, ready to print or serialize as JSON.
#[derive(Clone, Debug, Serialize)]
pub struct CertReport {
    /// Container format: `PKCS#12`, `PEM` or `DER`.
    pub format: &'static str,
    /// Where a key that signs in place is kept (a token, a store, a vault), for the app's card;
    /// not part of the JSON report.
    #[serde(skip)]
    pub keeper: Option<String>,
    /// Subject distinguished name.
    pub subject: String,
    /// Issuer distinguished name.
    pub issuer: String,
    /// Serial number, uppercase hex.
    pub serial: String,
    /// Start of validity, RFC 3339 UTC.
    pub not_before: String,
    /// End of validity, RFC 3339 UTC.
    pub not_after: String,
    /// End of validity, Unix seconds.
    #[serde(skip)]
    pub not_after_unix: i64,
    /// Whole days until `not_after` (negative once expired).
    pub days_left: i64,
    /// Public/private key facts.
    pub key: KeyInfo,
    /// Signature algorithm, e.g. `sha256WithRSAEncryption`.
    pub signature_algorithm: String,
    /// SHA-1 thumbprint as the Azure portal shows it (40 uppercase hex).
    pub thumbprint_sha1: String,
    /// SHA-256 thumbprint (64 uppercase hex).
    pub thumbprint_sha256: String,
    /// The RS256 assertion header's `x5t`.
    pub x5t: String,
    /// The PS256 assertion header's `x5t#S256`.
    #[serde(rename = "x5t#S256")]
    pub x5t_s256: String,
    /// Other certificates of the file, leaf's issuer first.
    pub chain: Vec<ChainEntry>,
    /// Findings, blocking first.
    pub findings: Vec<Finding>,
    /// No blocking finding.
    pub usable: bool,
}

/// The key of the certificate.
#[derive(Clone, Debug, Serialize)]
pub struct KeyInfo {
    /// `RSA`, `EC`, `EdDSA`, …
    pub algorithm: String,
    /// Key size in bits.
    pub bits: u32,
    /// The file holds the private key.
    pub private_key: bool,
    /// The private key belongs to the certificate (`null` without a private key).
    pub matches_certificate: Option<bool>,
}

/// One issuer certificate of the file.
#[derive(Clone, Debug, Serialize)]
pub struct ChainEntry {
    /// Subject distinguished name.
    pub subject: String,
    /// Issuer distinguished name.
    pub issuer: String,
    /// SHA-1 thumbprint.
    pub thumbprint_sha1: String,
    /// End of validity, RFC 3339 UTC.
    pub not_after: String,
}

/// Inspects a loaded credential at time `now` (Unix seconds). `expected_thumbprint` is an
/// uppercase hex thumbprint (SHA-1 or SHA-256) the certificate must have, e.g. from the portal.
pub fn inspect(credential: &Credential, now: i64, expected_thumbprint: Option<&str>) -> CertReport {
    let cert = &credential.certificate;
    let public = cert.public_key().ok();
    let (key_algorithm, bits) = public
        .as_deref()
        .map_or((KeyAlgorithm::Other("unknown".into()), 0), key_facts);
    let not_before = unix_seconds(cert.not_before());
    let not_after = unix_seconds(cert.not_after());
    let sha1 = digest(cert, MessageDigest::sha1());
    let sha256 = digest(cert, MessageDigest::sha256());
    let facts = CertFacts {
        not_before,
        not_after,
        key_algorithm: key_algorithm.clone(),
        key_bits: bits,
        key_matches_certificate: credential.key_matches,
        digital_signature_usage: cert
            .key_usage()
            .map(|usage| usage.contains(X509KeyUsage::DIGITAL_SIGNATURE)),
        self_signed: is_self_signed(cert),
        chain: chain_links(cert, &credential.chain),
    };
    let mut findings = findings::evaluate(&facts, now);
    if let Some(expected) = expected_thumbprint {
        findings.push(findings::compare_thumbprint(
            expected,
            &to_hex(&sha1),
            &to_hex(&sha256),
        ));
        findings.sort_by_key(|f| f.severity);
    }
    CertReport {
        format: credential.format.label(),
        keeper: credential.in_place_key.as_ref().map(|key| key.keeper()),
        subject: distinguished_name(cert.subject_name()),
        issuer: distinguished_name(cert.issuer_name()),
        serial: cert
            .serial_number()
            .to_bn()
            .and_then(|bn| bn.to_hex_str().map(|s| s.to_string()))
            .unwrap_or_default(),
        not_before: rfc3339(not_before),
        not_after: rfc3339(not_after),
        not_after_unix: not_after,
        days_left: days_between(now, not_after),
        key: KeyInfo {
            algorithm: key_algorithm.name().to_owned(),
            bits,
            private_key: credential.has_key(),
            matches_certificate: credential.key_matches,
        },
        signature_algorithm: cert
            .signature_algorithm()
            .object()
            .nid()
            .long_name()
            .unwrap_or("unknown")
            .to_owned(),
        thumbprint_sha1: to_hex(&sha1),
        thumbprint_sha256: to_hex(&sha256),
        x5t: to_jose(&sha1),
        x5t_s256: to_jose(&sha256),
        chain: credential
            .chain
            .iter()
            .map(|c| ChainEntry {
                subject: distinguished_name(c.subject_name()),
                issuer: distinguished_name(c.issuer_name()),
                thumbprint_sha1: to_hex(&digest(c, MessageDigest::sha1())),
                not_after: rfc3339(unix_seconds(c.not_after())),
            })
            .collect(),
        usable: !findings.iter().any(|f| f.severity == Severity::Blocking),
        findings,
    }
}

/// The public facts a profile keeps of its certificate, for the list's expiry badge.
pub fn certificate_info(cert: &X509) -> CertificateInfo {
    CertificateInfo {
        subject: distinguished_name(cert.subject_name()),
        thumbprint_sha1: to_hex(&digest(cert, MessageDigest::sha1())),
        not_after: unix_seconds(cert.not_after()),
    }
}

fn key_facts(key: &PKeyRef<Public>) -> (KeyAlgorithm, u32) {
    let algorithm = match key.id() {
        Id::RSA | Id::RSA_PSS => KeyAlgorithm::Rsa,
        Id::EC => KeyAlgorithm::Ec,
        Id::ED25519 | Id::ED448 => KeyAlgorithm::Edwards,
        other => KeyAlgorithm::Other(format!("{other:?}")),
    };
    (algorithm, key.bits())
}

fn digest(cert: &X509, md: MessageDigest) -> Vec<u8> {
    cert.digest(md).map(|d| d.to_vec()).unwrap_or_default()
}

/// Subject equals issuer and the certificate's own key verifies it. (OpenSSL's "issued" check is not
/// used here: it also demands keyCertSign, which signing-only self-signed certificates lack.)
fn is_self_signed(cert: &X509) -> bool {
    cert.subject_name()
        .try_cmp(cert.issuer_name())
        .is_ok_and(std::cmp::Ordering::is_eq)
        && cert
            .public_key()
            .is_ok_and(|key| cert.verify(&key).unwrap_or(false))
}

fn chain_links(leaf: &X509, chain: &[X509]) -> Vec<ChainLink> {
    let mut previous = leaf;
    chain
        .iter()
        .map(|cert| {
            let link = ChainLink {
                subject: distinguished_name(cert.subject_name()),
                not_after: unix_seconds(cert.not_after()),
                signs_previous: issued(cert, previous)
                    && cert
                        .public_key()
                        .is_ok_and(|key| previous.verify(&key).unwrap_or(false)),
            };
            previous = cert;
            link
        })
        .collect()
}
