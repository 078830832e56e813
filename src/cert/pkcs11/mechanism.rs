//! Which PKCS#11 mechanism signs RS256 or PS256 on a token, chosen from what the token offers.

use cryptoki::mechanism::rsa::{PkcsMgfType, PkcsPssParams};
use cryptoki::mechanism::{Mechanism, MechanismType};
use openssl::hash::{MessageDigest, hash};

use crate::core::profile::AssertionAlgorithm;

/// How a signature is made: the token hashes (the combined mechanisms), or certconnect hashes and
/// the token only applies the padding and the private-key operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignMechanism {
    /// `CKM_SHA256_RSA_PKCS`: RS256 in one step.
    Sha256RsaPkcs,
    /// `CKM_RSA_PKCS` over a SHA-256 DigestInfo.
    RsaPkcsDigestInfo,
    /// `CKM_SHA256_RSA_PKCS_PSS`: PS256 in one step.
    Sha256RsaPkcsPss,
    /// `CKM_RSA_PKCS_PSS` over the SHA-256 digest.
    RsaPkcsPssDigest,
}

/// The mechanism names an algorithm needs: the one looked for first, and the raw fallback.
pub fn names(algorithm: AssertionAlgorithm) -> (&'static str, &'static str) {
    match algorithm {
        AssertionAlgorithm::Rs256 => ("CKM_SHA256_RSA_PKCS", "CKM_RSA_PKCS"),
        AssertionAlgorithm::Ps256 => ("CKM_SHA256_RSA_PKCS_PSS", "CKM_RSA_PKCS_PSS"),
    }
}

/// The mechanism to sign `algorithm` with, given the token's list; `None` when it has neither.
pub fn choose(algorithm: AssertionAlgorithm, offered: &[MechanismType]) -> Option<SignMechanism> {
    let has = |m: MechanismType| offered.contains(&m);
    match algorithm {
        AssertionAlgorithm::Rs256 if has(MechanismType::SHA256_RSA_PKCS) => {
            Some(SignMechanism::Sha256RsaPkcs)
        }
        AssertionAlgorithm::Rs256 if has(MechanismType::RSA_PKCS) => {
            Some(SignMechanism::RsaPkcsDigestInfo)
        }
        AssertionAlgorithm::Ps256 if has(MechanismType::SHA256_RSA_PKCS_PSS) => {
            Some(SignMechanism::Sha256RsaPkcsPss)
        }
        AssertionAlgorithm::Ps256 if has(MechanismType::RSA_PKCS_PSS) => {
            Some(SignMechanism::RsaPkcsPssDigest)
        }
        _ => None,
    }
}

/// The DER prefix of a SHA-256 DigestInfo (RFC 8017 section 9.2, note 1).
const SHA256_DIGEST_INFO: [u8; 19] = [
    0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05,
    0x00, 0x04, 0x20,
];

/// PSS as JOSE's PS256 wants it: SHA-256, MGF1 with SHA-256, a 32-byte salt.
fn pss() -> PkcsPssParams {
    PkcsPssParams {
        hash_alg: MechanismType::SHA256,
        mgf: PkcsMgfType::MGF1_SHA256,
        s_len: 32.into(),
    }
}

/// The mechanism and the bytes to hand the token for signing `message`.
pub fn prepare(
    mechanism: SignMechanism,
    message: &[u8],
) -> Result<(Mechanism<'static>, Vec<u8>), openssl::error::ErrorStack> {
    Ok(match mechanism {
        SignMechanism::Sha256RsaPkcs => (Mechanism::Sha256RsaPkcs, message.to_vec()),
        SignMechanism::Sha256RsaPkcsPss => (Mechanism::Sha256RsaPkcsPss(pss()), message.to_vec()),
        SignMechanism::RsaPkcsDigestInfo => {
            let digest = hash(MessageDigest::sha256(), message)?;
            let mut info = SHA256_DIGEST_INFO.to_vec();
            info.extend_from_slice(&digest);
            (Mechanism::RsaPkcs, info)
        }
        SignMechanism::RsaPkcsPssDigest => {
            let digest = hash(MessageDigest::sha256(), message)?;
            (Mechanism::RsaPkcsPss(pss()), digest.to_vec())
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_combined_mechanism_is_preferred_and_the_raw_one_is_the_fallback() {
        use AssertionAlgorithm::{Ps256, Rs256};
        let all = [
            MechanismType::RSA_PKCS,
            MechanismType::SHA256_RSA_PKCS,
            MechanismType::RSA_PKCS_PSS,
            MechanismType::SHA256_RSA_PKCS_PSS,
        ];
        assert_eq!(choose(Rs256, &all), Some(SignMechanism::Sha256RsaPkcs));
        assert_eq!(choose(Ps256, &all), Some(SignMechanism::Sha256RsaPkcsPss));
        let raw = [MechanismType::RSA_PKCS, MechanismType::RSA_PKCS_PSS];
        assert_eq!(choose(Rs256, &raw), Some(SignMechanism::RsaPkcsDigestInfo));
        assert_eq!(choose(Ps256, &raw), Some(SignMechanism::RsaPkcsPssDigest));
        assert_eq!(choose(Ps256, &[MechanismType::RSA_PKCS]), None);
        assert_eq!(choose(Rs256, &[MechanismType::RSA_PKCS_PSS]), None);
    }

    #[test]
    fn the_digest_info_is_the_sha256_one() {
        let (_, data) = prepare(SignMechanism::RsaPkcsDigestInfo, b"abc").expect("hash");
        assert_eq!(data.len(), 19 + 32);
        // SHA-256("abc") begins ba7816bf.
        assert_eq!(&data[19..23], &[0xba, 0x78, 0x16, 0xbf]);
    }
}
