//! The device code flow (RFC 8628): `/devicecode`, the message to the admin, then polling the
//! token endpoint at the interval `core::signin::device_code::DevicePolling` decides.

use std::time::Duration;

use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use super::SignInSettings;
use super::error::SignInError;
use super::http::post_form;
use super::session::{AdminSession, read_grant};
use crate::core::signin::device_code::{
    DeviceCodeAnswer, DevicePolling, NextPoll, PollOutcome, parse_device_code_answer, poll_form,
    start_form,
};
use crate::core::signin::endpoint::{Endpoint, endpoint_url};

/// How long one of the server's seconds lasts here. The flow always follows the server's interval
/// and deadline; tests shrink the second so a poll every "5 s" takes milliseconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PollTiming {
    /// The length of a server second: one second in use.
    pub second: Duration,
}

impl Default for PollTiming {
    fn default() -> Self {
        Self {
            second: Duration::from_secs(1),
        }
    }
}

impl PollTiming {
    /// A server duration as waited here.
    fn real(self, server: Duration) -> Duration {
        server.mul_f64(self.second.as_secs_f64())
    }

    /// Time waited here as the server's time.
    fn server(self, real: Duration) -> Duration {
        if self.second.is_zero() {
            return Duration::MAX;
        }
        Duration::from_secs_f64(real.as_secs_f64() / self.second.as_secs_f64())
    }
}

/// What the admin is told: open the page, type the code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DevicePrompt {
    /// The sentence to show (Entra's, in the admin's language, when it sent one).
    pub message: String,
    /// The code to type.
    pub user_code: String,
    /// The page to type it at.
    pub verification_uri: String,
    /// How long the code stays valid.
    pub expires_in: Duration,
}

/// What happens while the flow runs, for the front end to show.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DeviceCodeEvent {
    /// The code is ready: show it to the admin (the CLI prints it to standard error).
    Prompt(DevicePrompt),
    /// Entra asked to poll less often (`slow_down`); polls are now this far apart.
    SlowedDown {
        /// The new interval, in the server's time.
        interval: Duration,
    },
}

impl DevicePrompt {
    fn of(answer: &DeviceCodeAnswer) -> Self {
        let message = answer.message.clone().unwrap_or_else(|| {
            format!(
                "To sign in, open {} in a browser and enter the code {}.",
                answer.verification_uri, answer.user_code
            )
        });
        Self {
            message,
            user_code: answer.user_code.clone(),
            verification_uri: answer.verification_uri.clone(),
            expires_in: answer.expires_in,
        }
    }
}

/// Signs the administrator in with a device code: asks `/devicecode`, reports the prompt, then
/// polls until the admin signs in, declines, the code expires or `cancel` fires.
pub async fn sign_in_with_device_code(
    settings: &SignInSettings,
    timing: PollTiming,
    report: &mut (dyn FnMut(DeviceCodeEvent) + Send),
    cancel: &CancellationToken,
) -> Result<AdminSession, SignInError> {
    let scope = settings.scope()?;
    device_code_for_scope(settings, &scope, timing, report, cancel).await
}

/// Signs a person in with a device code for another resource's delegated token: `scope` is that
/// resource's (`https://vault.azure.net/.default`), sent as it is; `settings`' Graph URL and
/// scopes are not used.
pub async fn sign_in_to_resource_with_device_code(
    settings: &SignInSettings,
    scope: &str,
    timing: PollTiming,
    report: &mut (dyn FnMut(DeviceCodeEvent) + Send),
    cancel: &CancellationToken,
) -> Result<AdminSession, SignInError> {
    device_code_for_scope(settings, scope, timing, report, cancel).await
}

async fn device_code_for_scope(
    settings: &SignInSettings,
    scope: &str,
    timing: PollTiming,
    report: &mut (dyn FnMut(DeviceCodeEvent) + Send),
    cancel: &CancellationToken,
) -> Result<AdminSession, SignInError> {
    let start_url = endpoint_url(&settings.authority, &settings.tenant, Endpoint::DeviceCode)?;
    let token_url = endpoint_url(&settings.authority, &settings.tenant, Endpoint::Token)?;
    let client = settings.client()?;
    let answer = post_form(
        &client,
        &start_url,
        &start_form(&settings.client_id, scope),
        cancel,
    )
    .await?;
    let started = Instant::now();
    let answer = parse_device_code_answer(answer.status, &answer.body)
        .map_err(SignInError::DeviceCodeStart)?;
    report(DeviceCodeEvent::Prompt(DevicePrompt::of(&answer)));
    let mut polling = DevicePolling::new(&answer);
    let mut next = polling.first();
    loop {
        let wait = match next {
            NextPoll::WaitThenPoll(wait) => wait,
            // `Done` follows a granted poll, which returns before asking.
            NextPoll::Done => return Err(SignInError::Cancelled),
            NextPoll::Stop(error) => return Err(SignInError::DeviceCode(error)),
        };
        tokio::select! {
            () = tokio::time::sleep(timing.real(wait)) => {}
            () = cancel.cancelled() => return Err(SignInError::Cancelled),
        }
        let form = poll_form(&settings.client_id, &answer.device_code);
        let outcome = match post_form(&client, &token_url, &form, cancel).await {
            Ok(polled) => match read_grant(polled.status, &polled.body) {
                Ok(session) => return Ok(session),
                Err(SignInError::TokenRefused { error, .. }) => PollOutcome::of_error(*error),
                Err(other) => return Err(other),
            },
            // RFC 8628 section 3.5: no answer means poll again, less often.
            Err(SignInError::Unreachable { .. }) => PollOutcome::NoAnswer,
            Err(other) => return Err(other),
        };
        let slowed = outcome == PollOutcome::SlowDown;
        next = polling.next(outcome, timing.server(started.elapsed()));
        if slowed {
            report(DeviceCodeEvent::SlowedDown {
                interval: polling.interval(),
            });
        }
    }
}
