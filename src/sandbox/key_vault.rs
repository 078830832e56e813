//! A Key Vault stand-in on the sandbox's address, strict as the REST reference describes it:
//! `GET /certificates/{name}[/{version}]`, `GET /certificates` (paged by `nextLink`),
//! `POST /keys/{name}/{version}/sign`, `POST /certificates/{name}/create` and
//! `GET /certificates/{name}/pending`. Every request needs `api-version` and a bearer token for the
//! vault's audience; a request without one gets 401 and the `WWW-Authenticate` challenge naming
//! the authority and the audience, as Key Vault answers the Azure SDK's first request. Access is
//! checked per operation (403 `Forbidden`), disabled versions refuse to sign, and errors have Key
//! Vault's shape `{"error":{"code","message","innererror":{"code"}}}`.

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use openssl::hash::MessageDigest;
use openssl::md::Md;
use openssl::pkey::Id;
use openssl::pkey_ctx::PkeyCtx;
use openssl::rsa::Padding;
use serde_json::{Value, json};

use super::key_vault_config::{
    VaultCertificate, VaultCertificateVersion, VaultKeyType, VaultPermission, make_vault_version,
};
use super::server::State;
use crate::core::jwt::AccessTokenClaims;

/// The vault's answer: status, body, and the challenge for `WWW-Authenticate` on a 401.
pub(super) struct VaultAnswer {
    pub status: u16,
    pub body: Value,
    pub challenge: Option<String>,
}

fn answer(status: u16, body: Value) -> VaultAnswer {
    VaultAnswer {
        status,
        body,
        challenge: None,
    }
}

/// Key Vault's error envelope.
pub(super) fn error(status: u16, code: &str, inner: Option<&str>, message: &str) -> VaultAnswer {
    let mut error = json!({ "code": code, "message": message });
    if let Some(inner) = inner {
        error["innererror"] = json!({ "code": inner });
    }
    answer(status, json!({ "error": error }))
}

/// The audience of the vault's tokens: the sandbox's address with `/vault`, so that a Graph token
/// (audience: the bare address) is refused here and a vault token at Graph.
pub(super) fn audience(state: &State) -> String {
    format!("{}/vault", state.base_url)
}

/// Answers a request to `/certificates…` or `/keys…`.
pub(super) fn handle(
    state: &State,
    post: bool,
    segments: &[&str],
    query: &str,
    authorization: Option<&str>,
    body: &[u8],
) -> VaultAnswer {
    let params: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    let param = |name: &str| {
        params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    if !matches!(param("api-version"), Some(v) if v.starts_with("7.")) {
        return error(
            400,
            "BadParameter",
            None,
            "The request URI contains an invalid or missing api-version (7.0 or later).",
        );
    }
    let identity = match authenticate(state, authorization) {
        Ok(identity) => identity,
        Err(message) => {
            let mut refused = error(401, "Unauthorized", None, &message);
            refused.challenge = Some(format!(
                "Bearer authorization=\"{}/{}\", resource=\"{}\"",
                state.base_url,
                state.config.tenant_id,
                audience(state)
            ));
            return refused;
        }
    };
    let allowed = |permission: VaultPermission| {
        state.config.key_vault.grants.iter().any(|grant| {
            grant.identity.eq_ignore_ascii_case(&identity)
                && grant.permissions.contains(&permission)
        })
    };
    let required = match (post, segments) {
        (false, ["certificates"]) => VaultPermission::CertificatesList,
        (true, ["certificates", _, "create"]) => VaultPermission::CertificatesCreate,
        // Reading the pending operation needs certificates/get, as the REST reference says.
        (false, ["certificates", _] | ["certificates", _, _]) => VaultPermission::CertificatesGet,
        (true, ["keys", _, "sign"] | ["keys", _, _, "sign"]) => VaultPermission::KeysSign,
        _ => {
            return error(
                404,
                "NotFound",
                None,
                "The requested operation does not exist.",
            );
        }
    };
    if !allowed(required) {
        return error(
            403,
            "Forbidden",
            Some("AccessDenied"),
            &format!(
                "The user, group or application 'appid={identity}' does not have {} permission on key vault 'sandbox'. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125287",
                required.name()
            ),
        );
    }
    match (post, segments) {
        (false, ["certificates"]) => list(state, param("$skiptoken"), param("maxresults")),
        (false, ["certificates", name, "pending"]) => pending(state, name),
        (false, ["certificates", name]) => get(state, name, None),
        (false, ["certificates", name, version]) => get(state, name, Some(version)),
        (true, ["certificates", name, "create"]) => create(state, name, body),
        (true, ["keys", name, "sign"]) => sign(state, name, None, body),
        (true, ["keys", name, version, "sign"]) => sign(state, name, Some(version), body),
        _ => error(
            404,
            "NotFound",
            None,
            "The requested operation does not exist.",
        ),
    }
}

/// The delegated scope of a person's vault token, as Key Vault's first-party app names it.
pub(super) const DELEGATED_VAULT_SCOPE: &str = "user_impersonation";

/// Whether `requested` (a `scope` entry) asks for a delegated token to the vault:
/// `{audience}/.default` or `{audience}/user_impersonation`.
pub(super) fn asks_for_vault(state: &State, requested: &str) -> bool {
    requested
        .strip_prefix(&audience(state))
        .is_some_and(|rest| rest == "/.default" || rest == format!("/{DELEGATED_VAULT_SCOPE}"))
}

/// A vault token's claims: an app's (`appid`) or, when delegated (`scp`), a person's (`oid`).
#[derive(serde::Deserialize)]
struct VaultTokenClaims {
    #[serde(flatten)]
    token: AccessTokenClaims,
    #[serde(default)]
    scp: Option<String>,
    #[serde(default)]
    oid: Option<String>,
}

/// The identity the token grants access for (an app's `appid`, or a signed-in person's `oid`),
/// or why it is refused.
fn authenticate(state: &State, authorization: Option<&str>) -> Result<String, String> {
    let token = authorization
        .and_then(|h| h.strip_prefix("Bearer "))
        .ok_or("AKV10000: Request is missing a Bearer or PoP token.")?;
    let mut validation = Validation::new(Algorithm::HS256);
    validation.validate_aud = false;
    validation.validate_exp = false;
    validation.required_spec_claims.clear();
    let VaultTokenClaims {
        token: claims,
        scp,
        oid,
    } = jsonwebtoken::decode::<VaultTokenClaims>(
        token,
        &DecodingKey::from_secret(&state.token_key),
        &validation,
    )
    .map_err(|_| "AKV10032: Invalid issuer or signature.".to_owned())?
    .claims;
    if claims.aud != audience(state) {
        return Err(format!(
            "AKV10022: Invalid audience. Expected {}, found: {}.",
            audience(state),
            claims.aud
        ));
    }
    if claims.exp < state.now() {
        return Err("AKV10025: The token is expired.".into());
    }
    // Key Vault grants a person's delegated token by the person's object ID, not the client's.
    match (scp, oid) {
        (Some(scp), Some(oid)) if scp.split_whitespace().any(|s| s == DELEGATED_VAULT_SCOPE) => {
            Ok(oid)
        }
        (Some(_), _) => Err("AKV10022: Invalid audience or scope for a delegated token.".into()),
        (None, _) => Ok(claims.appid),
    }
}

fn with_certificates<T>(state: &State, read: impl FnOnce(&mut Vec<VaultCertificate>) -> T) -> T {
    let mut certificates = state
        .vault_certificates
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    read(&mut certificates)
}

fn not_found(kind: &str, what: &str) -> VaultAnswer {
    let code = if kind == "key" {
        "KeyNotFound"
    } else {
        "CertificateNotFound"
    };
    error(
        404,
        code,
        None,
        &format!(
            "A {kind} with (name/id) {what} was not found in this key vault. If you recently deleted this {kind} you may be able to recover it using the correct recovery command."
        ),
    )
}

fn find<'a>(
    certificates: &'a [VaultCertificate],
    name: &str,
    version: Option<&str>,
) -> Option<&'a VaultCertificateVersion> {
    let certificate = certificates
        .iter()
        .find(|c| c.name.eq_ignore_ascii_case(name))?;
    match version {
        None | Some("") => certificate.versions.last(),
        Some(version) => certificate
            .versions
            .iter()
            .find(|v| v.version.eq_ignore_ascii_case(version)),
    }
}

fn get(state: &State, name: &str, version: Option<&str>) -> VaultAnswer {
    with_certificates(state, |certificates| {
        match find(certificates, name, version) {
            Some(found) => answer(200, bundle(state, name, found)),
            None => not_found(
                "certificate",
                &version.map_or(name.to_owned(), |v| format!("{name}/{v}")),
            ),
        }
    })
}

/// A certificate bundle as Key Vault returns it.
fn bundle(state: &State, name: &str, found: &VaultCertificateVersion) -> Value {
    let base = &state.base_url;
    let der = found.certificate.to_der().unwrap_or_default();
    let x5t = found
        .certificate
        .digest(MessageDigest::sha1())
        .map(|d| URL_SAFE_NO_PAD.encode(d))
        .unwrap_or_default();
    let time = |t: &openssl::asn1::Asn1TimeRef| {
        openssl::asn1::Asn1Time::from_unix(0)
            .and_then(|epoch| epoch.diff(t))
            .map(|d| i64::from(d.days) * 86_400 + i64::from(d.secs))
            .unwrap_or(0)
    };
    let (kty, key_size, curve) = match found.key.id() {
        Id::EC => ("EC", Value::Null, json!("P-256")),
        _ => ("RSA", json!(found.key.bits()), Value::Null),
    };
    let version = &found.version;
    json!({
        "id": format!("{base}/certificates/{name}/{version}"),
        "kid": format!("{base}/keys/{name}/{version}"),
        "sid": format!("{base}/secrets/{name}/{version}"),
        "x5t": x5t,
        "cer": STANDARD.encode(der),
        "attributes": {
            "enabled": found.enabled,
            "nbf": time(found.certificate.not_before()),
            "exp": time(found.certificate.not_after()),
            "created": time(found.certificate.not_before()),
            "updated": time(found.certificate.not_before()),
            "recoveryLevel": "Recoverable+Purgeable",
        },
        "policy": {
            "id": format!("{base}/certificates/{name}/policy"),
            "key_props": { "exportable": found.exportable, "kty": kty, "key_size": key_size, "crv": curve, "reuse_key": false },
            "secret_props": { "contentType": "application/x-pkcs12" },
        },
    })
}

/// `GET /certificates`: one page of the certificates (their current versions' ids and attributes),
/// with the `nextLink` to the next page.
fn list(state: &State, skip: Option<&str>, max: Option<&str>) -> VaultAnswer {
    let configured = state.config.key_vault.page_size;
    let page = max
        .and_then(|m| m.parse::<usize>().ok())
        .filter(|m| (1..=25).contains(m))
        .unwrap_or(if configured == 0 { 25 } else { configured });
    let start = skip.and_then(|s| s.parse::<usize>().ok()).unwrap_or(0);
    with_certificates(state, |certificates| {
        let base = &state.base_url;
        let value: Vec<Value> = certificates
            .iter()
            .skip(start)
            .take(page)
            .filter_map(|certificate| {
                let current = certificate.versions.last()?;
                let full = bundle(state, &certificate.name, current);
                Some(json!({
                    "id": format!("{base}/certificates/{}", certificate.name),
                    "x5t": full["x5t"],
                    "attributes": full["attributes"],
                }))
            })
            .collect();
        let next = start + page;
        let next_link = (next < certificates.len()).then(|| {
            format!("{base}/certificates?api-version=7.5&$skiptoken={next}&maxresults={page}")
        });
        answer(200, json!({ "value": value, "nextLink": next_link }))
    })
}

/// `POST /keys/{name}/{version}/sign` with `{"alg","value"}`: the digest signed with the key.
fn sign(state: &State, name: &str, version: Option<&str>, body: &[u8]) -> VaultAnswer {
    let Ok(request) = serde_json::from_slice::<Value>(body) else {
        return error(
            400,
            "BadParameter",
            None,
            "The request body is not valid JSON.",
        );
    };
    let alg = request["alg"].as_str().unwrap_or_default();
    let Some(digest) = request["value"]
        .as_str()
        .and_then(|v| URL_SAFE_NO_PAD.decode(v).ok())
    else {
        return error(
            400,
            "BadParameter",
            None,
            "Property 'value' is required and must be base64url.",
        );
    };
    let key = with_certificates(state, |certificates| {
        find(certificates, name, version).map(|v| (v.key.clone(), v.enabled, v.version.clone()))
    });
    let Some((key, enabled, found_version)) = key else {
        return not_found(
            "key",
            &version.map_or(name.to_owned(), |v| format!("{name}/{v}")),
        );
    };
    if !enabled {
        return error(
            403,
            "Forbidden",
            Some("KeyDisabled"),
            "Operation \"sign\" is not allowed on a disabled key.",
        );
    }
    if !matches!(alg, "RS256" | "PS256") {
        return error(
            400,
            "BadParameter",
            None,
            &format!("Invalid algorithm '{alg}'."),
        );
    }
    if key.id() != Id::RSA {
        return error(
            400,
            "BadParameter",
            None,
            "Key and signing algorithm are incompatible.",
        );
    }
    if digest.len() != 32 {
        return error(
            400,
            "BadParameter",
            None,
            "Invalid digest length for SHA-256: expected 32 bytes.",
        );
    }
    let signed = (|| {
        let mut ctx = PkeyCtx::new(&key)?;
        ctx.sign_init()?;
        ctx.set_signature_md(Md::sha256())?;
        if alg == "PS256" {
            ctx.set_rsa_padding(Padding::PKCS1_PSS)?;
            ctx.set_rsa_pss_saltlen(openssl::sign::RsaPssSaltlen::custom(32))?;
            ctx.set_rsa_mgf1_md(Md::sha256())?;
        } else {
            ctx.set_rsa_padding(Padding::PKCS1)?;
        }
        let mut signature = Vec::new();
        ctx.sign_to_vec(&digest, &mut signature)?;
        Ok::<_, openssl::error::ErrorStack>(signature)
    })();
    match signed {
        Ok(signature) => answer(
            200,
            json!({
                "kid": format!("{}/keys/{name}/{found_version}", state.base_url),
                "value": URL_SAFE_NO_PAD.encode(signature),
            }),
        ),
        Err(_) => error(500, "InternalServerError", None, "The key could not sign."),
    }
}

/// `POST /certificates/{name}/create` with a self-signed policy: a new version with a new RSA key
/// (made at once; the pending operation reports it completed).
fn create(state: &State, name: &str, body: &[u8]) -> VaultAnswer {
    let Ok(request) = serde_json::from_slice::<Value>(body) else {
        return error(
            400,
            "BadParameter",
            None,
            "The request body is not valid JSON.",
        );
    };
    let policy = &request["policy"];
    if policy["issuer"]["name"].as_str() != Some("Self") {
        return error(
            400,
            "BadParameter",
            None,
            "Only the issuer 'Self' is supported here.",
        );
    }
    if policy["key_props"]["kty"].as_str().unwrap_or("RSA") != "RSA" {
        return error(400, "BadParameter", None, "Only RSA keys are made here.");
    }
    let subject = policy["x509_props"]["subject"]
        .as_str()
        .unwrap_or("CN=certconnect")
        .trim_start_matches("CN=")
        .to_owned();
    let months = policy["x509_props"]["validity_months"]
        .as_i64()
        .unwrap_or(12);
    let version = uuid::Uuid::new_v4().simple().to_string();
    let Ok(mut made) = make_vault_version(&subject, &version, VaultKeyType::Rsa, 0, months * 30)
    else {
        return error(
            500,
            "InternalServerError",
            None,
            "The key could not be made.",
        );
    };
    made.exportable = policy["key_props"]["exportable"].as_bool().unwrap_or(false);
    with_certificates(state, |certificates| {
        match certificates
            .iter_mut()
            .find(|c| c.name.eq_ignore_ascii_case(name))
        {
            Some(existing) => existing.versions.push(made),
            None => certificates.push(VaultCertificate {
                name: name.to_owned(),
                versions: vec![made],
            }),
        }
    });
    answer(
        202,
        json!({
            "id": format!("{}/certificates/{name}/pending", state.base_url),
            "status": "inProgress",
            "request_id": uuid::Uuid::new_v4().to_string(),
        }),
    )
}

/// `GET /certificates/{name}/pending`: the create operation, completed.
fn pending(state: &State, name: &str) -> VaultAnswer {
    let known = with_certificates(state, |certificates| {
        certificates
            .iter()
            .any(|c| c.name.eq_ignore_ascii_case(name))
    });
    if !known {
        return error(
            404,
            "PendingCertificateNotFound",
            None,
            &format!("Pending certificate not found: {name}"),
        );
    }
    answer(
        200,
        json!({
            "id": format!("{}/certificates/{name}/pending", state.base_url),
            "status": "completed",
            "target": format!("{}/certificates/{name}", state.base_url),
        }),
    )
}
