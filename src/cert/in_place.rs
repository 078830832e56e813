//! Keys that never leave their keeper. A certificate from the Windows certificate store comes with
//! a handle to its key's provider (CNG or CryptoAPI), which signs in place: the key may be
//! non-exportable, and certconnect never holds its bytes.

use crate::core::event::Failure;
use crate::core::profile::AssertionAlgorithm;

/// A private key that signs where it is kept.
pub trait InPlaceKey: Send + Sync {
    /// Signs a JWS signing input (`header.payload`) with RS256 (PKCS#1 v1.5) or PS256 (PSS, salt
    /// 32) over SHA-256, and returns the signature big-endian, as JOSE wants it.
    fn sign(&self, algorithm: AssertionAlgorithm, message: &[u8]) -> Result<Vec<u8>, Failure>;

    /// Whether this key can sign with `algorithm`; the refusal says why and what to do instead.
    fn supports(&self, algorithm: AssertionAlgorithm) -> Result<(), Failure>;

    /// Who keeps the key (the provider's name), for the step log and the certificate card.
    fn keeper(&self) -> String;

    /// The retries (`Retrying` events) of the signatures made since last asked, for the signing
    /// step to list; a keeper that never retries has none.
    fn take_retries(&self) -> Vec<crate::core::event::TestEvent> {
        Vec::new()
    }
}
