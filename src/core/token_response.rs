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

/// Interprets a token endpoint answer.
pub fn parse(status: u16, body: &[u8]) -> Result<TokenGrant, TokenError> {
    if (200..300).contains(&status) {
        if let Ok(grant) = serde_json::from_slice::<GrantJson>(body) {
            return Ok(TokenGrant {
                access_token: AccessToken::new(grant.access_token),
                expires_in: grant.expires_in,
                token_type: grant.token_type,
            });
        }
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
        assert!(matches!(truncated, TokenError::NotJson { status: 200, .. }));
    }
}
