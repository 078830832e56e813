//! `certconnect app register`, `app add-cert`, `app show` and `app sign-out`: an app registration set up with an
//! administrator's sign-in, each step printed as `test` prints its ladder (or one JSON object).
//! The use cases are `ops::app_registration`'s; this module reads the flags, signs the admin in
//! and prints.

use std::path::{Path, PathBuf};
use std::time::Duration;

use openssl::x509::X509;
use serde_json::{Value, json};
use tokio_util::sync::CancellationToken;

use super::app_args::{AddCertArgs, AppCommand, ExistingAppArgs, RegisterArgs, ShowAppArgs};
use super::app_sign_in::{Place, place, sign_in, sign_in_failed};
use super::args::PasswordArgs;
use super::key_cmd::run_async;
use super::print::clean_lines;
use super::term::{clean, outln};
use super::test_print::Printer;
use super::{Outcome, password};
use crate::cert::{Credential, LoadOptions, load_file};
use crate::core::authority::Preset;
use crate::core::draft::{CertKind, ProfileDraft};
use crate::core::event::TestEvent;
use crate::core::guid::normalize_guid;
use crate::core::profile::PasswordSource;
use crate::core::retry::RetryTiming;
use crate::core::signin::scopes::SetupStep;
use crate::ops::app_registration::{DEFAULT_ENTRA_WAIT, SiteGrant};
use crate::ops::{
    AddCertificateJob, AdminGraph, AppView, CertificateAdded, NewCertificateRequest, RegisterJob,
    Registration, SetupFailed, ShowJob, new_certificate,
};
use crate::profile_store::ProfileStore;
use crate::secret::Secret;

/// Runs an `app` command.
pub(crate) fn run(command: AppCommand) -> Outcome {
    match command {
        AppCommand::Register(args) => register(&args),
        AppCommand::AddCert(args) => add_cert(&args),
        AppCommand::Show(args) => show(&args),
        AppCommand::SignOut(args) => super::app_sign_in::sign_out(&args),
    }
}

/// Bad input, before anything was sent: exit 2, with the command's keys (empty) under `--json`.
fn input_error(json: bool, message: &str, fields: Value) -> Outcome {
    if json {
        let mut object = json!({
            "ok": false,
            "steps": [],
            "error": { "code": "usage", "message": message },
        });
        if let (Value::Object(object), Value::Object(fields)) = (&mut object, fields) {
            object.extend(fields);
        }
        super::print::json(&object);
    } else {
        eprintln!("error: {}", clean_lines(message));
    }
    Outcome::BadInput
}

/// The exit code of a setup run.
fn outcome<T>(failed: Option<&SetupFailed<T>>) -> Outcome {
    match failed {
        None => Outcome::Ok,
        Some(failed) if failed.error.is_input_error() => Outcome::BadInput,
        Some(_) => Outcome::Failed,
    }
}

fn failed_line<T>(failed: &SetupFailed<T>) -> String {
    format!(
        "FAILED at '{}' ({})",
        failed.step.label(),
        failed.failure().code
    )
}

fn read_password(var: Option<&String>) -> Result<Option<Secret>, String> {
    password::read(&PasswordArgs {
        password_env: var.cloned(),
        password_stdin: false,
    })
}

/// The administrator's connection to Graph for a signed-in session.
fn admin_graph(token: Secret, place: &Place, ca_file: Option<&PathBuf>) -> AdminGraph {
    AdminGraph {
        token,
        graph_url: place.graph_url.as_str().trim_end_matches('/').to_owned(),
        ca_file: ca_file.cloned(),
        timing: RetryTiming::default(),
    }
}

/// The certificate of `--pfx` or `--cert-pem` (with `--key-pem`), as the flag names it in errors.
fn load_certificate(
    pfx: Option<&PathBuf>,
    cert_pem: Option<&PathBuf>,
    key_pem: Option<&PathBuf>,
    password: Option<&Secret>,
) -> Result<Credential, String> {
    let (flag, path) = match (pfx, cert_pem) {
        (Some(path), _) => ("--pfx", path),
        (None, Some(path)) => ("--cert-pem", path),
        (None, None) => {
            return Err("give the certificate with --pfx FILE or --cert-pem FILE".into());
        }
    };
    load_file(
        path,
        LoadOptions {
            key_path: key_pem.map(PathBuf::as_path),
            password,
            alias: None,
        },
    )
    .map_err(|e| format!("{flag} {}: {e}", path.display()))
}

// ---- register ----

/// `app register`'s keys, as far as the run got.
fn registration_fields(done: &Registration, saved: Option<&str>, next_steps: &[String]) -> Value {
    json!({
        "client_id": done.client_id,
        "object_id": done.object_id,
        "service_principal_id": done.service_principal_id,
        "key_id": done.key_id,
        "roles": done.roles,
        "site_granted": done.site_granted,
        "connected": done.connected,
        "saved_profile": saved,
        "next_steps": next_steps,
    })
}

/// What `register` needs once the flags are checked.
struct Prepared {
    place: Place,
    job: RegisterJob,
    /// The new certificate's files and SHA-1 thumbprint, when `--new-cert` made one.
    made: Option<(PathBuf, PathBuf, String)>,
}

fn register(args: &RegisterArgs) -> Outcome {
    let json = args.json;
    let Prepared { place, job, made } = match prepare(args) {
        Ok(prepared) => prepared,
        Err(message) => {
            return input_error(
                json,
                &message,
                registration_fields(&Registration::default(), None, &[]),
            );
        }
    };
    let profile_name = job.connection.name.clone();
    let title = format!(
        "Registering the app '{}' in {}",
        job.display_name.trim(),
        place.tenant
    );
    let mut printer = Printer::titled(json, &title, &profile_name);
    if let (Some((pfx, cer, sha1)), false) = (&made, json) {
        outln!(
            "Made a new certificate: keep {} (private key), {} is its public certificate (SHA-1 {sha1}).",
            clean(&pfx.display().to_string()),
            clean(&cer.display().to_string())
        );
    }
    let steps: Vec<SetupStep> = [SetupStep::Register, SetupStep::Consent]
        .into_iter()
        .chain(job.site.is_some().then_some(SetupStep::GrantSite))
        .collect();
    let ca_file = args.sign_in.ca_file.clone();
    let ended = run_async(json, |cancel| async move {
        let session = match sign_in(&place, &args.sign_in, &steps, &cancel).await {
            Ok(session) => session,
            Err(error) => return (printer, Err(error)),
        };
        let job = RegisterJob {
            admin: admin_graph(session.access_token, &place, ca_file.as_ref()),
            ..job
        };
        let mut report = |event: TestEvent| printer.event(event);
        let result = crate::ops::register(job, &mut report, &cancel).await;
        (printer, Ok(result))
    });
    let Some((printer, ended)) = ended else {
        return Outcome::BadInput;
    };
    let result = match ended {
        Ok(result) => result,
        Err(error) => {
            return sign_in_failed(
                json,
                &error,
                registration_fields(&Registration::default(), None, &[]),
            );
        }
    };
    let (done, failed) = match &result {
        Ok(done) => (done, None),
        Err(failed) => (&failed.done, Some(failed)),
    };
    let saved = done.profile.as_ref().map(|p| p.name().to_owned());
    let next_steps = failed.map(|f| f.next_steps.as_slice()).unwrap_or_default();
    let closing = match failed {
        None => format!(
            "Registered and connected: client ID {}, object ID {}{}.",
            done.client_id.as_deref().unwrap_or_default(),
            done.object_id.as_deref().unwrap_or_default(),
            saved
                .as_ref()
                .map(|name| format!("; saved as the profile '{name}'"))
                .unwrap_or_default()
        ),
        Some(failed) => failed_line(failed),
    };
    let failure = failed.map(SetupFailed::failure);
    printer.finish_with(
        registration_fields(done, saved.as_deref(), next_steps),
        failed
            .zip(failure.as_ref())
            .map(|(f, failure)| (f.step, failure)),
        &closing,
    );
    outcome(failed)
}

/// Checks every flag and loads (or makes) the certificate; nothing is sent yet. The admin's token
/// is filled in after the sign-in.
fn prepare(args: &RegisterArgs) -> Result<Prepared, String> {
    let place = place(&args.tenant, &args.sign_in.cloud)?;
    let name = args.name.trim();
    if name.is_empty() {
        return Err("--name: give the app registration a name".into());
    }
    let password = read_password(args.password_env.as_ref())?;
    let mut roles: Vec<String> = args.roles.iter().map(|r| r.trim().to_owned()).collect();
    let site = match (&args.grant_site, args.site_role) {
        (Some(site_id), Some(role)) => {
            if roles.is_empty() {
                roles.push("Sites.Selected".into());
            }
            if !roles
                .iter()
                .any(|r| r.eq_ignore_ascii_case("Sites.Selected"))
            {
                return Err(
                    "--grant-site grants a Sites.Selected app its site: add --role Sites.Selected"
                        .into(),
                );
            }
            Some(SiteGrant {
                site_id: site_id.trim().to_owned(),
                role: role.into(),
            })
        }
        _ => None,
    };
    if roles.is_empty() {
        return Err("choose the Microsoft Graph application permissions with --role (e.g. --role Sites.Read.All, or --role Sites.Selected with --grant-site)".into());
    }
    let save_to = match &args.save_profile {
        Some(profile) => {
            let store = ProfileStore::open_default().map_err(|e| e.to_string())?;
            if store.get(profile).is_ok() {
                return Err(format!(
                    "--save-profile: a profile named '{profile}' exists; choose another name"
                ));
            }
            Some(store)
        }
        None => None,
    };
    let mut connection = connection_draft(args, &place, password.is_some());
    let (certificate, made) = match &args.new_cert {
        Some(pfx) => {
            let (credential, cer, sha1) = make_certificate(pfx, name, password.as_ref())?;
            (credential, Some((pfx.clone(), cer, sha1)))
        }
        None => (
            load_certificate(
                args.pfx.as_ref(),
                args.cert_pem.as_ref(),
                args.key_pem.as_ref(),
                password.as_ref(),
            )?,
            None,
        ),
    };
    if !certificate.has_key() {
        return Err("the certificate has no private key here: `app register` ends with a test connection signed by the key. Give the key with --key-pem (or use a PFX); to only register a certificate on an existing app, use `app add-cert`.".into());
    }
    if certificate.key_matches == Some(false) {
        return Err("the private key does not belong to the certificate".into());
    }
    if let Some(site) = &site {
        connection.site_id.clone_from(&site.site_id);
    }
    let job = RegisterJob {
        admin: admin_graph(Secret::new(""), &place, args.sign_in.ca_file.as_ref()),
        display_name: name.to_owned(),
        certificate,
        roles,
        site,
        connection,
        password,
        vault: None,
        wait_max: args
            .wait_secs
            .map_or(DEFAULT_ENTRA_WAIT, Duration::from_secs),
        save_to,
    };
    Ok(Prepared { place, job, made })
}

/// The connection the new app is tested (and saved) with: the tenant's token URL (a cloud's preset
/// when it is one), Graph, the certificate's files and CA file. The IDs are filled in by `register`.
fn connection_draft(args: &RegisterArgs, place: &Place, has_password: bool) -> ProfileDraft {
    let mut draft = ProfileDraft {
        name: args
            .save_profile
            .clone()
            .unwrap_or_else(|| args.name.trim().to_owned()),
        tenant: place.tenant.clone(),
        password: if has_password {
            PasswordSource::Ask
        } else {
            PasswordSource::None
        },
        ..ProfileDraft::default()
    };
    let graph_url = place.graph_url.as_str().trim_end_matches('/').to_owned();
    let token_url = place.token_url.to_string();
    let preset = Preset::ALL.into_iter().find(|preset| {
        preset.token_url(&place.tenant).as_deref() == Some(token_url.as_str())
            && preset.graph_url().as_deref() == Some(graph_url.as_str())
    });
    match preset {
        Some(preset) => draft.apply_preset(preset),
        None => {
            draft.preset = Preset::Custom;
            draft.token_url = token_url;
            draft.graph_url = graph_url;
            draft.refresh_scope();
        }
    }
    if let Some(pfx) = args.new_cert.as_ref().or(args.pfx.as_ref()) {
        draft.cert_kind = CertKind::PfxFile;
        draft.pfx_path = absolute(pfx);
    } else if let Some(cert) = &args.cert_pem {
        draft.cert_kind = CertKind::PemFiles;
        draft.pem_cert_path = absolute(cert);
        draft.pem_key_path = absolute(args.key_pem.as_ref().unwrap_or(cert));
    }
    if let Some(ca) = &args.sign_in.ca_file {
        draft.ca_file = absolute(ca);
    }
    draft
}

/// A path as the saved profile keeps it: absolute, so the profile works from any directory.
fn absolute(path: &Path) -> String {
    std::path::absolute(path)
        .unwrap_or_else(|_| path.to_path_buf())
        .display()
        .to_string()
}

/// `--new-cert`: a new self-signed certificate named after the app, by the New certificate use
/// case (the PFX and the `.cer` beside it; existing files are never replaced).
fn make_certificate(
    pfx: &Path,
    name: &str,
    password: Option<&Secret>,
) -> Result<(Credential, PathBuf, String), String> {
    let password = password
        .cloned()
        .ok_or("--new-cert needs the new PFX's password: --password-env VAR")?;
    let cer = pfx.with_extension("cer");
    if cer == pfx {
        return Err("--new-cert: name the PFX FILE.pfx (its public certificate is written beside it as FILE.cer)".into());
    }
    let request = NewCertificateRequest {
        subject: vec![("CN".to_owned(), name.to_owned())],
        key_bits: 2048,
        days: crate::core::validity::validity_days(super::now(), None, None),
        pfx: pfx.to_path_buf(),
        cer: cer.clone(),
        pem: None,
        password,
        overwrite: false,
    };
    let made = new_certificate(&request).map_err(|e| format!("--new-cert: {e}"))?;
    Ok((made.pair.credential(), cer, made.thumbprint_sha1))
}

// ---- add-cert ----

fn added_fields(client_id: &str, done: &CertificateAdded) -> Value {
    json!({
        "client_id": client_id,
        "object_id": done.object_id,
        "key_id": done.key_id,
        "already_registered": done.already_registered,
        "keys": done.keys,
    })
}

fn add_cert(args: &AddCertArgs) -> Outcome {
    let app = &args.app;
    let empty = || added_fields(&app.client_id, &CertificateAdded::default());
    let ran = on_existing_app(
        app,
        SetupStep::AddCertificate,
        |client_id| format!("Adding a certificate to the app {client_id}"),
        &empty,
        |certificate| {
            certificate.ok_or_else(|| "give the certificate with --pfx or --cert-pem".to_owned())
        },
        async |admin, client_id, certificate, printer: &mut Printer, cancel| {
            let job = AddCertificateJob {
                admin,
                client_id,
                certificate,
            };
            let mut report = |event: TestEvent| printer.event(event);
            crate::ops::add_certificate(job, &mut report, &cancel).await
        },
    );
    let (printer, client_id, result) = match ran {
        Ok(ran) => ran,
        Err(outcome) => return outcome,
    };
    let (done, failed) = match &result {
        Ok(done) => (done, None),
        Err(failed) => (&failed.done, Some(failed)),
    };
    let closing = match failed {
        None if done.already_registered => format!(
            "The certificate is already on the app (key ID {}): nothing was changed.",
            done.key_id
        ),
        None => format!(
            "Added: key ID {}. The app has {} certificate(s); every earlier one is kept.",
            done.key_id, done.keys
        ),
        Some(failed) => failed_line(failed),
    };
    let failure = failed.map(SetupFailed::failure);
    printer.finish_with(
        added_fields(&client_id, done),
        failed
            .zip(failure.as_ref())
            .map(|(f, failure)| (f.step, failure)),
        &closing,
    );
    outcome(failed)
}

/// A command on an existing app up to its result: the flags checked (the client ID, and the
/// certificate given as `certificate` wants it), the administrator signed in for `step`, then
/// `job` run with their Graph and the printer that shows its steps. Bad input and a failed
/// sign-in are printed here and returned as their outcome.
fn on_existing_app<C, T>(
    app: &ExistingAppArgs,
    step: SetupStep,
    title: impl FnOnce(&str) -> String,
    empty: &dyn Fn() -> Value,
    certificate: impl FnOnce(Option<X509>) -> Result<C, String>,
    job: impl AsyncFnOnce(AdminGraph, String, C, &mut Printer, CancellationToken) -> T,
) -> Result<(Printer, String, T), Outcome> {
    let json = app.json;
    let checked = existing_app(&app.tenant, &app.client_id, &app.sign_in, || {
        certificate_only(
            app.pfx.as_ref(),
            app.cert_pem.as_ref(),
            app.password_env.as_ref(),
        )
    })
    .and_then(|(place, client_id, given)| Ok((place, client_id, certificate(given)?)));
    let (place, client_id, certificate) =
        checked.map_err(|message| input_error(json, &message, empty()))?;
    let mut printer = Printer::titled(json, &title(&client_id), &client_id);
    let id = client_id.clone();
    let ended = run_async(json, |cancel| async move {
        let session = match sign_in(&place, &app.sign_in, &[step], &cancel).await {
            Ok(session) => session,
            Err(error) => return (printer, Err(error)),
        };
        let admin = admin_graph(session.access_token, &place, app.sign_in.ca_file.as_ref());
        let result = job(admin, id, certificate, &mut printer, cancel).await;
        (printer, Ok(result))
    });
    match ended {
        None => Err(Outcome::BadInput),
        Some((printer, Ok(result))) => Ok((printer, client_id, result)),
        Some((_, Err(error))) => Err(sign_in_failed(json, &error, empty())),
    }
}

/// The checked flags of a command on an existing app: where to sign in, the client ID and the
/// certificate given (if any).
fn existing_app(
    tenant: &str,
    client_id: &str,
    sign_in: &super::app_args::SignInArgs,
    certificate: impl FnOnce() -> Result<Option<X509>, String>,
) -> Result<(Place, String, Option<X509>), String> {
    let place = place(tenant, &sign_in.cloud)?;
    let client_id = normalize_guid(client_id).ok_or_else(|| {
        format!("--client-id: '{client_id}' is not a client ID (a GUID, the app registration's 'Application (client) ID')")
    })?;
    Ok((place, client_id, certificate()?))
}

/// The public certificate of `--pfx` or `--cert-pem` (a key, if the file has one, is dropped).
fn certificate_only(
    pfx: Option<&PathBuf>,
    cert_pem: Option<&PathBuf>,
    password_env: Option<&String>,
) -> Result<Option<X509>, String> {
    if pfx.is_none() && cert_pem.is_none() {
        return Ok(None);
    }
    let password = read_password(password_env)?;
    let credential = load_certificate(pfx, cert_pem, None, password.as_ref())?;
    Ok(Some(credential.certificate))
}

// ---- show ----

fn show(args: &ShowAppArgs) -> Outcome {
    let app = &args.app;
    let json = app.json;
    let empty = || {
        json!({
            "client_id": app.client_id,
            "object_id": null,
            "certificates": [],
            "granted_roles": [],
        })
    };
    let mut thumbprint = None;
    let ran = on_existing_app(
        app,
        SetupStep::Show,
        |client_id| format!("Reading the app {client_id}"),
        &empty,
        |certificate| {
            thumbprint = certificate.as_ref().and_then(sha1_of);
            Ok(certificate)
        },
        async |admin, client_id, certificate, printer: &mut Printer, cancel| {
            let job = ShowJob {
                admin,
                client_id,
                certificate,
            };
            let mut report = |event: TestEvent| printer.event(event);
            crate::ops::show(job, &mut report, &cancel).await
        },
    );
    let (printer, _, result) = match ran {
        Ok(ran) => ran,
        Err(outcome) => return outcome,
    };
    match &result {
        Ok(view) => {
            if !json {
                print_app(view, thumbprint.as_deref());
            }
            let fields = serde_json::to_value(view).unwrap_or_else(|_| empty());
            printer.finish_with(fields, None, "Shown.");
        }
        Err(failed) => {
            let failure = failed.failure();
            printer.finish_with(empty(), Some((failed.step, &failure)), &failed_line(failed));
        }
    }
    outcome(result.as_ref().err())
}

fn sha1_of(certificate: &X509) -> Option<String> {
    certificate
        .digest(openssl::hash::MessageDigest::sha1())
        .ok()
        .map(|digest| crate::core::thumbprint::to_hex(&digest))
}

/// The app as text: its certificates, granted roles and whether the given certificate is on it.
fn print_app(view: &AppView, thumbprint: Option<&str>) {
    outln!(
        "App '{}': client ID {}, object ID {}",
        clean(&view.display_name),
        clean(&view.client_id),
        clean(&view.object_id)
    );
    outln!("Certificates: {}", view.certificates.len());
    for certificate in &view.certificates {
        outln!(
            "  key ID {}  SHA-1 {}  expires {}{}",
            clean(&certificate.key_id),
            clean(certificate.thumbprint.as_deref().unwrap_or("?")),
            clean(certificate.expires.as_deref().unwrap_or("?")),
            certificate
                .display_name
                .as_deref()
                .map(|name| format!("  {}", clean(name)))
                .unwrap_or_default()
        );
    }
    if view.granted_roles.is_empty() {
        outln!("Granted Microsoft Graph application roles: none (no admin consent given)");
    } else {
        outln!(
            "Granted Microsoft Graph application roles: {}",
            clean(&view.granted_roles.join(", "))
        );
    }
    match (view.registered, thumbprint) {
        (Some(true), Some(sha1)) => {
            outln!("The certificate (SHA-1 {sha1}) is registered on this app.");
        }
        (Some(false), Some(sha1)) => outln!(
            "The certificate (SHA-1 {sha1}) is NOT registered on this app: add it with `certconnect app add-cert`."
        ),
        _ => {}
    }
}
