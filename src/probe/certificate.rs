//! The certificate step: load the profile's certificate off the async threads and check it.

use crate::cert::{self, CertError, Credential, LoadOptions};
use crate::core::event::{Detail, Failure};
use crate::core::findings::Severity;
use std::sync::Arc;

use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use crate::core::profile::{CertificateSource, PasswordSource, Profile};
use crate::credential_store::CredentialVault;
use crate::secret::Secret;

/// A loaded, checked certificate: the credential, the step's details and warnings, and when it
/// expires (Unix seconds).
pub(super) struct Loaded {
    pub credential: Credential,
    pub details: Vec<Detail>,
    pub warnings: Vec<String>,
    pub not_after: i64,
    /// Retries while the certificate was reached (a throttled vault), to report under the step.
    pub retries: Vec<crate::core::event::TestEvent>,
}

/// Loads and inspects the certificate. On failure, the bool says whether the input is at fault.
///
/// The work runs on a thread of its own, raced against the run's deadline and cancellation: a
/// PFX's key derivation cannot be interrupted, and a credential store may wait for the user, but
/// the run returns on time either way. The thread is detached, not a `spawn_blocking` task, so
/// that the CLI's runtime does not wait for it on shutdown; its result is dropped.
pub(super) async fn load(
    profile: &Profile,
    password: Option<Secret>,
    vault: Option<Arc<CredentialVault>>,
    profiles: Option<crate::profile_store::ProfileStore>,
    now: i64,
    deadline: Instant,
    cancel: &CancellationToken,
) -> Result<Loaded, (Failure, bool)> {
    let source = profile.certificate().clone();
    let (sender, receiver) = tokio::sync::oneshot::channel();
    let spawned = std::thread::Builder::new()
        .name("certificate-loader".into())
        .spawn(move || {
            let result = match &source {
                // The vault's own facts (version, key, audience) join the certificate's.
                CertificateSource::KeyVault { url, access } => {
                    super::key_vault::open(url, access, vault.as_deref(), profiles.as_ref(), now)
                        .and_then(|opened| {
                            let extra = super::key_vault::details(&opened, access);
                            finish(opened.credential, now).map(|mut loaded| {
                                loaded.details.extend(extra);
                                loaded.retries = opened.retries;
                                loaded
                            })
                        })
                }
                _ => open_certificate(&source, password, vault.as_deref())
                    .and_then(|credential| finish(credential, now)),
            };
            // The run may have ended already: then nobody is waiting for the result.
            sender.send(result).ok();
        });
    let stopped = |message: &str| {
        (
            Failure {
                code: "internal".into(),
                message: message.into(),
                ..Failure::default()
            },
            false,
        )
    };
    if spawned.is_err() {
        return Err(stopped("the certificate loader could not be started"));
    }
    tokio::select! {
        () = cancel.cancelled() => Err((crate::net::cancelled(), false)),
        result = tokio::time::timeout_at(deadline, receiver) => match result {
            Ok(Ok(result)) => result,
            Ok(Err(_)) => Err(stopped("the certificate loader stopped unexpectedly")),
            Err(_) => Err((
                Failure {
                    code: "timeout".into(),
                    message: format!(
                        "loading the certificate took longer than the test's {} s timeout",
                        profile.timeout_secs()
                    ),
                    hint: "The file or the credential store did not answer in time: check that the path is a certificate file on a local disk and that the credential store is unlocked, or raise the timeout.".into(),
                    ..Failure::default()
                },
                false,
            )),
        },
    }
}

/// The password remembered in the credential store, when the profile says it is there.
pub(crate) fn remembered_password(
    source: &PasswordSource,
    vault: Option<&CredentialVault>,
) -> Result<Option<Secret>, (Failure, bool)> {
    let PasswordSource::CredentialStore { entry } = source else {
        return Ok(None);
    };
    let failure = |message: String| {
        let failure = Failure {
            code: crate::core::event::codes::PASSWORD_NOT_AVAILABLE.into(),
            message,
            hint: "Type the password (and tick Remember to store it again), or use --password-env."
                .into(),
            ..Failure::default()
        };
        (failure, true)
    };
    let vault = vault.ok_or_else(|| {
        failure("no credential store is reachable to read the remembered password".into())
    })?;
    match vault.store().get(entry) {
        Ok(Some(bytes)) => {
            let bytes = zeroize::Zeroizing::new(bytes);
            Ok(Some(Secret::new(
                String::from_utf8_lossy(&bytes).into_owned(),
            )))
        }
        Ok(None) => Err(failure(format!(
            "no password is remembered under '{entry}' in the {}",
            vault.store().name()
        ))),
        Err(e) => Err(failure(e.to_string())),
    }
}

/// Opens a profile's certificate: its file (with the given or remembered password) or the copy
/// kept in the credential store. The bool of the error says whether the input is at fault.
pub fn open_certificate(
    source: &CertificateSource,
    password: Option<Secret>,
    vault: Option<&CredentialVault>,
) -> Result<Credential, (Failure, bool)> {
    open_certificate_in(source, password, vault, None)
}

/// [`open_certificate`], with the saved profiles a `profile:NAME` way into a Key Vault is looked
/// up in (the front end's own store; `None` opens the default one).
pub fn open_certificate_in(
    source: &CertificateSource,
    password: Option<Secret>,
    vault: Option<&CredentialVault>,
    profiles: Option<&crate::profile_store::ProfileStore>,
) -> Result<Credential, (Failure, bool)> {
    let password = match password {
        Some(password) => Some(password),
        None => remembered_password(source.password(), vault)?,
    };
    let password = password.as_ref();
    match source {
        CertificateSource::PfxFile { path, alias, .. } => {
            cert::load_file(path, LoadOptions { key_path: None, password, alias: alias.as_deref() })
        }
        CertificateSource::PemFiles { certificate, key, .. } => {
            cert::load_file(certificate, LoadOptions { key_path: Some(key), password, alias: None })
        }
        CertificateSource::CredentialStore { entry } => {
            let unavailable = |message: String| {
                let failure = Failure { code: "credential_store".into(), message, hint: "Import the certificate into the credential store again, or use its PFX file.".into(), ..Failure::default() };
                (failure, true)
            };
            let vault = vault.ok_or_else(|| unavailable(format!("the certificate '{entry}' is in the OS credential store, which is not reachable")))?;
            return vault.load(entry).map_err(|e| unavailable(e.to_string()));
        }
        CertificateSource::WindowsStore {
            location,
            thumbprint,
        } => return cert::open_windows_store(*location, thumbprint).map_err(|f| (f, true)),
        CertificateSource::KeyVault { url, access } => {
            return super::key_vault::open(url, access, vault, profiles, super::system_now())
                .map(|opened| opened.credential);
        }
        CertificateSource::Pkcs11 { .. } => {
            return super::pkcs11_source::open(source, password).map_err(|f| (f, true));
        }
    }
    .map_err(|e| (cert_failure(&e), true))
}

/// Checks a loaded certificate: blocking findings stop the run, warnings are reported.
fn finish(credential: Credential, now: i64) -> Result<Loaded, (Failure, bool)> {
    let report = cert::inspect(&credential, now, None);
    if let Some(blocking) = report
        .findings
        .iter()
        .find(|f| f.severity == Severity::Blocking)
    {
        return Err((
            Failure {
                code: blocking.code.into(),
                message: blocking.message.clone(),
                hint: "Entra would refuse this certificate; fix it before testing the connection."
                    .into(),
                ..Failure::default()
            },
            false,
        ));
    }
    let warnings = report
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Warning)
        .map(|f| f.message.clone())
        .collect();
    let details = vec![
        Detail::new("Subject", &report.subject),
        Detail::new("Thumbprint (SHA-1)", &report.thumbprint_sha1),
        Detail::new(
            "Valid until",
            format!("{} ({} days left)", report.not_after, report.days_left),
        ),
        Detail::new(
            "Key",
            format!("{} {} bits", report.key.algorithm, report.key.bits),
        ),
    ];
    Ok(Loaded {
        credential,
        details,
        warnings,
        not_after: report.not_after_unix,
        retries: Vec::new(),
    })
}

fn cert_failure(error: &CertError) -> Failure {
    Failure {
        code: error.code().into(),
        message: error.to_string(),
        hint: error.fix().into(),
        ..Failure::default()
    }
}
