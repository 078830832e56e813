//! A small Graph: one site, its document library, one file. Only the sandbox's own tokens work.

use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::{Value, json};

use super::server::State;
use crate::core::jwt::{AccessTokenClaims, FILE_ROLES, SITE_ROLES};

const SITE_ID: &str =
    "sandbox.example.com,6f1c3a52-4c1e-4a52-9a3b-1f2e3d4c5b6a,9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b";
const SITE_PATH: &str = "sandbox.example.com:/sites/team";
const DRIVE_ID: &str = "b!sandbox-documents";

/// Answers `GET /v1.0/…`: status and JSON body.
pub(super) fn handle(state: &State, path: &str, authorization: Option<&str>) -> (u16, Value) {
    let claims = match authenticate(state, authorization) {
        Ok(claims) => claims,
        Err(message) => return error(401, "InvalidAuthenticationToken", &message),
    };
    let has = |wanted: &[&str]| claims.roles.iter().any(|r| wanted.contains(&r.as_str()));
    if claims.roles.is_empty() {
        return error(
            403,
            "accessDenied",
            "Either scp or roles claim need to be present in the token.",
        );
    }
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    // Sites.Selected reads nothing by itself: only the sites granted to the app one by one
    // (`POST /sites/{id}/permissions`), as Graph enforces it. The sandbox has one site.
    let tenant_wide = claims
        .roles
        .iter()
        .any(|r| SITE_ROLES.contains(&r.as_str()) && r != "Sites.Selected");
    let granted = has(&["Sites.Selected"]) && site_granted(state, &claims.appid);
    let site_readable = tenant_wide || granted;
    let drive_readable = site_readable || has(&FILE_ROLES);
    match segments.as_slice() {
        ["sites", site] if known_site(site) => guarded(site_readable, site_json),
        ["sites", site, "drive"] if known_site(site) => guarded(drive_readable, drive_json),
        ["drives", DRIVE_ID] => guarded(drive_readable, drive_json),
        ["drives", DRIVE_ID, "root", "children"] => guarded(
            drive_readable,
            || json!({ "value": [{ "id": "01SANDBOXWELCOME", "name": "Welcome.docx", "size": 18_432 }] }),
        ),
        ["sites", _, ..] => error(404, "itemNotFound", "Requested site could not be found"),
        ["drives", ..] => error(404, "itemNotFound", "The resource could not be found."),
        _ => error(
            400,
            "BadRequest",
            &format!(
                "Resource not found for the segment '{}'.",
                segments.first().unwrap_or(&"")
            ),
        ),
    }
}

/// Whether the app was granted the sandbox's site (under any of its names).
fn site_granted(state: &State, app_id: &str) -> bool {
    state.directory.lock().is_some_and(|data| {
        data.site_grants
            .iter()
            .any(|g| g.app_id.eq_ignore_ascii_case(app_id) && known_site(&g.site_id))
    })
}

pub(super) fn known_site(site: &str) -> bool {
    site == "root" || site == SITE_ID || site.eq_ignore_ascii_case(SITE_PATH)
}

fn guarded(allowed: bool, body: impl FnOnce() -> Value) -> (u16, Value) {
    if allowed {
        (200, body())
    } else {
        error(403, "accessDenied", "Access denied")
    }
}

fn site_json() -> Value {
    json!({ "id": SITE_ID, "displayName": "Sandbox Team Site", "name": "team", "webUrl": "https://sandbox.example.com/sites/team" })
}

fn drive_json() -> Value {
    json!({ "id": DRIVE_ID, "name": "Documents", "driveType": "documentLibrary" })
}

pub(super) fn authenticate(
    state: &State,
    authorization: Option<&str>,
) -> Result<AccessTokenClaims, String> {
    let token = authorization
        .and_then(|h| h.strip_prefix("Bearer "))
        .ok_or("Access token is empty.")?;
    let mut validation = Validation::new(Algorithm::HS256);
    validation.set_audience(&[&state.base_url]);
    // Expiry is checked against the sandbox's own (possibly offset) clock below.
    validation.validate_exp = false;
    validation.required_spec_claims.clear();
    let data = jsonwebtoken::decode::<AccessTokenClaims>(
        token,
        &DecodingKey::from_secret(&state.token_key),
        &validation,
    )
    .map_err(|e| match e.kind() {
        jsonwebtoken::errors::ErrorKind::InvalidAudience => {
            "Access token validation failure. Invalid audience.".to_owned()
        }
        _ => "Access token validation failure.".to_owned(),
    })?;
    if data.claims.exp < state.now() {
        return Err("Lifetime validation failed, the token is expired.".into());
    }
    Ok(data.claims)
}

/// Graph's error envelope with a request-id.
pub(super) fn error(status: u16, code: &str, message: &str) -> (u16, Value) {
    let request_id = uuid::Uuid::new_v4().to_string();
    (
        status,
        json!({ "error": { "code": code, "message": message, "innerError": { "request-id": request_id, "client-request-id": request_id, "date": httpdate::fmt_http_date(std::time::SystemTime::now()) } } }),
    )
}
