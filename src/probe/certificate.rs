//! The certificate step: load the profile's certificate off the async threads and check it.

use crate::cert::{self, CertError, Credential, LoadOptions};
use crate::core::event::{Detail, Failure};
use crate::core::findings::Severity;
use std::sync::Arc;

use crate::core::profile::{CertificateSource, PasswordSource, Profile};
use crate::secret::Secret;
use crate::secrets::Vault;

type Loaded = (Credential, Vec<Detail>, Vec<String>);

/// Loads and inspects the certificate. On failure, the bool says whether the input is at fault.
pub(super) async fn load(
    profile: &Profile,
    password: Option<Secret>,
    vault: Option<Arc<Vault>>,
    now: i64,
) -> Result<Loaded, (Failure, bool)> {
    let source = profile.certificate.clone();
    // Parsing a PFX runs a key-derivation function on purpose slowly, and the credential store may
    // ask the user: keep both off the async workers.
    let loaded = tokio::task::spawn_blocking(move || {
        finish(open_certificate(&source, password, vault.as_deref())?, now)
    })
    .await;
    match loaded {
        Ok(result) => result,
        Err(_) => Err((
            Failure {
                code: "internal".into(),
                message: "the certificate loader stopped unexpectedly".into(),
                ..Failure::default()
            },
            false,
        )),
    }
}

/// The password remembered in the credential store, when the profile says it is there.
fn remembered_password(
    source: &PasswordSource,
    vault: Option<&Vault>,
) -> Result<Option<Secret>, (Failure, bool)> {
    let PasswordSource::CredentialStore { entry } = source else {
        return Ok(None);
    };
    let failure = |message: String| {
        let failure = Failure {
            code: "password_not_available".into(),
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
        Ok(Some(bytes)) => Ok(Some(Secret::new(
            String::from_utf8_lossy(&bytes).into_owned(),
        ))),
        Ok(None) => Err(failure(format!(
            "no password is remembered under '{entry}' in the {}",
            vault.store().name()
        ))),
        Err(e) => Err(failure(e)),
    }
}

/// Opens a profile's certificate: its file (with the given or remembered password) or the copy
/// kept in the credential store. The bool of the error says whether the input is at fault.
pub fn open_certificate(
    source: &CertificateSource,
    password: Option<Secret>,
    vault: Option<&Vault>,
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
            return vault.load(entry).map_err(unavailable);
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
    Ok((credential, details, warnings))
}

fn cert_failure(error: &CertError) -> Failure {
    Failure {
        code: error.code().into(),
        message: error.to_string(),
        hint: error.fix().into(),
        ..Failure::default()
    }
}
