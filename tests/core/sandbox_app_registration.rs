//! The sandbox's delegated admin sign-in (authorization code with PKCE and a loopback redirect,
//! device code) and Graph's app management (applications, service principals, Graph's application
//! roles, app role assignments, site grants), driven with plain HTTP requests as a client would
//! make them; replication and approvals are moved on by the sandbox's hooks, not by waiting.

use crate::support;

use std::io::{BufRead as _, BufReader, Write as _};
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use certconnect::assertion::{Signer, new_jti};
use certconnect::cert::Credential;
use certconnect::core::jwt::{AssertionClaims, decode_unverified};
use certconnect::core::profile::AssertionOptions;
use certconnect::net::ASSERTION_TYPE;
use certconnect::probe::system_now;
use certconnect::sandbox::{
    DEFAULT_PUBLIC_CLIENT_ID, DEVICE_CODE_GRANT, DirectoryRole, GRAPH_APP_ID, RegisteredApp,
    Sandbox, SandboxConfig,
};
use reqwest::Method;
use serde_json::{Value, json};
use support::Workspace;
use support::probe_env::{read_cert, runtime};

/// A fixed PKCE verifier (43+ characters) and its S256 challenge.
const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk-sandbox";
const SITE_ID: &str =
    "sandbox.example.com,6f1c3a52-4c1e-4a52-9a3b-1f2e3d4c5b6a,9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b";
const ADMIN_SCOPES: &str = "Application.ReadWrite.All AppRoleAssignment.ReadWrite.All Sites.FullControl.All offline_access";

fn challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(openssl::sha::sha256(verifier.as_bytes()))
}

struct Env {
    rt: tokio::runtime::Runtime,
    sandbox: Sandbox,
    ws: Workspace,
}

fn start(adjust: impl FnOnce(&mut SandboxConfig)) -> Env {
    let mut config = SandboxConfig::default();
    adjust(&mut config);
    let rt = runtime();
    let sandbox = rt.block_on(Sandbox::start(config)).unwrap();
    Env {
        rt,
        sandbox,
        ws: Workspace::new(),
    }
}

fn client(follow: bool) -> reqwest::Client {
    support::http_client(if follow {
        reqwest::redirect::Policy::limited(3)
    } else {
        reqwest::redirect::Policy::none()
    })
}

impl Env {
    fn login(&self, path: &str) -> String {
        format!(
            "{}/{}/oauth2/v2.0/{path}",
            self.sandbox.base_url(),
            self.sandbox.tenant_id()
        )
    }

    fn authorize_url(&self, redirect_uri: &str, extra: &[(&str, &str)]) -> String {
        let mut url = url::Url::parse(&self.login("authorize")).unwrap();
        {
            let mut query = url.query_pairs_mut();
            query
                .append_pair("client_id", DEFAULT_PUBLIC_CLIENT_ID)
                .append_pair("response_type", "code")
                .append_pair("redirect_uri", redirect_uri)
                .append_pair("scope", ADMIN_SCOPES)
                .append_pair("state", "st-42");
            for (name, value) in extra {
                query.append_pair(name, value);
            }
        }
        url.to_string()
    }

    /// The authorize request, not followed: status and `Location`.
    fn authorize(&self, redirect_uri: &str, extra: &[(&str, &str)]) -> (u16, Option<url::Url>) {
        let url = self.authorize_url(redirect_uri, extra);
        self.rt.block_on(async {
            let response = client(false).get(url).send().await.unwrap();
            let location = response
                .headers()
                .get("location")
                .map(|l| url::Url::parse(l.to_str().unwrap()).unwrap());
            (response.status().as_u16(), location)
        })
    }

    fn post_form(&self, url: String, form: &[(&str, &str)]) -> (u16, Value) {
        self.rt.block_on(async {
            let response = client(false).post(url).form(form).send().await.unwrap();
            let status = response.status().as_u16();
            (
                status,
                serde_json::from_str(&response.text().await.unwrap()).unwrap_or(Value::Null),
            )
        })
    }

    fn redeem(&self, code: &str, redirect_uri: &str, verifier: &str) -> (u16, Value) {
        self.post_form(
            self.login("token"),
            &[
                ("client_id", DEFAULT_PUBLIC_CLIENT_ID),
                ("grant_type", "authorization_code"),
                ("code", code),
                ("redirect_uri", redirect_uri),
                ("code_verifier", verifier),
            ],
        )
    }

    /// A delegated token for the configured admin, through authorization code and PKCE.
    fn admin_token(&self, scopes: &str) -> String {
        let redirect = "http://localhost:1/callback";
        let (_, location) = self.authorize(
            redirect,
            &[
                ("code_challenge", &challenge(VERIFIER)),
                ("code_challenge_method", "S256"),
                ("scope", scopes),
            ],
        );
        let code = query_value(&location.unwrap(), "code").unwrap();
        let (status, body) = self.redeem(&code, redirect, VERIFIER);
        assert_eq!(status, 200, "{body}");
        body["access_token"].as_str().unwrap().to_owned()
    }

    fn graph(&self, method: Method, path: &str, token: &str, body: Option<Value>) -> (u16, Value) {
        let url = format!("{}{path}", self.sandbox.graph_url());
        self.rt.block_on(async {
            let mut request = client(false).request(method, url).bearer_auth(token);
            if let Some(body) = body {
                request = request
                    .header("content-type", "application/json")
                    .body(body.to_string());
            }
            let response = request.send().await.unwrap();
            let status = response.status().as_u16();
            (
                status,
                serde_json::from_str(&response.text().await.unwrap()).unwrap_or(Value::Null),
            )
        })
    }

    /// A certificate and key made with openssl, loaded.
    fn certificate(&self, name: &str) -> (Credential, String) {
        let key = self.ws.rsa_key(&format!("{name}.key"), 2048);
        let cert = self
            .ws
            .self_signed(&format!("{name}.pem"), &key, &format!("/CN={name}"), 365);
        let der = read_cert(&cert).to_der().unwrap();
        let credential = support::load_pem_pair(&cert, &key);
        (credential, STANDARD.encode(der))
    }

    fn client_credentials(&self, client_id: &str, credential: &Credential) -> (u16, Value) {
        let token_url = self.sandbox.token_url();
        let signer = Signer::new(credential).unwrap();
        let claims = AssertionClaims::new(client_id, &token_url, new_jti(), system_now(), 600);
        let assertion = signer.sign(&claims, &AssertionOptions::default()).unwrap();
        self.post_form(
            token_url,
            &[
                ("client_id", client_id),
                ("scope", &self.sandbox.scope()),
                ("grant_type", "client_credentials"),
                ("client_assertion_type", ASSERTION_TYPE),
                ("client_assertion", &assertion),
            ],
        )
    }
}

fn query_value(url: &url::Url, name: &str) -> Option<String> {
    url.query_pairs()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.into_owned())
}

fn claims(token: &str) -> Value {
    decode_unverified::<Value>(token).unwrap()
}

fn key_credential(key: &str, name: &str) -> Value {
    json!({ "type": "AsymmetricX509Cert", "usage": "Verify", "key": key, "displayName": name })
}

/// One HTTP request accepted on 127.0.0.1, answered 200: its request line's target.
fn loopback_listener() -> (String, std::thread::JoinHandle<String>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let handle = std::thread::Builder::new()
        .name("loopback-redirect".into())
        .spawn(move || {
            let (mut stream, _) = listener.accept().unwrap();
            let mut line = String::new();
            BufReader::new(stream.try_clone().unwrap())
                .read_line(&mut line)
                .unwrap();
            stream
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok")
                .unwrap();
            line.split(' ').nth(1).unwrap_or_default().to_owned()
        })
        .unwrap();
    (format!("http://127.0.0.1:{port}/callback"), handle)
}

#[test]
fn authorization_code_with_pkce_follows_the_loopback_redirect_and_gives_an_admin_token() {
    let env = start(|_| {});
    let (redirect_uri, listener) = loopback_listener();
    let url = env.authorize_url(
        &redirect_uri,
        &[
            ("code_challenge", &challenge(VERIFIER)),
            ("code_challenge_method", "S256"),
        ],
    );
    // As a browser: the redirect is followed to the loopback listener.
    let status = env.rt.block_on(async {
        let response = client(true).get(url).send().await.unwrap();
        response.status().as_u16()
    });
    assert_eq!(status, 200);
    let target = listener.join().unwrap();
    let received = url::Url::parse(&format!("http://127.0.0.1{target}")).unwrap();
    assert_eq!(received.path(), "/callback");
    assert_eq!(query_value(&received, "state").as_deref(), Some("st-42"));
    let code = query_value(&received, "code").unwrap();

    let (status, body) = env.redeem(&code, &redirect_uri, VERIFIER);
    assert_eq!(status, 200, "{body}");
    let token = claims(body["access_token"].as_str().unwrap());
    assert_eq!(
        token["scp"],
        "Application.ReadWrite.All AppRoleAssignment.ReadWrite.All Sites.FullControl.All"
    );
    assert_eq!(token["tid"], env.sandbox.tenant_id());
    assert_eq!(token["upn"], "admin@sandbox.onmicrosoft.com");
    assert_eq!(token["name"], "Sandbox Admin");
    assert!(token.get("roles").is_none());

    // A code is spent once redeemed.
    let (status, body) = env.redeem(&code, &redirect_uri, VERIFIER);
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant"))
    );
    assert_eq!(body["error_codes"], json!([54005]));
}

#[test]
fn a_wrong_verifier_another_redirect_or_no_pkce_are_refused() {
    let env = start(|_| {});
    let pkce = [
        ("code_challenge", challenge(VERIFIER)),
        ("code_challenge_method", "S256".to_owned()),
    ];
    let pkce: Vec<(&str, &str)> = pkce.iter().map(|(n, v)| (*n, v.as_str())).collect();
    // The port is not compared for localhost; the code comes back with the state.
    let (status, location) = env.authorize("http://localhost:50123/cb", &pkce);
    assert_eq!(status, 302);
    let location = location.unwrap();
    assert_eq!(location.port(), Some(50123));
    assert_eq!(query_value(&location, "state").as_deref(), Some("st-42"));
    let code = query_value(&location, "code").unwrap();
    let (status, body) = env.redeem(&code, "http://localhost:50123/cb", &"x".repeat(43));
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant"))
    );
    assert_eq!(body["error_codes"], json!([501481]));

    // Redeemed with another redirect URI than it was issued for.
    let (_, location) = env.authorize("http://localhost:50123/cb", &pkce);
    let code = query_value(&location.unwrap(), "code").unwrap();
    let (status, body) = env.redeem(&code, "http://localhost:50123/other", VERIFIER);
    assert_eq!(
        (status, body["error_codes"].clone()),
        (400, json!([500112]))
    );

    // No PKCE: the error goes back to the redirect URI, with the state.
    let (status, location) = env.authorize("http://localhost:50123/cb", &[]);
    assert_eq!(status, 302);
    let location = location.unwrap();
    assert_eq!(
        query_value(&location, "error").as_deref(),
        Some("invalid_request")
    );
    assert_eq!(query_value(&location, "state").as_deref(), Some("st-42"));
    assert!(query_value(&location, "code").is_none());
    let (_, location) = env.authorize(
        "http://localhost:50123/cb",
        &[
            ("code_challenge", &challenge(VERIFIER)),
            ("code_challenge_method", "plain"),
        ],
    );
    assert_eq!(
        query_value(&location.unwrap(), "error").as_deref(),
        Some("invalid_request")
    );

    // A redirect URI that is not loopback is never redirected to.
    for redirect in [
        "https://evil.example/cb",
        "http://localhost.evil.example/cb",
    ] {
        let (status, location) = env.authorize(redirect, &pkce);
        assert_eq!((status, location), (400, None), "{redirect}");
    }
}

fn device_code(env: &Env) -> Value {
    let (status, body) = env.post_form(
        env.login("devicecode"),
        &[
            ("client_id", DEFAULT_PUBLIC_CLIENT_ID),
            ("scope", ADMIN_SCOPES),
        ],
    );
    assert_eq!(status, 200, "{body}");
    for field in ["device_code", "user_code", "verification_uri", "message"] {
        assert!(
            body[field].as_str().is_some_and(|v| !v.is_empty()),
            "{field}"
        );
    }
    assert!(body["expires_in"].as_u64().is_some() && body["interval"].as_u64().is_some());
    body
}

fn poll(env: &Env, device: &Value) -> (u16, Value) {
    env.post_form(
        env.login("token"),
        &[
            ("client_id", DEFAULT_PUBLIC_CLIENT_ID),
            ("grant_type", DEVICE_CODE_GRANT),
            ("device_code", device["device_code"].as_str().unwrap()),
        ],
    )
}

#[test]
fn a_device_code_is_pending_until_approved_then_gives_the_admin_token() {
    let env = start(|config| config.admin.device_code_interval_secs = 0);
    let device = device_code(&env);
    let user_code = device["user_code"].as_str().unwrap();
    assert!(device["message"].as_str().unwrap().contains(user_code));
    for _ in 0..2 {
        let (status, body) = poll(&env, &device);
        assert_eq!(
            (status, body["error"].as_str()),
            (400, Some("authorization_pending"))
        );
        assert_eq!(body["error_codes"], json!([70016]));
    }
    assert_eq!(env.sandbox.device_code_polls(user_code), 2);
    assert!(env.sandbox.approve_device_code(user_code));
    let (status, body) = poll(&env, &device);
    assert_eq!(status, 200, "{body}");
    let token = claims(body["access_token"].as_str().unwrap());
    assert!(
        token["scp"]
            .as_str()
            .unwrap()
            .contains("AppRoleAssignment.ReadWrite.All")
    );
    assert_eq!(token["upn"], "admin@sandbox.onmicrosoft.com");
    // The device code is spent.
    let (status, body) = poll(&env, &device);
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("bad_verification_code"))
    );

    // Approval on a configured poll.
    let env = start(|config| {
        config.admin.device_code_interval_secs = 0;
        config.admin.device_code_approve_on_poll = Some(2);
    });
    let device = device_code(&env);
    assert_eq!(poll(&env, &device).1["error"], "authorization_pending");
    assert_eq!(poll(&env, &device).0, 200);
}

#[test]
fn polling_too_fast_slows_down_and_declined_or_expired_codes_end() {
    let env = start(|config| config.admin.device_code_interval_secs = 3600);
    let device = device_code(&env);
    assert_eq!(poll(&env, &device).1["error"], "authorization_pending");
    let (status, body) = poll(&env, &device);
    assert_eq!((status, body["error"].as_str()), (400, Some("slow_down")));
    assert_eq!(
        env.sandbox
            .device_code_polls(device["user_code"].as_str().unwrap()),
        1
    );
    assert!(
        env.sandbox
            .decline_device_code(device["user_code"].as_str().unwrap())
    );
    let (status, body) = poll(&env, &device);
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("authorization_declined"))
    );

    let env = start(|config| config.admin.device_code_lifetime = Duration::ZERO);
    let device = device_code(&env);
    let (status, body) = poll(&env, &device);
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("expired_token"))
    );
}

#[test]
fn patching_key_credentials_replaces_them_and_an_app_keeps_its_two_keys_when_sent_back() {
    let env = start(|_| {});
    let token = env.admin_token(ADMIN_SCOPES);
    let (_, first) = env.certificate("first");
    let (_, second) = env.certificate("second");
    let (_, third) = env.certificate("third");
    let (status, app) = env.graph(
        Method::POST,
        "/applications",
        &token,
        Some(json!({
            "displayName": "Connector",
            "signInAudience": "AzureADMyOrg",
            "keyCredentials": [key_credential(&first, "first"), key_credential(&second, "second")],
            "requiredResourceAccess": [{ "resourceAppId": GRAPH_APP_ID, "resourceAccess": [{ "id": "332a536c-c7ef-4017-ab91-336970924f0d", "type": "Role" }] }],
        })),
    );
    assert_eq!(status, 201, "{app}");
    let (id, app_id) = (app["id"].as_str().unwrap(), app["appId"].as_str().unwrap());
    assert_ne!(id, app_id);
    assert_eq!(app["signInAudience"], "AzureADMyOrg");
    assert_eq!(
        app["requiredResourceAccess"][0]["resourceAppId"],
        GRAPH_APP_ID
    );

    // Without $select the key values are not sent.
    let (status, plain) = env.graph(Method::GET, &format!("/applications/{id}"), &token, None);
    assert_eq!(status, 200);
    assert_eq!(plain["keyCredentials"].as_array().unwrap().len(), 2);
    assert!(plain["keyCredentials"][0]["key"].is_null());
    let (status, found) = env.graph(
        Method::GET,
        &format!("/applications?$filter=appId%20eq%20'{app_id}'&$select=id,keyCredentials"),
        &token,
        None,
    );
    assert_eq!(status, 200, "{found}");
    let found = &found["value"][0];
    assert_eq!(found["id"], id);
    assert!(found.get("displayName").is_none());
    let mut keys = found["keyCredentials"].as_array().unwrap().clone();
    assert_eq!(keys[0]["key"], first.as_str());
    let kept: Vec<Value> = keys.iter().map(|k| k["keyId"].clone()).collect();

    keys.push(key_credential(&third, "third"));
    let (status, _) = env.graph(
        Method::PATCH,
        &format!("/applications/{id}"),
        &token,
        Some(json!({ "keyCredentials": keys })),
    );
    assert_eq!(status, 204);
    let (_, after) = env.graph(
        Method::GET,
        &format!("/applications/{id}?$select=keyCredentials"),
        &token,
        None,
    );
    let after = after["keyCredentials"].as_array().unwrap();
    assert_eq!(after.len(), 3);
    assert_eq!(after[0]["keyId"], kept[0]);
    assert_eq!(after[1]["keyId"], kept[1]);
    assert_eq!(after[2]["key"], third.as_str());

    // Sending only one replaces the collection with it.
    let (status, _) = env.graph(
        Method::PATCH,
        &format!("/applications/{id}"),
        &token,
        Some(json!({ "keyCredentials": [key_credential(&third, "third")] })),
    );
    assert_eq!(status, 204);
    let (_, after) = env.graph(Method::GET, &format!("/applications/{id}"), &token, None);
    assert_eq!(after["keyCredentials"].as_array().unwrap().len(), 1);
}

#[test]
fn a_new_app_replicates_then_its_certificate_gets_a_token_with_the_granted_role() {
    let env = start(|config| config.admin.replication_delay = Duration::from_secs(3600));
    let token = env.admin_token(ADMIN_SCOPES);
    let (credential, key) = env.certificate("connector");
    let (_, app) = env.graph(
        Method::POST,
        "/applications",
        &token,
        Some(json!({ "displayName": "Connector", "keyCredentials": [key_credential(&key, "connector")] })),
    );
    let app_id = app["appId"].as_str().unwrap().to_owned();

    // Not replicated yet: no service principal, and the token endpoint does not know the app.
    let (status, body) = env.graph(
        Method::POST,
        "/servicePrincipals",
        &token,
        Some(json!({ "appId": app_id })),
    );
    assert_eq!(status, 400);
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("does not reference a valid application object")
    );
    let (status, body) = env.client_credentials(&app_id, &credential);
    assert_eq!(
        (status, body["error_codes"].clone()),
        (400, json!([700016]))
    );

    env.sandbox.replicate_now();
    let (status, sp) = env.graph(
        Method::POST,
        "/servicePrincipals",
        &token,
        Some(json!({ "appId": app_id })),
    );
    assert_eq!(status, 201, "{sp}");
    let (status, graph) = env.graph(
        Method::GET,
        &format!("/servicePrincipals(appId='{GRAPH_APP_ID}')?$select=id,appRoles"),
        &token,
        None,
    );
    assert_eq!(status, 200, "{graph}");
    let roles = graph["appRoles"].as_array().unwrap();
    let role_id = |value: &str| {
        roles
            .iter()
            .find(|r| r["value"] == value)
            .map(|r| r["id"].as_str().unwrap().to_owned())
            .unwrap()
    };
    assert_eq!(
        role_id("Sites.Selected"),
        "883ea226-0bf2-4a8f-9f9d-92c9162a727d"
    );
    assert_eq!(
        role_id("Files.ReadWrite.All"),
        "75359482-378d-4052-8f01-80520e7db3cd"
    );
    for value in [
        "Sites.ReadWrite.All",
        "Sites.FullControl.All",
        "Files.Read.All",
    ] {
        role_id(value);
    }
    let (status, assignment) = env.graph(
        Method::POST,
        &format!("/servicePrincipals/{}/appRoleAssignedTo", graph["id"].as_str().unwrap()),
        &token,
        Some(json!({ "principalId": sp["id"], "resourceId": graph["id"], "appRoleId": role_id("Sites.Read.All") })),
    );
    assert_eq!(status, 201, "{assignment}");
    assert_eq!(assignment["principalId"], sp["id"]);

    // The app and key have replicated, the role assignment not yet: a token without the role.
    let (status, body) = env.client_credentials(&app_id, &credential);
    assert_eq!(status, 200, "{body}");
    let issued = claims(body["access_token"].as_str().unwrap());
    assert_eq!(issued["roles"], json!([]));

    env.sandbox.replicate_now();
    let (status, body) = env.client_credentials(&app_id, &credential);
    assert_eq!(status, 200, "{body}");
    let issued = claims(body["access_token"].as_str().unwrap());
    assert_eq!(issued["appid"], app_id.as_str());
    assert_eq!(issued["roles"], json!(["Sites.Read.All"]));

    // A Sites.Selected app is granted the site.
    let (status, grant) = env.graph(
        Method::POST,
        &format!("/sites/{SITE_ID}/permissions"),
        &token,
        Some(json!({ "roles": ["write"], "grantedToIdentities": [{ "application": { "id": app_id, "displayName": "Connector" } }] })),
    );
    assert_eq!(status, 201, "{grant}");
    assert_eq!(grant["roles"], json!(["write"]));
    assert_eq!(
        grant["grantedToIdentities"][0]["application"]["id"],
        app_id.as_str()
    );
}

fn existing_app(config: &mut SandboxConfig, ws: &Workspace) {
    let key = ws.rsa_key("existing.key", 2048);
    let cert = ws.self_signed("existing.pem", &key, "/CN=Existing", 365);
    config.apps.push(RegisteredApp {
        client_id: "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d".into(),
        object_id: "7e6d5c4b-3a29-4b18-9c07-f6e5d4c3b2a1".into(),
        certificates: vec![read_cert(&cert)],
        roles: vec!["Sites.Selected".into()],
    });
}

#[test]
fn an_under_privileged_admin_gets_403s() {
    let ws = Workspace::new();
    let with_roles = |roles: Vec<DirectoryRole>| {
        start(|config| {
            config.admin.admin.directory_roles = roles;
            existing_app(config, &ws);
        })
    };
    let create = json!({ "displayName": "Connector" });
    let denied = |(status, body): (u16, Value), code: &str| {
        assert_eq!(status, 403, "{body}");
        assert_eq!(body["error"]["code"], code);
    };

    // No directory role: creating an app is refused; reading is allowed.
    let env = with_roles(Vec::new());
    let token = env.admin_token(ADMIN_SCOPES);
    denied(
        env.graph(Method::POST, "/applications", &token, Some(create.clone())),
        "Authorization_RequestDenied",
    );
    assert_eq!(env.graph(Method::GET, "/applications", &token, None).0, 200);

    // An Application Administrator creates apps but cannot grant Graph's roles nor a site.
    let env = with_roles(vec![DirectoryRole::ApplicationAdministrator]);
    let token = env.admin_token(ADMIN_SCOPES);
    let (status, app) = env.graph(Method::POST, "/applications", &token, Some(create.clone()));
    assert_eq!(status, 201);
    let (status, sp) = env.graph(
        Method::POST,
        "/servicePrincipals",
        &token,
        Some(json!({ "appId": app["appId"] })),
    );
    assert_eq!(status, 201);
    let graph_sp = certconnect::sandbox::GRAPH_SERVICE_PRINCIPAL_ID;
    let assign = json!({ "principalId": sp["id"], "resourceId": graph_sp, "appRoleId": "883ea226-0bf2-4a8f-9f9d-92c9162a727d" });
    denied(
        env.graph(
            Method::POST,
            &format!("/servicePrincipals/{graph_sp}/appRoleAssignedTo"),
            &token,
            Some(assign.clone()),
        ),
        "Authorization_RequestDenied",
    );
    let site_grant = json!({ "roles": ["read"], "grantedToIdentities": [{ "application": { "id": "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", "displayName": "Existing" } }] });
    denied(
        env.graph(
            Method::POST,
            &format!("/sites/{SITE_ID}/permissions"),
            &token,
            Some(site_grant.clone()),
        ),
        "accessDenied",
    );

    // A Privileged Role Administrator grants the role; a SharePoint Administrator the site.
    let env = with_roles(vec![
        DirectoryRole::ApplicationAdministrator,
        DirectoryRole::PrivilegedRoleAdministrator,
    ]);
    let token = env.admin_token(ADMIN_SCOPES);
    let (_, app) = env.graph(Method::POST, "/applications", &token, Some(create.clone()));
    let (_, sp) = env.graph(
        Method::POST,
        "/servicePrincipals",
        &token,
        Some(json!({ "appId": app["appId"] })),
    );
    let assign = json!({ "principalId": sp["id"], "resourceId": graph_sp, "appRoleId": "883ea226-0bf2-4a8f-9f9d-92c9162a727d" });
    let (status, _) = env.graph(
        Method::POST,
        &format!("/servicePrincipals/{graph_sp}/appRoleAssignedTo"),
        &token,
        Some(assign),
    );
    assert_eq!(status, 201);
    let env = with_roles(vec![DirectoryRole::SharePointAdministrator]);
    let token = env.admin_token(ADMIN_SCOPES);
    let (status, _) = env.graph(
        Method::POST,
        &format!("/sites/{SITE_ID}/permissions"),
        &token,
        Some(site_grant),
    );
    assert_eq!(status, 201);

    // A Global Administrator whose token lacks the scope is refused too.
    let env = with_roles(vec![DirectoryRole::GlobalAdministrator]);
    let token = env.admin_token("Application.Read.All");
    denied(
        env.graph(Method::POST, "/applications", &token, Some(create)),
        "Authorization_RequestDenied",
    );
    let (status, found) = env.graph(
        Method::GET,
        "/applications?$filter=appId eq '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d'&$select=keyCredentials",
        &token,
        None,
    );
    assert_eq!(status, 200, "{found}");
    assert_eq!(
        found["value"][0]["keyCredentials"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn sites_selected_reads_only_a_site_granted_to_the_app() {
    let ws = Workspace::new();
    let key = ws.rsa_key("selected.key", 2048);
    let cert = ws.self_signed("selected.pem", &key, "/CN=Selected", 365);
    let client_id = "5d4c3b2a-1908-4f7e-8d6c-5b4a39281706";
    let env = start(|config| {
        config.admin.admin.directory_roles = vec![DirectoryRole::GlobalAdministrator];
        config.apps.push(RegisteredApp {
            client_id: client_id.into(),
            object_id: "3c2b1a09-f8e7-4d6c-9b5a-493827160504".into(),
            certificates: vec![read_cert(&cert)],
            roles: vec!["Sites.Selected".into()],
        });
    });
    let credential = support::load_pem_pair(&cert, &key);
    let (status, body) = env.client_credentials(client_id, &credential);
    assert_eq!(status, 200, "{body}");
    let app_token = body["access_token"].as_str().unwrap().to_owned();
    let read_site = || env.graph(Method::GET, &format!("/sites/{SITE_ID}"), &app_token, None);

    // The role alone reads nothing, as Graph enforces Sites.Selected.
    let (status, body) = read_site();
    assert_eq!(status, 403, "{body}");
    assert_eq!(body["error"]["code"], "accessDenied");

    let admin = env.admin_token(ADMIN_SCOPES);
    let (status, grant) = env.graph(
        Method::POST,
        &format!("/sites/{SITE_ID}/permissions"),
        &admin,
        Some(json!({ "roles": ["read"], "grantedToIdentities": [{ "application": { "id": client_id, "displayName": "Connector" } }] })),
    );
    assert_eq!(status, 201, "{grant}");
    let (status, body) = read_site();
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["id"], SITE_ID);
}
