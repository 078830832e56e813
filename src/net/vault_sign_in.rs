//! The vault reached as a signed-in person: a delegated token for the vault's audience from the
//! admin sign-in (browser, or device code), kept in memory for the session and reused by every
//! vault call until it is refused. Only a front end with a person at it registers one
//! ([`register_vault_sign_in`]); a run without (a nightly `test --all`) is told it needs a person.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};

use tokio_util::sync::CancellationToken;
use url::Url;

use crate::admin_signin::{
    BrowserOpener, DEFAULT_AUTHORITY, DEFAULT_SIGN_IN_CLIENT_ID, DeviceCodeEvent, PollTiming,
    SignInSettings, SystemBrowser, sign_in_to_resource_with_browser,
    sign_in_to_resource_with_device_code,
};
use crate::core::trust::LOGIN_HOSTS;
use crate::core::url_rules::is_loopback;
use crate::secret::Secret;

use super::vault_token::TokenError;

/// How the person signs in.
#[derive(Clone)]
pub enum SignInWay {
    /// The system browser (authorization code with PKCE).
    Browser(Arc<dyn BrowserOpener>),
    /// A device code; each event (the code to type) goes to `report`.
    DeviceCode {
        /// Shows the prompt to the person.
        report: Arc<dyn Fn(DeviceCodeEvent) + Send + Sync>,
        /// How long a server second lasts (tests shrink it).
        timing: PollTiming,
    },
}

/// Who signed in, for the front end to show (never the token).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedInAs {
    /// The person's sign-in name (or display name).
    pub who: String,
    /// The audience the token is for.
    pub audience: String,
}

struct Held {
    audience: String,
    token: Secret,
    who: String,
}

/// A person's sign-in for vault tokens, with the token once had.
pub struct VaultSignIn {
    way: SignInWay,
    /// The sign-in host; `None` takes the vault challenge's (an Entra cloud's), else the global one.
    pub authority: Option<Url>,
    /// The tenant; `None` takes the vault challenge's, else `organizations`.
    pub tenant: Option<String>,
    /// The public client signed in with ([`DEFAULT_SIGN_IN_CLIENT_ID`] when `None`).
    pub client_id: Option<String>,
    /// Extra trusted roots (PEM).
    pub ca_file: Option<PathBuf>,
    /// Cancels a sign-in under way.
    pub cancel: CancellationToken,
    held: Mutex<Option<Held>>,
}

impl VaultSignIn {
    /// A sign-in through `way`, with the vault's tenant and cloud.
    pub fn new(way: SignInWay) -> Self {
        Self {
            way,
            authority: None,
            tenant: None,
            client_id: None,
            ca_file: None,
            cancel: CancellationToken::new(),
            held: Mutex::new(None),
        }
    }

    /// Through the system browser.
    pub fn browser() -> Self {
        Self::new(SignInWay::Browser(Arc::new(SystemBrowser)))
    }

    /// Who is signed in, once someone is.
    pub fn signed_in_as(&self) -> Option<SignedInAs> {
        self.held
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .as_ref()
            .map(|held| SignedInAs {
                who: held.who.clone(),
                audience: held.audience.clone(),
            })
    }

    /// Whether a token for `audience` is held (from an earlier call of this session).
    pub fn holds(&self, audience: &str) -> bool {
        self.held
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .as_ref()
            .is_some_and(|held| held.audience == audience)
    }

    /// Drops the token (the vault refused it): the next call signs in again.
    pub fn forget(&self) {
        *self.held.lock().unwrap_or_else(PoisonError::into_inner) = None;
    }

    /// A token for `audience`: the one held, or a new sign-in. `challenge` is the vault's
    /// `(authority, tenant)`, used where none was given.
    pub(super) async fn token(
        &self,
        audience: &str,
        challenge: Option<(Url, String)>,
    ) -> Result<Secret, TokenError> {
        if let Some(held) = self
            .held
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .as_ref()
            .filter(|held| held.audience == audience)
        {
            return Ok(held.token.clone());
        }
        let (challenge_authority, challenge_tenant) = match challenge {
            Some((authority, tenant)) if trusted_login_host(&authority) => {
                (Some(authority), Some(tenant))
            }
            _ => (None, None),
        };
        let authority = match self.authority.clone().or(challenge_authority) {
            Some(authority) => authority,
            None => Url::parse(DEFAULT_AUTHORITY).map_err(|_| TokenError::NeedsPerson)?,
        };
        let tenant = self
            .tenant
            .clone()
            .or(challenge_tenant)
            .unwrap_or_else(|| "organizations".into());
        let audience_url = Url::parse(audience)
            .map_err(|_| TokenError::SignIn("the audience is not a URL".into()))?;
        let mut settings = SignInSettings::new(authority, &tenant, audience_url, Vec::new());
        settings.client_id = self
            .client_id
            .clone()
            .unwrap_or_else(|| DEFAULT_SIGN_IN_CLIENT_ID.into());
        settings.ca_file.clone_from(&self.ca_file);
        let scope = format!("{}/.default", audience.trim_end_matches('/'));
        let session = match &self.way {
            SignInWay::Browser(browser) => {
                sign_in_to_resource_with_browser(&settings, &scope, browser.as_ref(), &self.cancel)
                    .await
            }
            SignInWay::DeviceCode { report, timing } => {
                let report = Arc::clone(report);
                let mut forward = move |event: DeviceCodeEvent| report(event);
                sign_in_to_resource_with_device_code(
                    &settings,
                    &scope,
                    *timing,
                    &mut forward,
                    &self.cancel,
                )
                .await
            }
        }
        .map_err(|error| TokenError::SignIn(error.to_string()))?;
        let who = if session.upn.is_empty() {
            session.name.clone()
        } else {
            session.upn.clone()
        };
        *self.held.lock().unwrap_or_else(PoisonError::into_inner) = Some(Held {
            audience: audience.to_owned(),
            token: session.access_token.clone(),
            who,
        });
        Ok(session.access_token)
    }
}

/// A sign-in host a vault's challenge may send a person to: one of Entra's (the list the trust
/// rules use), or this machine over plain http.
fn trusted_login_host(url: &Url) -> bool {
    (url.scheme() == "https"
        && url
            .host_str()
            .map(|h| h.trim_end_matches('.').to_ascii_lowercase())
            .is_some_and(|h| LOGIN_HOSTS.contains(&h.as_str())))
        || (url.scheme() == "http" && is_loopback(url))
}

static REGISTERED: Mutex<Option<Arc<VaultSignIn>>> = Mutex::new(None);

/// Makes `sign_in` the way a `sign-in` vault access gets its token in this process (the CLI from
/// its flags, the app when the person chooses it); `None` takes it away.
pub fn register_vault_sign_in(sign_in: Option<Arc<VaultSignIn>>) {
    *REGISTERED.lock().unwrap_or_else(PoisonError::into_inner) = sign_in;
}

/// The registered sign-in, if a person is there to sign in.
pub fn registered_vault_sign_in() -> Option<Arc<VaultSignIn>> {
    REGISTERED
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .clone()
}
