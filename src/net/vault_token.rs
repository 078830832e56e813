//! Tokens for a Key Vault's audience, by the three ways in: the Azure CLI's `az login`, the host's
//! managed identity, or another profile's app-only connection. Tokens are returned as [`Secret`]s,
//! kept in memory by the caller and never written.

use std::io::Read as _;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde::Deserialize;
use url::Url;

use super::send::{RetryContext, send};
use super::token::{TokenRequest, request_token};
use crate::assertion::Signer;
use crate::core::event::{Failure, TestEvent};
use crate::core::profile::AssertionOptions;
use crate::core::url_rules::is_loopback;
use crate::secret::Secret;

/// How long `az account get-access-token` may take before it is stopped.
pub const AZ_TIMEOUT: Duration = Duration::from_secs(30);
/// The largest answer read from `az`.
const AZ_OUTPUT_MAX: u64 = 64 * 1024;
/// The IMDS address on every Azure VM.
const IMDS_BASE: &str = "http://169.254.169.254";
/// Overrides the IMDS base (tests and the sandbox point it at 127.0.0.1).
pub const IMDS_ENDPOINT_VAR: &str = "CERTCONNECT_IMDS_ENDPOINT";

/// Where the vault token comes from.
pub enum TokenSource {
    /// `az account get-access-token --resource AUDIENCE --output json`.
    AzureCli,
    /// The managed identity (App Service's `IDENTITY_ENDPOINT`, else IMDS).
    ManagedIdentity {
        /// A user-assigned identity's client ID.
        client_id: Option<String>,
    },
    /// Another profile's app-only token (client credentials with its own certificate).
    AppOnly(Box<AppOnly>),
    /// A signed-in person's delegated token, held for the session.
    SignIn(std::sync::Arc<super::vault_sign_in::VaultSignIn>),
}

/// What an app-only token for the vault needs: another profile's settings and opened certificate.
pub struct AppOnly {
    /// The profile's name (for messages).
    pub profile: String,
    /// Its token URL.
    pub token_url: String,
    /// Its client ID.
    pub client_id: String,
    /// Its signer (its own certificate and key).
    pub signer: Signer,
    /// Its assertion options.
    pub options: AssertionOptions,
}

/// Why no token could be had, by the way in that was tried.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    /// `az` is not on `PATH`.
    #[error("the Azure CLI (az) is not installed or not on PATH")]
    AzMissing,
    /// `az` ran and failed (not signed in, no subscription…); its first line of standard error.
    #[error("az account get-access-token failed: {0}")]
    AzFailed(String),
    /// `az` took longer than [`AZ_TIMEOUT`].
    #[error("az account get-access-token did not answer within {} s", AZ_TIMEOUT.as_secs())]
    AzTimedOut,
    /// `az`'s output was not the JSON it documents.
    #[error("az account get-access-token printed something other than its JSON")]
    AzBadOutput,
    /// No managed-identity endpoint answered (not on an Azure host, or identity off).
    #[error("no managed identity endpoint answered at {0}")]
    IdentityUnreachable(String),
    /// The managed-identity endpoint refused.
    #[error("the managed identity endpoint answered {status}: {error}")]
    IdentityRefused {
        /// HTTP status.
        status: u16,
        /// Its `error` (or message) field.
        error: String,
    },
    /// The vault is reached by a person's sign-in and there is nobody to sign in (a run with no
    /// person, such as `test --all`).
    #[error("reaching the vault needs a person to sign in, and this run has none")]
    NeedsPerson,
    /// The person's sign-in did not end with a token.
    #[error("the sign-in for the vault did not finish: {0}")]
    SignIn(String),
    /// The other profile's token request failed.
    #[error("the profile '{profile}' did not get a token for the vault: {}", .failure.message)]
    Profile {
        /// The profile.
        profile: String,
        /// The token step's failure.
        failure: Box<Failure>,
    },
}

impl TokenError {
    /// The machine code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::AzMissing => "az_missing",
            Self::AzFailed(_) => "az_failed",
            Self::AzTimedOut => "az_timeout",
            Self::AzBadOutput => "az_bad_output",
            Self::IdentityUnreachable(_) => "managed_identity_unreachable",
            Self::IdentityRefused { .. } => "managed_identity_refused",
            Self::Profile { .. } => "vault_profile_token",
            Self::NeedsPerson => "vault_sign_in_needs_person",
            Self::SignIn(_) => "vault_sign_in_failed",
        }
    }

    /// What to do.
    pub fn fix(&self) -> String {
        match self {
            Self::AzMissing => "Install the Azure CLI and run az login, or choose --vault-access managed-identity or profile:NAME.".into(),
            Self::AzFailed(_) | Self::AzBadOutput => "Run az login (az login --tenant TENANT for the vault's tenant) and test again.".into(),
            Self::AzTimedOut => "Run az account get-access-token --resource https://vault.azure.net yourself to see what it waits for.".into(),
            Self::IdentityUnreachable(_) => "Managed identity works only on an Azure VM, App Service, Functions or Arc server with an identity enabled; elsewhere use --vault-access cli or profile:NAME.".into(),
            Self::IdentityRefused { .. } => "Check that the identity is enabled on this host and, for a user-assigned one, that its client ID is right.".into(),
            Self::Profile { failure, .. } => failure.hint.clone(),
            Self::NeedsPerson => "Run it where someone can sign in (certconnect test --profile NAME, or the app), or give the profile a way in that needs no person: profile:NAME or managed-identity.".into(),
            Self::SignIn(_) => "Sign in again; where no browser opens, sign in with a device code (--device-code on the command line).".into(),
        }
    }
}

impl TokenSource {
    /// Whether the token for `audience` would be one held from earlier in the session.
    pub fn holds(&self, audience: &str) -> bool {
        matches!(self, Self::SignIn(sign_in) if sign_in.holds(audience))
    }

    /// Forgets a token held for the session (the vault refused it), so the next is new.
    pub fn forget(&self) {
        if let Self::SignIn(sign_in) = self {
            sign_in.forget();
        }
    }

    /// A token for `audience` (`https://vault.azure.net`); `challenge` is the vault's sign-in
    /// authority and tenant, when its challenge named them.
    pub async fn token(
        &self,
        client: &reqwest::Client,
        ctx: &RetryContext<'_>,
        audience: &str,
        challenge: Option<(Url, String)>,
    ) -> Result<Secret, TokenError> {
        match self {
            Self::SignIn(sign_in) => sign_in.token(audience, challenge).await,
            Self::AzureCli => {
                let audience = audience.to_owned();
                tokio::task::spawn_blocking(move || az_token(&audience))
                    .await
                    .unwrap_or(Err(TokenError::AzTimedOut))
            }
            Self::ManagedIdentity { client_id } => {
                managed_identity_token(audience, client_id.as_deref()).await
            }
            Self::AppOnly(app) => {
                let scope = format!("{}/.default", audience.trim_end_matches('/'));
                let request = TokenRequest {
                    token_url: &app.token_url,
                    client_id: &app.client_id,
                    scope: &scope,
                    signer: &app.signer,
                    options: &app.options,
                    first_assertion: None,
                };
                let mut ignore = |_: TestEvent| {};
                request_token(client, ctx, &mut ignore, &request)
                    .await
                    .map(|grant| Secret::new(grant.access_token.expose()))
                    .map_err(|failure| TokenError::Profile {
                        profile: app.profile.clone(),
                        failure: Box::new(failure),
                    })
            }
        }
    }
}

/// The program run for the Azure CLI: `az` (on Windows the `az.cmd` the installer puts on PATH).
fn az_program() -> PathBuf {
    if cfg!(windows) {
        PathBuf::from("az.cmd")
    } else {
        PathBuf::from("az")
    }
}

/// `az account get-access-token` as documented: `accessToken`, `expiresOn` (local time text) and,
/// since az 2.54, `expires_on` (Unix seconds).
#[derive(Deserialize)]
struct AzAnswer {
    #[serde(rename = "accessToken")]
    access_token: String,
}

/// Runs `az account get-access-token --resource AUDIENCE --output json` without a shell, stopped
/// after [`AZ_TIMEOUT`], and reads its token.
fn az_token(audience: &str) -> Result<Secret, TokenError> {
    let mut child = Command::new(az_program())
        .args([
            "account",
            "get-access-token",
            "--resource",
            audience,
            "--output",
            "json",
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => TokenError::AzMissing,
            _ => TokenError::AzFailed(e.to_string()),
        })?;
    // Read both pipes beside the wait, so a chatty az cannot block on a full pipe.
    let read = |pipe: Option<Box<dyn std::io::Read + Send>>| {
        std::thread::Builder::new()
            .name("az-output".into())
            .spawn(move || {
                let mut bytes = Vec::new();
                if let Some(pipe) = pipe {
                    pipe.take(AZ_OUTPUT_MAX).read_to_end(&mut bytes).ok();
                }
                bytes
            })
    };
    let stdout = read(child.stdout.take().map(|p| Box::new(p) as _));
    let stderr = read(child.stderr.take().map(|p| Box::new(p) as _));
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() < AZ_TIMEOUT => {
                std::thread::sleep(Duration::from_millis(20));
            }
            _ => {
                child.kill().ok();
                child.wait().ok();
                return Err(TokenError::AzTimedOut);
            }
        }
    };
    let join = |handle: std::io::Result<std::thread::JoinHandle<Vec<u8>>>| {
        handle.ok().and_then(|h| h.join().ok()).unwrap_or_default()
    };
    let out = zeroize::Zeroizing::new(join(stdout));
    let err = join(stderr);
    if !status.success() {
        // az's own words, shown to the admin; nothing here decides on them.
        let line = String::from_utf8_lossy(&err)
            .lines()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("no message")
            .chars()
            .take(300)
            .collect();
        return Err(TokenError::AzFailed(line));
    }
    let answer: AzAnswer = serde_json::from_slice(&out).map_err(|_| TokenError::AzBadOutput)?;
    if answer.access_token.is_empty() {
        return Err(TokenError::AzBadOutput);
    }
    Ok(Secret::new(answer.access_token))
}

/// A managed-identity token: App Service / Functions when `IDENTITY_ENDPOINT` and
/// `IDENTITY_HEADER` are set, Arc when `IDENTITY_ENDPOINT` and `IMDS_ENDPOINT` are, else IMDS.
async fn managed_identity_token(
    audience: &str,
    client_id: Option<&str>,
) -> Result<Secret, TokenError> {
    let endpoint = std::env::var("IDENTITY_ENDPOINT").ok();
    let header = std::env::var("IDENTITY_HEADER").ok().map(Secret::new);
    let arc = std::env::var("IMDS_ENDPOINT").is_ok();
    let (url, api_version) = match (&endpoint, &header) {
        (Some(endpoint), Some(_)) => (endpoint.clone(), "2019-08-01"),
        (Some(endpoint), None) if arc => (endpoint.clone(), "2020-06-01"),
        _ => {
            let base = std::env::var(IMDS_ENDPOINT_VAR).unwrap_or_else(|_| IMDS_BASE.into());
            (
                format!(
                    "{}/metadata/identity/oauth2/token",
                    base.trim_end_matches('/')
                ),
                "2018-02-01",
            )
        }
    };
    let mut url = Url::parse(&url).map_err(|_| TokenError::IdentityUnreachable(url.clone()))?;
    if !identity_endpoint_allowed(&url) {
        return Err(TokenError::IdentityUnreachable(url.to_string()));
    }
    url.query_pairs_mut()
        .append_pair("api-version", api_version)
        .append_pair("resource", audience);
    if let Some(id) = client_id {
        url.query_pairs_mut().append_pair("client_id", id);
    }
    // The identity endpoint is on this host (or the link-local IMDS): never through a proxy.
    let client = reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(10))
        .build()
        .map_err(|_| TokenError::IdentityUnreachable(url.to_string()))?;
    let mut request = client.get(url.clone()).header("Metadata", "true");
    if let Some(secret) = &header {
        request = request.header("X-IDENTITY-HEADER", secret.expose());
    }
    let unreachable = || TokenError::IdentityUnreachable(url.to_string());
    let mut response = request.send().await.map_err(|_| unreachable())?;
    if response.status().as_u16() == 401 && arc {
        response = arc_retry(&client, &url, &response).await?;
    }
    let status = response.status().as_u16();
    let body = response.bytes().await.map_err(|_| unreachable())?;
    let value: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
    if status != 200 {
        let error = value["error_description"]
            .as_str()
            .or_else(|| value["error"].as_str())
            .or_else(|| value["message"].as_str())
            .unwrap_or("no message")
            .chars()
            .take(300)
            .collect();
        return Err(TokenError::IdentityRefused { status, error });
    }
    value["access_token"]
        .as_str()
        .filter(|t| !t.is_empty())
        .map(|t| Secret::new(t.to_owned()))
        .ok_or(TokenError::IdentityRefused {
            status,
            error: "no access_token in the answer".into(),
        })
}

/// Arc's challenge: the 401 names a key file (`Basic realm=PATH`) in the agent's token directory,
/// whose content, sent back as the Basic credential, proves the caller may read it.
async fn arc_retry(
    client: &reqwest::Client,
    url: &Url,
    first: &reqwest::Response,
) -> Result<reqwest::Response, TokenError> {
    let refused = |error: &str| TokenError::IdentityRefused {
        status: 401,
        error: error.into(),
    };
    let realm = first
        .headers()
        .get("www-authenticate")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once("realm="))
        .map(|(_, path)| PathBuf::from(path.trim().trim_matches('"')))
        .ok_or_else(|| refused("the Arc agent sent no key file"))?;
    let allowed_dir = if cfg!(windows) {
        std::env::var("ProgramData")
            .map(|d| {
                PathBuf::from(d)
                    .join("AzureConnectedMachineAgent")
                    .join("Tokens")
            })
            .unwrap_or_default()
    } else {
        PathBuf::from("/var/opt/azcmagent/tokens")
    };
    if realm.parent() != Some(allowed_dir.as_path())
        || realm.extension().and_then(|e| e.to_str()) != Some("key")
    {
        return Err(refused(
            "the Arc agent named a key file outside its token directory",
        ));
    }
    let key = crate::bounded_read::read_regular(&realm, 4096, "Arc key file").map_err(|_| {
        refused("the Arc key file cannot be read (run as an administrator or in the himds group)")
    })?;
    let key = Secret::new(String::from_utf8_lossy(&key).trim().to_owned());
    client
        .get(url.clone())
        .header("Metadata", "true")
        .header("Authorization", format!("Basic {}", key.expose()))
        .send()
        .await
        .map_err(|_| TokenError::IdentityUnreachable(url.to_string()))
}

/// An identity endpoint is this host (App Service, Arc, a test), the link-local IMDS, or https.
fn identity_endpoint_allowed(url: &Url) -> bool {
    url.scheme() == "https"
        || (url.scheme() == "http"
            && (is_loopback(url) || url.host_str() == Some("169.254.169.254")))
}

/// Sends `make`'s request with the vault's retry rules (429/503 honour Retry-After), keeping the
/// retry events in `events` for the step to show.
pub(super) async fn send_noting(
    ctx: &RetryContext<'_>,
    events: &mut Vec<TestEvent>,
    make: impl FnMut() -> Result<reqwest::RequestBuilder, Failure>,
) -> Result<super::Answer, Failure> {
    let mut note = |event: TestEvent| events.push(event);
    send(ctx, &mut note, make).await
}

#[cfg(test)]
mod tests {
    use super::TokenError;
    use crate::core::key_vault::fix_in_app;

    #[test]
    fn each_fix_naming_a_flag_has_the_app_s_own_words() {
        for error in [
            TokenError::AzMissing,
            TokenError::IdentityUnreachable("http://169.254.169.254".into()),
            TokenError::SignIn("closed".into()),
        ] {
            assert!(error.fix().contains("--"), "{}", error.fix());
            let code = error.code();
            let in_app = fix_in_app(code).unwrap_or_else(|| panic!("{code}"));
            assert!(!in_app.contains("--"), "{in_app}");
            assert!(in_app.contains("Certificate tab"), "{in_app}");
        }
    }
}
