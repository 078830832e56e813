//! The signed-in administrator: the tokens (in memory only) and who they belong to, read from the
//! access token's claims without verifying them (Graph checks the token; certconnect only shows
//! whose it is).

use std::time::Duration;

use serde::Deserialize;
use zeroize::Zeroizing;

use super::error::SignInError;
use crate::core::jwt::decode_unverified;
use crate::core::token_response::{self, TokenError};
use crate::secret::Secret;

/// A delegated sign-in's result. `Debug` shows who signed in, never a token; there is no
/// `Display` or `Serialize`, so it cannot be printed or saved whole.
#[derive(Clone, Debug)]
pub struct AdminSession {
    /// The delegated access token for Graph.
    pub access_token: Secret,
    /// The refresh token, when one was asked for (`offline_access`) and sent.
    pub refresh_token: Option<Secret>,
    /// How long the access token is valid, as Entra said.
    pub expires_in: Duration,
    /// The admin's display name (`name`).
    pub name: String,
    /// The admin's sign-in name (`upn`, or `preferred_username` / `unique_name` for guests).
    pub upn: String,
    /// The tenant the token is for (`tid`).
    pub tenant_id: String,
    /// The delegated scopes granted (`scp`).
    pub scopes: Vec<String>,
}

/// The claims shown for a delegated token.
#[derive(Deserialize)]
struct DelegatedClaims {
    #[serde(default)]
    name: String,
    #[serde(default)]
    upn: Option<String>,
    #[serde(default)]
    preferred_username: Option<String>,
    #[serde(default)]
    unique_name: Option<String>,
    #[serde(default)]
    tid: String,
    #[serde(default)]
    scp: String,
}

/// The refresh token, when the answer has one.
#[derive(Deserialize)]
struct RefreshPart {
    #[serde(default)]
    refresh_token: Option<String>,
}

/// Reads the token endpoint's answer into a session.
pub(super) fn read_grant(
    status: u16,
    body: &Zeroizing<Vec<u8>>,
) -> Result<AdminSession, SignInError> {
    let grant = token_response::parse(status, body).map_err(|error| match error {
        TokenError::Entra { status, error } => SignInError::TokenRefused { status, error },
        TokenError::BadGrant { status, reason } => SignInError::BadAnswer { status, reason },
        TokenError::NotJson { status, snippet } => SignInError::BadAnswer {
            status,
            reason: format!("not JSON: \"{snippet}\""),
        },
    })?;
    // serde's message may quote a claim, so only the kind of failure is told.
    let claims: DelegatedClaims =
        decode_unverified(grant.access_token.expose()).map_err(|_| SignInError::BadAnswer {
            status,
            reason: "its access token is not a JWT with readable claims".into(),
        })?;
    let refresh_token = serde_json::from_slice::<RefreshPart>(body)
        .ok()
        .and_then(|part| part.refresh_token)
        .filter(|t| !t.is_empty())
        .map(Secret::new);
    Ok(AdminSession {
        access_token: Secret::new(grant.access_token.expose()),
        refresh_token,
        expires_in: Duration::from_secs(grant.expires_in),
        name: claims.name,
        upn: claims
            .upn
            .or(claims.preferred_username)
            .or(claims.unique_name)
            .unwrap_or_default(),
        tenant_id: claims.tid,
        scopes: claims.scp.split_whitespace().map(str::to_owned).collect(),
    })
}
