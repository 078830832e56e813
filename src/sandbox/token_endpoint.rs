//! `POST /{tenant}/oauth2/v2.0/token`: checks a client-credentials request the way Entra does.

use std::collections::HashMap;

use jsonwebtoken::{EncodingKey, Header};
use openssl::hash::MessageDigest;
use openssl::x509::X509;
use serde_json::{Value, json};

use super::entra_error::{EntraRefusal, refuse};
use super::jws::{self, CompactJws, text};
use super::server::State;
use super::verify::signature_is_valid;
use crate::core::authority::{NON_TENANTS, is_plausible_tenant};
use crate::core::thumbprint::to_hex;
use crate::core::time_fmt::rfc3339;
use crate::net::ASSERTION_TYPE;

/// Clock skew Entra tolerates on `nbf` / `exp`.
const SKEW_SECS: i64 = 300;
/// Lifetime of the tokens the sandbox issues.
const TOKEN_LIFETIME_SECS: i64 = 3599;

/// Answers a token request: the success JSON, or Entra's refusal.
pub(super) fn handle(
    state: &State,
    tenant: &str,
    aud_expected: &str,
    body: &[u8],
) -> Result<Value, EntraRefusal> {
    let now = state.now();
    let fail = |code: u32, message: &str| refuse(code, message, now);
    check_tenant(state, tenant, now)?;
    let config = &state.config;
    let form: HashMap<String, String> = url::form_urlencoded::parse(body).into_owned().collect();
    let field = |name: &str| form.get(name).map(String::as_str).unwrap_or_default();
    if field("grant_type") != "client_credentials" {
        return Err(fail(70003, "The app requested an unsupported grant type."));
    }
    if form.contains_key("client_secret") {
        return Err(fail(7000215, "Invalid client secret provided."));
    }
    if field("client_assertion_type") != ASSERTION_TYPE || field("client_assertion").is_empty() {
        return Err(fail(
            7000218,
            "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
        ));
    }
    let client_id = field("client_id").to_ascii_lowercase();
    let Some((certificates, roles)) = state.apps.credentials(&client_id) else {
        return Err(fail(
            700016,
            &format!(
                "Application with identifier '{client_id}' was not found in the directory '{}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.",
                config.tenant_domain
            ),
        ));
    };

    let assertion = field("client_assertion");
    let Some(CompactJws {
        header,
        claims,
        signing_input,
        signature,
        ..
    }) = jws::parse(assertion)
    else {
        return Err(fail(50027, "Invalid JWT token. The token is malformed."));
    };
    let alg = text(&header, "alg");
    if alg != "RS256" && alg != "PS256" {
        return Err(fail(
            5002730,
            &format!("Invalid JWT token. Unsupported key for the signing algorithm '{alg}'."),
        ));
    }

    let cert = find_certificate(&header, &certificates, &client_id, now)?;
    if !signature_is_valid(&alg, signing_input.as_bytes(), &signature, cert) {
        return Err(fail(
            700027,
            "Client assertion failed signature validation. [Reason - Key was found, but use of the key to verify the signature failed.]",
        ));
    }

    let (iss, sub) = (text(&claims, "iss"), text(&claims, "sub"));
    if iss != sub {
        return Err(fail(
            50048,
            "Subject must match Issuer claim in the client assertion.",
        ));
    }
    if iss.to_ascii_lowercase() != client_id {
        return Err(fail(
            50012,
            "The client assertion's issuer does not match the client_id of the request.",
        ));
    }
    if text(&claims, "aud") != aud_expected {
        return Err(fail(
            50012,
            &format!(
                "Client assertion audience claim does not match Realm issuer. Expected '{aud_expected}'."
            ),
        ));
    }
    check_lifetime(&claims, now)?;
    let jti = text(&claims, "jti");
    let fresh = state
        .used_jtis
        .lock()
        .map(|mut used| !jti.is_empty() && used.insert(jti.clone()))
        .unwrap_or(false);
    if !fresh {
        return Err(fail(
            50012,
            "The client assertion has been used before (jti replay) or has no jti.",
        ));
    }

    let scope = field("scope");
    let Some(resource) = scope.strip_suffix("/.default") else {
        return Err(fail(
            1002012,
            &format!(
                "The provided value for scope {scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI)."
            ),
        ));
    };
    // Graph's resource, or the sandbox Key Vault's (an app reaching the vault with its own token).
    let vault = super::key_vault::audience(state);
    if resource != state.base_url && resource != vault {
        return Err(fail(
            500011,
            &format!(
                "The resource principal named {resource} was not found in the tenant named {}.",
                config.tenant_domain
            ),
        ));
    }
    let roles = if resource == vault { Vec::new() } else { roles };
    let token = access_token(state, resource, &client_id, &roles);
    Ok(
        json!({ "token_type": "Bearer", "expires_in": TOKEN_LIFETIME_SECS, "ext_expires_in": TOKEN_LIFETIME_SECS, "access_token": token }),
    )
}

/// An access token of the sandbox for `audience`, issued to `client_id` with `roles`.
pub(super) fn access_token(
    state: &State,
    audience: &str,
    client_id: &str,
    roles: &[String],
) -> String {
    let now = state.now();
    let claims = json!({
        "aud": audience,
        "iss": format!("{}/{}/v2.0", state.base_url, state.config.tenant_id),
        "iat": now,
        "nbf": now,
        "exp": now.saturating_add(TOKEN_LIFETIME_SECS),
        "tid": state.config.tenant_id,
        "appid": client_id,
        "roles": roles,
        "jti": uuid::Uuid::new_v4().to_string(),
    });
    jsonwebtoken::encode(
        &Header::default(),
        &claims,
        &EncodingKey::from_secret(&state.token_key),
    )
    .unwrap_or_default()
}

/// Lifetime of the tokens the sandbox issues, in seconds.
pub(super) const fn token_lifetime_secs() -> i64 {
    TOKEN_LIFETIME_SECS
}

/// Entra's answer to a token URL whose tenant is not this sandbox's: `/common`, an implausible
/// name, or another tenant.
fn check_tenant(state: &State, tenant: &str, now: i64) -> Result<(), EntraRefusal> {
    let fail = |code: u32, message: &str| refuse(code, message, now);
    let tenant_lower = tenant.to_ascii_lowercase();
    if NON_TENANTS.contains(&tenant_lower.as_str()) {
        return Err(fail(
            9001023,
            "The provided grant type is not supported over the /common or /consumers endpoints. Please use the /organizations or tenant-specific endpoint.",
        ));
    }
    if !is_plausible_tenant(tenant) {
        return Err(fail(
            900023,
            &format!(
                "Specified tenant identifier '{tenant}' is neither a valid DNS name, nor a valid external domain."
            ),
        ));
    }
    let config = &state.config;
    if tenant_lower != config.tenant_id && tenant_lower != config.tenant_domain {
        return Err(fail(
            90002,
            &format!(
                "Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud."
            ),
        ));
    }
    Ok(())
}

/// The registered certificate the assertion's header names by thumbprint, or Entra's refusal.
fn find_certificate<'a>(
    header: &Value,
    certificates: &'a [X509],
    client_id: &str,
    now: i64,
) -> Result<&'a X509, EntraRefusal> {
    let fail = |code: u32, message: &str| refuse(code, message, now);
    // The certificate is found by thumbprint: x5t (SHA-1) or x5t#S256 (SHA-256), raw digest in base64url.
    let (wanted, md) = match (text(header, "x5t#S256"), text(header, "x5t")) {
        (s256, _) if !s256.is_empty() => (s256, MessageDigest::sha256()),
        (_, x5t) if !x5t.is_empty() => (x5t, MessageDigest::sha1()),
        _ => {
            return Err(fail(
                50027,
                "Invalid JWT token. No certificate thumbprint specified in token header.",
            ));
        }
    };
    // Entra also takes the thumbprint with base64 padding, which MSAL Python sends ("…=").
    let wanted_bytes = jws::decode(&wanted).unwrap_or_default();
    let Some(cert) = certificates
        .iter()
        .find(|c| c.digest(md).is_ok_and(|d| *d == *wanted_bytes))
    else {
        return Err(fail(
            700027,
            &format!(
                "Client assertion failed signature validation. [Reason - The key was not found., Thumbprint of key used by client: '{}', Please visit the Microsoft Graph Explorer and run the following request: 'https://graph.microsoft.com/v1.0/applications/{client_id}' to see configured keys on the app registration.]",
                to_hex(&wanted_bytes)
            ),
        ));
    };
    Ok(cert)
}

/// Entra's answer to an assertion outside its `nbf`..`exp` window (with the allowed skew).
fn check_lifetime(claims: &Value, now: i64) -> Result<(), EntraRefusal> {
    let fail = |code: u32, message: &str| refuse(code, message, now);
    // A NumericDate may have a fraction (RFC 7519 §2); MSAL Python sends time.time() + lifetime.
    let number = |k: &str| {
        let value = claims.get(k)?;
        value.as_i64().or_else(|| {
            value
                .as_f64()
                .filter(|f| f.is_finite() && f.abs() < 1e15)
                .map(|f| f as i64)
        })
    };
    let nbf = number("nbf").unwrap_or(0);
    let exp = number("exp").unwrap_or(0);
    if nbf > now.saturating_add(SKEW_SECS) || exp < now.saturating_sub(SKEW_SECS) {
        return Err(fail(
            700024,
            &format!(
                "Client assertion is not within its valid time range. Current time: {}, assertion valid from {}, expiry time of assertion {}.",
                rfc3339(now),
                rfc3339(nbf),
                rfc3339(exp)
            ),
        ));
    }
    Ok(())
}
