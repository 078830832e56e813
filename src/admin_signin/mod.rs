//! An administrator's delegated sign-in, for setting up an app registration: the authorization
//! code flow with PKCE through the system browser and a loopback redirect
//! ([`sign_in_with_browser`]), or the device code flow where no browser can open
//! ([`sign_in_with_device_code`]), or a remembered one used again
//! ([`sign_in_with_refresh_token`]). Each returns an [`AdminSession`]: the admin's tokens, kept in
//! memory only, and who signed in.
//!
//! The rules (what is sent, what an answer means, when to poll) are `core::signin`'s; this module
//! draws the random values, hashes the verifier, listens on the loopback port, opens the browser
//! and talks to Entra.

mod browser;
mod browser_flow;
mod device_flow;
mod error;
mod http;
mod loopback;
mod refresh_flow;
mod session;

use std::path::PathBuf;
use std::time::Duration;

use url::Url;

pub use browser::{BrowserError, BrowserOpener, SystemBrowser};
pub use browser_flow::{sign_in_to_resource_with_browser, sign_in_with_browser};
pub use device_flow::{
    DeviceCodeEvent, DevicePrompt, PollTiming, sign_in_to_resource_with_device_code,
    sign_in_with_device_code,
};
pub use error::SignInError;
pub use refresh_flow::sign_in_with_refresh_token;
pub use session::AdminSession;

use crate::core::signin::scopes::{DelegatedScope, scope_parameter};
use crate::core::url_rules::is_loopback;

/// The public client certconnect signs administrators in with unless told otherwise: Microsoft
/// Graph Command Line Tools. It is a first-party public client that every tenant already trusts
/// for delegated Graph admin scopes (`Application.ReadWrite.All`, `AppRoleAssignment.ReadWrite.All`)
/// with `http://localhost` and the device code flow allowed, so an admin needs no app registration
/// before the one being set up. Some organisations block it (or any first-party client, or
/// `http://localhost`) with a Conditional Access or consent policy; they register their own public
/// client and pass its ID (`--sign-in-client-id`, or the setting).
pub const DEFAULT_SIGN_IN_CLIENT_ID: &str = "14d82eec-204b-4c2f-b7e8-296a70dab67e";

/// The sign-in host of Entra's global cloud; national clouds have their own (the profile's preset).
pub const DEFAULT_AUTHORITY: &str = "https://login.microsoftonline.com";

/// How long the browser sign-in waits for the redirect by default: long enough to type a
/// password and approve an MFA prompt, short enough that a forgotten tab does not keep a port open.
pub const DEFAULT_BROWSER_TIME_LIMIT: Duration = Duration::from_secs(300);

/// What a sign-in needs.
#[derive(Clone, Debug)]
pub struct SignInSettings {
    /// The sign-in host (`https://login.microsoftonline.com`, a national cloud's, or the sandbox).
    pub authority: Url,
    /// The tenant the app is set up in: its ID or a verified domain.
    pub tenant: String,
    /// The public client that signs the admin in ([`DEFAULT_SIGN_IN_CLIENT_ID`] by default).
    pub client_id: String,
    /// Microsoft Graph's URL (with its version): its origin prefixes the scopes.
    pub graph_url: Url,
    /// The delegated scopes the chosen steps need (`core::signin::scopes::scopes_for`).
    pub scopes: Vec<DelegatedScope>,
    /// Ask for a refresh token too (`offline_access`): only when the admin chose to keep it.
    pub keep_refresh_token: bool,
    /// Extra trusted roots (PEM) for networks that inspect TLS.
    pub ca_file: Option<PathBuf>,
    /// How long the browser sign-in waits for the redirect. The device code flow is bounded by
    /// the code's own lifetime.
    pub browser_time_limit: Duration,
}

impl SignInSettings {
    /// Settings with the default client, no refresh token, no CA file and the default time limit.
    pub fn new(authority: Url, tenant: &str, graph_url: Url, scopes: Vec<DelegatedScope>) -> Self {
        Self {
            authority,
            tenant: tenant.trim().to_owned(),
            client_id: DEFAULT_SIGN_IN_CLIENT_ID.to_owned(),
            graph_url,
            scopes,
            keep_refresh_token: false,
            ca_file: None,
            browser_time_limit: DEFAULT_BROWSER_TIME_LIMIT,
        }
    }

    /// The `scope` parameter; Graph's URL must be https (plain http only to this machine), as
    /// the token is meant for it.
    fn scope(&self) -> Result<String, SignInError> {
        match self.graph_url.scheme() {
            "https" => {}
            "http" if is_loopback(&self.graph_url) => {}
            _ => return Err(SignInError::GraphUrl(self.graph_url.to_string())),
        }
        if self.scopes.is_empty() {
            return Err(SignInError::NoScopes);
        }
        Ok(scope_parameter(
            &self.graph_url,
            &self.scopes,
            self.keep_refresh_token,
        ))
    }

    /// The HTTPS client (net's rules: TLS verified, plain http and no proxy only to loopback).
    fn client(&self) -> Result<reqwest::Client, SignInError> {
        let only_loopback = is_loopback(&self.authority);
        crate::net::build_client(self.ca_file.as_deref(), only_loopback).map_err(|failure| {
            SignInError::ClientSetup {
                message: failure.message,
            }
        })
    }
}
