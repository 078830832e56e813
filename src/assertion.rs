//! Building and signing the client assertion (RFC 7523 `private_key_jwt`): jsonwebtoken's header
//! type, and the signature by the key where it already is — OpenSSL's parsed key for a file,
//! the key's provider for the Windows certificate store.

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use jsonwebtoken::{Algorithm, Header};
use openssl::hash::MessageDigest;
use openssl::pkey::{PKey, Private};

use std::sync::Arc;

use crate::cert::{Credential, InPlaceKey};
use crate::core::event::{Detail, Failure};
use crate::core::jwt::{AssertionClaims, ProofClaims};
use crate::core::profile::{AssertionAlgorithm, AssertionOptions};
use crate::core::thumbprint::to_jose;

/// Signs assertions with one certificate's key: a key loaded from a file (held in jsonwebtoken's
/// form) or one that signs in place (the Windows certificate store). Never printed.
pub struct Signer {
    key: SigningKey,
    x5t: String,
    x5t_s256: String,
    x5c: Vec<String>,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Signer")
            .field("x5t", &self.x5t)
            .finish_non_exhaustive()
    }
}

enum SigningKey {
    /// The key OpenSSL parsed from the file. It signs as it is: converting it for another
    /// library cost a DER export and a second parse and key check on every signature (60–90 ms
    /// of a cold run, measured with `test --timings`).
    Loaded(PKey<Private>),
    InPlace(Arc<dyn InPlaceKey>),
}

impl Signer {
    /// Prepares a signer from a loaded certificate; it must hold an RSA private key, or come with
    /// one that signs in place.
    pub fn new(credential: &Credential) -> Result<Self, Failure> {
        let key = match (&credential.private_key, &credential.in_place_key) {
            (Some(key), _) => SigningKey::Loaded(loaded_key(credential, key)?),
            (None, Some(key)) => {
                check_rsa_certificate(&credential.certificate)?;
                SigningKey::InPlace(Arc::clone(key))
            }
            (None, None) => return Err(no_private_key()),
        };
        let digest = |cert: &openssl::x509::X509, md| cert.digest(md).map(|d| d.to_vec());
        let sha1 = digest(&credential.certificate, MessageDigest::sha1())
            .map_err(|_| internal("hash the certificate"))?;
        let sha256 = digest(&credential.certificate, MessageDigest::sha256())
            .map_err(|_| internal("hash the certificate"))?;
        let x5c = std::iter::once(&credential.certificate)
            .chain(&credential.chain)
            .map(|cert| cert.to_der().map(|der| STANDARD.encode(der)))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|_| internal("encode the certificate chain"))?;
        Ok(Self {
            key,
            x5t: to_jose(&sha1),
            x5t_s256: to_jose(&sha256),
            x5c,
        })
    }

    /// The JOSE header for these options: RS256 + `x5t`, or PS256 + `x5t#S256`; `x5c` leaf first.
    pub fn header(&self, options: &AssertionOptions) -> Header {
        let mut header = match options.algorithm {
            AssertionAlgorithm::Rs256 => {
                let mut header = Header::new(Algorithm::RS256);
                header.x5t = Some(self.x5t.clone());
                header
            }
            AssertionAlgorithm::Ps256 => {
                let mut header = Header::new(Algorithm::PS256);
                header.x5t_s256 = Some(self.x5t_s256.clone());
                header
            }
        };
        header.typ = Some("JWT".into());
        if options.send_chain {
            header.x5c = Some(self.x5c.clone());
        }
        header
    }

    /// Signs one assertion. Call it for every token request: `jti` must be fresh each time.
    pub fn sign(
        &self,
        claims: &AssertionClaims,
        options: &AssertionOptions,
    ) -> Result<String, Failure> {
        self.sign_jws(claims, options)
    }

    /// Signs a proof of possession for Graph's addKey / removeKey: RS256 with `x5t`, as Graph
    /// requires whatever algorithm the profile's assertions use.
    pub fn sign_proof(&self, claims: &ProofClaims) -> Result<String, Failure> {
        let options = AssertionOptions {
            algorithm: AssertionAlgorithm::Rs256,
            send_chain: false,
            ..AssertionOptions::default()
        };
        self.sign_jws(claims, &options)
    }

    /// The compact JWS of `claims` with the header for `options`, signed with the key.
    fn sign_jws<T: serde::Serialize>(
        &self,
        claims: &T,
        options: &AssertionOptions,
    ) -> Result<String, Failure> {
        let signing_failed = |e: &dyn std::fmt::Display| Failure {
            code: "signing_failed".into(),
            message: format!("the assertion could not be signed ({e})"),
            hint: "The key could not be used for this algorithm; try RS256.".into(),
            ..Failure::default()
        };
        let header = self.header(options);
        match &self.key {
            SigningKey::Loaded(_) => {}
            SigningKey::InPlace(key) => key.supports(options.algorithm)?,
        }
        // The compact JWS: base64url(header).base64url(claims).base64url(signature).
        let mut jws = base64_json(&header).map_err(|e| signing_failed(&e))?;
        jws.push('.');
        jws.push_str(&base64_json(claims).map_err(|e| signing_failed(&e))?);
        let signature = match &self.key {
            SigningKey::Loaded(key) => openssl_sign(key, options.algorithm, jws.as_bytes())
                .map_err(|e| signing_failed(&e))?,
            SigningKey::InPlace(key) => key.sign(options.algorithm, jws.as_bytes())?,
        };
        jws.push('.');
        jws.push_str(&URL_SAFE_NO_PAD.encode(signature));
        Ok(jws)
    }

    /// What the step log shows about the signed assertion (header values, never the signature).
    pub fn details(&self, options: &AssertionOptions, claims: &AssertionClaims) -> Vec<Detail> {
        let mut details = vec![Detail::new(
            "alg",
            format!("{:?}", self.header(options).alg),
        )];
        match options.algorithm {
            AssertionAlgorithm::Rs256 => details.push(Detail::new("x5t", &self.x5t)),
            AssertionAlgorithm::Ps256 => details.push(Detail::new("x5t#S256", &self.x5t_s256)),
        }
        if options.send_chain {
            details.push(Detail::new(
                "x5c",
                format!("{} certificate(s)", self.x5c.len()),
            ));
        }
        details.push(Detail::new("aud", &claims.aud));
        details.push(Detail::new("iss = sub", &claims.iss));
        details.push(Detail::new(
            "lifetime",
            format!("{} s", claims.exp - claims.nbf),
        ));
        details
    }
}

fn base64_json<T: serde::Serialize>(value: &T) -> Result<String, serde_json::Error> {
    serde_json::to_vec(value).map(|json| URL_SAFE_NO_PAD.encode(json))
}

/// RS256 (PKCS#1 v1.5) or PS256 (PSS, MGF1-SHA-256, salt 32 as RFC 7518 says) over SHA-256.
fn openssl_sign(
    key: &PKey<Private>,
    algorithm: AssertionAlgorithm,
    input: &[u8],
) -> Result<Vec<u8>, openssl::error::ErrorStack> {
    let mut signer = openssl::sign::Signer::new(MessageDigest::sha256(), key)?;
    if algorithm == AssertionAlgorithm::Ps256 {
        signer.set_rsa_padding(openssl::rsa::Padding::PKCS1_PSS)?;
        signer.set_rsa_pss_saltlen(openssl::sign::RsaPssSaltlen::DIGEST_LENGTH)?;
        signer.set_rsa_mgf1_md(MessageDigest::sha256())?;
    }
    signer.update(input)?;
    signer.sign_to_vec()
}

fn loaded_key(credential: &Credential, key: &PKey<Private>) -> Result<PKey<Private>, Failure> {
    if credential.key_matches == Some(false) {
        return Err(Failure {
            code: "key_mismatch".into(),
            message: "the private key does not belong to the certificate".into(),
            hint: "Use the key and certificate from the same export.".into(),
            ..Failure::default()
        });
    }
    if key.rsa().is_err() {
        return Err(non_rsa_key());
    }
    Ok(key.clone())
}

/// A key kept in place is checked through its certificate, whose public key is the key's.
fn check_rsa_certificate(certificate: &openssl::x509::X509) -> Result<(), Failure> {
    let public = certificate
        .public_key()
        .map_err(|_| internal("read the certificate's public key"))?;
    match public.rsa() {
        Ok(_) => Ok(()),
        Err(_) => Err(non_rsa_key()),
    }
}

fn no_private_key() -> Failure {
    Failure {
        code: "no_private_key".into(),
        message: "the certificate file holds no private key, so it cannot sign".into(),
        hint: "Use the PFX (or the PEM key) that belongs to the uploaded certificate.".into(),
        ..Failure::default()
    }
}

fn non_rsa_key() -> Failure {
    Failure {
        code: "non_rsa_key".into(),
        message: "the key is not RSA; Entra only accepts RSA keys for client assertions".into(),
        hint: "Make an RSA certificate (2048 bits or more).".into(),
        ..Failure::default()
    }
}

fn internal(what: &str) -> Failure {
    Failure {
        code: "crypto_error".into(),
        message: format!("could not {what}"),
        hint: "The key or certificate could not be processed; export it again.".into(),
        ..Failure::default()
    }
}

/// A fresh `jti`.
pub fn new_jti() -> String {
    uuid::Uuid::new_v4().to_string()
}
