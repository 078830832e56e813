//! The token endpoint's answers: success, Entra's error JSON, or something else entirely.

use std::fmt;

use serde::Deserialize;

use super::diagnosis;
use super::event::{Detail, Failure};

/// An access token. Only a short prefix is ever shown; the whole value goes nowhere but the
/// `Authorization` header.
#[derive(Clone, PartialEq, Eq)]
pub struct AccessToken(String);

impl AccessToken {
    /// Wraps a token.
    pub fn new(token: impl Into<String>) -> Self {
        Self(token.into())
    }

    /// The token itself, for the `Authorization` header only.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// A short, safe preview: the first 8 characters and the length.
    pub fn preview(&self) -> String {
        let head: String = self.0.chars().take(8).collect();
        format!("{head}… ({} characters)", self.0.len())
    }
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AccessToken({})", self.preview())
    }
}

/// A successful token response.
#[derive(Clone, Debug)]
pub struct TokenGrant {
    /// The token (kept secret).
    pub access_token: AccessToken,
    /// Seconds until it expires, as the server sent it (not assumed to be 3599).
    pub expires_in: u64,
    /// `Bearer`.
    pub token_type: String,
}

/// Entra's error JSON.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
pub struct EntraError {
    /// `invalid_client`, `invalid_scope`, …
    pub error: String,
    /// `AADSTS700027: …`
    #[serde(default)]
    pub error_description: String,
    /// The AADSTS codes, most specific first.
    #[serde(default)]
    pub error_codes: Vec<u32>,
    /// When it happened (server time).
    #[serde(default)]
    pub timestamp: Option<String>,
    /// The id support asks for.
    #[serde(default)]
    pub trace_id: Option<String>,
    /// The other id support asks for.
    #[serde(default)]
    pub correlation_id: Option<String>,
    /// A page about the code.
    #[serde(default)]
    pub error_uri: Option<String>,
}

impl EntraError {
    /// The first AADSTS code, if any.
    pub fn code(&self) -> Option<u32> {
        self.error_codes.first().copied()
    }

    /// The description's first line (Entra appends Trace ID / Correlation ID / Timestamp lines).
    pub fn summary(&self) -> &str {
        self.error_description.lines().next().unwrap_or(&self.error)
    }
}

/// Why a token request did not produce a token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TokenError {
    /// Entra refused, with its error JSON.
    Entra {
        /// HTTP status.
        status: u16,
        /// The parsed error.
        error: Box<EntraError>,
    },
    /// A success status whose body is not a usable token answer. Holds no byte of the body.
    BadGrant {
        /// HTTP status.
        status: u16,
        /// What is wrong, in words (never the body's content).
        reason: String,
    },
    /// The body is not what a token endpoint sends (a proxy page, a truncated answer).
    NotJson {
        /// HTTP status.
        status: u16,
        /// The first bytes of the body, for recognising a proxy's or firewall's page.
        snippet: String,
    },
}

/// The first bytes of a body, on one line, for error messages.
pub fn snippet(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(&body[..body.len().min(120)]);
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[derive(Deserialize)]
struct GrantJson {
    access_token: String,
    expires_in: u64,
    #[serde(default)]
    token_type: String,
}

/// The longest access token accepted: 64 KiB. Entra's tokens are 1–4 KiB, and even a token with
/// hundreds of roles and group claims stays under 16 KiB; servers and proxies refuse request headers
/// past 8–64 KiB anyway. A longer "token" is not one: it would be sent on as a header to every
/// Graph request, and held in memory for the whole run.
pub const ACCESS_TOKEN_MAX: usize = 64 * 1024;

/// Interprets a token endpoint answer.
///
/// A 2xx answer that is not a token is reported without any of its bytes: it may hold the token
/// (a truncated answer, a field of the wrong type), and error messages end up in tickets.
pub fn parse(status: u16, body: &[u8]) -> Result<TokenGrant, TokenError> {
    if (200..300).contains(&status) {
        let grant =
            serde_json::from_slice::<GrantJson>(body).map_err(|e| TokenError::BadGrant {
                status,
                reason: format!(
                    "{} at byte {} of {}",
                    match e.classify() {
                        serde_json::error::Category::Eof => "it ends early",
                        serde_json::error::Category::Syntax => "it is not JSON",
                        serde_json::error::Category::Data =>
                            "a field is missing or of the wrong type",
                        serde_json::error::Category::Io => "it could not be read",
                    },
                    // The column of a one-line body is its byte offset; lines are counted otherwise.
                    e.column(),
                    body.len()
                ),
            })?;
        if grant.access_token.len() > ACCESS_TOKEN_MAX {
            return Err(TokenError::BadGrant {
                status,
                reason: format!(
                    "its access_token is {} bytes long, more than any real token (at most {ACCESS_TOKEN_MAX})",
                    grant.access_token.len()
                ),
            });
        }
        if grant.access_token.is_empty() {
            return Err(TokenError::BadGrant {
                status,
                reason: "its access_token is empty".into(),
            });
        }
        return Ok(TokenGrant {
            access_token: AccessToken::new(grant.access_token),
            expires_in: grant.expires_in,
            token_type: grant.token_type,
        });
    } else if let Ok(error) = serde_json::from_slice::<EntraError>(body) {
        return Err(TokenError::Entra {
            status,
            error: Box::new(error),
        });
    }
    Err(TokenError::NotJson {
        status,
        snippet: snippet(body),
    })
}

impl TokenError {
    /// The failure to show: code, message, fix, and the support ids.
    pub fn to_failure(&self) -> Failure {
        match self {
            Self::Entra { status, error } => {
                let (code, hint) = match error.code() {
                    Some(code) => (diagnosis::aadsts(code), diagnosis::fix_for(code)),
                    None => (error.error.clone(), "See the message; the server gave no AADSTS code.".into()),
                };
                let mut details = vec![Detail::new("error", &error.error)];
                let ids = [
                    ("Trace ID", &error.trace_id),
                    ("Correlation ID", &error.correlation_id),
                    ("Timestamp", &error.timestamp),
                ];
                details.extend(ids.into_iter().filter_map(|(label, v)| v.as_ref().map(|v| Detail::new(label, v))));
                Failure { code, message: error.summary().to_owned(), hint, status: Some(*status), details, raw: None }
            }
            Self::BadGrant { status, reason } => Failure {
                code: "not_json".into(),
                message: format!("the token endpoint answered HTTP {status} with a body that is not a token answer: {reason} (its content is not shown: it may hold a token)"),
                hint: "Something between you and Entra answered (a proxy or a wrong URL), or the answer was cut off. Check the token URL and the proxy settings.".into(),
                status: Some(*status),
                details: Vec::new(),
                raw: None,
            },
            Self::NotJson { status, snippet } => Failure {
                code: "not_json".into(),
                message: format!("the token endpoint answered HTTP {status} with a body that is not Entra's JSON: \"{snippet}\""),
                hint: "Something between you and Entra answered (a proxy or firewall page, or a wrong URL). Check the token URL and the proxy settings.".into(),
                status: Some(*status),
                details: Vec::new(),
                raw: None,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn success_keeps_expires_in_as_sent() {
        let body = br#"{"token_type":"Bearer","expires_in":86399,"ext_expires_in":86399,"access_token":"eyJ0eXAiOiJKV1QiLCJhbGciOi.secret.sig"}"#;
        let grant = parse(200, body).unwrap();
        assert_eq!(grant.expires_in, 86399);
        assert!(!format!("{grant:?}").contains("secret.sig"));
    }

    #[test]
    fn entra_errors_give_code_ids_and_hint() {
        let body = br#"{"error":"invalid_client","error_description":"AADSTS700027: Client assertion failed signature validation.\r\nTrace ID: t-1\r\nCorrelation ID: c-1\r\nTimestamp: 2026-11-22 10:00:00Z","error_codes":[700027],"timestamp":"2026-11-22 10:00:00Z","trace_id":"t-1","correlation_id":"c-1"}"#;
        let failure = parse(401, body).unwrap_err().to_failure();
        assert_eq!(failure.code, "AADSTS700027");
        assert_eq!(
            failure.message,
            "AADSTS700027: Client assertion failed signature validation."
        );
        assert!(failure.hint.contains("thumbprint"));
        assert!(
            failure
                .details
                .iter()
                .any(|d| d.label == "Trace ID" && d.value == "t-1")
        );
        assert!(
            failure
                .details
                .iter()
                .any(|d| d.label == "Correlation ID" && d.value == "c-1")
        );
    }

    #[test]
    fn non_json_bodies_are_their_own_error() {
        let failure = parse(
            502,
            b"<html><body>Bad gateway from corporate proxy</body></html>",
        )
        .unwrap_err()
        .to_failure();
        assert_eq!(failure.code, "not_json");
        assert!(failure.message.contains("502") && failure.message.contains("<html>"));
        let truncated = parse(200, br#"{"access_token":"abc","expi"#).unwrap_err();
        assert!(matches!(
            truncated,
            TokenError::BadGrant { status: 200, .. }
        ));
    }

    #[test]
    fn a_broken_success_answer_never_echoes_its_bytes() {
        for body in [
            &br#"{"access_token":"eyJhbGciOi.SECRETPAYLOAD.sig","expi"#[..],
            br#"{"access_token":"eyJhbGciOi.SECRETPAYLOAD.sig","expires_in":"soon"}"#,
            br#"eyJhbGciOi.SECRETPAYLOAD.sig"#,
        ] {
            let failure = parse(200, body).unwrap_err().to_failure();
            assert_eq!(failure.code, "not_json");
            let all = format!("{failure:?}");
            assert!(
                !all.contains("SECRETPAYLOAD") && !all.contains("eyJ"),
                "{all}"
            );
        }
    }

    #[test]
    fn an_oversized_access_token_is_refused() {
        let token = "a".repeat(ACCESS_TOKEN_MAX + 1);
        let body = format!(r#"{{"access_token":"{token}","expires_in":3599}}"#);
        let failure = parse(200, body.as_bytes()).unwrap_err().to_failure();
        assert!(
            failure.message.contains("more than any real token"),
            "{}",
            failure.message
        );
        assert!(!failure.message.contains("aaaa"));
        let token = "a".repeat(ACCESS_TOKEN_MAX);
        let body = format!(r#"{{"access_token":"{token}","expires_in":3599}}"#);
        assert!(parse(200, body.as_bytes()).is_ok());
    }
}
