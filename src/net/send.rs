//! Sending a request with the profile's retry policy, inside the run's deadline, cancellably.

use hyper_util::client::proxy::matcher::Matcher;
use reqwest::header::HeaderMap;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use super::cause::{self, Cause};
use super::unreachable::{self, Target, url_field};
use crate::core::event::{Failure, Step, TestEvent};
use crate::core::retry::{AttemptOutcome, RetrySettings, RetryTiming, parse_retry_after};

/// A server's answer, read whole (up to [`BODY_MAX`]). Its `Debug` shows the body's length only:
/// a token answer's body is the token.
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

impl std::fmt::Debug for Answer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Answer")
            .field("status", &self.status)
            .field("body_len", &self.body.len())
            .field("sent_at", &self.sent_at)
            .finish_non_exhaustive()
    }
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
        let (client, request) = make()?
            .timeout(ctx.deadline.saturating_duration_since(Instant::now()))
            .build_split();
        let request = request.map_err(|e| unbuildable(&e))?;
        let url = request.url().clone();
        let sent_at = (ctx.now)();
        let attempt = async {
            let response = client.execute(request).await?;
            let status = response.status().as_u16();
            let headers = response.headers().clone();
            let body = read_capped(response).await?;
            Ok::<_, reqwest::Error>(body.map(|body| Answer {
                status,
                headers,
                body,
                sent_at,
            }))
        };
        let result = tokio::select! {
            () = ctx.cancel.cancelled() => return Err(cancelled()),
            result = tokio::time::timeout_at(ctx.deadline, attempt) => result,
        };
        let (outcome, answer, error) = match result {
            Err(_) => return Err(timed_out(&url, ctx.step)),
            Ok(Ok(Err(too_large))) => return Err(too_large.failure(&url)),
            Ok(Ok(Ok(answer))) if answer.is_success() => return Ok(answer),
            Ok(Ok(Ok(answer))) => (AttemptOutcome::Status(answer.status), Some(answer), None),
            Ok(Err(e)) if e.is_timeout() => (AttemptOutcome::Timeout, None, Some(e)),
            Ok(Err(e)) => (AttemptOutcome::Network, None, Some(e)),
        };
        let failure = error.as_ref().map(|e| network_failure(e, &url, ctx.step));
        if retry >= ctx.settings.max_count || !ctx.settings.should_retry(outcome) {
            return match (answer, failure) {
                (Some(answer), _) => Ok(answer),
                (None, Some(failure)) => Err(failure),
                (None, None) => Err(timed_out(&url, ctx.step)),
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
                raw: failure.and_then(|f| f.raw),
                ..timed_out(&url, ctx.step)
            });
        }
        // The note says why in the same words a failure would, never the raw error chain.
        let reason = match &failure {
            Some(failure) => format!("{}: {}", outcome.describe(), failure.message),
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

/// The most bytes read of any answer: 256 KiB. A token answer is 2–8 KiB (a token with many
/// roles and groups stays under 16 KiB), a Graph site or drive a few KiB; anything far larger is
/// not what was asked for, and reading it whole would let a server fill the memory.
pub const BODY_MAX: usize = 256 * 1024;

/// An answer whose body passed [`BODY_MAX`].
#[derive(Debug)]
pub(super) struct TooLarge {
    status: u16,
    announced: Option<u64>,
}

impl TooLarge {
    fn failure(&self, url: &reqwest::Url) -> Failure {
        let size = match self.announced {
            Some(length) => format!("{length} bytes"),
            None => format!("more than {BODY_MAX} bytes"),
        };
        Failure {
            code: "answer_too_large".into(),
            message: format!(
                "{} answered HTTP {} with {size}, larger than any answer it should send (at most {BODY_MAX} bytes); the rest was not read",
                url.host_str().unwrap_or_default(),
                self.status
            ),
            hint: "Check the URL: it does not lead to Entra ID or Graph (a proxy, a file server or a wrong host answered).".into(),
            status: Some(self.status),
            ..Failure::default()
        }
    }
}

/// Reads the body chunk by chunk (the caller's deadline applies between chunks), giving up as soon
/// as it passes [`BODY_MAX`]: a 1 GiB answer costs 256 KiB of memory and no more time than that.
async fn read_capped(
    mut response: reqwest::Response,
) -> Result<Result<Vec<u8>, TooLarge>, reqwest::Error> {
    let status = response.status().as_u16();
    let announced = response.content_length();
    if announced.is_some_and(|length| length > BODY_MAX as u64) {
        return Ok(Err(TooLarge { status, announced }));
    }
    let mut body = Vec::with_capacity(announced.map_or(0, |length| length as usize));
    while let Some(chunk) = response.chunk().await? {
        if body.len() + chunk.len() > BODY_MAX {
            return Ok(Err(TooLarge {
                status,
                announced: None,
            }));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Ok(body))
}

/// The failure for a cancelled run.
pub fn cancelled() -> Failure {
    Failure {
        code: crate::core::event::codes::CANCELLED.into(),
        message: "the test was cancelled".into(),
        hint: "Run the test again when ready.".into(),
        ..Failure::default()
    }
}

/// Where a request to `url` went: its host and port, and the proxy that carries it (the same
/// system settings reqwest reads), without the proxy's credentials.
fn target<'a>(url: &'a reqwest::Url, step: Step) -> Target<'a> {
    // The same rule the client follows: loopback never goes through a proxy.
    let proxy = super::client::proxy_for(&Matcher::from_system(), url).and_then(|proxy| {
        let host = proxy.host_str()?.to_owned();
        Some(match proxy.port() {
            Some(port) => format!("{host}:{port}"),
            None => host,
        })
    });
    Target {
        host: url.host_str().unwrap_or_default(),
        port: url.port_or_known_default().unwrap_or_default(),
        field: url_field(step),
        proxy,
    }
}

fn timed_out(url: &reqwest::Url, step: Step) -> Failure {
    unreachable::failure(&Cause::Timeout, &target(url, step), step)
}

/// A plain sentence and fix for a request that got no answer, with the error chain kept as `raw`.
fn network_failure(error: &reqwest::Error, url: &reqwest::Url, step: Step) -> Failure {
    let target = target(url, step);
    let cause = cause::classify(error, target.proxy.is_some());
    Failure {
        raw: Some(Box::new(cause::chain_text(error))),
        ..unreachable::failure(&cause, &target, step)
    }
}

/// A request that could not even be built (a header value the HTTP library refuses).
fn unbuildable(error: &reqwest::Error) -> Failure {
    Failure {
        code: "client_setup".into(),
        message: "the request could not be built".into(),
        hint: "Check the URLs and the extra headers.".into(),
        raw: Some(Box::new(cause::chain_text(error))),
        ..Failure::default()
    }
}
