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
