//! The device code flow (RFC 8628) for a sign-in where no browser can open on this machine: the
//! `/devicecode` answer, the polling rules (the interval, `slow_down` adding 5 s, the deadline from
//! `expires_in`) and what each poll's answer means.
//!
//! The adapter sends the requests and sleeps; [`DevicePolling`] tells it how long, and when to stop.
//! Time is given as the time elapsed since the `/devicecode` answer arrived, measured by the caller.

use std::time::Duration;

use serde::Deserialize;
use thiserror::Error;

use super::hidden::Hidden;
use crate::core::token_response::{EntraError, snippet};

/// The `grant_type` of a device code poll.
pub const DEVICE_CODE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

/// The interval when the answer names none (RFC 8628 section 3.2).
pub const DEFAULT_INTERVAL: Duration = Duration::from_secs(5);

/// What `slow_down` adds to the interval (RFC 8628 section 3.5).
pub const SLOW_DOWN_STEP: Duration = Duration::from_secs(5);

/// The longest wait between polls after connection failures: beyond it the code would mostly
/// expire unused.
pub const MAX_INTERVAL: Duration = Duration::from_secs(60);

/// The device code itself: it redeems the admin's token once they sign in, so it is never shown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeviceCode(Hidden);

impl DeviceCode {
    /// The code, for the poll's form only.
    pub fn expose(&self) -> &str {
        self.0.expose()
    }
}

/// A usable `/devicecode` answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeviceCodeAnswer {
    /// Sent with each poll.
    pub device_code: DeviceCode,
    /// What the admin types at the verification page (shown).
    pub user_code: String,
    /// The page where the admin types it (shown).
    pub verification_uri: String,
    /// How long the codes stay valid.
    pub expires_in: Duration,
    /// The least time between polls.
    pub interval: Duration,
    /// Entra's sentence telling the admin what to do, in the admin's language, when it sent one.
    pub message: Option<String>,
}

/// Why the device code flow could not start.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum DeviceCodeStartError {
    /// Entra refused: e.g. AADSTS7000218 when the client ID is not a public client, AADSTS700016
    /// for an unknown client ID, `invalid_scope`.
    #[error("Entra refused to start a device code sign-in (HTTP {status}): {}", error.summary())]
    Refused {
        /// HTTP status.
        status: u16,
        /// Entra's error JSON.
        error: Box<EntraError>,
    },
    /// A success whose body lacks a field or has one of the wrong type. No byte of the body is
    /// repeated: it may hold the device code.
    #[error("the device code answer (HTTP {status}) is not usable: {reason}")]
    BadAnswer {
        /// HTTP status.
        status: u16,
        /// What is wrong, in words.
        reason: String,
    },
    /// Not JSON: a proxy's or firewall's page.
    #[error(
        "the device code endpoint answered HTTP {status} with something that is not Entra's JSON: \"{snippet}\""
    )]
    NotJson {
        /// HTTP status.
        status: u16,
        /// The first bytes, to recognise the page.
        snippet: String,
    },
}

/// Seconds as a JSON number or, as Entra's older endpoint sent them, a numeric string.
#[derive(Deserialize)]
#[serde(untagged)]
enum Seconds {
    Number(u64),
    Text(String),
}

impl Seconds {
    fn get(&self) -> Option<Duration> {
        match self {
            Self::Number(n) => Some(Duration::from_secs(*n)),
            Self::Text(t) => t.trim().parse().ok().map(Duration::from_secs),
        }
    }
}

#[derive(Deserialize)]
struct AnswerJson {
    device_code: String,
    user_code: String,
    verification_uri: String,
    expires_in: Seconds,
    #[serde(default)]
    interval: Option<Seconds>,
    #[serde(default)]
    message: Option<String>,
}

/// Interprets the `/devicecode` answer.
pub fn parse_device_code_answer(
    status: u16,
    body: &[u8],
) -> Result<DeviceCodeAnswer, DeviceCodeStartError> {
    if !(200..300).contains(&status) {
        return match serde_json::from_slice::<EntraError>(body) {
            Ok(error) => Err(DeviceCodeStartError::Refused {
                status,
                error: Box::new(error),
            }),
            Err(_) => Err(DeviceCodeStartError::NotJson {
                status,
                snippet: snippet(body),
            }),
        };
    }
    let bad = |reason: String| DeviceCodeStartError::BadAnswer { status, reason };
    let answer =
        serde_json::from_slice::<AnswerJson>(body).map_err(|e| bad(describe(&e).to_owned()))?;
    let expires_in = answer
        .expires_in
        .get()
        .filter(|d| !d.is_zero())
        .ok_or_else(|| bad("expires_in is not a positive number of seconds".into()))?;
    let interval = match answer.interval {
        None => DEFAULT_INTERVAL,
        Some(seconds) => seconds
            .get()
            .ok_or_else(|| bad("interval is not a number of seconds".into()))?
            // An interval of 0 would make the poll a busy loop against Entra.
            .max(Duration::from_secs(1)),
    };
    if answer.device_code.is_empty() || answer.user_code.trim().is_empty() {
        return Err(bad("the device code or the user code is empty".into()));
    }
    if url::Url::parse(&answer.verification_uri).is_err() {
        return Err(bad("verification_uri is not a web address".into()));
    }
    Ok(DeviceCodeAnswer {
        device_code: DeviceCode(Hidden::new(answer.device_code)),
        user_code: answer.user_code,
        verification_uri: answer.verification_uri,
        expires_in,
        interval,
        message: answer.message.filter(|m| !m.trim().is_empty()),
    })
}

/// A serde error's kind in words. serde's own message may quote the input, which may hold the
/// device code.
fn describe(error: &serde_json::Error) -> &'static str {
    match error.classify() {
        serde_json::error::Category::Data => {
            "a field is missing or of the wrong type (device_code, user_code, verification_uri, expires_in)"
        }
        serde_json::error::Category::Syntax | serde_json::error::Category::Eof => {
            "the body is not complete JSON"
        }
        serde_json::error::Category::Io => "the body could not be read",
    }
}

/// The form that starts the flow at `/devicecode`.
pub fn start_form<'a>(client_id: &'a str, scope: &'a str) -> [(&'static str, &'a str); 2] {
    [("client_id", client_id), ("scope", scope)]
}

/// The form of each poll at `/token`.
pub fn poll_form<'a>(
    client_id: &'a str,
    device_code: &'a DeviceCode,
) -> [(&'static str, &'a str); 3] {
    [
        ("grant_type", DEVICE_CODE_GRANT),
        ("client_id", client_id),
        ("device_code", device_code.expose()),
    ]
}

/// What one poll answered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PollOutcome {
    /// A token: the admin signed in.
    Granted,
    /// `authorization_pending` (AADSTS70016): not signed in yet.
    Pending,
    /// `slow_down`: polling too often.
    SlowDown,
    /// `expired_token`: the code expired before the admin signed in.
    Expired,
    /// `authorization_declined`: the admin refused.
    Declined,
    /// `bad_verification_code`: Entra does not know this device code.
    BadVerificationCode,
    /// No answer (a timeout or a dropped connection): RFC 8628 asks to poll less often.
    NoAnswer,
    /// Any other refusal (`invalid_client`, `invalid_grant`, …): the flow cannot go on.
    Refused(Box<EntraError>),
}

impl PollOutcome {
    /// The outcome an error JSON from `/token` stands for, by its OAuth `error` code.
    pub fn of_error(error: EntraError) -> Self {
        match error.error.as_str() {
            "authorization_pending" => Self::Pending,
            "slow_down" => Self::SlowDown,
            "expired_token" => Self::Expired,
            "authorization_declined" => Self::Declined,
            "bad_verification_code" => Self::BadVerificationCode,
            _ => Self::Refused(Box::new(error)),
        }
    }
}

/// Why a device code sign-in ended without a token.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum DeviceCodeError {
    /// The code expired (Entra said so, or the next poll would come after `expires_in`).
    #[error("the sign-in code expired before the sign-in was finished; start the sign-in again")]
    Expired,
    /// The admin declined at the verification page.
    #[error("the sign-in was declined at the verification page")]
    Declined,
    /// Entra does not know the device code (a different tenant or cloud polled than started).
    #[error("Entra does not recognise this sign-in code; start the sign-in again")]
    BadVerificationCode,
    /// Another refusal, as Entra described it.
    #[error("Entra refused the sign-in: {}", error.summary())]
    Refused {
        /// Entra's error JSON.
        error: Box<EntraError>,
    },
}

/// What to do next.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NextPoll {
    /// Wait this long, then poll.
    WaitThenPoll(Duration),
    /// Signed in: the token came with the last poll.
    Done,
    /// Stop: the sign-in failed.
    Stop(DeviceCodeError),
}

/// The polling state: the current interval and the deadline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DevicePolling {
    interval: Duration,
    expires_in: Duration,
}

impl DevicePolling {
    /// Polling for `answer`, with its interval and deadline.
    pub fn new(answer: &DeviceCodeAnswer) -> Self {
        Self {
            interval: answer.interval,
            expires_in: answer.expires_in,
        }
    }

    /// The current interval between polls.
    pub fn interval(&self) -> Duration {
        self.interval
    }

    /// Before the first poll: wait one interval (an earlier poll can only be `pending`).
    pub fn first(&self) -> NextPoll {
        self.wait_from(Duration::ZERO)
    }

    /// After a poll answered `outcome`, `elapsed` after the `/devicecode` answer arrived.
    pub fn next(&mut self, outcome: PollOutcome, elapsed: Duration) -> NextPoll {
        match outcome {
            PollOutcome::Granted => NextPoll::Done,
            PollOutcome::Pending => self.wait_from(elapsed),
            PollOutcome::SlowDown => {
                self.interval += SLOW_DOWN_STEP;
                self.wait_from(elapsed)
            }
            PollOutcome::NoAnswer => {
                self.interval = (self.interval * 2).min(MAX_INTERVAL.max(self.interval));
                self.wait_from(elapsed)
            }
            PollOutcome::Expired => NextPoll::Stop(DeviceCodeError::Expired),
            PollOutcome::Declined => NextPoll::Stop(DeviceCodeError::Declined),
            PollOutcome::BadVerificationCode => {
                NextPoll::Stop(DeviceCodeError::BadVerificationCode)
            }
            PollOutcome::Refused(error) => NextPoll::Stop(DeviceCodeError::Refused { error }),
        }
    }

    /// Wait one interval, unless the code expires by then: a poll after `expires_in` can only
    /// answer `expired_token`, and the admin should learn it now rather than after the wait.
    fn wait_from(&self, elapsed: Duration) -> NextPoll {
        if elapsed + self.interval >= self.expires_in {
            NextPoll::Stop(DeviceCodeError::Expired)
        } else {
            NextPoll::WaitThenPoll(self.interval)
        }
    }
}

#[cfg(test)]
#[path = "device_code_tests.rs"]
mod tests;
