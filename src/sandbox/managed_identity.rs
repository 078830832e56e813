//! The managed-identity endpoints as an Azure host serves them, issuing the sandbox's tokens:
//! IMDS (`GET /metadata/identity/oauth2/token?api-version=2018-02-01&resource=…`, header
//! `Metadata: true`) and App Service / Functions (`GET /msi/token?api-version=2019-08-01&resource=…`,
//! header `X-IDENTITY-HEADER` equal to the host's `IDENTITY_HEADER`). A user-assigned identity is
//! asked for with `client_id`.

use serde_json::{Value, json};

use super::server::State;
use super::token_endpoint::{access_token, token_lifetime_secs};

/// Which of the two shapes a request came in.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Shape {
    /// The VM's Instance Metadata Service.
    Imds,
    /// App Service and Functions (`IDENTITY_ENDPOINT`).
    AppService,
}

/// Answers a token request of either shape.
pub(super) fn handle(
    state: &State,
    shape: Shape,
    query: &str,
    headers: &hyper::HeaderMap,
) -> (u16, Value) {
    let params: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    let param = |name: &str| {
        params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let bad = |error: &str, description: &str| {
        (
            400,
            json!({ "error": error, "error_description": description }),
        )
    };
    let config = &state.config.key_vault;
    let (api_version, authorized) = match shape {
        Shape::Imds => ("2018-02-01", header("metadata") == Some("true")),
        Shape::AppService => (
            "2019-08-01",
            !config.identity_header.is_empty()
                && header("x-identity-header") == Some(config.identity_header.as_str()),
        ),
    };
    if !authorized {
        return match shape {
            Shape::Imds => bad("invalid_request", "Required metadata header not specified"),
            Shape::AppService => (
                401,
                json!({ "statusCode": 401, "message": "X-IDENTITY-HEADER is missing or wrong." }),
            ),
        };
    }
    if param("api-version") != Some(api_version) {
        return bad(
            "invalid_request",
            &format!("api-version must be {api_version}"),
        );
    }
    let Some(resource) = param("resource").map(|r| r.trim_end_matches('/')) else {
        return bad(
            "invalid_request",
            "Required query variable 'resource' is missing",
        );
    };
    if resource != super::key_vault::audience(state) && resource != state.base_url {
        return bad(
            "invalid_resource",
            &format!(
                "AADSTS500011: The resource principal named {resource} was not found in the tenant."
            ),
        );
    }
    let identity = match param("client_id") {
        None => config.managed_identities.first(),
        Some(wanted) => config
            .managed_identities
            .iter()
            .skip(1)
            .find(|id| id.eq_ignore_ascii_case(wanted)),
    };
    let Some(identity) = identity else {
        return bad("invalid_request", "Identity not found");
    };
    let token = access_token(state, resource, identity, &[]);
    let expires_on = (state.now() + token_lifetime_secs()).to_string();
    let lifetime = token_lifetime_secs().to_string();
    let body = match shape {
        Shape::Imds => json!({
            "access_token": token,
            "client_id": identity,
            "expires_in": lifetime,
            "expires_on": expires_on,
            "ext_expires_in": lifetime,
            "not_before": state.now().to_string(),
            "resource": resource,
            "token_type": "Bearer",
        }),
        Shape::AppService => json!({
            "access_token": token,
            "expires_on": expires_on,
            "resource": resource,
            "token_type": "Bearer",
            "client_id": identity,
        }),
    };
    (200, body)
}
