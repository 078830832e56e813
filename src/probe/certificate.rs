//! The certificate step: load the profile's certificate off the async threads and check it.

use crate::cert::{self, CertError, Credential, LoadOptions};
use crate::core::event::{Detail, Failure};
use crate::core::findings::Severity;
use crate::core::profile::{CertificateSource, Profile};
use crate::secret::Secret;

type Loaded = (Credential, Vec<Detail>, Vec<String>);

/// Loads and inspects the certificate. On failure, the bool says whether the input is at fault.
pub(super) async fn load(
    profile: &Profile,
    password: Option<Secret>,
    now: i64,
) -> Result<Loaded, (Failure, bool)> {
    let source = profile.certificate.clone();
    // Parsing a PFX runs a key-derivation function on purpose slowly: keep it off the async workers.
    let loaded =
        tokio::task::spawn_blocking(move || load_blocking(&source, password.as_ref(), now)).await;
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

fn load_blocking(
    source: &CertificateSource,
    password: Option<&Secret>,
    now: i64,
) -> Result<Loaded, (Failure, bool)> {
    let credential = match source {
        CertificateSource::PfxFile { path, alias, .. } => {
            cert::load_file(path, LoadOptions { key_path: None, password, alias: alias.as_deref() })
        }
        CertificateSource::PemFiles { certificate, key, .. } => {
            cert::load_file(certificate, LoadOptions { key_path: Some(key), password, alias: None })
        }
        CertificateSource::CredentialStore { entry } => {
            return Err((
                Failure {
                    code: "credential_store_unavailable".into(),
                    message: format!("the certificate '{entry}' is kept in the OS credential store, which this build cannot read"),
                    hint: "Use the PFX file instead.".into(),
                    ..Failure::default()
                },
                true,
            ));
        }
    }
    .map_err(|e| (cert_failure(&e), true))?;
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
