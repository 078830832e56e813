//! Authenticated Graph reads with the profile's extra headers.

use super::send::{RetryContext, send};
use crate::core::event::{Failure, TestEvent};
use crate::core::graph_response;
use crate::core::headers::ExtraHeader;
use crate::core::profile::NON_INDEXED_PREFER;
use crate::core::token_response::AccessToken;

/// The parts of a Graph GET that come from the profile.
pub struct GraphRequest<'a> {
    /// The bearer token.
    pub token: &'a AccessToken,
    /// Extra headers for every Graph request.
    pub extra_headers: &'a [ExtraHeader],
    /// Adds `Prefer: HonorNonIndexedQueriesWarningMayFailRandomly`.
    pub non_indexed_search: bool,
}

/// GETs `url` and parses the JSON body; Graph errors become failures with code and request-id.
pub async fn get_json(
    client: &reqwest::Client,
    ctx: &RetryContext<'_>,
    report: &mut (dyn FnMut(TestEvent) + Send),
    request: &GraphRequest<'_>,
    url: &str,
) -> Result<serde_json::Value, Failure> {
    let answer = send(ctx, report, || {
        let mut builder = client
            .get(url)
            .bearer_auth(request.token.expose())
            .header("Accept", "application/json");
        for header in request.extra_headers {
            builder = builder.header(header.name.as_str(), header.value.as_str());
        }
        if request.non_indexed_search {
            builder = builder.header("Prefer", NON_INDEXED_PREFER);
        }
        Ok(builder)
    })
    .await?;
    graph_json(&answer)
}

/// POSTs the JSON body `make_body` builds (again for every attempt, so that each carries a fresh
/// single-use proof) to `url` with the bearer token, and parses the answer: `Null` for an empty
/// success (204), Graph errors as failures with code and request-id.
///
/// Retries follow `ctx.settings` as for any request; callers that must not repeat a call whose
/// answer was lost (a Graph write) pass settings that retry only statuses the server answered.
pub async fn post_json(
    client: &reqwest::Client,
    ctx: &RetryContext<'_>,
    report: &mut (dyn FnMut(TestEvent) + Send),
    token: &AccessToken,
    url: &str,
    mut make_body: impl FnMut() -> Result<serde_json::Value, Failure>,
) -> Result<serde_json::Value, Failure> {
    let answer = send(ctx, report, || {
        let body = make_body()?;
        Ok(client
            .post(url)
            .bearer_auth(token.expose())
            .header("Accept", "application/json")
            .header("Content-Type", "application/json")
            .body(body.to_string()))
    })
    .await?;
    if answer.is_success() && answer.body.iter().all(u8::is_ascii_whitespace) {
        return Ok(serde_json::Value::Null);
    }
    graph_json(&answer)
}

/// A Graph answer's JSON: its error as a failure with code and request-id, or a body that is not
/// JSON as such.
fn graph_json(answer: &super::send::Answer) -> Result<serde_json::Value, Failure> {
    if !answer.is_success() {
        return Err(graph_response::failure(answer.status, &answer.body));
    }
    serde_json::from_slice(&answer.body).map_err(|_| Failure {
        code: "not_json".into(),
        message: format!(
            "Graph answered HTTP {} with a body that is not JSON: \"{}\"",
            answer.status,
            crate::core::token_response::snippet(&answer.body)
        ),
        hint: "Check the Graph URL and the proxy settings.".into(),
        status: Some(answer.status),
        ..Failure::default()
    })
}
