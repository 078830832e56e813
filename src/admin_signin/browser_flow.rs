//! The authorization code flow with PKCE through the system browser and a loopback redirect.

use tokio_util::sync::CancellationToken;

use super::SignInSettings;
use super::browser::BrowserOpener;
use super::error::SignInError;
use super::http::post_form;
use super::loopback::LoopbackListener;
use super::session::{AdminSession, read_grant};
use crate::core::signin::endpoint::{Endpoint, endpoint_url};
use crate::core::signin::pkce::{
    AuthorizeRequest, CodeChallenge, CodeVerifier, State, redemption_form,
};

/// Signs the administrator in through `browser`: a fresh verifier and state, a loopback listener,
/// the `/authorize` page, the one redirect, then the code redeemed with the verifier. Ends with
/// [`SignInError::TimedOut`] after `settings.browser_time_limit` and [`SignInError::Cancelled`]
/// when `cancel` fires; the listener is closed whichever way it ends.
pub async fn sign_in_with_browser(
    settings: &SignInSettings,
    browser: &dyn BrowserOpener,
    cancel: &CancellationToken,
) -> Result<AdminSession, SignInError> {
    let scope = settings.scope()?;
    browser_for_scope(settings, &scope, browser, cancel).await
}

/// Signs a person in through `browser` for another resource's delegated token: `scope` is that
/// resource's (`https://vault.azure.net/.default`), sent as it is; `settings`' Graph URL and
/// scopes are not used.
pub async fn sign_in_to_resource_with_browser(
    settings: &SignInSettings,
    scope: &str,
    browser: &dyn BrowserOpener,
    cancel: &CancellationToken,
) -> Result<AdminSession, SignInError> {
    browser_for_scope(settings, scope, browser, cancel).await
}

async fn browser_for_scope(
    settings: &SignInSettings,
    scope: &str,
    browser: &dyn BrowserOpener,
    cancel: &CancellationToken,
) -> Result<AdminSession, SignInError> {
    let token_url = endpoint_url(&settings.authority, &settings.tenant, Endpoint::Token)?;
    let client = settings.client()?;
    let mut octets = random::<32>()?;
    let verifier = CodeVerifier::from_random_bytes(&octets);
    // The octets are the verifier in another form.
    zeroize::Zeroize::zeroize(&mut octets);
    let challenge = CodeChallenge::s256(&openssl::sha::sha256(verifier.as_bytes()));
    let state = State::from_random_bytes(&random()?);
    let listener = LoopbackListener::bind().await?;
    let redirect_uri = listener.redirect_uri();
    let url = AuthorizeRequest {
        authority: &settings.authority,
        tenant: &settings.tenant,
        client_id: &settings.client_id,
        redirect_uri: &redirect_uri,
        scope,
        state: &state,
        challenge: &challenge,
    }
    .url()?;
    browser.open(&url)?;
    let code = tokio::select! {
        code = listener.wait_for_code(&redirect_uri, &state) => code?,
        () = cancel.cancelled() => return Err(SignInError::Cancelled),
        () = tokio::time::sleep(settings.browser_time_limit) => {
            return Err(SignInError::TimedOut(settings.browser_time_limit));
        }
    };
    let form = redemption_form(&settings.client_id, &code, &redirect_uri, &verifier, scope);
    let answer = post_form(&client, &token_url, &form, cancel).await?;
    read_grant(answer.status, &answer.body)
}

/// `N` bytes from OpenSSL's random source (seeded by the operating system).
fn random<const N: usize>() -> Result<[u8; N], SignInError> {
    let mut bytes = [0u8; N];
    openssl::rand::rand_bytes(&mut bytes).map_err(|_| SignInError::Random)?;
    Ok(bytes)
}
