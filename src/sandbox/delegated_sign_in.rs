//! Delegated admin sign-in as Entra answers a public client: `GET /{tenant}/oauth2/v2.0/authorize`
//! (authorization code with PKCE S256, loopback redirect), `POST …/devicecode`, and the token
//! endpoint's `authorization_code` and device code grants. The configured admin is signed in at
//! once at `/authorize`; a device code is approved at the `/devicelogin` page (`device_login`) or by
//! a test's hook. Tokens carry `scp`, `tid`, `oid`, `upn` and `name`.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{EncodingKey, Header};
use serde_json::{Value, json};

use super::entra_error::{EntraRefusal, refuse};
use super::server::State;

/// The device code grant's `grant_type` (RFC 8628).
pub const DEVICE_CODE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

/// Lifetime of the delegated tokens the sandbox issues.
const TOKEN_LIFETIME_SECS: i64 = 3599;

/// Delegated Graph permissions the sign-in client may be granted (`scp`).
pub const DELEGATED_SCOPES: [&str; 7] = [
    "Application.Read.All",
    "Application.ReadWrite.All",
    "AppRoleAssignment.ReadWrite.All",
    "Sites.FullControl.All",
    "Sites.Read.All",
    "Directory.Read.All",
    "User.Read",
];

/// Whether a `scope` parameter asks for a refresh token.
fn asks_offline(scope: &str) -> bool {
    scope.split_whitespace().any(|s| s == "offline_access")
}

/// OpenID Connect scopes: accepted, never in `scp`.
const OIDC_SCOPES: [&str; 4] = ["openid", "profile", "email", "offline_access"];

/// What the authorize endpoint answers.
pub(super) enum AuthorizeAnswer {
    /// 302 to this URL (the redirect URI with `code` and `state`, or `error`).
    Redirect(String),
    /// No redirect is safe (unknown client, unregistered redirect URI): a page with this status.
    Page(u16, String),
}

struct IssuedCode {
    client_id: String,
    redirect_uri: String,
    code_challenge: String,
    scopes: Vec<String>,
    /// `offline_access` was asked: the tokens come with a refresh token.
    offline: bool,
    expires: Instant,
    redeemed: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Decision {
    Pending,
    Approved,
    Declined,
}

struct DeviceGrant {
    device_code: String,
    user_code: String,
    client_id: String,
    scopes: Vec<String>,
    offline: bool,
    expires: Instant,
    interval: Duration,
    last_poll: Option<Instant>,
    polls: u32,
    decision: Decision,
    slow_down_next: bool,
}

/// What became of a user code typed on the device login page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum TypedCode {
    /// A pending (or already approved) code: approved.
    Approved,
    /// No such code, or one that was declined or already redeemed.
    Unknown,
    /// The code's lifetime is over.
    Expired,
}

/// A refresh token issued and not yet used or revoked: whose client it is.
struct RefreshGrant {
    client_id: String,
}

/// Codes, device codes and refresh tokens issued and not yet forgotten.
#[derive(Default)]
pub(super) struct SignInState {
    codes: Mutex<HashMap<String, IssuedCode>>,
    device_grants: Mutex<Vec<DeviceGrant>>,
    refresh_tokens: Mutex<HashMap<String, RefreshGrant>>,
}

impl SignInState {
    /// Approves (or declines) the device code with this user code; false when there is none.
    pub fn decide(&self, user_code: &str, approve: bool) -> bool {
        let Ok(mut grants) = self.device_grants.lock() else {
            return false;
        };
        let Some(grant) = grants.iter_mut().find(|g| g.user_code == user_code) else {
            return false;
        };
        grant.decision = if approve {
            Decision::Approved
        } else {
            Decision::Declined
        };
        true
    }

    /// Revokes every refresh token issued so far, as an admin's "revoke sessions" does: the next
    /// use of one is refused with `invalid_grant`.
    pub fn revoke_refresh_tokens(&self) {
        if let Ok(mut tokens) = self.refresh_tokens.lock() {
            tokens.clear();
        }
    }

    /// How many refresh tokens are live (issued, not used, not revoked).
    pub fn live_refresh_tokens(&self) -> usize {
        self.refresh_tokens.lock().map_or(0, |tokens| tokens.len())
    }

    /// Approves the device code whose user code was typed on the page, as Entra's page reads a
    /// code: spaces and dashes ignored, letters in any case.
    pub fn approve_typed(&self, typed: &str) -> TypedCode {
        let code: String = typed
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .collect::<String>()
            .to_ascii_uppercase();
        let Ok(mut grants) = self.device_grants.lock() else {
            return TypedCode::Unknown;
        };
        let Some(grant) = grants
            .iter_mut()
            .find(|g| !code.is_empty() && g.user_code == code)
        else {
            return TypedCode::Unknown;
        };
        if Instant::now() >= grant.expires {
            return TypedCode::Expired;
        }
        if grant.decision == Decision::Declined {
            return TypedCode::Unknown;
        }
        grant.decision = Decision::Approved;
        TypedCode::Approved
    }

    /// Answers the next poll of the device code with this user code `slow_down`, as Entra does
    /// when it judges a client too fast; false when there is none.
    pub fn slow_down_next(&self, user_code: &str) -> bool {
        let Ok(mut grants) = self.device_grants.lock() else {
            return false;
        };
        let Some(grant) = grants.iter_mut().find(|g| g.user_code == user_code) else {
            return false;
        };
        grant.slow_down_next = true;
        true
    }

    /// How many times the device code with this user code has been polled (slowed-down polls
    /// excluded).
    pub fn polls(&self, user_code: &str) -> u32 {
        self.device_grants
            .lock()
            .ok()
            .and_then(|grants| {
                grants
                    .iter()
                    .find(|g| g.user_code == user_code)
                    .map(|g| g.polls)
            })
            .unwrap_or(0)
    }
}

/// Entra's refusal with the OAuth `error` this flow defines (RFC 6749 / RFC 8628), which
/// `refuse` does not map from the code alone.
fn refuse_as(error: &str, code: u32, message: &str, now: i64) -> EntraRefusal {
    let mut refusal = refuse(code, message, now);
    refusal.status = 400;
    refusal.body["error"] = json!(error);
    refusal
}

/// A form body's or a query's fields by name (a missing field reads as empty).
struct Form(HashMap<String, String>);

impl Form {
    fn parse(encoded: &[u8]) -> Self {
        Self(url::form_urlencoded::parse(encoded).into_owned().collect())
    }

    fn field(&self, name: &str) -> &str {
        self.0.get(name).map(String::as_str).unwrap_or_default()
    }
}

/// Entra's refusal of a token endpoint's request for a tenant it does not know.
fn check_tenant(state: &State, tenant: &str, now: i64) -> Result<(), EntraRefusal> {
    if tenant_is_ours(state, tenant) {
        Ok(())
    } else {
        Err(refuse(90002, &tenant_not_found(tenant), now))
    }
}

/// Entra's refusal of a token endpoint's request by a client that is not a public client here.
fn check_public_client(state: &State, client_id: &str, now: i64) -> Result<(), EntraRefusal> {
    if is_public_client(state, client_id) {
        Ok(())
    } else {
        Err(refuse(700016, &unknown_client(state, client_id), now))
    }
}

/// Entra's answer when its state is briefly out of reach (here: a poisoned lock).
fn transient(error: &str, now: i64) -> EntraRefusal {
    refuse_as(
        error,
        90033,
        "A transient error has occurred. Please try again.",
        now,
    )
}

/// AADSTS70008: the code or refresh token is not (or no longer) one Entra honours.
const EXPIRED_GRANT: &str = "The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.";

fn tenant_is_ours(state: &State, tenant: &str) -> bool {
    let tenant = tenant.to_ascii_lowercase();
    tenant == state.config.tenant_id || tenant == state.config.tenant_domain
}

fn tenant_not_found(tenant: &str) -> String {
    format!(
        "Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud."
    )
}

fn unknown_client(state: &State, client_id: &str) -> String {
    format!(
        "Application with identifier '{client_id}' was not found in the directory '{}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.",
        state.config.tenant_domain
    )
}

fn is_public_client(state: &State, client_id: &str) -> bool {
    state
        .config
        .admin
        .public_client_ids
        .iter()
        .any(|c| c.eq_ignore_ascii_case(client_id))
}

/// A redirect URI Entra accepts for a public client here: `http://localhost[:port]/…` or
/// `http://127.0.0.1[:port]/…` (the port is not compared, RFC 8252 §7.3), no fragment.
fn is_loopback_redirect(redirect_uri: &str) -> bool {
    url::Url::parse(redirect_uri).is_ok_and(|url| {
        url.scheme() == "http"
            && matches!(url.host_str(), Some("localhost" | "127.0.0.1"))
            && url.fragment().is_none()
            && url.username().is_empty()
            && url.password().is_none()
    })
}

/// The delegated scopes a `scope` parameter asks for, or the one that is not valid. Scopes name
/// the sandbox's Graph (`{base}/Sites.FullControl.All`) or are bare (Graph's, as Entra reads them);
/// `{base}/.default` asks for every delegated scope the sign-in client may have.
fn granted_scopes(state: &State, scope: &str) -> Result<Vec<String>, String> {
    let mut granted: Vec<String> = Vec::new();
    let prefix = format!("{}/", state.base_url);
    for requested in scope.split_whitespace() {
        if OIDC_SCOPES.contains(&requested) {
            continue;
        }
        if super::key_vault::asks_for_vault(state, requested) {
            granted.push(VAULT_GRANT.to_owned());
            continue;
        }
        let name = requested.strip_prefix(&prefix).unwrap_or(requested);
        let names: Vec<&str> = if name == ".default" {
            DELEGATED_SCOPES.to_vec()
        } else if let Some(known) = DELEGATED_SCOPES
            .iter()
            .find(|s| s.eq_ignore_ascii_case(name))
        {
            vec![known]
        } else {
            return Err(requested.to_owned());
        };
        for name in names {
            if !granted.iter().any(|g| g == name) {
                granted.push(name.to_owned());
            }
        }
    }
    // One resource a token, as Entra has it (AADSTS28000): the vault's, or Graph's.
    if granted.is_empty() || (granted.len() > 1 && granted.iter().any(|g| g == VAULT_GRANT)) {
        return Err(scope.to_owned());
    }
    Ok(granted)
}

fn invalid_scope_message(scope: &str) -> String {
    format!(
        "The provided request must include a 'scope' input parameter. The provided value for the input parameter 'scope' is not valid. The scope '{scope}' is not valid."
    )
}

fn random_code(prefix: &str) -> String {
    format!(
        "{prefix}{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    )
}

/// A user code as Entra shows it: nine letters and digits, upper case.
fn user_code() -> String {
    uuid::Uuid::new_v4().simple().to_string()[..9].to_ascii_uppercase()
}

/// Answers `GET /{tenant}/oauth2/v2.0/authorize?{query}`.
pub(super) fn authorize(state: &State, tenant: &str, query: &str) -> AuthorizeAnswer {
    let params = Form::parse(query.as_bytes());
    let param = |name: &str| params.field(name);
    if !tenant_is_ours(state, tenant) {
        return AuthorizeAnswer::Page(400, format!("AADSTS90002: {}", tenant_not_found(tenant)));
    }
    let client_id = param("client_id");
    if !is_public_client(state, client_id) {
        return AuthorizeAnswer::Page(
            400,
            format!("AADSTS700016: {}", unknown_client(state, client_id)),
        );
    }
    let redirect_uri = param("redirect_uri");
    if !is_loopback_redirect(redirect_uri) {
        return AuthorizeAnswer::Page(
            400,
            format!(
                "AADSTS50011: The redirect URI '{redirect_uri}' specified in the request does not match the redirect URIs configured for the application '{client_id}'."
            ),
        );
    }
    // From here errors go back to the client at its redirect URI (RFC 6749 §4.1.2.1).
    let state_param = params.0.get("state").cloned();
    let back = |pairs: &[(&str, &str)]| {
        let mut url = url::Url::parse(redirect_uri).expect("checked above");
        {
            let mut query = url.query_pairs_mut();
            for (name, value) in pairs {
                query.append_pair(name, value);
            }
            if let Some(value) = &state_param {
                query.append_pair("state", value);
            }
        }
        AuthorizeAnswer::Redirect(url.to_string())
    };
    let error = |error: &str, description: &str| {
        back(&[("error", error), ("error_description", description)])
    };
    if param("response_type") != "code" {
        return error(
            "unsupported_response_type",
            &format!(
                "AADSTS700054: response_type '{}' is not enabled for the application.",
                param("response_type")
            ),
        );
    }
    let challenge = param("code_challenge");
    if challenge.is_empty() {
        return error(
            "invalid_request",
            "AADSTS9002325: Proof Key for Code Exchange is required for cross-origin authorization code redemption.",
        );
    }
    if param("code_challenge_method") != "S256" {
        return error(
            "invalid_request",
            "The code_challenge_method must be 'S256' (RFC 7636 §4.3).",
        );
    }
    if challenge.len() != 43 || URL_SAFE_NO_PAD.decode(challenge).is_err() {
        return error(
            "invalid_request",
            "The code_challenge must be the base64url SHA-256 of the code verifier (43 characters).",
        );
    }
    let scopes = match granted_scopes(state, param("scope")) {
        Ok(scopes) => scopes,
        Err(scope) => {
            return error(
                "invalid_scope",
                &format!("AADSTS70011: {}", invalid_scope_message(&scope)),
            );
        }
    };
    let code = random_code("1.A");
    if let Ok(mut codes) = state.sign_in.codes.lock() {
        codes.insert(
            code.clone(),
            IssuedCode {
                client_id: client_id.to_ascii_lowercase(),
                redirect_uri: redirect_uri.to_owned(),
                code_challenge: challenge.to_owned(),
                scopes,
                offline: asks_offline(param("scope")),
                expires: Instant::now() + state.config.admin.authorization_code_lifetime,
                redeemed: false,
            },
        );
    }
    back(&[("code", &code)])
}

/// Answers `POST /{tenant}/oauth2/v2.0/devicecode`.
pub(super) fn device_code(state: &State, tenant: &str, body: &[u8]) -> Result<Value, EntraRefusal> {
    let now = state.now();
    let form = Form::parse(body);
    let field = |name: &str| form.field(name);
    check_tenant(state, tenant, now)?;
    let client_id = field("client_id");
    check_public_client(state, client_id, now)?;
    let scopes = granted_scopes(state, field("scope"))
        .map_err(|scope| refuse(70011, &invalid_scope_message(&scope), now))?;
    let admin = &state.config.admin;
    let grant = DeviceGrant {
        device_code: random_code("DAQABIQEAAA"),
        user_code: user_code(),
        client_id: client_id.to_ascii_lowercase(),
        scopes,
        offline: asks_offline(field("scope")),
        expires: Instant::now() + admin.device_code_lifetime,
        interval: Duration::from_secs(admin.device_code_interval_secs),
        last_poll: None,
        polls: 0,
        decision: Decision::Pending,
        slow_down_next: false,
    };
    let verification_uri = format!("{}/devicelogin", state.base_url);
    let answer = json!({
        "user_code": grant.user_code,
        "device_code": grant.device_code,
        "verification_uri": verification_uri,
        "expires_in": admin.device_code_lifetime.as_secs(),
        "interval": admin.device_code_interval_secs,
        "message": format!("To sign in, use a web browser to open the page {verification_uri} and enter the code {} to authenticate.", grant.user_code),
    });
    if let Ok(mut grants) = state.sign_in.device_grants.lock() {
        grants.push(grant);
    }
    Ok(answer)
}

/// Whether a token request's form asks for a grant this module answers.
pub(super) fn is_delegated_grant(body: &[u8]) -> bool {
    url::form_urlencoded::parse(body).any(|(name, value)| {
        name == "grant_type"
            && (value == "authorization_code"
                || value == DEVICE_CODE_GRANT
                || value == "refresh_token")
    })
}

/// Answers `POST /{tenant}/oauth2/v2.0/token` with `grant_type=authorization_code`, the device
/// code grant, or `refresh_token` (for tokens these grants issued with `offline_access`).
pub(super) fn token(state: &State, tenant: &str, body: &[u8]) -> Result<Value, EntraRefusal> {
    let now = state.now();
    let form = Form::parse(body);
    check_tenant(state, tenant, now)?;
    let client_id = form.field("client_id").to_ascii_lowercase();
    check_public_client(state, &client_id, now)?;
    if form.0.contains_key("client_secret") || form.0.contains_key("client_assertion") {
        return Err(refuse_as(
            "invalid_client",
            700025,
            "Client is public so neither 'client_assertion' nor 'client_secret' should be presented.",
            now,
        ));
    }
    let (scopes, offline) = match form.field("grant_type") {
        "authorization_code" => redeem_code(state, &client_id, &form, now)?,
        "refresh_token" => redeem_refresh_token(state, &client_id, &form, now)?,
        _ => poll_device_code(state, &client_id, form.field("device_code"), now)?,
    };
    Ok(issue_delegated_token(
        state, &client_id, &scopes, offline, now,
    ))
}

fn redeem_code(
    state: &State,
    client_id: &str,
    form: &Form,
    now: i64,
) -> Result<(Vec<String>, bool), EntraRefusal> {
    let field = |name: &str| form.field(name);
    let grant = |code: u32, message: &str| refuse_as("invalid_grant", code, message, now);
    let verifier = field("code_verifier");
    let Ok(mut codes) = state.sign_in.codes.lock() else {
        return Err(transient("invalid_grant", now));
    };
    let Some(issued) = codes.get_mut(field("code")) else {
        return Err(grant(
            9002313,
            "Invalid request. Request is malformed or invalid. The authorization code is not valid.",
        ));
    };
    if issued.redeemed {
        return Err(grant(
            54005,
            "OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.",
        ));
    }
    // A code is spent by any attempt to redeem it, as a stolen code must not be retried.
    issued.redeemed = true;
    if Instant::now() >= issued.expires {
        return Err(grant(70008, EXPIRED_GRANT));
    }
    if issued.client_id != client_id {
        return Err(grant(
            70000,
            "The provided authorization code was issued to another client.",
        ));
    }
    if issued.redirect_uri != field("redirect_uri") {
        return Err(grant(
            500112,
            &format!(
                "The reply address '{}' does not match the reply address '{}' provided when requesting Authorization code.",
                field("redirect_uri"),
                issued.redirect_uri
            ),
        ));
    }
    if verifier.is_empty() {
        return Err(refuse_as(
            "invalid_request",
            900144,
            "The request body must contain the following parameter: 'code_verifier'.",
            now,
        ));
    }
    let computed = URL_SAFE_NO_PAD.encode(openssl::sha::sha256(verifier.as_bytes()));
    if !(43..=128).contains(&verifier.len()) || computed != issued.code_challenge {
        return Err(grant(
            501481,
            "The Code_Verifier does not match the code_challenge supplied in the authorization request.",
        ));
    }
    Ok((issued.scopes.clone(), issued.offline))
}

/// Redeems a refresh token: spent by its use (Entra rotates it, and the answer carries the next
/// one), refused with `invalid_grant` AADSTS70008 when unknown, used or revoked.
fn redeem_refresh_token(
    state: &State,
    client_id: &str,
    form: &Form,
    now: i64,
) -> Result<(Vec<String>, bool), EntraRefusal> {
    let field = |name: &str| form.field(name);
    let scope = field("scope");
    let scopes = granted_scopes(state, scope)
        .map_err(|scope| refuse_as("invalid_scope", 70011, &invalid_scope_message(&scope), now))?;
    let Ok(mut tokens) = state.sign_in.refresh_tokens.lock() else {
        return Err(transient("temporarily_unavailable", now));
    };
    let Some(grant) = tokens.remove(field("refresh_token")) else {
        return Err(refuse_as("invalid_grant", 70008, EXPIRED_GRANT, now));
    };
    if grant.client_id != client_id {
        return Err(refuse_as(
            "invalid_grant",
            70000,
            "The refresh token was issued to another client.",
            now,
        ));
    }
    Ok((scopes, asks_offline(scope)))
}

fn poll_device_code(
    state: &State,
    client_id: &str,
    device_code: &str,
    now: i64,
) -> Result<(Vec<String>, bool), EntraRefusal> {
    let Ok(mut grants) = state.sign_in.device_grants.lock() else {
        return Err(transient("temporarily_unavailable", now));
    };
    let Some(index) = grants
        .iter()
        .position(|g| g.device_code == device_code && g.client_id == client_id)
    else {
        return Err(refuse_as(
            "bad_verification_code",
            70019,
            "The provided value for the input parameter 'device_code' is not valid.",
            now,
        ));
    };
    let grant = &mut grants[index];
    let at = Instant::now();
    if at >= grant.expires {
        grants.remove(index);
        return Err(refuse_as(
            "expired_token",
            70020,
            "The provided value for the input parameter 'device_code' is not valid. This device code has expired.",
            now,
        ));
    }
    if grant.decision == Decision::Declined {
        grants.remove(index);
        return Err(refuse_as(
            "authorization_declined",
            70000,
            "The user declined the sign-in request.",
            now,
        ));
    }
    let too_soon = grant
        .last_poll
        .is_some_and(|last| at.duration_since(last) < grant.interval);
    grant.last_poll = Some(at);
    // A slow-down asked for by the test hook leaves the interval as configured: the client adds
    // its 5 s, and the sandbox does not hold it to more than it asked.
    let forced = std::mem::take(&mut grant.slow_down_next);
    if forced || too_soon {
        if !forced {
            // RFC 8628 §3.5: the client must add 5 seconds to its interval from now on.
            grant.interval += Duration::from_secs(5);
        }
        return Err(refuse_as(
            "slow_down",
            70016,
            "The client is polling too quickly; add 5 seconds to the polling interval.",
            now,
        ));
    }
    grant.polls = grant.polls.saturating_add(1);
    if state
        .config
        .admin
        .device_code_approve_on_poll
        .is_some_and(|n| grant.polls >= n)
    {
        grant.decision = Decision::Approved;
    }
    if grant.decision == Decision::Approved {
        let answer = (grant.scopes.clone(), grant.offline);
        grants.remove(index);
        return Ok(answer);
    }
    Err(refuse_as(
        "authorization_pending",
        70016,
        "OAuth 2.0 device flow error. Authorization is pending. Continue polling.",
        now,
    ))
}

/// A granted scope that stands for the Key Vault stand-in's delegated token.
const VAULT_GRANT: &str = "vault";

fn issue_delegated_token(
    state: &State,
    client_id: &str,
    scopes: &[String],
    offline: bool,
    now: i64,
) -> Value {
    if scopes.iter().any(|s| s == VAULT_GRANT) {
        return issue_vault_token(state, client_id, now);
    }
    let base = &state.base_url;
    let token = signed_delegated_token(state, client_id, base, &scopes.join(" "), now);
    let scope = scopes
        .iter()
        .map(|s| format!("{base}/{s}"))
        .collect::<Vec<_>>();
    let mut answer = token_answer(&scope.join(" "), token);
    if offline {
        let refresh_token = random_code("1.AR");
        if let Ok(mut tokens) = state.sign_in.refresh_tokens.lock() {
            tokens.insert(
                refresh_token.clone(),
                RefreshGrant {
                    client_id: client_id.to_owned(),
                },
            );
        }
        answer["refresh_token"] = json!(refresh_token);
    }
    answer
}

/// The person's delegated token for the Key Vault stand-in: its audience, `user_impersonation`.
fn issue_vault_token(state: &State, client_id: &str, now: i64) -> Value {
    let audience = super::key_vault::audience(state);
    let scp = super::key_vault::DELEGATED_VAULT_SCOPE;
    let token = signed_delegated_token(state, client_id, &audience, scp, now);
    token_answer(&format!("{audience}/{scp}"), token)
}

/// The signed-in admin's delegated access token for `audience` with the scopes `scp`.
fn signed_delegated_token(
    state: &State,
    client_id: &str,
    audience: &str,
    scp: &str,
    now: i64,
) -> String {
    let admin = &state.config.admin.admin;
    let claims = json!({
        "aud": audience,
        "iss": format!("{}/{}/v2.0", state.base_url, state.config.tenant_id),
        "iat": now,
        "nbf": now,
        "exp": now.saturating_add(TOKEN_LIFETIME_SECS),
        "tid": state.config.tenant_id,
        "appid": client_id,
        "scp": scp,
        "oid": admin.object_id,
        "upn": admin.upn,
        "name": admin.name,
        "jti": uuid::Uuid::new_v4().to_string(),
    });
    jsonwebtoken::encode(
        &Header::default(),
        &claims,
        &EncodingKey::from_secret(&state.token_key),
    )
    .unwrap_or_default()
}

/// The token endpoint's answer carrying `token` for `scope`.
fn token_answer(scope: &str, token: String) -> Value {
    json!({
        "token_type": "Bearer",
        "scope": scope,
        "expires_in": TOKEN_LIFETIME_SECS,
        "ext_expires_in": TOKEN_LIFETIME_SECS,
        "access_token": token,
    })
}
