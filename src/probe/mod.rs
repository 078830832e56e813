//! The whole test connection as steps: profile → certificate → assertion → token → site → drive →
//! items. It reports every step through an event sink and never prints; the CLI and the desktop app
//! are two front ends over this one function.

mod app_keys;
mod certificate;
mod graph_steps;
mod key_vault;
mod pkcs11_source;
mod rotate;
mod step_clock;

pub(crate) use app_keys::{Connection, key_client, object_id, signing_certificate};
pub use app_keys::{KeyChange, KeyChanged};
pub(crate) use certificate::remembered_password;
pub use certificate::{open_certificate, open_certificate_in};
pub(crate) use key_vault::{read as read_vault_certificate, token_source as vault_token_source};
pub use rotate::ENTRA_WAIT_MAX;
pub(crate) use rotate::{cancelled_before, wait_for_entra};
pub(crate) use std::time::Duration;
pub(crate) use step_clock::StepClock;

use serde::Serialize;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use crate::assertion::{Signer, new_jti};
use crate::core::event::{Detail, Failure, Step, TestEvent};
use crate::core::jwt::{AccessTokenClaims, AssertionClaims, decode_unverified, role_warnings};
use crate::core::profile::Profile;
use crate::core::retry::RetryTiming;
use crate::core::time_fmt::rfc3339;
use crate::net::{RetryContext, TokenRequest, build_client, request_token};
use crate::secret::Secret;

/// One test connection to run.
pub struct ProbeJob {
    /// The connection.
    pub profile: Profile,
    /// The PFX or key password, when one is needed.
    pub password: Option<Secret>,
    /// Stop after the token step.
    pub token_only: bool,
    /// Retry waits (the defaults for real use; tests shorten them).
    pub timing: RetryTiming,
    /// The credential store and its certificates, for remembered passwords and stored certificates.
    pub vault: Option<std::sync::Arc<crate::credential_store::CredentialVault>>,
    /// Clients shared with other runs of this process; `None` builds one for this run.
    pub clients: Option<std::sync::Arc<crate::net::ClientCache>>,
    /// The saved profiles a `profile:NAME` way into a Key Vault names: the front end's own store;
    /// `None` opens the default one.
    pub profiles: Option<crate::profile_store::ProfileStore>,
}

/// What a successful run found.
#[derive(Clone, Debug, Default, Serialize)]
pub struct ProbeSummary {
    /// Token lifetime as the server sent it.
    pub token_expires_in: u64,
    /// Application permissions in the token.
    pub roles: Vec<String>,
    /// Site display name.
    pub site: Option<String>,
    /// Drive name.
    pub drive: Option<String>,
    /// First item of the drive root, if any.
    pub first_item: Option<String>,
    /// When the certificate expires (Unix seconds).
    pub certificate_not_after: Option<i64>,
}

/// Where and why a run stopped.
#[derive(Clone, Debug)]
pub struct ProbeError {
    /// The step that failed.
    pub step: Step,
    /// Why.
    pub failure: Failure,
    /// The input was at fault (unreadable certificate, wrong password), not the connection.
    pub input_error: bool,
    /// When the certificate expires (Unix seconds), if it was loaded before the run stopped.
    pub certificate_not_after: Option<i64>,
}

/// The clock of a run: Unix seconds now.
pub fn system_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// Runs a test connection, reporting each step to `report`.
pub async fn run(
    job: ProbeJob,
    report: &mut (dyn FnMut(TestEvent) + Send),
    cancel: &CancellationToken,
) -> Result<ProbeSummary, ProbeError> {
    let mut not_after = None;
    match run_steps(job, report, cancel, &mut not_after).await {
        Ok(summary) => Ok(ProbeSummary {
            certificate_not_after: not_after,
            ..summary
        }),
        Err(error) => Err(ProbeError {
            certificate_not_after: not_after,
            ..error
        }),
    }
}

/// The Profile step's checks before anything is sent: the profile's warnings are reported, and
/// settings that certainly disagree are the failure that stops the run, since the token would be
/// refused (or useless) whatever the certificate.
fn check_settings(
    profile: &Profile,
    report: &mut (dyn FnMut(TestEvent) + Send),
) -> Option<Failure> {
    for warning in profile.warnings() {
        report(TestEvent::Warning {
            step: Step::Profile,
            message: warning.message,
        });
    }
    let mismatch = profile.graph_mismatch().filter(|m| m.certain)?;
    Some(Failure {
        code: crate::core::event::codes::SETTINGS_DISAGREE.into(),
        hint: mismatch.fix(),
        message: mismatch.message,
        ..Failure::default()
    })
}

async fn run_steps(
    job: ProbeJob,
    report: &mut (dyn FnMut(TestEvent) + Send),
    cancel: &CancellationToken,
    not_after: &mut Option<i64>,
) -> Result<ProbeSummary, ProbeError> {
    let profile = &job.profile;
    let deadline = Instant::now() + Duration::from_secs(u64::from(profile.timeout_secs()));
    let now: &(dyn Fn() -> i64 + Send + Sync) = &system_now;

    let clock = StepClock::start(Step::Profile, report);
    if let Some(failure) = check_settings(profile, report) {
        return Err(clock.fail(report, failure, true));
    }
    let only_loopback = crate::core::url_rules::is_loopback(&profile.authority().token_url)
        && (job.token_only || crate::core::url_rules::is_loopback(profile.graph_url()));
    let client = match &job.clients {
        Some(clients) => clients.get(profile.ca_file(), only_loopback),
        None => build_client(profile.ca_file(), only_loopback),
    }
    .map_err(|f| clock.fail(report, f, true))?;
    clock.done(
        report,
        vec![
            Detail::new("Token URL", &profile.authority().token_url),
            Detail::new("Client ID", profile.client_id()),
            Detail::new("Graph URL", profile.graph_url()),
        ],
    );

    let (load_step, sign_step) = certificate_steps(profile);
    let clock = StepClock::start(load_step, report);
    let loaded = certificate::load(
        profile,
        job.password.clone(),
        job.vault.clone(),
        job.profiles.clone(),
        now(),
        deadline,
        cancel,
    )
    .await;
    let certificate::Loaded {
        credential,
        details,
        warnings,
        not_after: expires,
        retries,
    } = loaded.map_err(|(f, input)| clock.fail(report, f, input))?;
    *not_after = Some(expires);
    let warnings = warnings.into_iter().map(|message| TestEvent::Warning {
        step: load_step,
        message,
    });
    retries.into_iter().chain(warnings).for_each(&mut *report);
    clock.done(report, details);

    let clock = StepClock::start(sign_step, report);
    let token_url = profile.authority().token_url.as_str();
    let signer = Signer::new(&credential).map_err(|f| clock.fail(report, f, true))?;
    let claims = AssertionClaims::new(
        profile.client_id(),
        token_url,
        new_jti(),
        now(),
        profile.assertion().lifetime_secs,
    );
    // Signed here, where a key that cannot sign is the certificate's fault, and sent with the
    // token request's first attempt: a cold run signs once (each RSA signature is a millisecond).
    let signed = signer.sign(&claims, profile.assertion());
    // A keeper that was throttled while signing (Key Vault's 429) lists its retries here.
    if let Some(key) = &credential.in_place_key {
        key.take_retries().into_iter().for_each(&mut *report);
    }
    let assertion = signed.map_err(|f| clock.fail(report, f, true))?;
    clock.done(report, signer.details(profile.assertion(), &claims));

    let ctx = |step| RetryContext {
        settings: profile.retry(),
        timing: job.timing,
        deadline,
        cancel,
        step,
        now,
    };
    let clock = StepClock::start(Step::Token, report);
    let request = TokenRequest {
        token_url,
        client_id: profile.client_id(),
        scope: profile.scope(),
        signer: &signer,
        options: profile.assertion(),
        first_assertion: Some(assertion),
    };
    let grant = request_token(&client, &ctx(Step::Token), report, &request)
        .await
        .map_err(|f| clock.fail(report, f, false))?;
    let claims: AccessTokenClaims =
        decode_unverified(grant.access_token.expose()).unwrap_or_default();
    let details = token_details(grant.expires_in, &claims, now());
    for message in role_warnings(&claims.roles) {
        report(TestEvent::Warning {
            step: Step::Token,
            message,
        });
    }
    clock.done(report, details);
    let mut summary = ProbeSummary {
        token_expires_in: grant.expires_in,
        roles: claims.roles,
        ..ProbeSummary::default()
    };
    if job.token_only {
        return Ok(summary);
    }
    graph_steps::run(
        &client,
        profile,
        &grant.access_token,
        &ctx,
        report,
        &mut summary,
    )
    .await?;
    Ok(summary)
}

/// The steps that load the certificate and sign the assertion: a certificate in Key Vault is
/// reached and signed with there, as its own two steps.
fn certificate_steps(profile: &Profile) -> (Step, Step) {
    match profile.certificate() {
        crate::core::profile::CertificateSource::KeyVault { .. } => {
            (Step::ReachKeyVault, Step::SignInKeyVault)
        }
        _ => (Step::Certificate, Step::Assertion),
    }
}

/// What the token step shows: its lifetime, audience, tenant and roles (never the token itself).
fn token_details(expires_in: u64, claims: &AccessTokenClaims, now: i64) -> Vec<Detail> {
    let mut details = vec![
        Detail::new("Token", "received"),
        Detail::new(
            "Expires in",
            format!(
                "{expires_in} s ({})",
                rfc3339(now + i64::try_from(expires_in).unwrap_or(0))
            ),
        ),
    ];
    if !claims.aud.is_empty() {
        details.push(Detail::new("Audience", &claims.aud));
        details.push(Detail::new("Tenant", &claims.tid));
    }
    details.push(Detail::new(
        "Roles",
        if claims.roles.is_empty() {
            "(none)".into()
        } else {
            claims.roles.join(", ")
        },
    ));
    details
}
