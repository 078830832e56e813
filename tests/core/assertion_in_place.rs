//! Assertions signed by a key that stays where it is kept (the Windows certificate store's
//! providers): the same JWS a loaded key makes, verified with the certificate's public key, and a
//! clear refusal when the keeper cannot sign an algorithm. Here the keeper is OpenSSL behind the
//! same trait the Windows store implements; the Windows providers themselves are exercised under
//! wine by scripts/windows-check.sh.

use std::sync::{Arc, Mutex};

use certconnect::assertion::Signer;
use certconnect::cert::{Credential, FileFormat, InPlaceKey, generate};
use certconnect::core::event::Failure;
use certconnect::core::jwt::AssertionClaims;
use certconnect::core::profile::{AssertionAlgorithm, AssertionOptions};
use openssl::hash::MessageDigest;
use openssl::pkey::{PKey, Private};
use openssl::rsa::Padding;
use openssl::sign::{RsaPssSaltlen, Signer as RsaSigner, Verifier};

/// OpenSSL as an in-place keeper; it records what it was asked to sign.
struct OpensslKeeper {
    key: PKey<Private>,
    refuse_pss: bool,
    signed: Mutex<Vec<Vec<u8>>>,
}

impl InPlaceKey for OpensslKeeper {
    fn sign(&self, algorithm: AssertionAlgorithm, message: &[u8]) -> Result<Vec<u8>, Failure> {
        self.signed.lock().unwrap().push(message.to_vec());
        let mut signer = RsaSigner::new(MessageDigest::sha256(), &self.key).unwrap();
        if algorithm == AssertionAlgorithm::Ps256 {
            signer.set_rsa_padding(Padding::PKCS1_PSS).unwrap();
            signer
                .set_rsa_pss_saltlen(RsaPssSaltlen::custom(32))
                .unwrap();
        }
        signer.update(message).unwrap();
        Ok(signer.sign_to_vec().unwrap())
    }

    fn supports(&self, algorithm: AssertionAlgorithm) -> Result<(), Failure> {
        if self.refuse_pss && algorithm == AssertionAlgorithm::Ps256 {
            return Err(Failure {
                code: "windows_store_algorithm".into(),
                message: "this keeper cannot sign PS256".into(),
                ..Failure::default()
            });
        }
        Ok(())
    }

    fn keeper(&self) -> String {
        "OpenSSL test keeper".into()
    }
}

fn credential(pair: &generate::KeyPair, in_place: Option<Arc<OpensslKeeper>>) -> Credential {
    Credential {
        certificate: pair.certificate.clone(),
        private_key: in_place.is_none().then(|| pair.key.clone()),
        chain: Vec::new(),
        key_matches: Some(true),
        format: FileFormat::WindowsStore,
        in_place_key: in_place.map(|k| k as Arc<dyn InPlaceKey>),
    }
}

fn claims() -> AssertionClaims {
    AssertionClaims::new(
        "3f6d0c6e-6a4b-4c1e-9d7a-5e2b8c0a1f42",
        "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token",
        "0b4e2c1a-jti".into(),
        1_790_000_000,
        600,
    )
}

fn options(algorithm: AssertionAlgorithm) -> AssertionOptions {
    AssertionOptions {
        algorithm,
        ..AssertionOptions::default()
    }
}

#[test]
fn rs256_in_place_is_the_same_jws_a_loaded_key_makes() {
    let pair = generate::self_signed("in-place", 2048, 30).unwrap();
    let keeper = Arc::new(OpensslKeeper {
        key: pair.key.clone(),
        refuse_pss: false,
        signed: Mutex::default(),
    });
    let in_place = Signer::new(&credential(&pair, Some(Arc::clone(&keeper)))).unwrap();
    let loaded = Signer::new(&credential(&pair, None)).unwrap();
    let claims = claims();
    let rs256 = options(AssertionAlgorithm::Rs256);
    // PKCS#1 v1.5 is deterministic: identical header, claims and key give identical tokens.
    let token = in_place.sign(&claims, &rs256).unwrap();
    assert_eq!(token, loaded.sign(&claims, &rs256).unwrap());
    let signed = keeper.signed.lock().unwrap().clone();
    assert_eq!(signed.len(), 1);
    assert_eq!(
        signed[0],
        token.rsplit_once('.').unwrap().0.as_bytes(),
        "the keeper signs header.payload"
    );
}

#[test]
fn ps256_in_place_verifies_with_the_certificate() {
    let pair = generate::self_signed("in-place-pss", 2048, 30).unwrap();
    let keeper = Arc::new(OpensslKeeper {
        key: pair.key.clone(),
        refuse_pss: false,
        signed: Mutex::default(),
    });
    let signer = Signer::new(&credential(&pair, Some(keeper))).unwrap();
    let token = signer
        .sign(&claims(), &options(AssertionAlgorithm::Ps256))
        .unwrap();
    let (input, signature) = token.rsplit_once('.').unwrap();
    let header: serde_json::Value =
        serde_json::from_slice(&base64_url(input.split('.').next().unwrap())).unwrap();
    assert_eq!(header["alg"], "PS256");
    assert!(header["x5t#S256"].is_string());
    let public = pair.certificate.public_key().unwrap();
    let mut verifier = Verifier::new(MessageDigest::sha256(), &public).unwrap();
    verifier.set_rsa_padding(Padding::PKCS1_PSS).unwrap();
    verifier
        .set_rsa_pss_saltlen(RsaPssSaltlen::custom(32))
        .unwrap();
    verifier.update(input.as_bytes()).unwrap();
    assert!(verifier.verify(&base64_url(signature)).unwrap());
}

#[test]
fn a_keeper_that_cannot_sign_ps256_is_refused_before_signing() {
    let pair = generate::self_signed("legacy-csp", 2048, 30).unwrap();
    let keeper = Arc::new(OpensslKeeper {
        key: pair.key.clone(),
        refuse_pss: true,
        signed: Mutex::default(),
    });
    let signer = Signer::new(&credential(&pair, Some(Arc::clone(&keeper)))).unwrap();
    let failure = signer
        .sign(&claims(), &options(AssertionAlgorithm::Ps256))
        .unwrap_err();
    assert_eq!(failure.code, "windows_store_algorithm");
    assert!(
        keeper.signed.lock().unwrap().is_empty(),
        "nothing was sent to the keeper"
    );
    assert!(
        signer
            .sign(&claims(), &options(AssertionAlgorithm::Rs256))
            .is_ok()
    );
}

#[test]
fn a_certificate_without_any_key_cannot_sign() {
    let pair = generate::self_signed("no-key", 2048, 30).unwrap();
    let mut credential = credential(&pair, None);
    credential.private_key = None;
    assert_eq!(Signer::new(&credential).unwrap_err().code, "no_private_key");
}

fn base64_url(text: &str) -> Vec<u8> {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(text)
        .unwrap()
}

/// Assertions from a loaded key are signed by OpenSSL; jsonwebtoken (aws-lc) checks them here, an
/// implementation independent of the signer and of the sandbox's OpenSSL verifier.
#[test]
fn loaded_key_assertions_verify_with_an_independent_jose_library() {
    use jsonwebtoken::{Algorithm, DecodingKey, Validation, decode};
    let pair = generate::self_signed("loaded", 2048, 30).unwrap();
    let signer = Signer::new(&credential(&pair, None)).unwrap();
    let rsa = pair.certificate.public_key().unwrap().rsa().unwrap();
    let key = DecodingKey::from_rsa_raw_components(&rsa.n().to_vec(), &rsa.e().to_vec());
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    for (algorithm, jose) in [
        (AssertionAlgorithm::Rs256, Algorithm::RS256),
        (AssertionAlgorithm::Ps256, Algorithm::PS256),
    ] {
        let claims = AssertionClaims::new(
            "3f6d0c6e-6a4b-4c1e-9d7a-5e2b8c0a1f42",
            "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token",
            "jti".into(),
            now,
            600,
        );
        let token = signer.sign(&claims, &options(algorithm)).unwrap();
        let mut validation = Validation::new(jose);
        validation.set_audience(&[claims.aud.as_str()]);
        let decoded = decode::<serde_json::Value>(&token, &key, &validation)
            .unwrap_or_else(|e| panic!("{algorithm:?}: {e}"));
        assert_eq!(decoded.header.alg, jose);
        assert_eq!(
            decoded.claims["iss"],
            "3f6d0c6e-6a4b-4c1e-9d7a-5e2b8c0a1f42"
        );
    }
}
