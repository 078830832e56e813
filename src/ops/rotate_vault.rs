//! Rotating a certificate kept in Azure Key Vault, without a key file ever existing: the vault
//! makes the new version (self-signed, RSA 2048, key not exportable). The rest is rotation's one
//! flow (`rotate::run`), as for files and tokens: its public certificate is registered on the app
//! with addKey (the proof signed in the vault by the current version), the new version is waited
//! for at Entra and tested, and the profile is switched to it.
//!
//! The vault makes the new version its current one at once. A profile that names no version
//! follows the vault's current one, so it keeps its form (no version) and is switched by the
//! vault itself; a profile pinned to a version is pointed at the new version's identifier.

use super::rotate::{Kept, RotateJob, Successor};
use crate::core::event::{Detail, Failure, Step, TestEvent};
use crate::core::key_vault::{CertificateId, VaultAccess};
use crate::core::profile::{CertificateSource, Profile};
use crate::core::time_fmt::rfc3339;
use crate::probe::{ProbeError, StepClock, system_now};

/// The New certificate step for a vault certificate: the vault makes the next version of `id`
/// (reached by `access`), kept as the rotation's successor.
pub(super) async fn make_vault_successor(
    job: &RotateJob,
    id: &CertificateId,
    access: &VaultAccess,
    current: &openssl::x509::X509,
    report: &mut (dyn FnMut(TestEvent) + Send),
) -> Result<Successor, ProbeError> {
    let (made, url) = new_version(job, id, access, current, report).await?;
    Ok(Successor {
        certificate: made.credential.certificate.clone(),
        credential: made.credential,
        password: None,
        kept: Kept::Vault {
            id: id.clone(),
            url,
        },
    })
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
pub(super) fn switched_profile(
    profile: &Profile,
    id: &CertificateId,
    new_url: &str,
    info: crate::core::profile::CertificateInfo,
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
    Ok(switched.with_certificate_facts(Some(info)))
}
