//! The client-credentials token request with a fresh client assertion per attempt.

use super::send::{RetryContext, send};
use crate::assertion::{Signer, new_jti};
use crate::core::event::{Detail, Failure, TestEvent};
use crate::core::jwt::AssertionClaims;
use crate::core::profile::AssertionOptions;
use crate::core::time_fmt::rfc3339;
use crate::core::token_response::{self, TokenGrant};

/// `urn:ietf:params:oauth:client-assertion-type:jwt-bearer`
pub const ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// What the token request needs.
pub struct TokenRequest<'a> {
    /// The exact URL posted to (also the assertion's `aud`).
    pub token_url: &'a str,
    /// Application (client) ID.
    pub client_id: &'a str,
    /// `{resource}/.default`.
    pub scope: &'a str,
    /// Signs the assertion.
    pub signer: &'a Signer,
    /// Algorithm, chain, lifetime.
    pub options: &'a AssertionOptions,
    /// An assertion signed just before for this request (the test's assertion step): sent with
    /// the first attempt instead of signing again. Every retry signs a fresh one.
    pub first_assertion: Option<String>,
}

/// Posts the token request and interprets Entra's answer.
pub async fn request_token(
    client: &reqwest::Client,
    ctx: &RetryContext<'_>,
    report: &mut (dyn FnMut(TestEvent) + Send),
    request: &TokenRequest<'_>,
) -> Result<TokenGrant, Failure> {
    let mut first = request.first_assertion.clone();
    let answer = send(ctx, report, || {
        let assertion = match first.take() {
            Some(assertion) => assertion,
            None => {
                let claims = AssertionClaims::new(
                    request.client_id,
                    request.token_url,
                    new_jti(),
                    (ctx.now)(),
                    request.options.lifetime_secs,
                );
                request.signer.sign(&claims, request.options)?
            }
        };
        let form = [
            ("grant_type", "client_credentials"),
            ("client_id", request.client_id),
            ("scope", request.scope),
            ("client_assertion_type", ASSERTION_TYPE),
            ("client_assertion", assertion.as_str()),
        ];
        Ok(client.post(request.token_url).form(&form))
    })
    .await?;
    token_response::parse(answer.status, &answer.body).map_err(|error| {
        let mut failure = error.to_failure();
        if failure.is_clock_skew() {
            explain_clock_skew(&mut failure, answer.sent_at, answer.header("date"));
        }
        failure
    })
}

/// Adds this machine's clock and the server's (`Date` header) to an AADSTS700024 failure.
fn explain_clock_skew(failure: &mut Failure, our_time: i64, server_date: Option<&str>) {
    failure
        .details
        .push(Detail::new("This machine's clock", rfc3339(our_time)));
    let Some(server) = server_date
        .and_then(|d| httpdate::parse_http_date(d).ok())
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .and_then(|d| i64::try_from(d.as_secs()).ok())
    else {
        return;
    };
    failure
        .details
        .push(Detail::new("Server clock (Date header)", rfc3339(server)));
    let skew = our_time - server;
    let direction = if skew > 0 { "ahead of" } else { "behind" };
    failure
        .details
        .push(Detail::new("Difference", format!("{} s", skew.abs())));
    failure.hint = format!(
        "This machine's clock is {} seconds {direction} the server's: sync it (NTP, or w32tm /resync on Windows) and try again.",
        skew.abs()
    );
}
