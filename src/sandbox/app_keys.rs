//! The registered apps' certificates as Graph keeps them (`keyCredentials`, each with a `keyId`),
//! and `POST /v1.0/applications/{object-id}/addKey` and `…/removeKey`: an app rolling its own keys
//! with a proof-of-possession JWT signed by one of its current certificates, as Graph checks it.

use std::collections::HashSet;
use std::sync::Mutex;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use openssl::hash::MessageDigest;
use openssl::x509::X509;
use serde_json::{Value, json};

use super::config::RegisteredApp;
use super::graph_mock::{authenticate, error};
use super::jws::{self, CompactJws, text};
use super::server::State;
use super::verify::signature_is_valid;
use crate::cert::unix_seconds;
use crate::core::jwt::{PROOF_AUDIENCE, PROOF_LIFETIME_SECS};
use crate::core::thumbprint::to_hex;
use crate::core::time_fmt::rfc3339;

/// Clock skew tolerated on `nbf`.
const SKEW_SECS: i64 = 300;

/// One certificate registered on an app.
#[derive(Clone, Debug)]
pub struct KeyCredential {
    /// Graph's id of the key.
    pub key_id: String,
    /// The public certificate.
    pub certificate: X509,
    /// The name given when it was added.
    pub display_name: String,
    /// From when the token endpoint accepts it (added keys take the propagation delay).
    accepted_from: std::time::Instant,
}

struct AppRecord {
    client_id: String,
    object_id: String,
    roles: Vec<String>,
    keys: Vec<KeyCredential>,
}

/// The apps of the tenant, whose keys change while the sandbox runs.
pub(super) struct AppRegistry {
    apps: Mutex<Vec<AppRecord>>,
    used_proofs: Mutex<HashSet<String>>,
    propagation: std::time::Duration,
}

impl AppRegistry {
    pub fn new(apps: &[RegisteredApp], propagation: std::time::Duration) -> Self {
        let now = std::time::Instant::now();
        let apps = apps
            .iter()
            .map(|app| AppRecord {
                client_id: app.client_id.to_ascii_lowercase(),
                object_id: app.object_id.to_ascii_lowercase(),
                roles: app.roles.clone(),
                keys: app
                    .certificates
                    .iter()
                    .map(|certificate| KeyCredential {
                        key_id: uuid::Uuid::new_v4().to_string(),
                        certificate: certificate.clone(),
                        display_name: String::new(),
                        accepted_from: now,
                    })
                    .collect(),
            })
            .collect();
        Self {
            apps: Mutex::new(apps),
            used_proofs: Mutex::new(HashSet::new()),
            propagation,
        }
    }

    /// The certificates the token endpoint accepts now and the roles of the app with this client
    /// id (lower case).
    pub fn credentials(&self, client_id: &str) -> Option<(Vec<X509>, Vec<String>)> {
        let apps = self.apps.lock().ok()?;
        let app = apps.iter().find(|a| a.client_id == client_id)?;
        let now = std::time::Instant::now();
        let certificates = app
            .keys
            .iter()
            .filter(|k| k.accepted_from <= now)
            .map(|k| k.certificate.clone())
            .collect();
        Some((certificates, app.roles.clone()))
    }

    /// Puts an app the admin manages through Graph into the registry, or brings its certificates
    /// and roles up to date once they have replicated: keys it still has keep their id, new ones
    /// are accepted at once (the replication delay was the directory's).
    pub fn publish(
        &self,
        client_id: &str,
        object_id: &str,
        certificates: &[X509],
        roles: &[String],
    ) {
        let Ok(mut apps) = self.apps.lock() else {
            return;
        };
        let index = match apps.iter().position(|a| a.client_id == client_id) {
            Some(index) => index,
            None => {
                apps.push(AppRecord {
                    client_id: client_id.to_owned(),
                    object_id: object_id.to_owned(),
                    roles: Vec::new(),
                    keys: Vec::new(),
                });
                apps.len() - 1
            }
        };
        let app = &mut apps[index];
        let der = |c: &X509| c.to_der().unwrap_or_default();
        let now = std::time::Instant::now();
        let old = std::mem::take(&mut app.keys);
        app.keys = certificates
            .iter()
            .map(|certificate| {
                old.iter()
                    .find(|k| der(&k.certificate) == der(certificate))
                    .cloned()
                    .unwrap_or_else(|| KeyCredential {
                        key_id: uuid::Uuid::new_v4().to_string(),
                        certificate: certificate.clone(),
                        display_name: String::new(),
                        accepted_from: now,
                    })
            })
            .collect();
        app.roles = roles.to_vec();
    }

    /// The keys of the app with this object id.
    pub fn keys(&self, object_id: &str) -> Vec<KeyCredential> {
        let object_id = object_id.to_ascii_lowercase();
        self.apps
            .lock()
            .ok()
            .and_then(|apps| {
                apps.iter()
                    .find(|a| a.object_id == object_id)
                    .map(|a| a.keys.clone())
            })
            .unwrap_or_default()
    }
}

/// Answers `POST /v1.0/applications/{object_id}/{action}`.
pub(super) fn handle(
    state: &State,
    object_id: &str,
    action: &str,
    authorization: Option<&str>,
    body: &[u8],
) -> (u16, Value) {
    let claims = match authenticate(state, authorization) {
        Ok(claims) => claims,
        Err(message) => return error(401, "InvalidAuthenticationToken", &message),
    };
    let Ok(request) = serde_json::from_slice::<Value>(body) else {
        return bad_request("The request body is not valid JSON.");
    };
    let object_id = object_id.to_ascii_lowercase();
    let registry = &state.apps;
    let Ok(mut apps) = registry.apps.lock() else {
        return error(
            500,
            "generalException",
            "The sandbox's key registry is unusable.",
        );
    };
    let Some(app) = apps.iter_mut().find(|a| a.object_id == object_id) else {
        return error(
            404,
            "Request_ResourceNotFound",
            &format!(
                "Resource '{object_id}' does not exist or one of its queried reference-property objects are not present."
            ),
        );
    };
    if !app.client_id.eq_ignore_ascii_case(&claims.appid) {
        return error(
            403,
            "Authorization_RequestDenied",
            "Insufficient privileges to complete the operation.",
        );
    }
    let proof = request
        .get("proof")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let signer_key_id = match check_proof(state, app, proof) {
        Ok(key_id) => key_id,
        Err(message) => return bad_request(&message),
    };
    match action {
        "addKey" => add_key(app, &request, registry.propagation),
        "removeKey" => remove_key(app, &request, &signer_key_id),
        _ => error(
            400,
            "BadRequest",
            &format!("Resource not found for the segment '{action}'."),
        ),
    }
}

fn bad_request(message: &str) -> (u16, Value) {
    error(400, "Request_BadRequest", message)
}

/// Checks the proof-of-possession JWT; returns the key id of the certificate that signed it.
fn check_proof(state: &State, app: &AppRecord, proof: &str) -> Result<String, String> {
    let invalid = |why: &str| format!("Invalid proof of possession token: {why}.");
    let Some(CompactJws {
        header,
        claims,
        signing_input,
        signature_b64,
        signature,
    }) = jws::parse(proof)
    else {
        return Err(invalid(
            "it is not a signed JWT with JSON-object header and claims",
        ));
    };
    let alg = text(&header, "alg");
    if alg != "RS256" {
        return Err(invalid(&format!("alg '{alg}' is not RS256")));
    }
    let x5t = jws::decode(&text(&header, "x5t")).unwrap_or_default();
    let now = state.now();
    let key = app.keys.iter().find(|k| {
        k.certificate
            .digest(MessageDigest::sha1())
            .is_ok_and(|d| *d == *x5t)
    });
    let Some(key) = key else {
        return Err(invalid(&format!(
            "it is not signed by a certificate of the application (x5t thumbprint '{}')",
            to_hex(&x5t)
        )));
    };
    let expired = openssl::asn1::Asn1Time::from_unix(now)
        .ok()
        .and_then(|now| key.certificate.not_after().compare(&now).ok())
        .is_none_or(|order| order == std::cmp::Ordering::Less);
    if expired {
        return Err(invalid(
            "the certificate that signed it has expired; an application without a valid certificate must be updated in the portal",
        ));
    }
    if !signature_is_valid(&alg, signing_input.as_bytes(), &signature, &key.certificate) {
        return Err(invalid("the signature does not verify"));
    }
    if text(&claims, "aud") != PROOF_AUDIENCE {
        return Err(invalid(&format!("aud must be '{PROOF_AUDIENCE}'")));
    }
    if !text(&claims, "iss").eq_ignore_ascii_case(&app.object_id) {
        return Err(invalid("iss must be the application's object id"));
    }
    let number = |k: &str| claims.get(k).and_then(Value::as_i64);
    let (Some(nbf), Some(exp)) = (number("nbf"), number("exp")) else {
        return Err(invalid("nbf and exp are required"));
    };
    if nbf > now.saturating_add(SKEW_SECS) || exp < now {
        return Err(invalid(&format!(
            "it is valid from {} to {}, and it is now {}",
            rfc3339(nbf),
            rfc3339(exp),
            rfc3339(now)
        )));
    }
    // At most 10 minutes from nbf to exp.
    if exp.saturating_sub(nbf) > PROOF_LIFETIME_SECS {
        return Err(invalid("exp may be at most 10 minutes after nbf"));
    }
    let fresh = state
        .apps
        .used_proofs
        .lock()
        .is_ok_and(|mut used| used.insert(signature_b64.to_owned()));
    if !fresh {
        return Err(invalid("it has been used before"));
    }
    Ok(key.key_id.clone())
}

fn add_key(app: &mut AppRecord, request: &Value, propagation: std::time::Duration) -> (u16, Value) {
    if request
        .get("passwordCredential")
        .is_some_and(|p| !p.is_null())
    {
        return bad_request("Only a key credential can be added with a proof of possession here.");
    }
    let credential = request.get("keyCredential").cloned().unwrap_or(Value::Null);
    let field = |k: &str| {
        credential
            .get(k)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    if field("type") != "AsymmetricX509Cert" || field("usage") != "Verify" {
        return bad_request(
            "keyCredential must have type 'AsymmetricX509Cert' and usage 'Verify'.",
        );
    }
    let Some(certificate) = STANDARD
        .decode(field("key"))
        .ok()
        .and_then(|der| X509::from_der(&der).ok())
    else {
        return bad_request("keyCredential.key must be the base64 of a DER X.509 certificate.");
    };
    let key = KeyCredential {
        key_id: uuid::Uuid::new_v4().to_string(),
        certificate,
        display_name: field("displayName"),
        accepted_from: std::time::Instant::now() + propagation,
    };
    let body = key_json(&key);
    app.keys.push(key);
    (200, body)
}

fn remove_key(app: &mut AppRecord, request: &Value, signer_key_id: &str) -> (u16, Value) {
    let key_id = request
        .get("keyId")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_ascii_lowercase();
    if key_id == signer_key_id {
        return bad_request(
            "The key that signed the proof cannot be removed with it; sign the proof with another current certificate.",
        );
    }
    let Some(index) = app.keys.iter().position(|k| k.key_id == key_id) else {
        return error(
            404,
            "Request_ResourceNotFound",
            &format!("No key credential with keyId '{key_id}' is registered on the application."),
        );
    };
    app.keys.remove(index);
    (204, Value::Null)
}

fn key_json(key: &KeyCredential) -> Value {
    let thumbprint = key
        .certificate
        .digest(MessageDigest::sha1())
        .map(|d| to_hex(&d))
        .unwrap_or_default();
    json!({
        "@odata.type": "#microsoft.graph.keyCredential",
        "keyId": key.key_id,
        "type": "AsymmetricX509Cert",
        "usage": "Verify",
        "displayName": key.display_name,
        "customKeyIdentifier": thumbprint,
        "startDateTime": rfc3339(unix_seconds(key.certificate.not_before())),
        "endDateTime": rfc3339(unix_seconds(key.certificate.not_after())),
        "key": null,
    })
}
