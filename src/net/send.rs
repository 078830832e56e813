//! Sending a request with the profile's retry policy, inside the run's deadline, cancellably.

use std::error::Error as _;

use reqwest::header::HeaderMap;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use crate::core::event::{Failure, Step, TestEvent};
use crate::core::retry::{AttemptOutcome, RetrySettings, RetryTiming, parse_retry_after};

/// A server's answer, read whole.
#[derive(Debug)]
pub struct Answer {
    /// HTTP status.
    pub status: u16,
    /// Response headers.
    pub headers: HeaderMap,
    /// The body.
    pub body: Vec<u8>,
    /// This machine's clock when the request was sent (Unix seconds), for clock-skew diagnosis.
    pub sent_at: i64,
}

impl Answer {
    /// Whether the status is 2xx.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// A header's value as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// What the sender needs besides the request: policy, deadline, cancellation, and the step it serves.
pub struct RetryContext<'a> {
    /// The profile's retry settings.
    pub settings: &'a RetrySettings,
    /// Base wait and cap.
    pub timing: RetryTiming,
    /// The whole run ends here.
    pub deadline: Instant,
    /// Set when the user cancels.
    pub cancel: &'a CancellationToken,
    /// The step whose request this is, for retry events.
    pub step: Step,
    /// The run's clock (Unix seconds), injected so tests and the core never read the clock.
    pub now: &'a (dyn Fn() -> i64 + Send + Sync),
}

/// Sends the request `make` builds (called again for every attempt, so each can carry a fresh
/// assertion) until it succeeds, the policy gives up, the deadline passes or the run is cancelled.
/// A non-success answer that is not retried is returned as `Ok` for the caller to interpret.
pub async fn send(
    ctx: &RetryContext<'_>,
    report: &mut (dyn FnMut(TestEvent) + Send),
    mut make: impl FnMut() -> Result<reqwest::RequestBuilder, Failure>,
) -> Result<Answer, Failure> {
    let mut retry = 0;
    loop {
        let request = make()?.timeout(ctx.deadline.saturating_duration_since(Instant::now()));
        let sent_at = (ctx.now)();
        let attempt = async {
            let response = request.send().await?;
            let status = response.status().as_u16();
            let headers = response.headers().clone();
            let body = response.bytes().await?.to_vec();
            Ok::<_, reqwest::Error>(Answer {
                status,
                headers,
                body,
                sent_at,
            })
        };
        let result = tokio::select! {
            () = ctx.cancel.cancelled() => return Err(cancelled()),
            result = tokio::time::timeout_at(ctx.deadline, attempt) => result,
        };
        let (outcome, answer, error) = match result {
            Err(_) => return Err(timed_out(ctx.step)),
            Ok(Ok(answer)) if answer.is_success() => return Ok(answer),
            Ok(Ok(answer)) => (AttemptOutcome::Status(answer.status), Some(answer), None),
            Ok(Err(e)) if e.is_timeout() => (AttemptOutcome::Timeout, None, Some(e)),
            Ok(Err(e)) => (AttemptOutcome::Network, None, Some(e)),
        };
        if retry >= ctx.settings.max_count || !ctx.settings.should_retry(outcome) {
            return match (answer, error) {
                (Some(answer), _) => Ok(answer),
                (None, Some(e)) if e.is_timeout() => Err(timed_out(ctx.step)),
                (None, Some(e)) => Err(network_failure(&e)),
                (None, None) => Err(timed_out(ctx.step)),
            };
        }
        retry += 1;
        let retry_after = answer
            .as_ref()
            .and_then(|a| a.header("retry-after"))
            .and_then(|v| parse_retry_after(v, (ctx.now)()));
        let wait = ctx.settings.wait(retry, retry_after, ctx.timing);
        if Instant::now() + wait >= ctx.deadline {
            return Err(Failure {
                message: format!(
                    "{} after {retry} attempt(s); waiting {} ms more for the next retry would pass the timeout",
                    outcome.describe(),
                    wait.as_millis()
                ),
                ..timed_out(ctx.step)
            });
        }
        let reason = match &error {
            Some(e) => format!("{}: {}", outcome.describe(), error_chain(e)),
            None => outcome.describe(),
        };
        report(TestEvent::Retrying {
            step: ctx.step,
            retry,
            reason,
            wait_ms: u64::try_from(wait.as_millis()).unwrap_or(u64::MAX),
        });
        tokio::select! {
            () = ctx.cancel.cancelled() => return Err(cancelled()),
            () = tokio::time::sleep(wait) => {}
        }
    }
}

/// The failure for a cancelled run.
pub fn cancelled() -> Failure {
    Failure {
        code: "cancelled".into(),
        message: "the test was cancelled".into(),
        hint: "Run the test again when ready.".into(),
        ..Failure::default()
    }
}

fn timed_out(step: Step) -> Failure {
    Failure {
        code: "timeout".into(),
        message: format!("the test ran out of time during '{}'", step.label()),
        hint:
            "The server is slow or unreachable; raise the timeout, or check the network and proxy."
                .into(),
        ..Failure::default()
    }
}

fn network_failure(error: &reqwest::Error) -> Failure {
    let chain = error_chain(error);
    let tls = chain.to_ascii_lowercase().contains("certificate");
    Failure {
        code: if tls { "tls" } else { "network" }.into(),
        message: format!("could not reach the server: {chain}"),
        hint: if tls {
            "The server's TLS certificate is not trusted. If your network inspects TLS, set the CA file to its root certificate."
        } else {
            "Check the URL, the network and the proxy settings (HTTPS_PROXY / NO_PROXY)."
        }
        .into(),
        ..Failure::default()
    }
}

/// An error and its causes on one line (reqwest's top-level message alone hides the TLS reason).
fn error_chain(error: &reqwest::Error) -> String {
    let mut parts = vec![error.to_string()];
    let mut source = error.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        source = cause.source();
    }
    parts.join(": ")
}
