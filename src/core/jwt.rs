//! The claims certconnect signs, and the claims it reads back from an access token.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};

/// The client assertion's claims (RFC 7523, as Entra wants them).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssertionClaims {
    /// The exact token URL posted to.
    pub aud: String,
    /// The client ID.
    pub iss: String,
    /// The client ID again (Entra refuses sub ≠ iss with AADSTS50048).
    pub sub: String,
    /// A fresh UUID, so the assertion cannot be replayed.
    pub jti: String,
    /// Not before: now.
    pub nbf: i64,
    /// Issued at: now.
    pub iat: i64,
    /// Expiry: now + lifetime.
    pub exp: i64,
}

impl AssertionClaims {
    /// Claims for one token request.
    pub fn new(
        client_id: &str,
        token_url: &str,
        jti: String,
        now: i64,
        lifetime_secs: u32,
    ) -> Self {
        Self {
            aud: token_url.to_owned(),
            iss: client_id.to_owned(),
            sub: client_id.to_owned(),
            jti,
            nbf: now,
            iat: now,
            exp: now + i64::from(lifetime_secs),
        }
    }
}

/// The audience of a proof-of-possession token for Graph's addKey / removeKey: the Azure AD Graph
/// application id, as Microsoft's "Generate proof-of-possession tokens for rolling keys" says.
pub const PROOF_AUDIENCE: &str = "00000002-0000-0000-c000-000000000000";
/// How long a proof is valid: Graph accepts at most 10 minutes from `nbf` to `exp`.
pub const PROOF_LIFETIME_SECS: i64 = 600;

/// The claims of a proof of possession: the application signs, with one of its current
/// certificates, that it is rolling its own keys.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProofClaims {
    /// [`PROOF_AUDIENCE`].
    pub aud: String,
    /// The application's object id (not its client id).
    pub iss: String,
    /// Not before: now.
    pub nbf: i64,
    /// Expiry: now + [`PROOF_LIFETIME_SECS`].
    pub exp: i64,
    /// A fresh UUID: RS256 signatures are deterministic, so without it two proofs made in the same
    /// second would be one token, which a verifier takes for a replay.
    pub jti: String,
}

impl ProofClaims {
    /// Claims for one addKey or removeKey call.
    pub fn new(object_id: &str, jti: String, now: i64) -> Self {
        Self {
            aud: PROOF_AUDIENCE.to_owned(),
            iss: object_id.to_owned(),
            nbf: now,
            exp: now + PROOF_LIFETIME_SECS,
            jti,
        }
    }
}

/// The read-only preview of the assertion the app shows: header and claims as JSON, with
/// placeholders for what is only known when sending (the time, the jti).
pub fn preview(
    algorithm: super::profile::AssertionAlgorithm,
    thumbprint_b64: Option<&str>,
    send_chain: bool,
    token_url: &str,
    client_id: &str,
    lifetime_secs: &str,
) -> String {
    use super::profile::AssertionAlgorithm;
    let thumbprint = thumbprint_b64.unwrap_or("<from the loaded certificate>");
    let mut header = serde_json::Map::new();
    let (alg, key) = match algorithm {
        AssertionAlgorithm::Rs256 => ("RS256", "x5t"),
        AssertionAlgorithm::Ps256 => ("PS256", "x5t#S256"),
    };
    header.insert("alg".into(), alg.into());
    header.insert("typ".into(), "JWT".into());
    header.insert(key.into(), thumbprint.into());
    if send_chain {
        header.insert(
            "x5c".into(),
            serde_json::json!(["<certificate, then its issuers>"]),
        );
    }
    let claims = serde_json::json!({
        "aud": token_url.trim(),
        "iss": client_id.trim(),
        "sub": client_id.trim(),
        "jti": "<a new UUID for every request>",
        "nbf": "<now>",
        "iat": "<now>",
        "exp": format!("<now + {} s>", lifetime_secs.trim()),
    });
    let pretty = |v: &serde_json::Value| serde_json::to_string_pretty(v).unwrap_or_default();
    format!(
        "{}\n{}",
        pretty(&serde_json::Value::Object(header)),
        pretty(&claims)
    )
}

/// What an access token says about itself (read without verifying: the server checks it).
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
pub struct AccessTokenClaims {
    /// The resource it is for, e.g. `https://graph.microsoft.com`.
    #[serde(default)]
    pub aud: String,
    /// Tenant id.
    #[serde(default)]
    pub tid: String,
    /// The client app id.
    #[serde(default)]
    pub appid: String,
    /// Application permissions granted to the app.
    #[serde(default)]
    pub roles: Vec<String>,
    /// Expiry, Unix seconds.
    #[serde(default)]
    pub exp: i64,
}

/// Decodes a JWT's payload without checking its signature.
pub fn decode_unverified<T: for<'de> Deserialize<'de>>(token: &str) -> Result<T, String> {
    let payload = token
        .split('.')
        .nth(1)
        .ok_or("the access token is not a JWT (no payload part)")?;
    let bytes = URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .map_err(|e| format!("the access token's payload is not base64url ({e})"))?;
    serde_json::from_slice(&bytes)
        .map_err(|e| format!("the access token's payload is not JSON ({e})"))
}

/// Permissions that let the probe read sites and drives.
pub const SITE_ROLES: [&str; 5] = [
    "Sites.Read.All",
    "Sites.ReadWrite.All",
    "Sites.Manage.All",
    "Sites.FullControl.All",
    "Sites.Selected",
];
/// Permissions that let the probe read drive content.
pub const FILE_ROLES: [&str; 2] = ["Files.Read.All", "Files.ReadWrite.All"];

/// Warnings about the token's roles for what the probe is about to do.
pub fn role_warnings(roles: &[String]) -> Vec<String> {
    if roles.is_empty() {
        return vec!["The token carries no application permissions (roles): add Microsoft Graph application permissions such as Sites.Read.All and grant admin consent.".into()];
    }
    let has = |wanted: &[&str]| roles.iter().any(|r| wanted.contains(&r.as_str()));
    let mut warnings = Vec::new();
    if !has(&SITE_ROLES) {
        warnings.push("No Sites.* permission: reading the site will be refused; add Sites.Read.All (or Sites.Selected with a site grant).".into());
    }
    if !has(&FILE_ROLES) && !has(&SITE_ROLES) {
        warnings.push(
            "No Files.Read.All or Sites.* permission: reading drives will be refused.".into(),
        );
    }
    if roles.iter().any(|r| r == "Sites.Selected") && !has(&SITE_ROLES[..4]) {
        warnings.push("Sites.Selected only gives access to sites granted to this app (POST /sites/{id}/permissions); other sites answer 403.".into());
    }
    warnings
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assertion_claims_follow_entra_rules() {
        let claims = AssertionClaims::new(
            "app",
            "https://login/t/oauth2/v2.0/token",
            "j".into(),
            1000,
            600,
        );
        assert_eq!((claims.iss.as_str(), claims.sub.as_str()), ("app", "app"));
        assert_eq!((claims.nbf, claims.iat, claims.exp), (1000, 1000, 1600));
        assert_eq!(claims.aud, "https://login/t/oauth2/v2.0/token");
    }

    #[test]
    fn token_claims_decode_without_verification() {
        let payload = URL_SAFE_NO_PAD.encode(br#"{"aud":"https://graph.microsoft.com","tid":"t","appid":"a","roles":["Sites.Read.All"],"exp":5}"#);
        let claims: AccessTokenClaims = decode_unverified(&format!("h.{payload}.s")).unwrap();
        assert_eq!(claims.roles, ["Sites.Read.All"]);
        assert!(decode_unverified::<AccessTokenClaims>("opaque").is_err());
    }

    #[test]
    fn roles_are_checked_for_the_probe() {
        assert_eq!(role_warnings(&[]).len(), 1);
        assert!(role_warnings(&["Sites.Read.All".into()]).is_empty());
        assert!(role_warnings(&["Files.Read.All".into()])[0].contains("Sites"));
        assert!(role_warnings(&["Sites.Selected".into()])[0].contains("granted"));
    }
}
