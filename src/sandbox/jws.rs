//! A compact JWS (a client assertion, a proof of possession) read as a verifier reads it.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::Value;

/// The parts of a compact JWS whose header and claims are JSON objects.
pub(super) struct CompactJws<'a> {
    pub header: Value,
    pub claims: Value,
    /// `header.claims`, the bytes the signature covers.
    pub signing_input: &'a str,
    /// The signature's base64url text (what a replay check remembers).
    pub signature_b64: &'a str,
    pub signature: Vec<u8>,
}

/// The token's parts, or `None` when it is not three base64url parts with JSON-object header and
/// claims. An undecodable signature is empty (and then fails verification).
pub(super) fn parse(token: &str) -> Option<CompactJws<'_>> {
    let (signing_input, signature_b64) = token.rsplit_once('.')?;
    let (header_b64, claims_b64) = signing_input.split_once('.')?;
    if claims_b64.contains('.') {
        return None;
    }
    let object = |part: &str| {
        decode(part)
            .and_then(|bytes| serde_json::from_slice::<Value>(&bytes).ok())
            .filter(Value::is_object)
    };
    Some(CompactJws {
        header: object(header_b64)?,
        claims: object(claims_b64)?,
        signing_input,
        signature_b64,
        signature: decode(signature_b64).unwrap_or_default(),
    })
}

/// A base64url part (padding, as MSAL Python sends in `x5t`, is accepted).
pub(super) fn decode(part: &str) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD.decode(part.trim_end_matches('=')).ok()
}

/// A string member of a JSON object, or empty.
pub(super) fn text(value: &Value, key: &str) -> String {
    value
        .get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}
