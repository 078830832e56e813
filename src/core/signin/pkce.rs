//! The authorization code flow with PKCE (RFC 7636, S256) for a public client, as RFC 8252 asks
//! of a native app: the verifier and `state`, the `/authorize` URL the system browser opens, the
//! loopback redirect's request line, and the form that redeems the code.
//!
//! A public client has no secret, so PKCE is what stops anyone who sees the code (another app on
//! the machine, a browser extension, a log) from redeeming it; `state` is what stops a page from
//! feeding the listener a code from another sign-in. The adapter makes the random bytes and the
//! SHA-256 digest (core links no crypto library); everything those values decide is here.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use thiserror::Error;
use url::Url;

use super::endpoint::{Endpoint, EndpointError, endpoint_url};
use super::hidden::Hidden;

/// The shortest verifier RFC 7636 allows.
pub const VERIFIER_MIN: usize = 43;
/// The longest verifier RFC 7636 allows.
pub const VERIFIER_MAX: usize = 128;

/// The PKCE `code_verifier`: sent only with the code, to the token endpoint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeVerifier(Hidden);

/// Why a text is not a code verifier (RFC 7636 section 4.1). The text itself is not repeated: it
/// is a secret.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum VerifierError {
    /// Fewer than 43 characters: too little entropy for the spec.
    #[error("a PKCE verifier has at least {VERIFIER_MIN} characters; this one has {0}")]
    TooShort(usize),
    /// More than 128 characters.
    #[error("a PKCE verifier has at most {VERIFIER_MAX} characters; this one has {0}")]
    TooLong(usize),
    /// A character other than `A–Z a–z 0–9 - . _ ~`.
    #[error("a PKCE verifier holds only A-Z, a-z, 0-9 and - . _ ~; character {0} is not one")]
    NotUnreserved(usize),
}

impl CodeVerifier {
    /// A verifier from 32 random bytes: their base64url form, 43 characters (RFC 7636 section 4.1
    /// recommends exactly this). The caller draws the bytes from the OS's random source.
    pub fn from_random_bytes(bytes: &[u8; 32]) -> Self {
        Self(Hidden::new(URL_SAFE_NO_PAD.encode(bytes)))
    }

    /// Checks a verifier made elsewhere: 43–128 unreserved characters.
    pub fn parse(text: &str) -> Result<Self, VerifierError> {
        let len = text.chars().count();
        if len < VERIFIER_MIN {
            return Err(VerifierError::TooShort(len));
        }
        if len > VERIFIER_MAX {
            return Err(VerifierError::TooLong(len));
        }
        if let Some(position) = text
            .chars()
            .position(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '~')))
        {
            return Err(VerifierError::NotUnreserved(position + 1));
        }
        Ok(Self(Hidden::new(text)))
    }

    /// The verifier's bytes, for the adapter to hash with SHA-256 (then [`CodeChallenge::s256`]).
    pub fn as_bytes(&self) -> &[u8] {
        self.0.expose().as_bytes()
    }

    /// The verifier itself, for the token request only.
    pub fn expose(&self) -> &str {
        self.0.expose()
    }
}

/// The PKCE `code_challenge` (method S256): public, it travels in the browser's URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeChallenge(String);

impl CodeChallenge {
    /// `BASE64URL(SHA256(verifier))` without padding, from the digest the adapter computed over
    /// [`CodeVerifier::as_bytes`]. Taking the 32-byte array, not a slice, keeps a SHA-1 or a hex
    /// string from being passed by mistake.
    pub fn s256(verifier_sha256: &[u8; 32]) -> Self {
        Self(URL_SAFE_NO_PAD.encode(verifier_sha256))
    }

    /// The value of `code_challenge`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The `state` sent to `/authorize` and expected back on the redirect.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct State(String);

impl State {
    /// A state from 16 random bytes (base64url): unguessable, and safe in a URL unescaped.
    pub fn from_random_bytes(bytes: &[u8; 16]) -> Self {
        Self(URL_SAFE_NO_PAD.encode(bytes))
    }

    /// The value of `state`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether `received` is this state. Compares every byte whatever differs first, so the time
    /// taken tells a page probing the listener nothing.
    pub fn matches(&self, received: &str) -> bool {
        let (a, b) = (self.0.as_bytes(), received.as_bytes());
        a.len() == b.len() && a.iter().zip(b).fold(0u8, |diff, (x, y)| diff | (x ^ y)) == 0
    }
}

/// The redirect URI of a loopback listener on `port`: `http://localhost:{port}/`. Entra ignores
/// the port for `localhost`, so one registered `http://localhost` serves every ephemeral port.
pub fn loopback_redirect_uri(port: u16) -> Url {
    Url::parse(&format!("http://localhost:{port}/")).expect("a loopback URL with a port is valid")
}

/// What the browser is sent to.
#[derive(Clone, Debug)]
pub struct AuthorizeRequest<'a> {
    /// The sign-in host of the profile's cloud, or the one given.
    pub authority: &'a Url,
    /// The tenant the app is set up in.
    pub tenant: &'a str,
    /// The public client signing the admin in.
    pub client_id: &'a str,
    /// From [`loopback_redirect_uri`].
    pub redirect_uri: &'a Url,
    /// The `scope` parameter (`scopes::scope_parameter`).
    pub scope: &'a str,
    /// Checked on the redirect.
    pub state: &'a State,
    /// From the verifier's digest.
    pub challenge: &'a CodeChallenge,
}

impl AuthorizeRequest<'_> {
    /// The `/authorize` URL. `prompt=select_account` lets the admin choose the administrator
    /// account instead of being signed in silently as whoever the browser last saw.
    pub fn url(&self) -> Result<Url, EndpointError> {
        let mut url = endpoint_url(self.authority, self.tenant, Endpoint::Authorize)?;
        url.query_pairs_mut()
            .append_pair("client_id", self.client_id)
            .append_pair("response_type", "code")
            .append_pair("redirect_uri", self.redirect_uri.as_str())
            .append_pair("response_mode", "query")
            .append_pair("scope", self.scope)
            .append_pair("state", self.state.as_str())
            .append_pair("code_challenge", self.challenge.as_str())
            .append_pair("code_challenge_method", "S256")
            .append_pair("prompt", "select_account");
        Ok(url)
    }
}

/// The code the redirect carried: redeemable for about ten minutes, so never shown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuthorizationCode(Hidden);

impl AuthorizationCode {
    /// The code itself, for the token request only.
    pub fn expose(&self) -> &str {
        self.0.expose()
    }
}

/// Why the loopback request is not a usable redirect.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum RedirectError {
    /// Not `METHOD TARGET HTTP/x` at all: not a browser.
    #[error("the sign-in listener received something that is not an HTTP request")]
    NotARequest,
    /// Entra redirects with `GET` (`response_mode=query`).
    #[error("the sign-in listener expected GET, not {0}")]
    NotGet(String),
    /// Another path, such as `/favicon.ico`: not the redirect.
    #[error("the sign-in listener received a request for another path")]
    OtherPath,
    /// A parameter given twice: which one is meant cannot be told, so neither is used.
    #[error("the sign-in redirect repeats '{0}'")]
    Repeated(String),
    /// No `state`, or another one: this request did not come from the sign-in just started.
    #[error(
        "the sign-in redirect does not belong to this sign-in (its state differs); start the sign-in again"
    )]
    StateMismatch,
    /// Entra (or the admin) refused: `access_denied` when the admin cancelled, `consent_required`,
    /// or an AADSTS error in the description.
    #[error("sign-in refused: {error}: {description}")]
    Refused {
        /// The OAuth error code.
        error: String,
        /// Entra's `error_description`.
        description: String,
    },
    /// Neither a code nor an error.
    #[error("the sign-in redirect holds neither a code nor an error")]
    NoCode,
}

impl RedirectError {
    /// The AADSTS number of a refusal (`AADSTS65001: …` → 65001), for choosing a fix.
    pub fn aadsts(&self) -> Option<u32> {
        let Self::Refused { description, .. } = self else {
            return None;
        };
        let rest = description.trim_start().strip_prefix("AADSTS")?;
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        digits.parse().ok()
    }
}

/// Reads the first line of the request the browser sent to the listener
/// (`GET /?code=…&state=… HTTP/1.1`, or `…?error=…&error_description=…&state=…`) and returns the
/// code if it belongs to this sign-in. `redirect_uri` is the one sent to `/authorize`; its path is
/// the only one accepted. The state is checked before anything else is believed, errors included.
pub fn read_redirect(
    request_line: &str,
    redirect_uri: &Url,
    expected_state: &State,
) -> Result<AuthorizationCode, RedirectError> {
    let mut parts = request_line.trim_end_matches(['\r', '\n']).split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(RedirectError::NotARequest);
    };
    if !version.starts_with("HTTP/") || !target.starts_with('/') {
        return Err(RedirectError::NotARequest);
    }
    if method != "GET" {
        return Err(RedirectError::NotGet(method.to_owned()));
    }
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    if path != redirect_uri.path() {
        return Err(RedirectError::OtherPath);
    }
    let mut fields = RedirectFields::default();
    for (name, value) in url::form_urlencoded::parse(query.as_bytes()) {
        let slot = match name.as_ref() {
            "code" => &mut fields.code,
            "state" => &mut fields.state,
            "error" => &mut fields.error,
            "error_description" => &mut fields.description,
            _ => continue,
        };
        if slot.is_some() {
            return Err(RedirectError::Repeated(name.into_owned()));
        }
        *slot = Some(Hidden::new(value.into_owned()));
    }
    if !fields
        .state
        .as_ref()
        .is_some_and(|s| expected_state.matches(s.expose()))
    {
        return Err(RedirectError::StateMismatch);
    }
    if let Some(error) = fields.error {
        return Err(RedirectError::Refused {
            error: error.expose().to_owned(),
            description: fields
                .description
                .map(|d| d.expose().to_owned())
                .unwrap_or_default(),
        });
    }
    match fields.code {
        Some(code) if !code.expose().is_empty() => Ok(AuthorizationCode(code)),
        _ => Err(RedirectError::NoCode),
    }
}

/// The redirect's parameters as read; each is `Hidden` until known not to be the code.
#[derive(Default)]
struct RedirectFields {
    code: Option<Hidden>,
    state: Option<Hidden>,
    error: Option<Hidden>,
    description: Option<Hidden>,
}

/// The form that redeems the code at the token endpoint. The values are borrowed, so the code
/// and the verifier are not copied into buffers that outlive the request.
pub fn redemption_form<'a>(
    client_id: &'a str,
    code: &'a AuthorizationCode,
    redirect_uri: &'a Url,
    verifier: &'a CodeVerifier,
    scope: &'a str,
) -> [(&'static str, &'a str); 6] {
    [
        ("grant_type", "authorization_code"),
        ("client_id", client_id),
        ("code", code.expose()),
        ("redirect_uri", redirect_uri.as_str()),
        ("code_verifier", verifier.expose()),
        ("scope", scope),
    ]
}

#[cfg(test)]
#[path = "pkce_tests.rs"]
mod tests;
