//! Finding a leaked token in text by its structure, never by a substring that random key material
//! can contain: a base64url thumbprint such as `O42gkpPCy1KwgeCeyJ5bNdJEKXQ` holds "eyJ" by
//! chance, and a check for that substring failed a run now and then.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

fn is_base64url(part: &str) -> bool {
    !part.is_empty()
        && part
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Whether `part` is a JWS header: base64url of a JSON object.
fn is_json_header(part: &str) -> bool {
    URL_SAFE_NO_PAD
        .decode(part)
        .ok()
        .and_then(|bytes| serde_json::from_slice::<serde_json::Value>(&bytes).ok())
        .is_some_and(|value| value.is_object())
}

/// The first JWT (an assertion, an access token) in `text`: three base64url parts joined by dots,
/// the first of which decodes to a JSON object. A header always starts with `eyJ` (base64 of
/// `{"`), so each `eyJ` is tried as a start, which finds a token glued to a preceding word too.
pub fn find_jwt(text: &str) -> Option<&str> {
    let is_token_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.');
    text.split(|c: char| !is_token_char(c))
        .flat_map(|word| word.match_indices("eyJ").map(move |(at, _)| &word[at..]))
        .find_map(|candidate| {
            let mut parts = candidate.splitn(4, '.');
            let (header, payload, signature) = (parts.next()?, parts.next()?, parts.next()?);
            let whole = header.len() + payload.len() + signature.len() + 2;
            (is_json_header(header) && is_base64url(payload) && is_base64url(signature))
                .then(|| &candidate[..whole])
        })
}

/// Panics with `text` when it holds a JWT.
pub fn assert_no_jwt(text: &str, what: &str) {
    if let Some(token) = find_jwt(text) {
        panic!(
            "a JWT leaked into {what} ({} characters):\n{text}",
            token.len()
        );
    }
}

#[test]
fn a_token_is_found_by_its_structure_and_random_text_is_not() {
    let token = "eyJhbGciOiJIUzI1NiJ9.eyJhdWQiOiJ4In0.c2ln";
    assert_eq!(find_jwt(&format!("Bearer {token}\n")), Some(token));
    assert_eq!(find_jwt(&format!("access_token={token}&x=1")), Some(token));
    assert_eq!(find_jwt(&format!("prefix{token}")), Some(token));
    // A thumbprint that holds "eyJ" by chance, and a lone header, are not tokens.
    assert_eq!(find_jwt("x5t: O42gkpPCy1KwgeCeyJ5bNdJEKXQ"), None);
    assert_eq!(find_jwt("eyJ0eXAi only a header"), None);
    assert_eq!(find_jwt("eyJ5bNdJEKXQ.abc.def"), None);
    assert_eq!(find_jwt("eyJhbGciOiJIUzI1NiJ9.eyJhdWQiOiJ4In0."), None);
}
