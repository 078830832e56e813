//! Rotating a saved profile's certificate without the portal: make a new certificate, register it
//! on the app (addKey, proof signed by the current one), wait until Entra accepts it, test the
//! connection with it, point the profile at it, and remove the old key when asked.
//!
//! The profile is switched only after the test with the new certificate passes; until then the
//! saved profile keeps working with the old one. A failure after the upload says which key ID was
//! added and where the new files are, so nothing is left unaccounted for.
//!
//! Passwords: the new PFX takes the password given for it, or else the current certificate's, so
//! that a profile whose password is asked for or remembered keeps working unchanged. A current
//! certificate without a password needs one given for the new PFX (a PFX holds a private key),
//! and the switched profile then asks for it.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Serialize;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use super::OpsError;
use super::new_certificate::{KEY_SIZES, NewCertificate, NewCertificateRequest, new_certificate};
use crate::assertion::Signer;
use crate::core::event::{Detail, Failure, Step, TestEvent};
use crate::core::profile::{CertificateInfo, CertificateSource, PasswordSource, Profile};
use crate::core::retry::RetryTiming;
use crate::core::time_fmt::rfc3339;
use crate::probe::{
    Connection, ENTRA_WAIT_MAX, KeyChange, KeyChanged, ProbeError, ProbeJob, StepClock,
    cancelled_before, key_client, object_id, remembered_password, signing_certificate, system_now,
    wait_for_entra,
};
use crate::profile_store::ProfileStore;
use crate::secret::Secret;

/// One rotation of a saved profile's certificate.
pub struct RotateJob {
    /// Where the profile is saved (it is switched there).
    pub store: ProfileStore,
    /// The saved profile, as it was read: the rotation refuses to switch it if it changed since.
    pub profile: Profile,
    /// The current certificate's password, when one is needed.
    pub password: Option<Secret>,
    /// The new PFX's password; `None` reuses the current one.
    pub new_password: Option<Secret>,
    /// Validity of the new certificate, in days.
    pub days: u32,
    /// Also remove this key (the old certificate's key ID) once the profile is switched.
    pub remove_key_id: Option<String>,
    /// The credential store, for remembered passwords.
    pub vault: Option<std::sync::Arc<crate::credential_store::CredentialVault>>,
    /// Retry waits, and the first wait for Entra (the defaults for real use; tests shorten them).
    pub timing: RetryTiming,
}

/// What a rotation did, as far as it got.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Rotation {
    /// The new PFX (certificate and private key).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new_pfx: Option<PathBuf>,
    /// The new public certificate (DER `.cer`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new_cer: Option<PathBuf>,
    /// The new version made in Azure Key Vault (its identifier), for a vault certificate.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new_vault_certificate: Option<String>,
    /// The new key made on the hardware token (its `pkcs11:` URI), with its certificate beside it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new_token_key: Option<String>,
    /// The key registered on the app.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub added: Option<KeyChanged>,
    /// The profile now uses the new certificate.
    pub switched: bool,
    /// The key ID removed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub removed_key_id: Option<String>,
    /// The profile as saved after the switch (the app shows it).
    #[serde(skip)]
    pub profile: Option<Profile>,
    /// Removing the old key was asked for and failed after the switch: the rotation itself is
    /// done, with this loose end (the error is reported as the run's error too).
    #[serde(skip)]
    pub removal_failed: Option<RemovalFailed>,
}

/// A removal of the old key that failed after the profile was switched.
#[derive(Clone, Debug)]
pub struct RemovalFailed {
    /// The key ID that was to be removed.
    pub key_id: String,
    /// Why it was not.
    pub failure: Failure,
}

impl RemovalFailed {
    /// How to finish the job: the command that removes the key, signed by the (switched)
    /// profile's new certificate, or the portal.
    pub fn advice(&self, profile_name: &str) -> String {
        format!(
            "Remove it with `certconnect cert remove-key '{}' --key-id {}` (check the key ID: the portal's \"Certificate ID\" of the old certificate), or in the portal — not the new key.",
            profile_name.replace('\'', "'\\''"),
            self.key_id
        )
    }
}

/// A rotation that stopped: why, and what it had done by then.
#[derive(Clone, Debug)]
pub struct RotateError {
    /// The step that failed and why.
    pub error: ProbeError,
    /// What was done before it stopped.
    pub done: Rotation,
}

/// Runs the rotation, reporting each step.
pub async fn rotate(
    job: RotateJob,
    report: &mut (dyn FnMut(TestEvent) + Send),
    cancel: &CancellationToken,
) -> Result<Rotation, RotateError> {
    let mut done = Rotation::default();
    match run(&job, &mut done, report, cancel).await {
        Ok(()) => Ok(done),
        Err(mut error) => {
            // Stopped before anything was registered (before the upload, or the upload got a
            // refusal): the new files are of no use, and the PFX holds a private key.
            let unregistered = done.added.is_none()
                && (error.step != Step::Upload || error.failure.status.is_some());
            if unregistered {
                discard_new_files(&mut done).await;
                super::rotate_token::discard_token_key(&job, &mut done).await;
                if error.failure.is_cancelled() {
                    error.failure.message =
                        "the rotation was cancelled before the upload: nothing was registered on the app, and the new certificate's files were deleted".into();
                    error.failure.hint = "Rotate again when ready.".into();
                }
            }
            if let (true, Some(key_id)) = (done.switched, &job.remove_key_id) {
                done.removal_failed = Some(RemovalFailed {
                    key_id: key_id.clone(),
                    failure: error.failure.clone(),
                });
            }
            let message = match (&done.added, &done.removal_failed) {
                (Some(added), None) => Some(format!(
                    "The new certificate stays registered on the app (key ID {}); the profile still uses the old one. Remove the key with `certconnect cert remove-key --key-id {}` or in the portal if you do not retry.",
                    added.key_id, added.key_id
                )),
                // Switched: only the removal, the last step, can have failed.
                (Some(added), Some(removal)) => Some(format!(
                    "The profile uses the new certificate (key ID {}); the old key was not removed. {}",
                    added.key_id,
                    removal.advice(job.profile.name())
                )),
                // The vault made its new (now current) version, which the app does not know.
                (None, _) => done.new_vault_certificate.as_ref().map(|url| format!(
                    "Key Vault made the new version {url}, which is now the vault's current one but is not registered on the app: whatever uses the current version fails with AADSTS700027 until you rotate again, register it (certconnect cert upload), or disable that version in the vault."
                )),
            };
            if let Some(message) = message {
                report(TestEvent::Warning {
                    step: error.step,
                    message,
                });
            }
            Err(RotateError { error, done })
        }
    }
}

async fn run(
    job: &RotateJob,
    done: &mut Rotation,
    report: &mut (dyn FnMut(TestEvent) + Send),
    cancel: &CancellationToken,
) -> Result<(), ProbeError> {
    let profile = &job.profile;
    // Each phase gets the profile's timeout from when it starts (the wait for Entra a minute
    // more): a slow early phase never leaves a later one, after the upload, without time.
    let timeout = Duration::from_secs(u64::from(profile.timeout_secs()));
    let current = check_current(job, Instant::now() + timeout, cancel, report).await?;
    let successor = match &current.place {
        Place::File(file) => make_successor(job, &current.credential, file, report).await?,
        Place::Token => {
            super::rotate_token::make_token_successor(job, &current.credential, report).await?
        }
        Place::Vault { id, access } => {
            let current = &current.credential.certificate;
            super::rotate_vault::make_vault_successor(job, id, access, current, report).await?
        }
    };
    match &successor.kept {
        Kept::Files { pfx, cer } => {
            done.new_pfx = Some(pfx.clone());
            done.new_cer = Some(cer.clone());
        }
        Kept::Token { uri } => done.new_token_key = Some(uri.clone()),
        Kept::Vault { url, .. } => done.new_vault_certificate = Some(url.clone()),
    }
    if let Some(error) = cancelled_before(cancel, Step::Token, report) {
        return Err(error);
    }

    let connection = Connection {
        client: &current.client,
        profile,
        object_id: current.object_id,
        timing: job.timing,
        deadline: Instant::now() + timeout,
        cancel,
    };
    let token = connection.token(&current.signer, report).await?;
    if let Some(error) = cancelled_before(cancel, Step::Upload, report) {
        return Err(error);
    }
    let add = KeyChange::Add {
        certificate: successor.certificate.clone(),
        display_name: format!("certconnect {}", rfc3339(system_now())),
    };
    // Once sent, an addKey cannot be taken back by cancelling: the answer (the key ID) is
    // waited for, so that a registered key is never left unaccounted for.
    let never = CancellationToken::new();
    let upload = Connection {
        cancel: &never,
        ..connection.reborrow()
    };
    done.added = Some(upload.change(&current.signer, &token, &add, report).await?);
    drop(token);
    // A cancel that arrived while the upload ran was meant for before it (the app offers Cancel
    // only until the upload starts): the rotation goes on, so the key does not stay unused.
    let after_upload = if cancel.is_cancelled() {
        &never
    } else {
        cancel
    };
    let connection = Connection {
        deadline: Instant::now() + timeout + ENTRA_WAIT_MAX,
        cancel: after_upload,
        ..connection.reborrow()
    };

    let new_signer = Signer::new(&successor.credential)
        .map_err(|f| StepClock::start(Step::WaitForEntra, report).fail(report, f, false))?;
    let new_token = wait_for_entra(&connection, &new_signer, report).await?;

    let info = crate::cert::certificate_info(&successor.certificate);
    let (switched, where_kept) = match &successor.kept {
        Kept::Files { pfx, .. } => (
            switched_profile(profile, pfx, job.new_password.is_some(), info),
            pfx.display().to_string(),
        ),
        Kept::Token { uri } => (
            super::rotate_token::switched_token_profile(profile, uri, info),
            uri.clone(),
        ),
        Kept::Vault { id, url } => (
            super::rotate_vault::switched_profile(profile, id, url, info),
            url.clone(),
        ),
    };
    let switched = switched
        .map_err(|f| StepClock::start(Step::SwitchProfile, report).fail(report, f, false))?;
    test_successor(job, &switched, successor.password, after_upload, report).await?;
    let accepted = AcceptedSuccessor {
        connection: &connection,
        signer: &new_signer,
        token: &new_token,
    };
    switch_and_retire(job, &switched, &where_kept, &accepted, done, report).await
}

/// The new certificate once Entra accepts it: the connection it signs on, its signer and token.
pub(super) struct AcceptedSuccessor<'a> {
    pub connection: &'a Connection<'a>,
    pub signer: &'a Signer,
    pub token: &'a crate::core::token_response::AccessToken,
}

/// The steps every rotation ends with, wherever the new key is kept (a file, a token, a vault):
/// the profile switches to the tested successor kept at `where_kept`, then the old key leaves the
/// app registration when asked, the change signed by the new certificate.
pub(super) async fn switch_and_retire(
    job: &RotateJob,
    switched: &Profile,
    where_kept: &str,
    successor: &AcceptedSuccessor<'_>,
    done: &mut Rotation,
    report: &mut (dyn FnMut(TestEvent) + Send),
) -> Result<(), ProbeError> {
    done.profile = Some(switch(job, switched, where_kept, report).await?);
    done.switched = true;
    if let Some(key_id) = &job.remove_key_id {
        let remove = KeyChange::Remove {
            key_id: key_id.clone(),
        };
        // The removal gets the profile's timeout from when it starts, as each phase does.
        let timeout = Duration::from_secs(u64::from(job.profile.timeout_secs()));
        let remove_connection = Connection {
            deadline: Instant::now() + timeout,
            ..successor.connection.reborrow()
        };
        remove_connection
            .change(successor.signer, successor.token, &remove, report)
            .await?;
        done.removed_key_id = Some(key_id.clone());
    }
    Ok(())
}

/// What the first steps found: the connection and the current certificate, which signs the
/// upload.
struct Current<'a> {
    object_id: &'a str,
    /// Where the current certificate is kept, so where its successor is made.
    place: Place<'a>,
    client: reqwest::Client,
    credential: crate::cert::Credential,
    signer: Signer,
}

/// The Profile and Certificate steps: the settings a rotation needs, and the current certificate.
async fn check_current<'a>(
    job: &'a RotateJob,
    deadline: Instant,
    cancel: &CancellationToken,
    report: &mut (dyn FnMut(TestEvent) + Send),
) -> Result<Current<'a>, ProbeError> {
    let profile = &job.profile;
    let clock = StepClock::start(Step::Profile, report);
    let object_id = object_id(profile).map_err(|f| clock.fail(report, f, true))?;
    let place = rotatable_place(profile.certificate()).map_err(|f| clock.fail(report, f, true))?;
    let client = key_client(profile).map_err(|f| clock.fail(report, f, true))?;
    clock.done(report, vec![Detail::new("Object ID", object_id)]);
    let (credential, signer) = signing_certificate(
        profile,
        job.password.clone(),
        job.vault.clone(),
        deadline,
        cancel,
        report,
    )
    .await?;
    Ok(Current {
        object_id,
        place,
        client,
        credential,
        signer,
    })
}

/// The new certificate, a credential that signs with its key, the password (or PIN) that opens
/// it (none for a vault's), and where it is kept.
pub(super) struct Successor {
    pub(super) certificate: openssl::x509::X509,
    pub(super) credential: crate::cert::Credential,
    pub(super) password: Option<Secret>,
    pub(super) kept: Kept,
}

/// Where a rotation's new key is kept.
pub(super) enum Kept {
    /// A new PFX and its public certificate, beside the current file.
    Files { pfx: PathBuf, cer: PathBuf },
    /// A new key on the hardware token, named by this URI, its certificate beside it.
    Token { uri: String },
    /// A new version in Azure Key Vault, named by its identifier `url`, of the certificate `id`.
    Vault {
        id: crate::core::key_vault::CertificateId,
        url: String,
    },
}

/// Where the current certificate is kept, and so where a rotation makes its successor.
enum Place<'a> {
    /// A file: the new PFX is written beside it.
    File(&'a Path),
    /// A hardware token: the new key is made on it.
    Token,
    /// Azure Key Vault: the vault makes the next version of the certificate `id`.
    Vault {
        id: crate::core::key_vault::CertificateId,
        access: &'a crate::core::key_vault::VaultAccess,
    },
}

/// The New certificate step: the current certificate's successor, written beside its file under
/// the password given for it, or else the current one's.
async fn make_successor(
    job: &RotateJob,
    current: &crate::cert::Credential,
    current_file: &Path,
    report: &mut (dyn FnMut(TestEvent) + Send),
) -> Result<Successor, ProbeError> {
    let profile = &job.profile;
    let clock = StepClock::start(Step::NewCertificate, report);
    // The current password: given, or remembered in the credential store (the load read it
    // there too).
    let current_password = match &job.password {
        Some(password) => Some(password.clone()),
        None => remembered_password(profile.certificate().password(), job.vault.as_deref())
            .map_err(|(f, input)| clock.fail(report, f, input))?,
    };
    let password = job
        .new_password
        .clone()
        .or(current_password)
        .filter(|p| !p.is_empty())
        .ok_or_else(|| {
            clock.fail(report, Failure {
                code: "new_password_missing".into(),
                message: "the current certificate has no password, and the new PFX needs one: it holds the private key".into(),
                hint: "Give a password for the new PFX (--new-password-env VAR on the command line).".into(),
                ..Failure::default()
            }, true)
        })?;
    let request = new_certificate_request(current, current_file, job.days, password.clone());
    let made = tokio::task::spawn_blocking(move || {
        new_certificate(&request)
            .map(|made| (made, request.pfx, request.cer))
            .map_err(|error| error.to_string())
    })
    .await
    .unwrap_or_else(|_| Err("making the key stopped unexpectedly".into()));
    let (made, pfx, cer) = made.map_err(|message| {
        clock.fail(
            report,
            Failure {
                code: "new_certificate".into(),
                message,
                hint: "Check that the certificate's folder is writable.".into(),
                ..Failure::default()
            },
            true,
        )
    })?;
    clock.done(report, new_certificate_details(&made, &pfx, &cer));
    Ok(Successor {
        certificate: made.pair.certificate.clone(),
        credential: made.pair.credential(),
        password: Some(password),
        kept: Kept::Files { pfx, cer },
    })
}

/// The Test with the new certificate step: a whole test connection of the switched profile.
pub(super) async fn test_successor(
    job: &RotateJob,
    switched: &Profile,
    password: Option<Secret>,
    cancel: &CancellationToken,
    report: &mut (dyn FnMut(TestEvent) + Send),
) -> Result<(), ProbeError> {
    let clock = StepClock::start(Step::TestNew, report);
    let probe = ProbeJob {
        profile: switched.clone(),
        password,
        token_only: false,
        timing: job.timing,
        vault: job.vault.clone(),
        clients: None,
        profiles: Some(job.store.clone()),
    };
    let mut ignore = |_event: TestEvent| {};
    match crate::probe::run(probe, &mut ignore, cancel).await {
        Ok(summary) => {
            let mut details = vec![Detail::new("Result", "Connected")];
            details.extend(summary.site.map(|site| Detail::new("Site", site)));
            details.extend(summary.drive.map(|drive| Detail::new("Drive", drive)));
            clock.done(report, details);
            Ok(())
        }
        Err(error) => {
            let failure = Failure {
                message: format!("{}: {}", error.step.label(), error.failure.message),
                ..error.failure
            };
            Err(clock.fail(report, failure, false))
        }
    }
}

/// The Switch profile step: the saved profile points at the new certificate (its PFX, or its
/// version in Key Vault) from now on.
pub(super) async fn switch(
    job: &RotateJob,
    switched: &Profile,
    new_certificate: &str,
    report: &mut (dyn FnMut(TestEvent) + Send),
) -> Result<Profile, ProbeError> {
    let clock = StepClock::start(Step::SwitchProfile, report);
    let store = job.store.clone();
    let expected = job.profile.clone();
    let switched = switched.clone();
    let saved = tokio::task::spawn_blocking(move || {
        save_switched(&store, &expected, &switched).map_err(|error| error.to_string())
    })
    .await
    .unwrap_or_else(|_| Err("saving stopped unexpectedly".into()));
    let saved = saved.map_err(|message| {
        clock.fail(
            report,
            Failure {
                code: "profile_not_switched".into(),
                message,
                hint: "Point the profile at the new PFX yourself (Certificate tab), then test it."
                    .into(),
                ..Failure::default()
            },
            false,
        )
    })?;
    clock.done(report, vec![Detail::new("Certificate", new_certificate)]);
    Ok(saved)
}

/// Deletes the new certificate's files of a rotation that registered nothing. A file that cannot
/// be deleted stays named in the result, so that it is not forgotten.
async fn discard_new_files(done: &mut Rotation) {
    let files = (done.new_pfx.take(), done.new_cer.take());
    let if_removal_stopped = files.clone();
    let remove = |path: Option<PathBuf>| {
        path.filter(|path| {
            std::fs::remove_file(path).is_err_and(|e| e.kind() != std::io::ErrorKind::NotFound)
        })
    };
    (done.new_pfx, done.new_cer) =
        tokio::task::spawn_blocking(move || (remove(files.0), remove(files.1)))
            .await
            .unwrap_or(if_removal_stopped);
}

/// Where the current certificate is kept: a file (the new one is written beside it), a token
/// or a vault (the new key is made there).
fn rotatable_place(source: &CertificateSource) -> Result<Place<'_>, Failure> {
    match source {
        CertificateSource::PfxFile { path, .. } => Ok(Place::File(path)),
        CertificateSource::PemFiles { certificate, .. } => Ok(Place::File(certificate)),
        CertificateSource::Pkcs11 { .. } => Ok(Place::Token),
        CertificateSource::KeyVault { url, access } => {
            let id = crate::core::key_vault::CertificateId::parse(url).map_err(|why| Failure {
                code: "key_vault_url".into(),
                message: format!("the Key Vault certificate identifier is not valid: {why}"),
                hint: "Give https://NAME.vault.azure.net/certificates/CERT[/VERSION].".into(),
                ..Failure::default()
            })?;
            Ok(Place::Vault { id, access })
        }
        CertificateSource::CredentialStore { .. } | CertificateSource::WindowsStore { .. } => {
            Err(Failure {
                code: "rotation_unsupported".into(),
                message: "rotation makes the new certificate as a PFX file beside the current one; this profile's certificate is kept in a certificate store".into(),
                hint: "Make a certificate with `certconnect cert new`, register it with `certconnect cert upload`, then import it into the store and point the profile at it.".into(),
                ..Failure::default()
            })
        }
    }
}

/// The new certificate: the current one's subject and key size, written as `{stem}-{date}.pfx`
/// and `.cer` beside the current file (never over an existing file).
fn new_certificate_request(
    current: &crate::cert::Credential,
    current_file: &Path,
    days: u32,
    password: Secret,
) -> NewCertificateRequest {
    let (subject, key_bits) = successor_subject_and_size(current);
    let (pfx, cer) = free_names(current_file);
    NewCertificateRequest {
        subject,
        key_bits,
        days,
        pfx,
        cer,
        pem: None,
        password,
        overwrite: false,
    }
}

/// The successor's subject and key size: the current certificate's (a subject without a CN gets
/// `CN=certconnect`; an unusual size becomes 2048).
pub(super) fn successor_subject_and_size(
    current: &crate::cert::Credential,
) -> (Vec<(String, String)>, u32) {
    let mut subject = crate::cert::subject_entries(current.certificate.subject_name());
    if !subject.iter().any(|(field, _)| field == "CN") {
        subject = vec![("CN".into(), "certconnect".into())];
    }
    let bits = current
        .certificate
        .public_key()
        .map(|key| key.bits())
        .unwrap_or(2048);
    let key_bits = if KEY_SIZES.contains(&bits) {
        bits
    } else {
        2048
    };
    (subject, key_bits)
}

/// `{dir}/{stem}-{YYYYMMDD}.pfx` and `.cer`, with `-2`, `-3`… when those exist. A date suffix
/// of an earlier rotation is replaced, not stacked.
fn free_names(current: &Path) -> (PathBuf, PathBuf) {
    let dir = current.parent().unwrap_or(Path::new("."));
    let stem = current
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "certificate".into());
    let base = strip_date_suffix(&stem);
    let date: String = rfc3339(system_now())
        .chars()
        .take(10)
        .filter(char::is_ascii_digit)
        .collect();
    let mut n = 1;
    loop {
        let name = if n == 1 {
            format!("{base}-{date}")
        } else {
            format!("{base}-{date}-{n}")
        };
        let pfx = dir.join(format!("{name}.pfx"));
        let cer = dir.join(format!("{name}.cer"));
        if n >= 1000 || (!pfx.exists() && !cer.exists()) {
            return (pfx, cer);
        }
        n += 1;
    }
}

fn strip_date_suffix(stem: &str) -> &str {
    let mut rest = stem;
    // An optional "-N" counter, then "-YYYYMMDD".
    if let Some((head, tail)) = rest.rsplit_once('-')
        && !tail.is_empty()
        && tail.len() < 4
        && tail.chars().all(|c| c.is_ascii_digit())
    {
        rest = head;
    }
    match rest.rsplit_once('-') {
        Some((head, tail)) if tail.len() == 8 && tail.chars().all(|c| c.is_ascii_digit()) => head,
        _ => stem,
    }
}

fn new_certificate_details(made: &NewCertificate, pfx: &Path, cer: &Path) -> Vec<Detail> {
    vec![
        Detail::new("PFX", pfx.display()),
        Detail::new("Public certificate", cer.display()),
        Detail::new("Thumbprint (SHA-1)", &made.thumbprint_sha1),
        Detail::new(
            "Valid until",
            rfc3339(crate::cert::unix_seconds(made.pair.certificate.not_after())),
        ),
    ]
}

/// The profile pointing at the new PFX, with the new certificate's facts (the list's expiry
/// badge and `profile show` read them without opening the file). Its password source stays (the
/// new PFX has the same password) unless a new password was given or there was none: then it is
/// asked for.
fn switched_profile(
    profile: &Profile,
    new_pfx: &Path,
    new_password: bool,
    info: CertificateInfo,
) -> Result<Profile, Failure> {
    let current = profile.certificate().password().clone();
    let password = if new_password || current == PasswordSource::None {
        PasswordSource::Ask
    } else {
        current
    };
    let switched = profile
        .clone()
        .with_certificate(CertificateSource::PfxFile {
            path: new_pfx.to_path_buf(),
            password,
            alias: None,
        })
        .map_err(|e| Failure {
            code: "profile_not_switched".into(),
            message: e.to_string(),
            hint: "Point the profile at the new PFX yourself (Certificate tab), then test it."
                .into(),
            ..Failure::default()
        })?;
    Ok(switched.with_certificate_facts(Some(info)))
}

/// Saves the switched profile, unless the saved one changed while the rotation ran (both under
/// one lock).
fn save_switched(
    store: &ProfileStore,
    expected: &Profile,
    switched: &Profile,
) -> Result<Profile, OpsError> {
    let mut locked = store.lock()?;
    let saved = locked.get_by_id(expected.id())?.profile.clone();
    if saved.certificate() != expected.certificate() {
        return Err(OpsError::ChangedMeanwhile(saved.name().to_owned()));
    }
    let name = saved.name().to_owned();
    let switched = saved
        .with_certificate(switched.certificate().clone())
        .map_err(|error| crate::profile_store::StoreError::InvalidProfile {
            name,
            errors: vec![error],
        })?
        .with_certificate_facts(switched.certificate_info().cloned());
    Ok(locked.save(&switched)?)
}

#[cfg(test)]
mod tests {
    use super::strip_date_suffix;

    #[test]
    fn a_rotation_date_is_replaced_not_stacked() {
        assert_eq!(strip_date_suffix("connector"), "connector");
        assert_eq!(strip_date_suffix("connector-20261123"), "connector");
        assert_eq!(strip_date_suffix("connector-20261123-2"), "connector");
        assert_eq!(strip_date_suffix("my-app"), "my-app");
        assert_eq!(strip_date_suffix("app-2"), "app-2");
    }
}
