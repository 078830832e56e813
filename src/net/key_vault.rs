//! Key Vault's REST API as certconnect uses it: read a certificate, list a vault's certificates,
//! sign a digest with a certificate's key. The first request goes without a token, as the Azure
//! SDK's does: the vault's 401 challenge names the audience to ask a token for (checked to belong
//! to the vault), else the cloud's `https://vault.azure.net`. The token lives in this client only.

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use reqwest::Method;
use serde_json::{Value, json};
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;
use url::Url;

use super::send::RetryContext;
use super::vault_token::{TokenError, TokenSource, send_noting};
use crate::core::event::TestEvent;
use crate::core::event::{Failure, Step};
use crate::core::key_vault::{
    API_VERSION, VaultAccess, VaultProblem, VaultRefusal, audience_fits_vault, challenge_audience,
    challenge_tenant, default_audience,
};
use crate::core::profile::AssertionAlgorithm;
use crate::core::retry::{RetrySettings, RetryTiming};
use crate::secret::Secret;

/// How long one vault call may take, retries included.
const CALL_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(60);

/// Why a vault call failed.
#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    /// No token for the vault.
    #[error(transparent)]
    Token(#[from] Box<TokenError>),
    /// The vault refused, with its own words.
    #[error("{problem}")]
    Refused {
        /// What it means.
        problem: Box<VaultProblem>,
        /// What the vault said.
        refusal: Box<VaultRefusal>,
    },
    /// A problem found in what the vault returned (disabled, expired, EC key).
    #[error("{0}")]
    Unusable(Box<VaultProblem>),
    /// The vault could not be reached (network, TLS, time).
    #[error("{}", .0.message)]
    Network(Box<Failure>),
    /// The vault's challenge asked for a token to another service.
    #[error("the vault asked for a token for {0}, which is not a Key Vault audience of this vault")]
    ForeignAudience(String),
    /// The answer was not what the REST reference describes.
    #[error("Key Vault's answer could not be read: {0}")]
    BadAnswer(&'static str),
}

impl VaultError {
    /// Whether the input or the access is at fault (exit 2) rather than the network or the vault's
    /// health (exit 1).
    pub fn is_refusal(&self) -> bool {
        match self {
            Self::Refused { problem, .. } | Self::Unusable(problem) => problem.is_refusal(),
            Self::Token(_) | Self::ForeignAudience(_) => true,
            Self::Network(_) | Self::BadAnswer(_) => false,
        }
    }

    /// The failure a run shows: the code, the message, the fix and the vault's own words.
    pub fn to_failure(&self) -> Failure {
        match self {
            Self::Network(failure) => (**failure).clone(),
            Self::Token(error) => Failure {
                code: error.code().into(),
                message: error.to_string(),
                hint: error.fix(),
                ..Failure::default()
            },
            Self::Refused { problem, refusal } => Failure {
                code: problem.code().into(),
                message: problem.to_string(),
                hint: problem.fix(),
                status: Some(refusal.status),
                raw: Some(Box::new(format!(
                    "{} {}: {}",
                    refusal.code, refusal.inner_code, refusal.message
                ))),
                ..Failure::default()
            },
            Self::Unusable(problem) => Failure {
                code: problem.code().into(),
                message: problem.to_string(),
                hint: problem.fix(),
                ..Failure::default()
            },
            Self::ForeignAudience(_) | Self::BadAnswer(_) => Failure {
                code: "key_vault_bad_answer".into(),
                message: self.to_string(),
                hint: "Check that the URL names your Key Vault (https://NAME.vault.azure.net)."
                    .into(),
                ..Failure::default()
            },
        }
    }
}

/// A certificate as the vault returns it.
#[derive(Clone, Debug)]
pub struct VaultCertificate {
    /// The certificate's name.
    pub name: String,
    /// The version returned (the current one when none was asked for).
    pub version: String,
    /// The certificate (DER).
    pub der: Vec<u8>,
    /// The key's identifier (`…/keys/NAME/VERSION`).
    pub kid: String,
    /// `RSA`, `RSA-HSM`, `EC`, `EC-HSM`.
    pub key_type: String,
    /// Whether the policy marks the key exportable.
    pub exportable: bool,
    /// Whether the version is enabled.
    pub enabled: bool,
    /// End of validity, Unix seconds (0 when not given).
    pub expires: i64,
}

/// One entry of a vault's certificate list.
#[derive(Clone, Debug)]
pub struct ListedCertificate {
    /// The certificate's name.
    pub name: String,
}

/// A client for one vault, with the way in and (once had) its token.
pub struct VaultClient {
    client: reqwest::Client,
    vault: Url,
    source: TokenSource,
    access: VaultAccess,
    audience: Option<String>,
    /// The sign-in authority and tenant the vault's challenge named.
    challenge: Option<(Url, String)>,
    token: Option<Secret>,
    /// Whether the token was taken before (a call succeeded with it, or the session held it): a
    /// 401 then means it expired, and one new token is worth asking for.
    token_proven: bool,
    timing: RetryTiming,
    /// Retries (a throttled vault) since last taken, for the step to show.
    events: Vec<TestEvent>,
}

impl VaultClient {
    /// A client for `vault` (its base URL) reached through `source`.
    pub fn new(
        client: reqwest::Client,
        vault: Url,
        source: TokenSource,
        access: VaultAccess,
    ) -> Self {
        Self {
            client,
            vault,
            source,
            access,
            audience: None,
            challenge: None,
            token: None,
            token_proven: false,
            timing: RetryTiming::default(),
            events: Vec::new(),
        }
    }

    /// Shorter retry waits (tests).
    pub fn with_timing(mut self, timing: RetryTiming) -> Self {
        self.timing = timing;
        self
    }

    /// The retries since last asked (each a `Retrying` event of the vault's step).
    pub fn take_events(&mut self) -> Vec<TestEvent> {
        std::mem::take(&mut self.events)
    }

    /// The audience the token was asked for, once known.
    pub fn audience(&self) -> Option<&str> {
        self.audience.as_deref()
    }

    /// `GET /certificates/{name}[/{version}]`.
    pub async fn certificate(
        &mut self,
        name: &str,
        version: Option<&str>,
    ) -> Result<VaultCertificate, VaultError> {
        let path = match version {
            Some(version) => format!("certificates/{name}/{version}"),
            None => format!("certificates/{name}"),
        };
        let what = version.map_or(name.to_owned(), |v| format!("{name} version {v}"));
        let body = self
            .call(
                Step::ReachKeyVault,
                Method::GET,
                &path,
                None,
                "certificates/get",
                &what,
            )
            .await?;
        let der = body["cer"]
            .as_str()
            .and_then(|c| STANDARD.decode(c).ok())
            .ok_or(VaultError::BadAnswer("no certificate (cer)"))?;
        let kid = body["kid"].as_str().unwrap_or_default().to_owned();
        let id = body["id"].as_str().unwrap_or_default();
        Ok(VaultCertificate {
            name: name.to_owned(),
            version: id.rsplit('/').next().unwrap_or_default().to_owned(),
            der,
            kid,
            key_type: body["policy"]["key_props"]["kty"]
                .as_str()
                .unwrap_or("RSA")
                .to_owned(),
            exportable: body["policy"]["key_props"]["exportable"]
                .as_bool()
                .unwrap_or(false),
            enabled: body["attributes"]["enabled"].as_bool().unwrap_or(true),
            expires: body["attributes"]["exp"].as_i64().unwrap_or(0),
        })
    }

    /// `GET /certificates`, following `nextLink` (on the same vault only) to the end.
    pub async fn list(&mut self) -> Result<Vec<ListedCertificate>, VaultError> {
        let mut path = "certificates?maxresults=25".to_owned();
        let mut names = Vec::new();
        // A vault of thousands is 40 pages of 25; a longer chain is a loop.
        for _ in 0..400 {
            let body = self
                .call(
                    Step::ReachKeyVault,
                    Method::GET,
                    &path,
                    None,
                    "certificates/list",
                    "list",
                )
                .await?;
            for item in body["value"].as_array().into_iter().flatten() {
                if let Some(name) = item["id"].as_str().and_then(|id| id.rsplit('/').next()) {
                    names.push(ListedCertificate {
                        name: name.to_owned(),
                    });
                }
            }
            let Some(next) = body["nextLink"].as_str() else {
                return Ok(names);
            };
            let next = Url::parse(next).map_err(|_| VaultError::BadAnswer("nextLink"))?;
            if next.origin() != self.vault.origin() {
                return Err(VaultError::BadAnswer("nextLink to another host"));
            }
            let query: String = next
                .query_pairs()
                .filter(|(k, _)| k != "api-version")
                .map(|(k, v)| format!("{k}={}", urlencode(&v)))
                .collect::<Vec<_>>()
                .join("&");
            path = format!("{}?{query}", next.path().trim_start_matches('/'));
        }
        Err(VaultError::BadAnswer("too many pages"))
    }

    /// `POST /keys/{name}/{version}/sign` over a SHA-256 `digest`; returns the signature.
    pub async fn sign(
        &mut self,
        name: &str,
        version: &str,
        algorithm: AssertionAlgorithm,
        digest: &[u8],
    ) -> Result<Vec<u8>, VaultError> {
        let alg = match algorithm {
            AssertionAlgorithm::Rs256 => "RS256",
            AssertionAlgorithm::Ps256 => "PS256",
        };
        let body = json!({ "alg": alg, "value": URL_SAFE_NO_PAD.encode(digest) });
        let what = format!("{name} version {version}");
        let answer = self
            .call(
                Step::SignInKeyVault,
                Method::POST,
                &format!("keys/{name}/{version}/sign"),
                Some(body),
                "keys/sign",
                &what,
            )
            .await?;
        answer["value"]
            .as_str()
            .and_then(|v| URL_SAFE_NO_PAD.decode(v).ok())
            .ok_or(VaultError::BadAnswer("no signature (value)"))
    }

    /// `POST /certificates/{name}/create` with a self-signed policy: a new version with a new RSA
    /// 2048 key that cannot be exported, made in the vault.
    pub async fn create(
        &mut self,
        name: &str,
        subject: &str,
        validity_months: u32,
    ) -> Result<(), VaultError> {
        let policy = json!({ "policy": {
            "key_props": { "exportable": false, "kty": "RSA", "key_size": 2048, "reuse_key": false },
            "secret_props": { "contentType": "application/x-pkcs12" },
            "x509_props": {
                "subject": subject,
                "validity_months": validity_months,
                "key_usage": ["digitalSignature"],
            },
            "issuer": { "name": "Self" },
        }});
        self.call(
            Step::ReachKeyVault,
            Method::POST,
            &format!("certificates/{name}/create"),
            Some(policy),
            "certificates/create",
            name,
        )
        .await
        .map(|_| ())
    }

    /// `GET /certificates/{name}/pending`: the create operation's `status` (`inProgress`,
    /// `completed`, `failed`, `cancelled`).
    pub async fn pending_status(&mut self, name: &str) -> Result<String, VaultError> {
        let body = self
            .call(
                Step::ReachKeyVault,
                Method::GET,
                &format!("certificates/{name}/pending"),
                None,
                "certificates/get",
                name,
            )
            .await?;
        Ok(body["status"].as_str().unwrap_or_default().to_owned())
    }

    /// One vault call; its retries (a throttled vault) are noted under `step`.
    async fn call(
        &mut self,
        step: Step,
        method: Method,
        path: &str,
        body: Option<Value>,
        operation: &'static str,
        what: &str,
    ) -> Result<Value, VaultError> {
        let separator = if path.contains('?') { '&' } else { '?' };
        let url = format!(
            "{}/{path}{separator}api-version={API_VERSION}",
            self.vault.as_str().trim_end_matches('/')
        );
        let cancel = CancellationToken::new();
        let settings = RetrySettings::throttling_only();
        let now = crate::probe::system_now;
        let ctx = RetryContext {
            settings: &settings,
            timing: self.timing,
            deadline: Instant::now() + CALL_TIMEOUT,
            cancel: &cancel,
            step,
            now: &now,
        };
        if self.token.is_none() {
            // The first request goes without a token, for the challenge.
            let answer = self.send(&ctx, &method, &url, body.as_ref(), false).await?;
            if answer.status != 401 {
                return interpret(&answer, operation, what, &self.access);
            }
            let header = answer.header("www-authenticate");
            let audience = header
                .and_then(challenge_audience)
                .unwrap_or_else(|| default_audience(&self.vault));
            if !audience_fits_vault(&audience, &self.vault) {
                return Err(VaultError::ForeignAudience(audience));
            }
            self.challenge = header.and_then(challenge_tenant);
            self.token_proven = self.source.holds(&audience);
            let token = self
                .source
                .token(&self.client, &ctx, &audience, self.challenge.clone())
                .await
                .map_err(Box::new)?;
            self.audience = Some(audience);
            self.token = Some(token);
        }
        let mut answer = self.send(&ctx, &method, &url, body.as_ref(), true).await?;
        if answer.status == 401
            && self.token_proven
            && let Some(audience) = self.audience.clone()
        {
            // A token that was taken before is refused: it expired during the session. One new
            // token from the same way in, and the call once more; a second refusal is the vault's.
            self.token_proven = false;
            self.source.forget();
            let token = self
                .source
                .token(&self.client, &ctx, &audience, self.challenge.clone())
                .await
                .map_err(Box::new)?;
            self.token = Some(token);
            answer = self.send(&ctx, &method, &url, body.as_ref(), true).await?;
        }
        if answer.is_success() {
            self.token_proven = true;
        }
        interpret(&answer, operation, what, &self.access)
    }

    async fn send(
        &mut self,
        ctx: &RetryContext<'_>,
        method: &Method,
        url: &str,
        body: Option<&Value>,
        authenticated: bool,
    ) -> Result<super::Answer, VaultError> {
        let token = if authenticated {
            self.token.as_ref()
        } else {
            None
        };
        let client = &self.client;
        send_noting(ctx, &mut self.events, || {
            let mut request = client.request(method.clone(), url);
            if let Some(body) = body {
                request = request
                    .header("content-type", "application/json")
                    .body(body.to_string());
            } else if *method == Method::POST {
                request = request.header("content-length", "0");
            }
            if let Some(token) = token {
                request = request.bearer_auth(token.expose());
            }
            Ok(request)
        })
        .await
        .map_err(|failure| VaultError::Network(Box::new(failure)))
    }
}

fn urlencode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// The answer's JSON, or the vault's refusal.
fn interpret(
    answer: &super::Answer,
    operation: &'static str,
    what: &str,
    access: &VaultAccess,
) -> Result<Value, VaultError> {
    let body: Value = serde_json::from_slice(&answer.body).unwrap_or_default();
    if answer.is_success() {
        return if body.is_object() {
            Ok(body)
        } else {
            Err(VaultError::BadAnswer("not JSON"))
        };
    }
    let error = &body["error"];
    let refusal = VaultRefusal {
        status: answer.status,
        code: error["code"].as_str().unwrap_or_default().to_owned(),
        inner_code: error["innererror"]["code"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
        message: error["message"]
            .as_str()
            .unwrap_or_default()
            .chars()
            .take(500)
            .collect(),
    };
    Err(VaultError::Refused {
        problem: Box::new(VaultProblem::of_refusal(&refusal, operation, what, access)),
        refusal: Box::new(refusal),
    })
}
