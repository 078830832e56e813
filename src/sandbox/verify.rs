//! Assertion signature checks with OpenSSL, independent of the signer's library.

use openssl::hash::MessageDigest;
use openssl::rsa::Padding;
use openssl::sign::{RsaPssSaltlen, Verifier};
use openssl::x509::X509;

/// Verifies a JWS signature. PS256 must use MGF1-SHA-256 and a salt as long as the hash (32 bytes),
/// as .NET-based verifiers (Entra's) require; OpenSSL's default maximum salt is refused.
pub(super) fn signature_is_valid(
    alg: &str,
    signing_input: &[u8],
    signature: &[u8],
    cert: &X509,
) -> bool {
    let check = || -> Result<bool, openssl::error::ErrorStack> {
        let key = cert.public_key()?;
        let mut verifier = Verifier::new(MessageDigest::sha256(), &key)?;
        match alg {
            "RS256" => verifier.set_rsa_padding(Padding::PKCS1)?,
            "PS256" => {
                verifier.set_rsa_padding(Padding::PKCS1_PSS)?;
                verifier.set_rsa_pss_saltlen(RsaPssSaltlen::DIGEST_LENGTH)?;
                verifier.set_rsa_mgf1_md(MessageDigest::sha256())?;
            }
            _ => return Ok(false),
        }
        verifier.update(signing_input)?;
        verifier.verify(signature)
    };
    check().unwrap_or(false)
}
