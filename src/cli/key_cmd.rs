//! `certconnect cert upload`, `cert remove-key` and `cert rotate`: an app registration's keys
//! changed by the app itself (Graph addKey / removeKey), printed like a test connection.

use serde_json::{Value, json};
use tokio_util::sync::CancellationToken;

use super::args::{
    KeyConnectionArgs, PasswordArgs, RemoveKeyArgs, RotateArgs, TestArgs, UploadArgs,
};
use super::test_print::Printer;
use super::{Outcome, password, print};
use crate::cert::LoadOptions;
use crate::core::event::TestEvent;
use crate::core::guid::normalize_guid;
use crate::core::profile::Profile;
use crate::core::retry::RetryTiming;
use crate::ops::{KeyJob, RotateJob};
use crate::probe::{KeyChange, KeyChanged, ProbeError};
use crate::profile_store::ProfileStore;

/// Runs `cert upload`.
pub(crate) fn upload(args: &UploadArgs) -> Outcome {
    let json = args.connection.json;
    let certificate = match new_certificate(args) {
        Ok(certificate) => certificate,
        Err(message) => return print::usage_error(json, &message),
    };
    let change = KeyChange::Add {
        certificate,
        display_name: args.display_name.clone().unwrap_or_default(),
    };
    change_key(
        &args.connection,
        change,
        "Uploading a certificate to the app registration",
    )
}

/// Runs `cert remove-key`.
pub(crate) fn remove_key(args: &RemoveKeyArgs) -> Outcome {
    let Some(key_id) = normalize_guid(&args.key_id) else {
        return print::usage_error(
            args.connection.json,
            &format!(
                "--key-id: '{}' is not a key ID (a GUID, shown in the portal as 'Certificate ID')",
                args.key_id
            ),
        );
    };
    change_key(
        &args.connection,
        KeyChange::Remove { key_id },
        "Removing a key from the app registration",
    )
}

fn change_key(args: &KeyConnectionArgs, change: KeyChange, title: &str) -> Outcome {
    let json = args.json;
    let (profile, password) = match connection(args) {
        Ok(found) => found,
        Err(message) => return print::usage_error(json, &message),
    };
    let vault = match profile
        .certificate()
        .needs_credential_store()
        .then(super::test_cmd::open_vault)
        .transpose()
    {
        Ok(vault) => vault,
        Err(message) => return print::usage_error(json, &message),
    };
    let job = KeyJob {
        profile: profile.clone(),
        password,
        vault,
        timing: RetryTiming::default(),
    };
    let mut printer = Printer::titled(json, title, profile.name());
    let result = run_async(json, |cancel| async move {
        let mut report = |event: TestEvent| printer.event(event);
        let result = crate::ops::change_key(job, change, &mut report, &cancel).await;
        (printer, result)
    });
    let Some((printer, result)) = result else {
        return Outcome::BadInput;
    };
    let fields = match &result {
        Ok(changed) => key_fields(changed),
        Err(_) => json!({}),
    };
    let closing = match &result {
        Ok(changed) if changed.thumbprint_sha1.is_some() => format!(
            "Uploaded: key ID {}. Test the connection with the new certificate before removing the old one.",
            changed.key_id
        ),
        Ok(changed) => format!("Removed key {}.", changed.key_id),
        Err(error) => failed_line(error),
    };
    printer.finish_task(fields, result.as_ref().err(), &closing);
    outcome(result.as_ref().err())
}

fn key_fields(changed: &KeyChanged) -> Value {
    json!({
        "key_id": changed.key_id,
        "thumbprint_sha1": changed.thumbprint_sha1,
        "not_after": changed.not_after,
    })
}

fn failed_line(error: &ProbeError) -> String {
    format!(
        "FAILED at '{}' ({})",
        error.step.label(),
        error.failure.code
    )
}

fn outcome(error: Option<&ProbeError>) -> Outcome {
    match error {
        None => Outcome::Ok,
        Some(error) if error.input_error => Outcome::BadInput,
        Some(_) => Outcome::Failed,
    }
}

/// Runs `future` on a one-thread runtime, cancelled by Ctrl+C; `None` (after printing why) when
/// the runtime cannot start.
pub(super) fn run_async<F, T>(json: bool, future: impl FnOnce(CancellationToken) -> F) -> Option<T>
where
    F: std::future::Future<Output = T>,
{
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            print::usage_error(json, &format!("cannot start the async runtime: {e}"));
            return None;
        }
    };
    let cancel = CancellationToken::new();
    Some(runtime.block_on(async {
        let on_ctrl_c = cancel.clone();
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                on_ctrl_c.cancel();
            }
        });
        future(cancel).await
    }))
}

/// The profile for a key change: the saved one (or the defaults) with the flags applied, the
/// object ID set, checked; and the current certificate's password.
fn connection(
    args: &KeyConnectionArgs,
) -> Result<(Profile, Option<crate::secret::Secret>), String> {
    let mut draft = super::test_cmd::starting_draft(args.profile.as_deref())?;
    if let Some(object_id) = &args.object_id {
        draft.object_id.clone_from(object_id);
    }
    let test_args = TestArgs {
        profile: args.profile.clone(),
        token_url: args.token_url.clone(),
        tenant: args.tenant.clone(),
        client_id: args.client_id.clone(),
        pfx: args.pfx.clone(),
        cert_pem: args.cert_pem.clone(),
        key_pem: args.key_pem.clone(),
        password: args.password.clone(),
        graph_url: args.graph_url.clone(),
        scope: args.scope.clone(),
        ca_file: args.ca_file.clone(),
        timeout_secs: args.timeout_secs.clone(),
        ..TestArgs::default()
    };
    let profile = super::test_cmd::with_flags(draft, &test_args)?;
    super::test_cmd::check_trust(&profile, &test_args)?;
    if profile.object_id().is_none() {
        return Err("give the Application object ID with --object-id (the app registration's Overview page shows it as 'Object ID'; it is not the client ID)".into());
    }
    let password = password::read(&args.password)?;
    Ok((profile, password))
}

/// The new certificate's password, from `--new-password-env` (standard input is the current one's).
fn new_password(var: Option<&String>) -> Result<Option<crate::secret::Secret>, String> {
    password::read(&PasswordArgs {
        password_env: var.cloned(),
        password_stdin: false,
    })
}

/// The public certificate of `--new`: a .cer, PEM or PFX (opened with --new-password-env).
fn new_certificate(args: &UploadArgs) -> Result<openssl::x509::X509, String> {
    let password = new_password(args.new_password_env.as_ref())?;
    let credential = crate::cert::load_file(
        &args.new_cert,
        LoadOptions {
            key_path: None,
            password: password.as_ref(),
            alias: None,
        },
    )
    .map_err(|e| format!("--new {}: {e}", args.new_cert.display()))?;
    // The key, if the file has one, is dropped here: only the certificate goes further.
    Ok(credential.certificate)
}

/// Runs `cert rotate`.
pub(crate) fn rotate(args: &RotateArgs) -> Outcome {
    let json = args.json;
    let job = match rotate_job(args) {
        Ok(job) => job,
        Err(message) => return print::usage_error(json, &message),
    };
    let title = format!("Rotating the certificate of '{}'", job.profile.name());
    let mut printer = Printer::titled(json, &title, job.profile.name());
    let result = run_async(json, |cancel| async move {
        let mut report = |event: TestEvent| printer.event(event);
        let result = crate::ops::rotate(job, &mut report, &cancel).await;
        (printer, result)
    });
    let Some((printer, result)) = result else {
        return Outcome::BadInput;
    };
    let (done, error) = match &result {
        Ok(done) => (done, None),
        Err(failed) => (&failed.done, Some(&failed.error)),
    };
    let closing = match error {
        None => crate::report::rotated_sentence(done),
        Some(error) => failed_line(error),
    };
    printer.finish_task(json!({ "rotation": done }), error, &closing);
    outcome(error)
}

fn rotate_job(args: &RotateArgs) -> Result<RotateJob, String> {
    let store = ProfileStore::open_default().map_err(|e| e.to_string())?;
    let profile = store.get(&args.profile).map_err(|e| e.to_string())?.profile;
    let given = TestArgs {
        password: args.password.clone(),
        ..TestArgs::default()
    };
    super::test_cmd::check_trust(&profile, &given)?;
    super::key_vault_cmd::register_profile_sign_in(&profile, &args.vault_sign_in)?;
    let remove_key_id = match &args.old_key_id {
        Some(text) => Some(normalize_guid(text).ok_or_else(|| {
            format!("--old-key-id: '{text}' is not a key ID (a GUID, shown in the portal as 'Certificate ID')")
        })?),
        None => None,
    };
    let password = password::read(&args.password)?;
    let new_password = new_password(args.new_password_env.as_ref())?;
    let vault = profile
        .certificate()
        .needs_credential_store()
        .then(super::test_cmd::open_vault)
        .transpose()?;
    Ok(RotateJob {
        store,
        profile,
        password,
        new_password,
        days: crate::core::time_fmt::days_in_years(super::now(), args.years),
        remove_key_id,
        vault,
        timing: RetryTiming::default(),
    })
}
