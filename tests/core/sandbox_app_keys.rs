//! The sandbox's `applications/{object-id}/addKey` and `removeKey`, checked as Graph checks them:
//! a proof of possession signed by a current certificate of the app, the app's own token, and the
//! keys then used (or no longer accepted) by the token endpoint. The proofs here are made with
//! OpenSSL directly, independent of certconnect's signer.

use crate::support;

use std::path::Path;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use certconnect::assertion::{Signer, new_jti};
use certconnect::cert::{Credential, load_bytes};
use certconnect::core::jwt::{AssertionClaims, PROOF_AUDIENCE, ProofClaims};
use certconnect::core::profile::{AssertionOptions, PasswordSource};
use certconnect::net::ASSERTION_TYPE;
use certconnect::probe::system_now;
use serde_json::{Value, json};
use support::probe_env::{CLIENT_ID, Env, OBJECT_ID, failure_code, pem_draft, read_cert};

/// A certificate and key as PEM files in the workspace, loaded.
struct Key {
    cert: std::path::PathBuf,
    key: std::path::PathBuf,
    credential: Credential,
}

fn key(env: &Env, name: &str, days: i32) -> Key {
    let key = env.ws.rsa_key(&format!("{name}.key"), 2048);
    let cert = env
        .ws
        .self_signed(&format!("{name}.pem"), &key, &format!("/CN={name}"), days);
    Key {
        credential: load_pem(&cert, &key),
        cert,
        key,
    }
}

fn load_pem(cert: &Path, key: &Path) -> Credential {
    let cert = std::fs::read(cert).unwrap();
    let key = std::fs::read(key).unwrap();
    load_bytes(&cert, Some(&key), None, None).unwrap()
}

/// The app's current registered certificate (made by `Env`).
fn current(env: &Env) -> Key {
    let (cert, key) = (env.ws.path("app.pem"), env.ws.path("app.key"));
    Key {
        credential: load_pem(&cert, &key),
        cert,
        key,
    }
}

fn post(env: &Env, url: String, body: Body) -> (u16, Value) {
    env.rt.block_on(async {
        let client = certconnect::net::build_client(None, true).unwrap();
        let request = match body {
            Body::Form(form) => client.post(url).form(&form),
            Body::Json(token, json) => {
                let request = client
                    .post(url)
                    .header("content-type", "application/json")
                    .body(json.to_string());
                match token {
                    Some(token) => request.bearer_auth(token),
                    None => request,
                }
            }
        };
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let text = response.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    })
}

enum Body {
    Form(Vec<(&'static str, String)>),
    Json(Option<String>, Value),
}

/// An app-only token for `client_id`, the assertion signed with `key`; the token endpoint's answer.
fn token_for(env: &Env, client_id: &str, key: &Key) -> (u16, Value) {
    let token_url = env.sandbox.token_url();
    let signer = Signer::new(&key.credential).unwrap();
    let claims = AssertionClaims::new(client_id, &token_url, new_jti(), system_now(), 600);
    let assertion = signer.sign(&claims, &AssertionOptions::default()).unwrap();
    let form = vec![
        ("client_id", client_id.to_owned()),
        ("scope", env.sandbox.scope()),
        ("grant_type", "client_credentials".to_owned()),
        ("client_assertion_type", ASSERTION_TYPE.to_owned()),
        ("client_assertion", assertion),
    ];
    post(env, token_url, Body::Form(form))
}

fn token(env: &Env, key: &Key) -> String {
    let (status, body) = token_for(env, CLIENT_ID, key);
    assert_eq!(status, 200, "{body}");
    body["access_token"].as_str().unwrap().to_owned()
}

/// A proof-of-possession JWT signed with `key` (RS256, x5t).
fn proof(key: &Key, claims: Value) -> String {
    let certificate = &key.credential.certificate;
    let x5t = certificate
        .digest(openssl::hash::MessageDigest::sha1())
        .unwrap();
    let header = json!({ "alg": "RS256", "typ": "JWT", "x5t": URL_SAFE_NO_PAD.encode(x5t) });
    let b64 = |v: &Value| URL_SAFE_NO_PAD.encode(serde_json::to_vec(v).unwrap());
    let input = format!("{}.{}", b64(&header), b64(&claims));
    let pkey = key.credential.private_key.as_ref().unwrap();
    let mut signer =
        openssl::sign::Signer::new(openssl::hash::MessageDigest::sha256(), pkey).unwrap();
    signer.update(input.as_bytes()).unwrap();
    format!(
        "{input}.{}",
        URL_SAFE_NO_PAD.encode(signer.sign_to_vec().unwrap())
    )
}

/// Valid claims. The `jti` makes each proof unique: RS256 is deterministic, so two proofs with the
/// same claims signed in the same second would be the same token, which the sandbox takes as a replay.
fn good_claims() -> Value {
    let now = system_now();
    json!({ "aud": PROOF_AUDIENCE, "iss": OBJECT_ID, "nbf": now, "exp": now + 600, "jti": new_jti() })
}

fn call(
    env: &Env,
    action: &str,
    object_id: &str,
    token: Option<String>,
    body: Value,
) -> (u16, Value) {
    let url = format!(
        "{}/applications/{object_id}/{action}",
        env.sandbox.graph_url()
    );
    post(env, url, Body::Json(token, body))
}

/// addKey for `new` on the app, with a token the app got with `signed_in` and this proof.
fn add_key(env: &Env, signed_in: &Key, new: &Key, proof: String) -> (u16, Value) {
    call(
        env,
        "addKey",
        OBJECT_ID,
        Some(token(env, signed_in)),
        add_body(new, proof),
    )
}

fn add_body(new: &Key, proof: String) -> Value {
    let der = new.credential.certificate.to_der().unwrap();
    json!({
        "keyCredential": { "type": "AsymmetricX509Cert", "usage": "Verify", "key": STANDARD.encode(der), "displayName": "rotated" },
        "passwordCredential": null,
        "proof": proof,
    })
}

/// A full test connection with `key` as PEM files: "ok" or the failure's code.
fn connects_with(env: &Env, key: &Key) -> String {
    let mut draft = env.draft();
    pem_draft(&mut draft, &key.cert, &key.key);
    draft.password = PasswordSource::None;
    failure_code(&env.run(draft.parse().unwrap()).0)
}

fn graph_code(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or_default()
}

#[test]
fn an_added_key_is_accepted_by_the_token_endpoint_and_a_removed_one_is_not() {
    let env = Env::new();
    let old = current(&env);
    let new = key(&env, "new", 365);
    assert_eq!(connects_with(&env, &new), "AADSTS700027");

    let (status, body) = add_key(&env, &old, &new, proof(&old, good_claims()));
    assert_eq!(status, 200, "{body}");
    let new_key_id = body["keyId"].as_str().unwrap().to_owned();
    assert_eq!(body["type"], "AsymmetricX509Cert");
    assert_eq!(body["displayName"], "rotated");
    assert!(body["key"].is_null(), "the key is never echoed back");
    assert_eq!(connects_with(&env, &new), "ok");
    assert_eq!(connects_with(&env, &old), "ok");

    let keys = env.sandbox.key_credentials(OBJECT_ID);
    assert_eq!(keys.len(), 2);
    let old_key_id = keys
        .iter()
        .find(|k| k.key_id != new_key_id)
        .unwrap()
        .key_id
        .clone();

    // Removals signed (and authorised) with the new certificate: not the signer itself, not an
    // unknown key, then the old key.
    let remove = |key_id: &str| {
        let body = json!({ "keyId": key_id, "proof": proof(&new, good_claims()) });
        let (status, body) = call(&env, "removeKey", OBJECT_ID, Some(token(&env, &new)), body);
        (status, graph_code(&body).to_owned(), body)
    };
    let (status, code, body) = remove(&new_key_id);
    assert_eq!(
        (status, code.as_str()),
        (400, "Request_BadRequest"),
        "{body}"
    );
    let (status, code, body) = remove("00000000-0000-4000-8000-000000000000");
    assert_eq!(
        (status, code.as_str()),
        (404, "Request_ResourceNotFound"),
        "{body}"
    );
    let (status, _, body) = remove(&old_key_id);
    assert_eq!(status, 204, "{body}");
    assert_eq!(connects_with(&env, &old), "AADSTS700027");
    assert_eq!(connects_with(&env, &new), "ok");
    assert_eq!(env.sandbox.key_credentials(OBJECT_ID).len(), 1);
}

#[test]
fn proofs_graph_would_refuse_are_refused_and_nothing_is_added() {
    let expired = std::cell::RefCell::new(None);
    let env = Env::with(|config| {
        // An expired certificate still registered on the app.
        let ws = support::Workspace::new();
        let key = ws.rsa_key("expired.key", 2048);
        let cert = ws.self_signed("expired.pem", &key, "/CN=expired", -1);
        config.apps[0].certificates.push(read_cert(&cert));
        expired.replace(Some((
            std::fs::read(&cert).unwrap(),
            std::fs::read(&key).unwrap(),
        )));
    });
    let (cert_pem, key_pem) = expired.take().unwrap();
    let expired = Key {
        credential: load_bytes(&cert_pem, Some(&key_pem), None, None).unwrap(),
        cert: std::path::PathBuf::new(),
        key: std::path::PathBuf::new(),
    };
    let old = current(&env);
    let stranger = key(&env, "stranger", 365);
    let new = key(&env, "new", 365);
    let now = system_now();
    let cases = [
        (
            "signed by an unregistered certificate",
            proof(&stranger, good_claims()),
        ),
        (
            "signed by an expired registered certificate",
            proof(&expired, good_claims()),
        ),
        (
            "wrong aud",
            proof(
                &old,
                json!({ "aud": "https://graph.microsoft.com", "iss": OBJECT_ID, "nbf": now, "exp": now + 600 }),
            ),
        ),
        (
            "iss is the client id, not the object id",
            proof(
                &old,
                json!({ "aud": PROOF_AUDIENCE, "iss": CLIENT_ID, "nbf": now, "exp": now + 600 }),
            ),
        ),
        (
            "exp more than 10 minutes out",
            proof(
                &old,
                json!({ "aud": PROOF_AUDIENCE, "iss": OBJECT_ID, "nbf": now, "exp": now + 3600 }),
            ),
        ),
        (
            "already expired",
            proof(
                &old,
                json!({ "aud": PROOF_AUDIENCE, "iss": OBJECT_ID, "nbf": now - 900, "exp": now - 400 }),
            ),
        ),
        ("not a JWT", "not.a.jwt".to_owned()),
    ];
    for (why, proof) in cases {
        let (status, body) = add_key(&env, &old, &new, proof);
        assert_eq!(
            (status, graph_code(&body)),
            (400, "Request_BadRequest"),
            "{why}: {body}"
        );
    }
    // A replayed proof: the first use works, the second is refused.
    let once = proof(&old, good_claims());
    let (status, _) = add_key(&env, &old, &stranger, once.clone());
    assert_eq!(status, 200);
    let (status, body) = add_key(&env, &old, &new, once);
    assert_eq!(
        (status, graph_code(&body)),
        (400, "Request_BadRequest"),
        "replay: {body}"
    );
    // No bearer token; an unknown object id (the client id is not the object id).
    let (status, body) = call(
        &env,
        "addKey",
        OBJECT_ID,
        None,
        add_body(&new, proof(&old, good_claims())),
    );
    assert_eq!(
        (status, graph_code(&body)),
        (401, "InvalidAuthenticationToken"),
        "{body}"
    );
    let (status, body) = call(
        &env,
        "addKey",
        CLIENT_ID,
        Some(token(&env, &old)),
        add_body(&new, proof(&old, good_claims())),
    );
    assert_eq!(
        (status, graph_code(&body)),
        (404, "Request_ResourceNotFound"),
        "{body}"
    );
    // Only the stranger's certificate (added with the good proof) joined the two registered ones.
    assert_eq!(env.sandbox.key_credentials(OBJECT_ID).len(), 3);
    assert_eq!(connects_with(&env, &new), "AADSTS700027");
}

#[test]
fn another_apps_token_cannot_change_this_apps_keys() {
    const OTHER: &str = "22222222-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
    let env = Env::with(|config| {
        // Another app with the same certificate registered.
        let app = config.apps[0].clone();
        config.apps.push(certconnect::sandbox::RegisteredApp {
            client_id: OTHER.into(),
            object_id: "33333333-0000-4a6b-8c7d-9e0f1a2b3c4d".into(),
            ..app
        });
    });
    let old = current(&env);
    let new = key(&env, "new", 365);
    let (status, body) = token_for(&env, OTHER, &old);
    assert_eq!(status, 200, "{body}");
    let other_token = body["access_token"].as_str().unwrap().to_owned();
    let (status, body) = call(
        &env,
        "addKey",
        OBJECT_ID,
        Some(other_token),
        add_body(&new, proof(&old, good_claims())),
    );
    assert_eq!(
        (status, graph_code(&body)),
        (403, "Authorization_RequestDenied"),
        "{body}"
    );
}

#[test]
fn certconnects_own_proof_is_accepted_and_never_twice_the_same() {
    let env = Env::new();
    let old = current(&env);
    let new = key(&env, "new", 365);
    let signer = Signer::new(&old.credential).unwrap();
    let now = system_now();
    let first = signer
        .sign_proof(&ProofClaims::new(OBJECT_ID, new_jti(), now))
        .unwrap();
    let second = signer
        .sign_proof(&ProofClaims::new(OBJECT_ID, new_jti(), now))
        .unwrap();
    assert_ne!(first, second, "two proofs in one second are two tokens");
    let header: Value = serde_json::from_slice(
        &URL_SAFE_NO_PAD
            .decode(first.split('.').next().unwrap())
            .unwrap(),
    )
    .unwrap();
    assert_eq!(header["alg"], "RS256");
    assert!(header["x5t"].is_string() && header.get("x5c").is_none());
    let (status, body) = add_key(&env, &old, &new, first);
    assert_eq!(status, 200, "{body}");
    assert_eq!(connects_with(&env, &new), "ok");
}
