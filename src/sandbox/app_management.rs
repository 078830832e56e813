//! Graph v1.0 for an admin managing apps with a delegated token: `/applications` (create, get and
//! filter with `$select`, `$search` on the display name with `ConsistencyLevel: eventual`, patch
//! replacing `keyCredentials`), `/servicePrincipals` (create, get by
//! `appId` with Graph's application roles), `appRoleAssignedTo`, an app's `appRoleAssignments` and
//! `/sites/{id}/permissions`.
//! Each write checks the token's `scp` and the admin's directory roles, as Graph does.

use std::collections::HashMap;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hyper::Method;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use openssl::hash::MessageDigest;
use openssl::x509::X509;
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::admin_config::DirectoryRole;
use super::app_directory::{
    DirectoryData, ManagedApp, ManagedKey, ManagedServicePrincipal, RoleAssignment, SiteGrant,
    is_graph_service_principal,
};
use super::graph_app_roles::{GRAPH_APP_ID, graph_service_principal, role_value};
use super::graph_mock::{error, known_site};
use super::server::State;
use crate::cert::unix_seconds;
use crate::core::thumbprint::to_hex;
use crate::core::time_fmt::rfc3339;

type Answer = (u16, Value);

/// The claims of a delegated token that Graph reads here.
#[derive(Deserialize)]
struct DelegatedClaims {
    #[serde(default)]
    scp: String,
    #[serde(default)]
    exp: i64,
}

const APP_WRITERS: [DirectoryRole; 4] = [
    DirectoryRole::GlobalAdministrator,
    DirectoryRole::ApplicationAdministrator,
    DirectoryRole::CloudApplicationAdministrator,
    DirectoryRole::ApplicationDeveloper,
];
const GRAPH_ROLE_GRANTERS: [DirectoryRole; 2] = [
    DirectoryRole::GlobalAdministrator,
    DirectoryRole::PrivilegedRoleAdministrator,
];
const SITE_GRANTERS: [DirectoryRole; 2] = [
    DirectoryRole::GlobalAdministrator,
    DirectoryRole::SharePointAdministrator,
];

const READ_APPS: [&str; 3] = [
    "Application.Read.All",
    "Application.ReadWrite.All",
    "Directory.Read.All",
];
const WRITE_APPS: [&str; 1] = ["Application.ReadWrite.All"];
const ASSIGN_ROLES: [&str; 1] = ["AppRoleAssignment.ReadWrite.All"];
const GRANT_SITES: [&str; 1] = ["Sites.FullControl.All"];

/// The request headers app management reads.
#[derive(Clone, Copy)]
pub(super) struct Caller<'a> {
    /// `Authorization`.
    pub authorization: Option<&'a str>,
    /// `ConsistencyLevel`, which Graph requires for `$search` on directory objects.
    pub consistency_level: Option<&'a str>,
}

impl<'a> Caller<'a> {
    /// The headers of a request.
    pub(super) fn of(headers: &'a hyper::HeaderMap) -> Self {
        let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
        Self {
            authorization: header("authorization"),
            consistency_level: header("ConsistencyLevel"),
        }
    }
}

/// Answers the app management requests under `/v1.0/` (`segments` are the whole path's);
/// `None` for any other path.
pub(super) fn handle(
    state: &State,
    method: &Method,
    segments: &[&str],
    query: &str,
    caller: Caller<'_>,
    body: &[u8],
) -> Option<Answer> {
    let authorization = caller.authorization;
    let ["v1.0", segments @ ..] = segments else {
        return None;
    };
    let route = Route::of(method, segments)?;
    let scopes = match authenticate(state, authorization) {
        Ok(scopes) => scopes,
        Err(answer) => return Some(answer),
    };
    let params: HashMap<String, String> = url::form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    let admin_has = |roles: &[DirectoryRole]| {
        state
            .config
            .admin
            .admin
            .directory_roles
            .iter()
            .any(|r| roles.contains(r))
    };
    let (needed_scopes, needed_roles): (&[&str], Option<&[DirectoryRole]>) = match &route {
        Route::CreateApp | Route::PatchApp(_) | Route::CreateServicePrincipal => {
            (&WRITE_APPS, Some(&APP_WRITERS))
        }
        Route::GetApp(_)
        | Route::ListApps
        | Route::GetServicePrincipal(_)
        | Route::ListAssignments(_) => (&READ_APPS, None),
        Route::AssignRole(_) => (&ASSIGN_ROLES, Some(&GRAPH_ROLE_GRANTERS)),
        Route::GrantSite(_) => (&GRANT_SITES, Some(&SITE_GRANTERS)),
    };
    let denied = if matches!(route, Route::GrantSite(_)) {
        // SharePoint answers for sites, with its own code.
        || error(403, "accessDenied", "Access denied")
    } else {
        || insufficient()
    };
    if !scopes.iter().any(|s| needed_scopes.contains(&s.as_str())) {
        return Some(denied());
    }
    if needed_roles.is_some_and(|roles| !admin_has(roles)) {
        return Some(denied());
    }
    let request = if body.is_empty() {
        Value::Null
    } else {
        match serde_json::from_slice::<Value>(body) {
            Ok(value) if value.is_object() => value,
            _ => {
                return Some(bad_request(
                    "Request_BadRequest",
                    "The request body is not a JSON object.",
                ));
            }
        }
    };
    let Some(mut data) = state.directory.lock() else {
        return Some(error(500, "generalException", "The directory is unusable."));
    };
    let select = params.get("$select").map(|s| {
        s.split(',')
            .map(|p| p.trim().to_owned())
            .collect::<Vec<_>>()
    });
    Some(match route {
        Route::CreateApp => create_app(state, &mut data, &request),
        Route::GetApp(id) => match find_app(&data, &id) {
            Some(app) => (
                200,
                selected(app_json(app, select.as_deref()), select.as_deref()),
            ),
            None => not_found(&id),
        },
        Route::ListApps => match params.get("$search") {
            Some(search) => search_apps(&data, search, &params, caller, select.as_deref()),
            None => list_apps(&data, params.get("$filter"), select.as_deref()),
        },
        Route::PatchApp(id) => patch_app(state, &mut data, &id, &request),
        Route::CreateServicePrincipal => create_service_principal(&mut data, &request),
        Route::GetServicePrincipal(app_id) => {
            get_service_principal(&data, &app_id, select.as_deref())
        }
        Route::AssignRole(resource) => assign_role(state, &mut data, &resource, &request),
        Route::ListAssignments(principal) => list_assignments(&data, &principal),
        Route::GrantSite(site) => grant_site(&mut data, &site, &request),
    })
}

enum Route {
    CreateApp,
    ListApps,
    GetApp(String),
    PatchApp(String),
    CreateServicePrincipal,
    GetServicePrincipal(String),
    AssignRole(String),
    ListAssignments(String),
    GrantSite(String),
}

impl Route {
    fn of(method: &Method, segments: &[&str]) -> Option<Self> {
        let by_app_id = |segment: &str| {
            let segment = segment.replace("%27", "'");
            segment
                .strip_prefix("servicePrincipals(appId='")
                .and_then(|rest| rest.strip_suffix("')"))
                .map(|id| id.to_ascii_lowercase())
        };
        Some(match (method, segments) {
            (&Method::POST, ["applications"]) => Self::CreateApp,
            (&Method::GET, ["applications"]) => Self::ListApps,
            (&Method::GET, ["applications", id]) => Self::GetApp(id.to_ascii_lowercase()),
            (&Method::PATCH, ["applications", id]) => Self::PatchApp(id.to_ascii_lowercase()),
            (&Method::POST, ["servicePrincipals"]) => Self::CreateServicePrincipal,
            (&Method::GET, [segment]) => Self::GetServicePrincipal(by_app_id(segment)?),
            (&Method::POST, ["servicePrincipals", id, "appRoleAssignedTo"]) => {
                Self::AssignRole(id.to_ascii_lowercase())
            }
            (&Method::GET, ["servicePrincipals", id, "appRoleAssignments"]) => {
                Self::ListAssignments(id.to_ascii_lowercase())
            }
            (&Method::POST, ["sites", site, "permissions"]) => Self::GrantSite((*site).to_owned()),
            _ => return None,
        })
    }
}

/// The delegated scopes of the bearer token, or Graph's refusal: 401 for no or a bad token, 403
/// for an app-only token (these calls are made on an admin's behalf here).
fn authenticate(state: &State, authorization: Option<&str>) -> Result<Vec<String>, Answer> {
    let unauthenticated = |message: &str| error(401, "InvalidAuthenticationToken", message);
    let token = authorization
        .and_then(|h| h.strip_prefix("Bearer "))
        .ok_or_else(|| unauthenticated("Access token is empty."))?;
    let mut validation = Validation::new(Algorithm::HS256);
    validation.set_audience(&[&state.base_url]);
    validation.validate_exp = false;
    validation.required_spec_claims.clear();
    let claims = jsonwebtoken::decode::<DelegatedClaims>(
        token,
        &DecodingKey::from_secret(&state.token_key),
        &validation,
    )
    .map_err(|_| unauthenticated("Access token validation failure."))?
    .claims;
    if claims.exp < state.now() {
        return Err(unauthenticated(
            "Lifetime validation failed, the token is expired.",
        ));
    }
    if claims.scp.is_empty() {
        return Err(insufficient());
    }
    Ok(claims.scp.split(' ').map(str::to_owned).collect())
}

fn insufficient() -> Answer {
    error(
        403,
        "Authorization_RequestDenied",
        "Insufficient privileges to complete the operation.",
    )
}

fn bad_request(code: &str, message: &str) -> Answer {
    error(400, code, message)
}

fn not_found(id: &str) -> Answer {
    error(
        404,
        "Request_ResourceNotFound",
        &format!(
            "Resource '{id}' does not exist or one of its queried reference-property objects are not present."
        ),
    )
}

fn find_app<'a>(data: &'a DirectoryData, id: &str) -> Option<&'a ManagedApp> {
    data.apps.iter().find(|a| a.id == id)
}

fn text<'a>(value: &'a Value, key: &str) -> &'a str {
    value.get(key).and_then(Value::as_str).unwrap_or_default()
}

/// `keyCredentials` as sent: each `AsymmetricX509Cert` / `Verify` with the base64 DER `key`.
/// A `keyId` that the app already has keeps that key's replication state.
fn parse_keys(
    request: &Value,
    existing: &[ManagedKey],
    replicated_at: std::time::Instant,
) -> Result<Vec<ManagedKey>, Answer> {
    let invalid = || {
        bad_request(
            "Request_BadRequest",
            "Invalid value specified for property 'keyCredentials' of resource 'Application'.",
        )
    };
    let Some(entries) = request.get("keyCredentials") else {
        return Ok(Vec::new());
    };
    let entries = entries.as_array().ok_or_else(invalid)?;
    let mut keys: Vec<ManagedKey> = Vec::new();
    for entry in entries {
        if text(entry, "type") != "AsymmetricX509Cert" || text(entry, "usage") != "Verify" {
            return Err(invalid());
        }
        let certificate = STANDARD
            .decode(text(entry, "key"))
            .ok()
            .and_then(|der| X509::from_der(&der).ok())
            .ok_or_else(invalid)?;
        let key_id = match text(entry, "keyId") {
            "" => uuid::Uuid::new_v4().to_string(),
            id => id.to_ascii_lowercase(),
        };
        if keys.iter().any(|k| k.key_id == key_id) {
            return Err(invalid());
        }
        let same = existing.iter().find(|k| {
            k.key_id == key_id && k.certificate.to_der().ok() == certificate.to_der().ok()
        });
        keys.push(ManagedKey {
            key_id,
            display_name: text(entry, "displayName").to_owned(),
            replicated_at: same.map_or(replicated_at, |k| k.replicated_at),
            certificate,
        });
    }
    Ok(keys)
}

fn create_app(state: &State, data: &mut DirectoryData, request: &Value) -> Answer {
    let display_name = text(request, "displayName");
    if display_name.is_empty() {
        return bad_request(
            "Request_BadRequest",
            "Invalid value specified for property 'displayName' of resource 'Application'.",
        );
    }
    let audience = match text(request, "signInAudience") {
        "" => "AzureADMyOrg",
        audience @ ("AzureADMyOrg"
        | "AzureADMultipleOrgs"
        | "AzureADandPersonalMicrosoftAccount"
        | "PersonalMicrosoftAccount") => audience,
        _ => {
            return bad_request(
                "Request_BadRequest",
                "Invalid value specified for property 'signInAudience' of resource 'Application'.",
            );
        }
    };
    let required = request
        .get("requiredResourceAccess")
        .cloned()
        .unwrap_or_else(|| json!([]));
    if !required_access_is_valid(&required) {
        return bad_request(
            "Request_BadRequest",
            "Invalid value specified for property 'requiredResourceAccess' of resource 'Application'.",
        );
    }
    let replicated_at = state.directory.replicated_from_now();
    let keys = match parse_keys(request, &[], replicated_at) {
        Ok(keys) => keys,
        Err(answer) => return answer,
    };
    let app = ManagedApp {
        id: uuid::Uuid::new_v4().to_string(),
        app_id: uuid::Uuid::new_v4().to_string(),
        display_name: display_name.to_owned(),
        sign_in_audience: audience.to_owned(),
        created: rfc3339(state.now()),
        keys,
        required_resource_access: required,
        other_roles: Vec::new(),
        replicated_at,
    };
    let body = app_json(&app, None);
    data.apps.push(app);
    (201, body)
}

/// `[{resourceAppId, resourceAccess: [{id, type: Role|Scope}]}]`.
fn required_access_is_valid(value: &Value) -> bool {
    value.as_array().is_some_and(|resources| {
        resources.iter().all(|resource| {
            !text(resource, "resourceAppId").is_empty()
                && resource
                    .get("resourceAccess")
                    .and_then(Value::as_array)
                    .is_some_and(|access| {
                        access.iter().all(|a| {
                            !text(a, "id").is_empty() && matches!(text(a, "type"), "Role" | "Scope")
                        })
                    })
        })
    })
}

fn patch_app(state: &State, data: &mut DirectoryData, id: &str, request: &Value) -> Answer {
    let replicated_at = state.directory.replicated_from_now();
    let Some(app) = data.apps.iter_mut().find(|a| a.id == id) else {
        return not_found(id);
    };
    if request.get("keyCredentials").is_some() {
        match parse_keys(request, &app.keys, replicated_at) {
            // The collection is replaced: keys not sent are removed.
            Ok(keys) => app.keys = keys,
            Err(answer) => return answer,
        }
    }
    if let Some(name) = request.get("displayName").and_then(Value::as_str) {
        app.display_name = name.to_owned();
    }
    if let Some(required) = request.get("requiredResourceAccess") {
        if !required_access_is_valid(required) {
            return bad_request(
                "Request_BadRequest",
                "Invalid value specified for property 'requiredResourceAccess' of resource 'Application'.",
            );
        }
        app.required_resource_access = required.clone();
    }
    (204, Value::Null)
}

fn list_apps(data: &DirectoryData, filter: Option<&String>, select: Option<&[String]>) -> Answer {
    let unsupported = || {
        bad_request(
            "Request_UnsupportedQuery",
            "Unsupported or invalid query filter clause specified for property of resource 'Application'.",
        )
    };
    let matches: Box<dyn Fn(&ManagedApp) -> bool> = match filter {
        None => Box::new(|_| true),
        Some(filter) => {
            let Some((property, rest)) = filter.split_once(" eq '") else {
                return unsupported();
            };
            let Some(wanted) = rest.strip_suffix('\'') else {
                return unsupported();
            };
            let wanted = wanted.replace("''", "'");
            match property.trim() {
                "appId" => Box::new(move |a| a.app_id.eq_ignore_ascii_case(&wanted)),
                "displayName" => Box::new(move |a| a.display_name == wanted),
                _ => return unsupported(),
            }
        }
    };
    let value: Vec<Value> = data
        .apps
        .iter()
        .filter(|a| matches(a))
        .map(|a| selected(app_json(a, select), select))
        .collect();
    (200, json!({ "value": value }))
}

/// `GET /applications?$search="displayName:…"`: an advanced query, so, as Graph answers, refused
/// without `ConsistencyLevel: eventual`. Graph tokenizes the display name and matches each word's
/// start, ignoring case; `$count=true` adds `@odata.count`.
fn search_apps(
    data: &DirectoryData,
    search: &str,
    params: &HashMap<String, String>,
    caller: Caller<'_>,
    select: Option<&[String]>,
) -> Answer {
    if !caller
        .consistency_level
        .is_some_and(|level| level.eq_ignore_ascii_case("eventual"))
    {
        return bad_request(
            "Request_UnsupportedQuery",
            "Request with $search query parameter only works through MSGraph with a special request header: 'ConsistencyLevel: eventual'",
        );
    }
    let term = search
        .trim()
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .and_then(|s| s.strip_prefix("displayName:"));
    let Some(term) = term else {
        return bad_request(
            "Request_UnsupportedQuery",
            "Syntax error: the $search value must be \"property:text\" for a supported property.",
        );
    };
    let words: Vec<String> = term.split_whitespace().map(str::to_lowercase).collect();
    let name_words = |name: &str| -> Vec<String> {
        name.split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect()
    };
    let value: Vec<Value> = data
        .apps
        .iter()
        .filter(|a| {
            let names = name_words(&a.display_name);
            !words.is_empty()
                && words
                    .iter()
                    .all(|word| names.iter().any(|name| name.starts_with(word.as_str())))
        })
        .map(|a| selected(app_json(a, select), select))
        .collect();
    let count = value.len();
    let mut answer = json!({ "value": value });
    if params.get("$count").is_some_and(|c| c == "true") {
        answer["@odata.count"] = json!(count);
    }
    (200, answer)
}

fn create_service_principal(data: &mut DirectoryData, request: &Value) -> Answer {
    let app_id = text(request, "appId").to_ascii_lowercase();
    let now = std::time::Instant::now();
    let Some(app) = data
        .apps
        .iter()
        .find(|a| a.app_id == app_id && a.replicated_at <= now)
    else {
        return bad_request(
            "Request_BadRequest",
            &format!(
                "The appId '{app_id}' of the service principal does not reference a valid application object."
            ),
        );
    };
    if data.service_principals.iter().any(|sp| sp.app_id == app_id) {
        return error(
            409,
            "Request_MultipleObjectsWithSameKeyValue",
            "Another object with the same value for property servicePrincipalNames already exists.",
        );
    }
    let sp = ManagedServicePrincipal {
        id: uuid::Uuid::new_v4().to_string(),
        app_id,
        display_name: app.display_name.clone(),
    };
    let body = service_principal_json(&sp);
    data.service_principals.push(sp);
    (201, body)
}

fn get_service_principal(data: &DirectoryData, app_id: &str, select: Option<&[String]>) -> Answer {
    if app_id == GRAPH_APP_ID {
        return (200, selected(graph_service_principal(), select));
    }
    match data
        .service_principals
        .iter()
        .find(|sp| sp.app_id == app_id)
    {
        Some(sp) => (200, selected(service_principal_json(sp), select)),
        None => not_found(&format!("servicePrincipals(appId='{app_id}')")),
    }
}

fn assign_role(state: &State, data: &mut DirectoryData, resource: &str, request: &Value) -> Answer {
    let (principal_id, resource_id, app_role_id) = (
        text(request, "principalId").to_ascii_lowercase(),
        text(request, "resourceId").to_ascii_lowercase(),
        text(request, "appRoleId").to_ascii_lowercase(),
    );
    if !is_graph_service_principal(resource) {
        return not_found(resource);
    }
    if resource_id != resource {
        return bad_request(
            "Request_BadRequest",
            "The resourceId must be the service principal the request is posted to.",
        );
    }
    let Some(principal) = data
        .service_principals
        .iter()
        .find(|sp| sp.id == principal_id)
    else {
        return not_found(&principal_id);
    };
    if role_value(&app_role_id).is_none() {
        return bad_request(
            "Request_BadRequest",
            "Permission being assigned was not found on application",
        );
    }
    if data
        .assignments
        .iter()
        .any(|a| a.principal_id == principal_id && a.app_role_id == app_role_id)
    {
        return bad_request(
            "Request_BadRequest",
            "Permission being assigned already exists on the object",
        );
    }
    let assignment = RoleAssignment {
        id: uuid::Uuid::new_v4().to_string(),
        principal_id,
        app_role_id,
        created: rfc3339(state.now()),
        replicated_at: state.directory.replicated_from_now(),
    };
    let body = json!({
        "id": assignment.id,
        "appRoleId": assignment.app_role_id,
        "createdDateTime": assignment.created,
        "deletedDateTime": null,
        "principalDisplayName": principal.display_name,
        "principalId": assignment.principal_id,
        "principalType": "ServicePrincipal",
        "resourceDisplayName": "Microsoft Graph",
        "resourceId": resource_id,
    });
    data.assignments.push(assignment);
    (201, body)
}

/// `GET /servicePrincipals/{id}/appRoleAssignments`: the roles granted to an app.
fn list_assignments(data: &DirectoryData, principal_id: &str) -> Answer {
    let Some(principal) = data
        .service_principals
        .iter()
        .find(|sp| sp.id == principal_id)
    else {
        return not_found(principal_id);
    };
    let value: Vec<Value> = data
        .assignments
        .iter()
        .filter(|a| a.principal_id == principal_id)
        .map(|a| {
            json!({
                "id": a.id,
                "appRoleId": a.app_role_id,
                "createdDateTime": a.created,
                "principalDisplayName": principal.display_name,
                "principalId": a.principal_id,
                "principalType": "ServicePrincipal",
                "resourceDisplayName": "Microsoft Graph",
                "resourceId": super::graph_app_roles::GRAPH_SERVICE_PRINCIPAL_ID,
            })
        })
        .collect();
    (200, json!({ "value": value }))
}

fn grant_site(data: &mut DirectoryData, site: &str, request: &Value) -> Answer {
    let invalid = |message: &str| bad_request("invalidRequest", message);
    if !known_site(site) {
        return error(404, "itemNotFound", "Requested site could not be found");
    }
    let roles: Vec<String> = request
        .get("roles")
        .and_then(Value::as_array)
        .map(|r| {
            r.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    if roles.is_empty()
        || roles
            .iter()
            .any(|r| !matches!(r.as_str(), "read" | "write" | "owner" | "fullcontrol"))
    {
        return invalid("roles must be one or more of read, write, owner, fullcontrol.");
    }
    let identities = request
        .get("grantedToIdentities")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let [identity] = identities.as_slice() else {
        return invalid("grantedToIdentities must name one application.");
    };
    let application = identity.get("application").cloned().unwrap_or(Value::Null);
    let app_id = text(&application, "id").to_ascii_lowercase();
    if !data.apps.iter().any(|a| a.app_id == app_id) {
        return invalid(&format!("The application '{app_id}' was not found."));
    }
    let grant = SiteGrant {
        id: STANDARD.encode(format!("i:0i.t|ms.sp.ext|{app_id}@sandbox")),
        site_id: site.to_owned(),
        app_id: app_id.clone(),
        display_name: text(&application, "displayName").to_owned(),
        roles,
    };
    let identity =
        json!({ "application": { "id": grant.app_id, "displayName": grant.display_name } });
    let body = json!({
        "id": grant.id,
        "roles": grant.roles,
        "grantedToIdentities": [identity],
        "grantedToIdentitiesV2": [identity],
    });
    data.site_grants
        .retain(|g| !(g.site_id == grant.site_id && g.app_id == grant.app_id));
    data.site_grants.push(grant);
    (201, body)
}

fn service_principal_json(sp: &ManagedServicePrincipal) -> Value {
    json!({
        "id": sp.id,
        "appId": sp.app_id,
        "displayName": sp.display_name,
        "servicePrincipalType": "Application",
        "accountEnabled": true,
        "appRoles": [],
    })
}

/// The application as Graph returns it; `key` values only when `$select` names `keyCredentials`.
fn app_json(app: &ManagedApp, select: Option<&[String]>) -> Value {
    let with_key = select.is_some_and(|s| s.iter().any(|p| p == "keyCredentials"));
    let keys: Vec<Value> = app
        .keys
        .iter()
        .map(|key| {
            let thumbprint = key
                .certificate
                .digest(MessageDigest::sha1())
                .map(|d| to_hex(&d))
                .unwrap_or_default();
            let value = with_key
                .then(|| key.certificate.to_der().ok().map(|d| STANDARD.encode(d)))
                .flatten();
            json!({
                "keyId": key.key_id,
                "type": "AsymmetricX509Cert",
                "usage": "Verify",
                "displayName": key.display_name,
                "customKeyIdentifier": thumbprint,
                "startDateTime": rfc3339(unix_seconds(key.certificate.not_before())),
                "endDateTime": rfc3339(unix_seconds(key.certificate.not_after())),
                "key": value,
            })
        })
        .collect();
    json!({
        "id": app.id,
        "appId": app.app_id,
        "displayName": app.display_name,
        "signInAudience": app.sign_in_audience,
        "createdDateTime": app.created,
        "keyCredentials": keys,
        "passwordCredentials": [],
        "requiredResourceAccess": app.required_resource_access,
    })
}

/// Only the properties `$select` names (all without it).
fn selected(value: Value, select: Option<&[String]>) -> Value {
    let (Some(select), Value::Object(object)) = (select, &value) else {
        return value;
    };
    let kept: Map<String, Value> = object
        .iter()
        .filter(|(name, _)| select.iter().any(|s| s == *name))
        .map(|(name, value)| (name.clone(), value.clone()))
        .collect();
    Value::Object(kept)
}
