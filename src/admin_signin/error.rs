//! Why a sign-in ended without a session. Nothing here holds a token, a code or a verifier.

use thiserror::Error;

use crate::core::signin::device_code::{DeviceCodeError, DeviceCodeStartError};
use crate::core::signin::endpoint::EndpointError;
use crate::core::signin::pkce::RedirectError;
use crate::core::token_response::EntraError;

use super::browser::BrowserError;

/// Why the administrator is not signed in.
#[derive(Debug, Error)]
pub enum SignInError {
    /// The authority or the tenant cannot make an endpoint.
    #[error(transparent)]
    Endpoint(#[from] EndpointError),
    /// Graph's URL is plain http to another machine, or not a web address.
    #[error("Microsoft Graph's URL must use https (plain http only to this machine): {0}")]
    GraphUrl(String),
    /// No step needs a scope: nothing to sign in for.
    #[error("no setup step was chosen, so there is no permission to sign in for")]
    NoScopes,
    /// The HTTPS client could not be built (a CA file that is not PEM, …).
    #[error("{message}")]
    ClientSetup {
        /// What went wrong.
        message: String,
    },
    /// The operating system's random source failed.
    #[error("no random bytes for the sign-in could be drawn")]
    Random,
    /// No port on 127.0.0.1 could be listened on.
    #[error("the sign-in could not listen on this machine's loopback address: {0}")]
    Listener(std::io::Error),
    /// The browser could not be opened.
    #[error(transparent)]
    Browser(#[from] BrowserError),
    /// The redirect was refused, or did not belong to this sign-in.
    #[error(transparent)]
    Redirect(RedirectError),
    /// Nobody came back from the browser in time.
    #[error("the sign-in was not finished in the browser within {} seconds; start it again", .0.as_secs())]
    TimedOut(std::time::Duration),
    /// The admin (or the app) cancelled.
    #[error("the sign-in was cancelled")]
    Cancelled,
    /// Entra could not be reached.
    #[error("the sign-in endpoint could not be reached: {reason}")]
    Unreachable {
        /// The network error, in words.
        reason: String,
    },
    /// The token endpoint refused the code (or the device code, for a reason polling cannot fix).
    #[error("Entra refused the sign-in (HTTP {status}): {}", error.summary())]
    TokenRefused {
        /// HTTP status.
        status: u16,
        /// Entra's error JSON.
        error: Box<EntraError>,
    },
    /// An answer that is not what Entra sends (its bytes are not repeated: they may hold a token).
    #[error(
        "the sign-in endpoint answered HTTP {status} with something that is not Entra's answer: {reason}"
    )]
    BadAnswer {
        /// HTTP status.
        status: u16,
        /// What is wrong, in words.
        reason: String,
    },
    /// The device code flow could not start.
    #[error(transparent)]
    DeviceCodeStart(DeviceCodeStartError),
    /// The device code flow ended without a token.
    #[error(transparent)]
    DeviceCode(DeviceCodeError),
}

impl SignInError {
    /// The AADSTS number Entra gave, when it gave one (for choosing a fix).
    pub fn aadsts(&self) -> Option<u32> {
        match self {
            Self::Redirect(error) => error.aadsts(),
            Self::TokenRefused { error, .. }
            | Self::DeviceCodeStart(DeviceCodeStartError::Refused { error, .. })
            | Self::DeviceCode(DeviceCodeError::Refused { error }) => error.code(),
            _ => None,
        }
    }
}
