//! A remembered sign-in used again: the refresh token redeemed at the token endpoint for the same
//! scopes (`core::signin::refresh::refresh_form`), as a public client with no secret. No browser
//! opens and no code is shown.

use tokio_util::sync::CancellationToken;

use super::SignInSettings;
use super::error::SignInError;
use super::http::post_form;
use super::session::{AdminSession, read_grant};
use crate::core::signin::endpoint::{Endpoint, endpoint_url};
use crate::core::signin::refresh::refresh_form;
use crate::secret::Secret;

/// Redeems `refresh_token` for a new session. A refusal comes back as
/// [`SignInError::TokenRefused`] with Entra's error, for the caller to judge with
/// `core::signin::refresh::refresh_token_spent`. Entra rotates the refresh token: the session
/// holds the new one (when `settings.keep_refresh_token` asked for `offline_access`).
pub async fn sign_in_with_refresh_token(
    settings: &SignInSettings,
    refresh_token: &Secret,
    cancel: &CancellationToken,
) -> Result<AdminSession, SignInError> {
    let scope = settings.scope()?;
    let token_url = endpoint_url(&settings.authority, &settings.tenant, Endpoint::Token)?;
    let client = settings.client()?;
    let form = refresh_form(&settings.client_id, refresh_token.expose(), &scope);
    let answer = post_form(&client, &token_url, &form, cancel).await?;
    read_grant(answer.status, &answer.body)
}
