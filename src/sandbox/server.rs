//! The sandbox's HTTP(S) server on 127.0.0.1: routing, faults, request log.

use std::collections::{HashSet, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use http_body_util::{BodyExt as _, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use super::app_directory::Directory;
use super::app_keys::{self, AppRegistry, KeyCredential};
use super::config::{Fault, FaultKind, FaultTarget, SandboxConfig};
use super::delegated_sign_in::{self, AuthorizeAnswer, SignInState};
use super::idle::IdleTimeout;
use super::managed_identity::{self, Shape};
use super::{app_management, device_login, graph_mock, key_vault, tls, token_endpoint};

/// The largest request body the sandbox reads; a larger one is answered 413 unread.
pub const MAX_BODY: usize = 64 * 1024;

/// How many requests the log keeps: the latest ones, so a flood cannot grow it without end.
pub const REQUEST_LOG_LIMIT: usize = 1_000;

/// The last second that is still a date in year 9999, the latest an HTTP date can name.
const LAST_HTTP_DATE: i64 = 253_402_300_799;

/// One request the sandbox received (the `Authorization` value is cut to its scheme).
#[derive(Clone, Debug)]
pub struct RecordedRequest {
    /// `GET`, `POST`.
    pub method: String,
    /// Path and query.
    pub path: String,
    /// Header names (lowercase) and values.
    pub headers: Vec<(String, String)>,
    /// The form body of token requests (the signed assertion, for tests to verify); empty otherwise.
    pub form_body: String,
}

impl RecordedRequest {
    /// A header's value.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

pub(super) struct State {
    pub config: SandboxConfig,
    pub base_url: String,
    pub token_key: Vec<u8>,
    pub used_jtis: Mutex<HashSet<String>>,
    pub apps: AppRegistry,
    /// Authorization codes and device codes of the delegated sign-in.
    pub sign_in: SignInState,
    /// Applications, service principals and grants an admin manages through Graph.
    pub directory: Directory,
    /// The Key Vault stand-in's certificates (a create adds a version).
    pub vault_certificates: Mutex<Vec<super::key_vault_config::VaultCertificate>>,
    faults: Mutex<VecDeque<Fault>>,
    requests: Mutex<VecDeque<RecordedRequest>>,
}

impl State {
    /// The sandbox's clock, with its configured offset (checked at start; saturating anyway).
    pub fn now(&self) -> i64 {
        crate::probe::system_now().saturating_add(self.config.clock_offset_secs)
    }

    fn take_fault(&self, target: FaultTarget) -> Option<FaultKind> {
        let mut faults = self.faults.lock().ok()?;
        let index = faults.iter().position(|f| f.target == target)?;
        faults.remove(index).map(|f| f.kind)
    }
}

/// A running sandbox; it stops when dropped.
pub struct Sandbox {
    pub(super) state: Arc<State>,
    addr: SocketAddr,
    ca_pem: Option<String>,
    stop: CancellationToken,
}

/// Why a connection was closed without an answer (the "drop" fault).
#[derive(Debug)]
struct Dropped;

impl std::fmt::Display for Dropped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped by fault injection")
    }
}

impl std::error::Error for Dropped {}

impl Sandbox {
    /// Starts the sandbox on the current tokio runtime.
    pub async fn start(config: SandboxConfig) -> Result<Self, String> {
        config.check()?;
        let listener = TcpListener::bind(("127.0.0.1", config.port))
            .await
            .map_err(|e| format!("cannot listen on 127.0.0.1:{}: {e}", config.port))?;
        let addr = listener.local_addr().map_err(|e| e.to_string())?;
        let (acceptor, ca_pem) = if config.tls {
            let (acceptor, ca) = tls::acceptor()?;
            (Some(acceptor), Some(ca))
        } else {
            (None, None)
        };
        let scheme = if config.tls { "https" } else { "http" };
        let mut token_key = vec![0u8; 32];
        openssl::rand::rand_bytes(&mut token_key).map_err(|e| e.to_string())?;
        let apps = AppRegistry::new(&config.apps, config.key_propagation);
        let directory = Directory::new(&config.apps, &apps, config.admin.replication_delay);
        let state = Arc::new(State {
            base_url: format!("{scheme}://{addr}"),
            apps,
            sign_in: SignInState::default(),
            directory,
            vault_certificates: Mutex::new(config.key_vault.certificates.clone()),
            faults: Mutex::new(config.faults.iter().cloned().collect()),
            config,
            token_key,
            used_jtis: Mutex::new(HashSet::new()),
            requests: Mutex::new(VecDeque::new()),
        });
        let stop = CancellationToken::new();
        tokio::spawn(accept_loop(
            listener,
            acceptor,
            Arc::clone(&state),
            stop.clone(),
        ));
        Ok(Self {
            state,
            addr,
            ca_pem,
            stop,
        })
    }

    /// `http://127.0.0.1:PORT` (or https).
    pub fn base_url(&self) -> &str {
        &self.state.base_url
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The certificates registered on the app with this object id, as Graph lists its
    /// `keyCredentials` (empty for an unknown id).
    pub fn key_credentials(&self, object_id: &str) -> Vec<KeyCredential> {
        self.state.apps.keys(object_id)
    }

    /// The token URL of the sandbox tenant.
    pub fn token_url(&self) -> String {
        format!(
            "{}/{}/oauth2/v2.0/token",
            self.base_url(),
            self.state.config.tenant_id
        )
    }

    /// The Graph base URL, with the API version.
    pub fn graph_url(&self) -> String {
        format!("{}/v1.0", self.base_url())
    }

    /// The scope to request: `{base}/.default`.
    pub fn scope(&self) -> String {
        format!("{}/.default", self.base_url())
    }

    /// The tenant id.
    pub fn tenant_id(&self) -> &str {
        &self.state.config.tenant_id
    }

    /// With TLS, the PEM of the CA that signed the server certificate.
    pub fn ca_pem(&self) -> Option<&str> {
        self.ca_pem.as_deref()
    }

    /// The Key Vault stand-in's base URL (its certificates are `{vault_url}/certificates/NAME`).
    pub fn vault_url(&self) -> &str {
        self.base_url()
    }

    /// The audience of the vault's tokens, as its challenge names it.
    pub fn vault_audience(&self) -> String {
        key_vault::audience(&self.state)
    }

    /// A vault token for `identity` (a token's `appid`), as `az account get-access-token` would
    /// hand one to a signed-in user: for tests of the Azure CLI path.
    pub fn issue_vault_token(&self, identity: &str) -> String {
        token_endpoint::access_token(&self.state, &self.vault_audience(), identity, &[])
    }

    /// Queues a fault for the next matching request.
    pub fn push_fault(&self, fault: Fault) {
        if let Ok(mut faults) = self.state.faults.lock() {
            faults.push_back(fault);
        }
    }

    /// The requests received so far, oldest first: all of them, or the latest
    /// [`REQUEST_LOG_LIMIT`] once more came.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.state
            .requests
            .lock()
            .map(|r| r.iter().cloned().collect())
            .unwrap_or_default()
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        self.stop.cancel();
    }
}

async fn accept_loop(
    listener: TcpListener,
    acceptor: Option<tokio_rustls::TlsAcceptor>,
    state: Arc<State>,
    stop: CancellationToken,
) {
    loop {
        let stream = tokio::select! {
            () = stop.cancelled() => return,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(_) => continue,
            },
        };
        // Answers go out as written: with Nagle's algorithm, a response written in two parts (TLS
        // records) waited for the client's delayed ACK, 40 ms per request.
        stream.set_nodelay(true).ok();
        let state = Arc::clone(&state);
        let acceptor = acceptor.clone();
        let stop = stop.clone();
        tokio::spawn(async move {
            let (header_timeout, idle) =
                (state.config.header_read_timeout, state.config.idle_timeout);
            let service =
                hyper::service::service_fn(move |request| handle(Arc::clone(&state), request));
            let mut http = hyper::server::conn::http1::Builder::new();
            // The header timeout needs a timer; it also ends a kept-alive connection that sends
            // no next request in time.
            http.timer(TokioTimer::new())
                .header_read_timeout(header_timeout);
            let stream = IdleTimeout::new(stream, idle);
            let served = async {
                match acceptor {
                    // A client that never finishes the handshake is dropped like a half-sent header.
                    Some(acceptor) => {
                        match tokio::time::timeout(header_timeout, acceptor.accept(stream)).await {
                            Ok(Ok(tls)) => {
                                http.serve_connection(TokioIo::new(tls), service).await.ok()
                            }
                            _ => None,
                        }
                    }
                    None => http
                        .serve_connection(TokioIo::new(stream), service)
                        .await
                        .ok(),
                }
            };
            tokio::select! {
                () = stop.cancelled() => {}
                _ = served => {}
            }
        });
    }
}

async fn handle(
    state: Arc<State>,
    request: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, Dropped> {
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let query = request.uri().query().unwrap_or_default().to_owned();
    let path_and_query = request
        .uri()
        .path_and_query()
        .map_or(path.clone(), |p| p.to_string());
    let host = request
        .headers()
        .get("host")
        .and_then(|h| h.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let authorization = request
        .headers()
        .get("authorization")
        .and_then(|h| h.to_str().ok())
        .map(str::to_owned);
    let headers = request.headers().clone();
    // The body gets as long as the headers had: a trickled body is not an open-ended wait.
    let body_time = state.config.header_read_timeout;
    let collected = tokio::time::timeout(
        body_time,
        Limited::new(request.into_body(), MAX_BODY).collect(),
    )
    .await;
    let body = match collected {
        Ok(Ok(body)) => body.to_bytes(),
        Ok(Err(_)) => {
            return Ok(json_response(
                413,
                &json!({ "error": "request_too_large" }),
                None,
            ));
        }
        Err(_) => return Err(Dropped),
    };
    record(&state, &method, &path_and_query, &headers, &body);

    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    let scheme = if state.base_url.starts_with("https") {
        "https"
    } else {
        "http"
    };
    // The tenant's OpenID discovery document, as Entra serves it: MSAL reads the token endpoint
    // from here before it asks for a token.
    if let [tenant, "v2.0", ".well-known", "openid-configuration"] = segments.as_slice()
        && method == Method::GET
    {
        return Ok(json_response(200, &discovery(scheme, &host, tenant), None));
    }
    if let Some(page) = sign_in_page(&state, &method, &segments, &query, &body) {
        return Ok(page);
    }
    if let Some(answer) = identity_answer(&state, &method, &segments, &query, &headers) {
        return Ok(answer);
    }
    let target = match segments.as_slice() {
        [_, "oauth2", "v2.0", "token" | "devicecode"] => FaultTarget::Token,
        ["v1.0", ..] => FaultTarget::Graph,
        ["certificates" | "keys", ..] => FaultTarget::KeyVault,
        _ => return Ok(json_response(404, &json!({ "error": "not_found" }), None)),
    };
    if let Some(fault) = state.take_fault(target)
        && let Some(answer) = fault_answer(target, fault).await?
    {
        return Ok(answer);
    }
    if target == FaultTarget::KeyVault {
        let post = method == Method::POST;
        return Ok(vault_answer(
            &state,
            post,
            &segments,
            &query,
            authorization.as_deref(),
            &body,
        ));
    }
    let managed = app_management::handle(
        &state,
        &method,
        &segments,
        &query,
        app_management::Caller::of(&headers),
        &body,
    );
    let (status, body) = match (target, &method, segments.as_slice()) {
        _ if let Some(answer) = managed => answer,
        (FaultTarget::Token, &Method::POST, [tenant, _, _, endpoint]) => {
            // The audience Entra expects is the URL the client posted to.
            let aud = format!("{scheme}://{host}{path}");
            token_answer(&state, tenant, endpoint, &aud, &body)
        }
        (FaultTarget::Graph, &Method::POST, [_, "applications", object_id, action]) => {
            app_keys::handle(&state, object_id, action, authorization.as_deref(), &body)
        }
        (FaultTarget::Graph, &Method::GET, [_, rest @ ..]) => {
            graph_mock::handle(&state, &rest.join("/"), authorization.as_deref())
        }
        _ => (405, json!({ "error": "method_not_allowed" })),
    };
    let mut response = if status == 204 {
        raw_response(204, "application/json", Vec::new(), None)
    } else {
        json_response(status, &body, None)
    };
    // The Date header follows the sandbox's own clock, so a clock offset shows up as skew. An HTTP
    // date cannot name a year past 9999 (httpdate panics on one), nor one before 1970.
    let server_secs = u64::try_from(state.now().clamp(0, LAST_HTTP_DATE)).unwrap_or(0);
    let server_time = std::time::UNIX_EPOCH + std::time::Duration::from_secs(server_secs);
    if let Ok(date) = hyper::header::HeaderValue::from_str(&httpdate::fmt_http_date(server_time)) {
        response.headers_mut().insert("date", date);
    }
    Ok(response)
}

/// What a queued fault makes of a request: no answer (dropped), a fault's answer, or, after a
/// delay, `None` for the normal answer.
async fn fault_answer(
    target: FaultTarget,
    fault: FaultKind,
) -> Result<Option<Response<Full<Bytes>>>, Dropped> {
    match fault {
        FaultKind::Drop => Err(Dropped),
        FaultKind::Slow(delay) => {
            tokio::time::sleep(delay).await;
            Ok(None)
        }
        FaultKind::Malformed => Ok(Some(raw_response(
            200,
            "application/json",
            br#"{"access_token":"eyJ0eXAi","token_ty"#.to_vec(),
            None,
        ))),
        FaultKind::Html => Ok(Some(raw_response(
            502,
            "text/html",
            b"<html><head><title>502 Bad Gateway</title></head><body>Proxy error</body></html>"
                .to_vec(),
            None,
        ))),
        FaultKind::Status { code, retry_after } => Ok(Some(json_response(
            code,
            &fault_body(target, code),
            retry_after.as_deref(),
        ))),
    }
}

/// The managed-identity endpoints (IMDS and App Service shapes): no faults, answered at once.
fn identity_answer(
    state: &State,
    method: &Method,
    segments: &[&str],
    query: &str,
    headers: &hyper::HeaderMap,
) -> Option<Response<Full<Bytes>>> {
    let shape = match (method, segments) {
        (&Method::GET, ["metadata", "identity", "oauth2", "token"]) => Shape::Imds,
        (&Method::GET, ["msi", "token"]) => Shape::AppService,
        _ => return None,
    };
    let (status, body) = managed_identity::handle(state, shape, query, headers);
    Some(json_response(status, &body, None))
}

/// The Key Vault stand-in's answer, with its challenge on a 401.
fn vault_answer(
    state: &State,
    post: bool,
    segments: &[&str],
    query: &str,
    authorization: Option<&str>,
    body: &[u8],
) -> Response<Full<Bytes>> {
    let answer = key_vault::handle(state, post, segments, query, authorization, body);
    let mut response = json_response(answer.status, &answer.body, None);
    if let Some(challenge) = answer
        .challenge
        .and_then(|c| hyper::header::HeaderValue::from_str(&c).ok())
    {
        response.headers_mut().insert("www-authenticate", challenge);
    }
    response
}

/// The delegated sign-in's browser pages (authorize, device login): no faults, answered at once.
fn sign_in_page(
    state: &State,
    method: &Method,
    segments: &[&str],
    query: &str,
    body: &[u8],
) -> Option<Response<Full<Bytes>>> {
    let text = |status: u16, text: String| {
        raw_response(status, "text/plain; charset=utf-8", text.into_bytes(), None)
    };
    match (method, segments) {
        (&Method::GET, [tenant, "oauth2", "v2.0", "authorize"]) => {
            Some(match delegated_sign_in::authorize(state, tenant, query) {
                AuthorizeAnswer::Redirect(location) => redirect(&location),
                AuthorizeAnswer::Page(status, page) => text(status, page),
            })
        }
        (&Method::GET, ["devicelogin"]) => Some(html(device_login::page(state))),
        (&Method::POST, ["devicelogin"]) => Some(html(device_login::submit(state, body))),
        _ => None,
    }
}

/// Answers `POST /{tenant}/oauth2/v2.0/{token|devicecode}`.
fn token_answer(
    state: &State,
    tenant: &str,
    endpoint: &str,
    aud: &str,
    body: &[u8],
) -> (u16, Value) {
    let answer = if endpoint == "devicecode" {
        delegated_sign_in::device_code(state, tenant, body)
    } else if delegated_sign_in::is_delegated_grant(body) {
        delegated_sign_in::token(state, tenant, body)
    } else {
        // What the admin wrote through Graph and has replicated reaches the token endpoint.
        state.directory.publish(&state.apps);
        token_endpoint::handle(state, tenant, aud, body)
    };
    match answer {
        Ok(answer) => (200, answer),
        Err(refusal) => (refusal.status, refusal.body),
    }
}

/// The discovery document's fields that clients read (MSAL: the endpoints and the issuer).
fn discovery(scheme: &str, host: &str, tenant: &str) -> Value {
    let base = format!("{scheme}://{host}/{tenant}");
    json!({
        "token_endpoint": format!("{base}/oauth2/v2.0/token"),
        "authorization_endpoint": format!("{base}/oauth2/v2.0/authorize"),
        "issuer": format!("{base}/v2.0"),
        "jwks_uri": format!("{base}/discovery/v2.0/keys"),
        "token_endpoint_auth_methods_supported": ["private_key_jwt", "client_secret_post"],
        "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
        "subject_types_supported": ["pairwise"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "tenant_region_scope": null,
    })
}

fn fault_body(target: FaultTarget, code: u16) -> Value {
    let (graph_code, message) = match code {
        429 => ("activityLimitReached", "The request has been throttled"),
        423 => (
            "resourceLocked",
            "The resource you are attempting to access is locked",
        ),
        503 => (
            "serviceNotAvailable",
            "The service is temporarily unavailable",
        ),
        _ => ("generalException", "An error occurred"),
    };
    match target {
        FaultTarget::Token => {
            json!({ "error": "temporarily_unavailable", "error_description": format!("AADSTS50196: {message}"), "error_codes": [50196] })
        }
        FaultTarget::Graph => graph_mock::error(code, graph_code, message).1,
        FaultTarget::KeyVault => match code {
            // A vault whose firewall does not let this address in.
            403 => {
                key_vault::error(
                    403,
                    "Forbidden",
                    Some("ForbiddenByFirewall"),
                    "Client address is not authorized and caller is not a trusted service.",
                )
                .body
            }
            429 => {
                key_vault::error(
                    429,
                    "Throttled",
                    None,
                    "Request was not allowed because application has exceeded the rate limit.",
                )
                .body
            }
            _ => key_vault::error(code, "ServiceUnavailable", None, message).body,
        },
    }
}

fn record(state: &State, method: &Method, path: &str, headers: &hyper::HeaderMap, body: &[u8]) {
    let headers = headers
        .iter()
        .map(|(name, value)| {
            let value = value.to_str().unwrap_or_default();
            let value = if name == "authorization" {
                value.split(' ').next().unwrap_or_default()
            } else {
                value
            };
            (name.as_str().to_owned(), value.to_owned())
        })
        .collect();
    if let Ok(mut requests) = state.requests.lock() {
        let form_body = if method == Method::POST {
            String::from_utf8_lossy(body).into_owned()
        } else {
            String::new()
        };
        while requests.len() >= REQUEST_LOG_LIMIT {
            requests.pop_front();
        }
        requests.push_back(RecordedRequest {
            method: method.to_string(),
            path: path.to_owned(),
            headers,
            form_body,
        });
    }
}

/// A page of the sign-in: never cached, never framed, no script or outside resource allowed
/// (it has none), and its form posts only back to the sandbox.
fn html((status, page): (u16, String)) -> Response<Full<Bytes>> {
    let mut response = raw_response(status, "text/html; charset=utf-8", page.into_bytes(), None);
    for (name, value) in [
        ("cache-control", "no-store"),
        ("x-frame-options", "DENY"),
        (
            "content-security-policy",
            "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
        ),
    ] {
        response
            .headers_mut()
            .insert(name, hyper::header::HeaderValue::from_static(value));
    }
    response
}

fn redirect(location: &str) -> Response<Full<Bytes>> {
    let mut response = raw_response(302, "text/html; charset=utf-8", Vec::new(), None);
    if let Ok(value) = hyper::header::HeaderValue::from_str(location) {
        response.headers_mut().insert("location", value);
    }
    response
}

fn json_response(status: u16, body: &Value, retry_after: Option<&str>) -> Response<Full<Bytes>> {
    raw_response(
        status,
        "application/json; charset=utf-8",
        body.to_string().into_bytes(),
        retry_after,
    )
}

fn raw_response(
    status: u16,
    content_type: &str,
    body: Vec<u8>,
    retry_after: Option<&str>,
) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() =
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let headers = response.headers_mut();
    let mut set = |name: &'static str, value: &str| {
        if let Ok(value) = hyper::header::HeaderValue::from_str(value) {
            headers.insert(name, value);
        }
    };
    set("content-type", content_type);
    set(
        "date",
        &httpdate::fmt_http_date(std::time::SystemTime::now()),
    );
    if let Some(value) = retry_after {
        set("retry-after", value);
    }
    response
}
