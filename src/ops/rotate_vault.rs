//! Rotating a certificate kept in Azure Key Vault, without a key file ever existing: the vault
//! makes the new version (self-signed, RSA 2048, key not exportable), its public certificate is
//! registered on the app with addKey (the proof signed in the vault by the current version), the
//! new version is waited for at Entra and tested, and the profile is switched to it.
//!
//! The vault makes the new version its current one at once. A profile that names no version
//! follows the vault's current one, so it keeps its form (no version) and is switched by the
//! vault itself; a profile pinned to a version is pointed at the new version's identifier.

use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use super::rotate::{RotateJob, Rotation};
use crate::assertion::Signer;
use crate::core::event::{Detail, Failure, Step, TestEvent};
use crate::core::key_vault::{CertificateId, VaultAccess};
use crate::core::profile::{CertificateSource, Profile};
use crate::core::time_fmt::rfc3339;
use crate::probe::{
    Connection, ENTRA_WAIT_MAX, KeyChange, ProbeError, StepClock, cancelled_before, key_client,
    object_id, signing_certificate, system_now, wait_for_entra,
};

/// Runs the rotation of a vault certificate (the profile's source is `url` reached by `access`).
pub(super) async fn run(
    job: &RotateJob,
    done: &mut Rotation,
    url: &str,
    access: &VaultAccess,
    report: &mut (dyn FnMut(TestEvent) + Send),
    cancel: &CancellationToken,
) -> Result<(), ProbeError> {
    let profile = &job.profile;
    let timeout = std::time::Duration::from_secs(u64::from(profile.timeout_secs()));
    let clock = StepClock::start(Step::Profile, report);
    let object_id = object_id(profile).map_err(|f| clock.fail(report, f, true))?;
    let client = key_client(profile).map_err(|f| clock.fail(report, f, true))?;
    let id = CertificateId::parse(url).map_err(|why| {
        let failure = Failure {
            code: "key_vault_url".into(),
            message: format!("the Key Vault certificate identifier is not valid: {why}"),
            hint: "Give https://NAME.vault.azure.net/certificates/CERT[/VERSION].".into(),
            ..Failure::default()
        };
        clock.fail(report, failure, true)
    })?;
    clock.done(report, vec![Detail::new("Object ID", object_id)]);
    // The current version, pinned: it signs the upload's proof even once the new one is current.
    let (current, signer) = signing_certificate(
        profile,
        job.password.clone(),
        job.vault.clone(),
        Instant::now() + timeout,
        cancel,
        report,
    )
    .await?;

    let (made, new_url) = new_version(job, &id, access, &current.certificate, report).await?;
    done.new_vault_certificate = Some(new_url.clone());
    if let Some(error) = cancelled_before(cancel, Step::Token, report) {
        return Err(error);
    }

    let connection = Connection {
        client: &client,
        profile,
        object_id,
        timing: job.timing,
        deadline: Instant::now() + timeout,
        cancel,
    };
    let token = connection.token(&signer, report).await?;
    let add = KeyChange::Add {
        certificate: made.credential.certificate.clone(),
        display_name: format!("certconnect {}", rfc3339(system_now())),
    };
    // Once sent, an addKey is waited for (see `rotate`): a registered key is never unaccounted.
    let never = CancellationToken::new();
    let upload = Connection {
        cancel: &never,
        ..connection.reborrow()
    };
    done.added = Some(upload.change(&signer, &token, &add, report).await?);
    drop(token);
    let connection = Connection {
        deadline: Instant::now() + timeout + ENTRA_WAIT_MAX,
        cancel: &never,
        ..connection.reborrow()
    };
    let new_signer = Signer::new(&made.credential)
        .map_err(|f| StepClock::start(Step::WaitForEntra, report).fail(report, f, false))?;
    let new_token = wait_for_entra(&connection, &new_signer, report).await?;

    let switched = switched_profile(profile, &id, &new_url, &made.credential.certificate)
        .map_err(|f| StepClock::start(Step::SwitchProfile, report).fail(report, f, false))?;
    super::rotate::test_successor(job, &switched, None, &never, report).await?;
    let accepted = super::rotate::AcceptedSuccessor {
        connection: &connection,
        signer: &new_signer,
        token: &new_token,
    };
    super::rotate::switch_and_retire(job, &switched, &new_url, &accepted, done, report).await
}

/// The New certificate step: the vault makes the next version; returns it, opened for signing,
/// and its identifier.
async fn new_version(
    job: &RotateJob,
    id: &CertificateId,
    access: &VaultAccess,
    current: &openssl::x509::X509,
    report: &mut (dyn FnMut(TestEvent) + Send),
) -> Result<(crate::cert::OpenedVaultCertificate, String), ProbeError> {
    let clock = StepClock::start(Step::NewCertificate, report);
    let subject = subject_of(current);
    let months = job.days.div_ceil(30).clamp(1, 1200);
    let source = crate::probe::vault_token_source(access, job.vault.as_deref(), Some(&job.store))
        .map_err(|(f, input)| clock.fail(report, f, input))?;
    let (for_job, access_for_job) = (id.clone(), access.clone());
    let made = tokio::task::spawn_blocking(move || {
        crate::cert::create_key_vault_version(
            &for_job,
            source,
            &access_for_job,
            &subject,
            months,
            system_now(),
        )
        .map_err(|e| crate::cert::vault_failure(&e))
    })
    .await
    .unwrap_or_else(|_| {
        Err((
            Failure {
                code: "internal".into(),
                message: "making the new version stopped unexpectedly".into(),
                ..Failure::default()
            },
            false,
        ))
    })
    .map_err(|(f, input)| clock.fail(report, f, input))?;
    let new_url = format!(
        "{}/certificates/{}/{}",
        id.vault.as_str().trim_end_matches('/'),
        id.name,
        made.version
    );
    clock.done(
        report,
        vec![
            Detail::new("New version", &made.version),
            Detail::new(
                "Key",
                "made in Key Vault, not exportable (no key file exists)",
            ),
            Detail::new(
                "Valid until",
                rfc3339(crate::cert::unix_seconds(
                    made.credential.certificate.not_after(),
                )),
            ),
        ],
    );
    Ok((made, new_url))
}

/// The current certificate's subject as Key Vault's policy takes it (`CN=…, O=…`).
fn subject_of(certificate: &openssl::x509::X509) -> String {
    let entries = crate::cert::subject_entries(certificate.subject_name());
    if !entries.iter().any(|(field, _)| field == "CN") {
        return "CN=certconnect".into();
    }
    entries
        .iter()
        .map(|(field, value)| format!("{field}={value}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The profile after the rotation: pinned to the new version if it was pinned, else unchanged
/// (the vault's current version is the new one), with the new certificate's facts.
fn switched_profile(
    profile: &Profile,
    id: &CertificateId,
    new_url: &str,
    certificate: &openssl::x509::X509,
) -> Result<Profile, Failure> {
    let CertificateSource::KeyVault { access, .. } = profile.certificate() else {
        return Err(Failure::default());
    };
    let url = if id.version.is_some() {
        new_url.to_owned()
    } else {
        id.url()
    };
    let switched = profile
        .clone()
        .with_certificate(CertificateSource::KeyVault {
            url,
            access: access.clone(),
        })
        .map_err(|e| Failure {
            code: "profile_not_switched".into(),
            message: e.to_string(),
            hint: "Point the profile at the new version yourself, then test it.".into(),
            ..Failure::default()
        })?;
    Ok(switched.with_certificate_facts(Some(crate::cert::certificate_info(certificate))))
}
