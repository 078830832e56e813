//! The protocol of an application rolling its own keys through Graph: `addKey` and `removeKey`,
//! each authorised by the app-only token and a proof of possession signed with one of the app's
//! current certificates, reported as steps on the same pipeline as a test connection. The use
//! cases that run them (a key change, a rotation) are in `ops`.

use openssl::hash::MessageDigest;
use openssl::x509::X509;
use serde::Serialize;
use serde_json::{Value, json};
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use super::step_clock::StepClock;
use super::{ProbeError, certificate, system_now};
use crate::assertion::{Signer, new_jti};
use crate::cert::unix_seconds;
use crate::core::event::{Detail, Failure, Step, TestEvent};
use crate::core::jwt::ProofClaims;
use crate::core::profile::Profile;
use crate::core::retry::{RetrySettings, RetryTiming};
use crate::core::thumbprint::to_hex;
use crate::core::time_fmt::rfc3339;
use crate::core::token_response::AccessToken;
use crate::net::{RetryContext, TokenRequest, build_client, post_json, request_token};
use crate::secret::Secret;

/// What to change on the app registration.
pub enum KeyChange {
    /// Register this certificate (only its public part is sent).
    Add {
        /// The certificate.
        certificate: X509,
        /// The name the portal shows for it (may be empty).
        display_name: String,
    },
    /// Unregister the key with this key ID.
    Remove {
        /// Graph's `keyId` (the portal's "Certificate ID").
        key_id: String,
    },
}

/// What changed.
#[derive(Clone, Debug, Default, Serialize)]
pub struct KeyChanged {
    /// The key ID added or removed.
    pub key_id: String,
    /// The added certificate's SHA-1 thumbprint (upper-case hex).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub thumbprint_sha1: Option<String>,
    /// The added certificate's end of validity, RFC 3339.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_after: Option<String>,
}

/// Retries of a Graph key call: only answers that say the call was not carried out (throttled,
/// busy). A dropped connection or a timeout is never retried: the key may have been added, and
/// a second addKey would register it twice.
fn key_call_retries() -> RetrySettings {
    RetrySettings::throttling_only()
}

/// What to do when the current certificate has expired.
const EXPIRED_HINT: &str = "An expired certificate cannot sign the proof Graph asks for, so the app cannot rotate it itself. Make a certificate (Certificate tab > New certificate, or `certconnect cert new`), upload its .cer once in the portal (App registrations > Certificates & secrets > Upload certificate) and point the profile at it; rotate from then on.";

/// The client for key calls: only a `ca_file` is trusted when every host is this machine.
pub(crate) fn key_client(profile: &Profile) -> Result<reqwest::Client, Failure> {
    build_client(
        profile.ca_file(),
        crate::core::url_rules::is_loopback(&profile.authority().token_url)
            && crate::core::url_rules::is_loopback(profile.graph_url()),
    )
}

/// The Certificate step of a key change: the profile's current certificate, loaded and checked,
/// and its signer. An expired one gets the fix for it: Graph takes a proof only from a valid
/// certificate, so this one can no longer sign it.
pub(crate) async fn signing_certificate(
    profile: &Profile,
    password: Option<Secret>,
    vault: Option<std::sync::Arc<crate::credential_store::CredentialVault>>,
    deadline: Instant,
    cancel: &CancellationToken,
    report: &mut (dyn FnMut(TestEvent) + Send),
) -> Result<(crate::cert::Credential, Signer), ProbeError> {
    let clock = StepClock::start(Step::Certificate, report);
    let loaded = certificate::load(
        profile,
        password,
        vault,
        None,
        system_now(),
        deadline,
        cancel,
    )
    .await
    .map_err(|(mut f, input)| {
        if f.is_expired_certificate() {
            f.hint = EXPIRED_HINT.into();
        }
        clock.fail(report, f, input)
    })?;
    let signer = Signer::new(&loaded.credential).map_err(|f| clock.fail(report, f, true))?;
    clock.done(report, loaded.details);
    Ok((loaded.credential, signer))
}

/// The Application object ID a key change needs.
pub(crate) fn object_id(profile: &Profile) -> Result<&str, Failure> {
    profile.object_id().ok_or_else(|| Failure {
        code: "object_id_missing".into(),
        message: "the profile has no Application object ID, which Graph's addKey and removeKey need".into(),
        hint: "Copy 'Object ID' from the app registration's Overview page in the Entra admin center (not the Application (client) ID) into the profile's Application object ID (General tab; `cert upload` and `cert remove-key` also take --object-id).".into(),
        ..Failure::default()
    })
}

/// A profile's connection to Entra and Graph for key calls, within one run's deadline.
pub(crate) struct Connection<'a> {
    pub client: &'a reqwest::Client,
    pub profile: &'a Profile,
    pub object_id: &'a str,
    pub timing: RetryTiming,
    pub deadline: Instant,
    pub cancel: &'a CancellationToken,
}

impl<'a> Connection<'a> {
    /// The same connection, for building a variant of it.
    pub fn reborrow(&self) -> Connection<'a> {
        Connection {
            client: self.client,
            profile: self.profile,
            object_id: self.object_id,
            timing: self.timing,
            deadline: self.deadline,
            cancel: self.cancel,
        }
    }

    fn ctx<'s>(&'s self, settings: &'s RetrySettings, step: Step) -> RetryContext<'s> {
        RetryContext {
            settings,
            timing: self.timing,
            deadline: self.deadline,
            cancel: self.cancel,
            step,
            now: &system_now,
        }
    }

    /// The token step: an app-only token with `signer`'s certificate, with the profile's retries.
    pub async fn token(
        &self,
        signer: &Signer,
        report: &mut (dyn FnMut(TestEvent) + Send),
    ) -> Result<AccessToken, ProbeError> {
        let clock = StepClock::start(Step::Token, report);
        let grant = self
            .request_token(signer, self.profile.retry(), Step::Token, report)
            .await
            .map_err(|f| clock.fail(report, f, false))?;
        clock.done(report, vec![Detail::new("Token", "received")]);
        Ok(grant)
    }

    /// One token request (with `settings`' retries) reported under `step`.
    pub async fn request_token(
        &self,
        signer: &Signer,
        settings: &RetrySettings,
        step: Step,
        report: &mut (dyn FnMut(TestEvent) + Send),
    ) -> Result<AccessToken, Failure> {
        let request = TokenRequest {
            token_url: self.profile.authority().token_url.as_str(),
            client_id: self.profile.client_id(),
            scope: self.profile.scope(),
            signer,
            options: self.profile.assertion(),
            first_assertion: None,
        };
        request_token(self.client, &self.ctx(settings, step), report, &request)
            .await
            .map(|grant| grant.access_token)
    }

    /// The Upload or Remove key step: the Graph call with a fresh proof signed by `signer`.
    pub async fn change(
        &self,
        signer: &Signer,
        token: &AccessToken,
        change: &KeyChange,
        report: &mut (dyn FnMut(TestEvent) + Send),
    ) -> Result<KeyChanged, ProbeError> {
        let step = match change {
            KeyChange::Add { .. } => Step::Upload,
            KeyChange::Remove { .. } => Step::RemoveKey,
        };
        let clock = StepClock::start(step, report);
        let (action, body, mut changed) = match change {
            KeyChange::Add {
                certificate,
                display_name,
            } => {
                let body = add_key_body(certificate, display_name)
                    .map_err(|f| clock.fail(report, f, true))?;
                let changed = KeyChanged {
                    key_id: String::new(),
                    thumbprint_sha1: certificate
                        .digest(MessageDigest::sha1())
                        .ok()
                        .map(|d| to_hex(&d)),
                    not_after: Some(rfc3339(unix_seconds(certificate.not_after()))),
                };
                (KeyAction::Add, body, changed)
            }
            KeyChange::Remove { key_id } => (
                KeyAction::Remove,
                json!({ "keyId": key_id }),
                KeyChanged {
                    key_id: key_id.clone(),
                    ..KeyChanged::default()
                },
            ),
        };
        let url = format!(
            "{}/applications/{}/{}",
            self.profile.graph_url().as_str().trim_end_matches('/'),
            self.object_id,
            action.segment()
        );
        let settings = key_call_retries();
        let answer = post_json(
            self.client,
            &self.ctx(&settings, step),
            report,
            token,
            &url,
            || {
                let proof = signer.sign_proof(&ProofClaims::new(
                    self.object_id,
                    new_jti(),
                    system_now(),
                ))?;
                let mut body = body.clone();
                body["proof"] = Value::String(proof);
                Ok(body)
            },
        )
        .await
        .map_err(|f| {
            let f = explain(action, f);
            let f = match (&changed.thumbprint_sha1, f.status) {
                // No answer came back: Graph may have carried the call out all the same.
                (Some(thumbprint), None) if !f.is_cancelled() => Failure {
                    hint: format!(
                        "{} The certificate may have been registered before the answer was lost: check the app registration's Certificates for thumbprint {thumbprint} before uploading it again.",
                        f.hint
                    ),
                    ..f
                },
                _ => f,
            };
            clock.fail(report, f, false)
        })?;
        let mut details = Vec::new();
        if action == KeyAction::Add {
            changed.key_id = answer
                .get("keyId")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned();
            details.push(Detail::new("Key ID", &changed.key_id));
            if let Some(thumbprint) = &changed.thumbprint_sha1 {
                details.push(Detail::new("Thumbprint (SHA-1)", thumbprint));
            }
            if let Some(not_after) = &changed.not_after {
                details.push(Detail::new("Valid until", not_after));
            }
        } else {
            details.push(Detail::new("Removed key ID", &changed.key_id));
        }
        clock.done(report, details);
        Ok(changed)
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum KeyAction {
    Add,
    Remove,
}

impl KeyAction {
    fn segment(self) -> &'static str {
        match self {
            Self::Add => "addKey",
            Self::Remove => "removeKey",
        }
    }
}

/// addKey's body without the proof: only the public certificate (DER, base64) is sent.
fn add_key_body(certificate: &X509, display_name: &str) -> Result<Value, Failure> {
    use base64::Engine as _;
    let der = certificate.to_der().map_err(|e| Failure {
        code: "certificate_encoding".into(),
        message: format!("the new certificate could not be encoded: {e}"),
        hint: "Give the new certificate as a .cer, PEM or PFX file.".into(),
        ..Failure::default()
    })?;
    let mut credential = json!({
        "type": "AsymmetricX509Cert",
        "usage": "Verify",
        "key": base64::engine::general_purpose::STANDARD.encode(der),
    });
    if !display_name.is_empty() {
        credential["displayName"] = Value::String(display_name.to_owned());
    }
    Ok(json!({ "keyCredential": credential, "passwordCredential": null }))
}

/// The plain-language fix for a refused key call.
fn explain(action: KeyAction, mut failure: Failure) -> Failure {
    // Graph's own message, read at this edge: its error codes do not tell these refusals apart.
    let message = failure.message.to_ascii_lowercase();
    let hint = match (failure.status, failure.code.as_str()) {
        (Some(404), _) if action == KeyAction::Remove && message.contains("keyid") => {
            "No certificate with that key ID is registered on the app. The portal shows it under Certificates & secrets > Certificates as 'Certificate ID'."
        }
        (Some(404), _) => {
            "The Application object ID is wrong: copy 'Object ID' from the app registration's Overview page (not the Application (client) ID, and not the enterprise application's object ID)."
        }
        (Some(403), _) => {
            "The token is not this application's: the Application object ID belongs to another app registration. Check that the object ID and the client ID come from the same Overview page."
        }
        (Some(400), _) if message.contains("cannot be removed") => {
            "A certificate cannot remove itself: sign with another current certificate of the app (rotate removes the old key with the new one)."
        }
        (Some(400), _) if message.contains("expired") => {
            "The app has no valid certificate left to sign the proof: add the new certificate in the portal (Certificates & secrets > Upload certificate) once; from then on this tool can rotate it."
        }
        (Some(400), _) if message.contains("proof") => {
            "Graph refused the proof of possession: it must be signed by a certificate that is registered on this app and still valid, for this object ID. Check the certificate and the Application object ID."
        }
        _ => return failure,
    };
    failure.hint = hint.into();
    failure
}
