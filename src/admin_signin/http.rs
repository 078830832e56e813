//! One form POST to Entra, read whole up to a bound, cancellable. No retries: a code is spent by
//! any attempt to redeem it, and the device code flow has its own polling rules.

use std::time::Duration;

use tokio_util::sync::CancellationToken;
use url::Url;
use zeroize::Zeroizing;

use super::error::SignInError;
use crate::net::BODY_MAX;

/// The longest a single request may take: Entra answers in well under a second.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);

/// An answer: the status and the body, wiped when dropped (it may hold tokens).
pub(super) struct Answer {
    pub status: u16,
    pub body: Zeroizing<Vec<u8>>,
}

/// Posts `form` to `url`.
pub(super) async fn post_form(
    client: &reqwest::Client,
    url: &Url,
    form: &[(&str, &str)],
    cancel: &CancellationToken,
) -> Result<Answer, SignInError> {
    let exchange = async {
        let mut response = client
            .post(url.clone())
            .form(form)
            .timeout(REQUEST_TIMEOUT)
            .send()
            .await
            .map_err(unreachable)?;
        let status = response.status().as_u16();
        let mut body = Zeroizing::new(Vec::new());
        while let Some(chunk) = response.chunk().await.map_err(unreachable)? {
            if body.len() + chunk.len() > BODY_MAX {
                return Err(SignInError::BadAnswer {
                    status,
                    reason: format!("larger than any sign-in answer (more than {BODY_MAX} bytes)"),
                });
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Answer { status, body })
    };
    tokio::select! {
        answer = exchange => answer,
        () = cancel.cancelled() => Err(SignInError::Cancelled),
    }
}

/// The network error in words, with its causes (the URL is the endpoint's: no secret in it).
fn unreachable(error: reqwest::Error) -> SignInError {
    let mut reason = error.to_string();
    let mut source = std::error::Error::source(&error);
    while let Some(cause) = source {
        reason.push_str(": ");
        reason.push_str(&cause.to_string());
        source = cause.source();
    }
    SignInError::Unreachable { reason }
}
