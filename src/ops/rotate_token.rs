//! Rotating a hardware-token profile: the new key is made on the same token (sensitive, never
//! extractable) with its self-signed certificate beside it, so it never exists outside hardware.
//! The rest of the rotation (upload signed by the current token key, wait for Entra, test, switch,
//! remove the old key) is the one in `rotate`.

use super::rotate::{Kept, RotateJob, Rotation, Successor, successor_subject_and_size};
use crate::cert::Credential;
use crate::cert::pkcs11::{self, Pkcs11Request, TokenKeyRequest};
use crate::core::event::{Detail, Failure, Step, TestEvent};
use crate::core::pkcs11_uri::Pkcs11Uri;
use crate::core::profile::{CertificateInfo, CertificateSource, Profile};
use crate::core::time_fmt::rfc3339;
use crate::probe::{ProbeError, StepClock, remembered_password};
use crate::secret::Secret;

/// The token source's URI and module, parsed and resolved.
fn token_of(profile: &Profile) -> Result<(Pkcs11Uri, std::path::PathBuf), Failure> {
    let CertificateSource::Pkcs11 { uri, module, .. } = profile.certificate() else {
        return Err(Failure {
            code: "internal".into(),
            message: "not a hardware-token profile".into(),
            ..Failure::default()
        });
    };
    let uri = Pkcs11Uri::parse(uri).map_err(|e| pkcs11::failure(&e.into()))?;
    let module =
        pkcs11::resolve_module(&uri, None, module.as_deref()).map_err(|e| pkcs11::failure(&e))?;
    Ok((uri, module))
}

/// The PIN: given for the rotation, or remembered.
fn pin(job: &RotateJob) -> Result<Option<Secret>, (Failure, bool)> {
    match &job.password {
        Some(pin) => Ok(Some(pin.clone())),
        None => remembered_password(job.profile.certificate().password(), job.vault.as_deref()),
    }
}

/// The New certificate step for a token profile: a key made on the token, its certificate beside
/// it, opened for signing.
pub(super) async fn make_token_successor(
    job: &RotateJob,
    current: &Credential,
    report: &mut (dyn FnMut(TestEvent) + Send),
) -> Result<Successor, ProbeError> {
    let clock = StepClock::start(Step::NewCertificate, report);
    let pin = pin(job).map_err(|(f, input)| clock.fail(report, f, input))?;
    let (uri, module) = token_of(&job.profile).map_err(|f| clock.fail(report, f, true))?;
    let (subject, key_bits) = successor_subject_and_size(current);
    let days = job.days;
    let today = rfc3339(crate::probe::system_now());
    let label = format!(
        "{} {}",
        uri.object.as_deref().unwrap_or("certconnect"),
        &today[..10]
    );
    let made = tokio::task::spawn_blocking(move || {
        let made = pkcs11::generate_on_token(TokenKeyRequest {
            token: &uri.without_objects(),
            module: &module,
            pin: pin.as_ref(),
            subject: &subject,
            key_bits,
            days,
            label: &label,
        })?;
        let credential = pkcs11::open_pkcs11(Pkcs11Request {
            uri: &made.uri,
            module: &module,
            pin: pin.as_ref(),
            cert_pem: None,
        })?;
        Ok::<_, pkcs11::Pkcs11Error>((made, credential, pin))
    })
    .await
    .unwrap_or_else(|_| {
        Err(pkcs11::Pkcs11Error::Call {
            call: "C_GenerateKeyPair".into(),
            rv: "making the key stopped unexpectedly".into(),
        })
    });
    let (made, credential, pin) =
        made.map_err(|e| clock.fail(report, pkcs11::failure(&e), true))?;
    let uri = made.uri.to_string();
    let thumbprint = crate::cert::inspect(&credential, 0, None).thumbprint_sha1;
    clock.done(
        report,
        vec![
            Detail::new("Key on the token", &uri),
            Detail::new("Thumbprint (SHA-1)", thumbprint),
            Detail::new(
                "Valid until",
                rfc3339(crate::cert::unix_seconds(made.certificate.not_after())),
            ),
        ],
    );
    Ok(Successor {
        certificate: made.certificate,
        credential,
        password: Some(pin.unwrap_or_else(|| Secret::new(""))),
        kept: Kept::Token { uri },
    })
}

/// The profile signing with the new token key: same module and PIN source, the new URI.
pub(super) fn switched_token_profile(
    profile: &Profile,
    uri: &str,
    info: CertificateInfo,
) -> Result<Profile, Failure> {
    let CertificateSource::Pkcs11 { module, pin, .. } = profile.certificate() else {
        return Err(Failure {
            code: "internal".into(),
            message: "not a hardware-token profile".into(),
            ..Failure::default()
        });
    };
    let switched = profile
        .clone()
        .with_certificate(CertificateSource::Pkcs11 {
            uri: uri.to_owned(),
            module: module.clone(),
            pin: pin.clone(),
            cert_pem: None,
        })
        .map_err(|e| Failure {
            code: "profile_not_switched".into(),
            message: e.to_string(),
            hint: format!("Point the profile at the new key yourself: {uri}"),
            ..Failure::default()
        })?;
    Ok(switched.with_certificate_facts(Some(info)))
}

/// Removes the new token key of a rotation that registered nothing. A key that cannot be removed
/// stays named in the result.
pub(super) async fn discard_token_key(job: &RotateJob, done: &mut Rotation) {
    let Some(uri) = done.new_token_key.clone() else {
        return;
    };
    let Ok(pin) = pin(job) else { return };
    let Ok((_, module)) = token_of(&job.profile) else {
        return;
    };
    let removed = tokio::task::spawn_blocking(move || {
        let uri = Pkcs11Uri::parse(&uri).ok()?;
        pkcs11::destroy_on_token(&uri, &module, pin.as_ref()).ok()
    })
    .await
    .ok()
    .flatten();
    if removed.is_some() {
        done.new_token_key = None;
    }
}
