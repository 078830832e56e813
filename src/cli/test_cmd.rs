//! `certconnect test`: build the profile from a saved one and flags, run the probe, print.

use tokio_util::sync::CancellationToken;

use super::args::TestArgs;
use super::{Outcome, password, print, test_print};
use crate::core::authority::Preset;
use crate::core::draft::{CertKind, ProfileDraft};
use std::sync::Arc;

use crate::core::event::{Step, TestEvent};
use crate::core::profile::{AssertionAlgorithm, PasswordSource, Profile};
use crate::core::retry::{RetryMode, RetryTiming};
use crate::core::trust::{GivenHere, unconfirmed};
use crate::credential_store::{CredentialVault, open_os_vault};
use crate::probe::{self, ProbeJob};
use crate::profile_store::ProfileStore;
use crate::secret::Secret;

/// Runs `certconnect test`.
pub(crate) fn run(args: &TestArgs) -> Outcome {
    if args.all {
        return super::test_all::run(args);
    }
    let mut timings = super::timings::Timings::default();
    timings.mark("arguments read");
    let outcome = run_timed(args, &mut timings);
    timings.mark("finished");
    if args.timings {
        timings.print();
    }
    outcome
}

fn run_timed(args: &TestArgs, timings: &mut super::timings::Timings) -> Outcome {
    let profile = match build_profile(args) {
        Ok(profile) => profile,
        Err(message) => return print::usage_error(args.json, &message),
    };
    if let Err(message) = check_trust(&profile, args) {
        return print::usage_error(args.json, &message);
    }
    // A person runs this test: a sign-in way in may ask them (test --all never does).
    if let Err(message) =
        super::key_vault_cmd::register_profile_sign_in(&profile, &args.vault_sign_in)
    {
        return print::usage_error(args.json, &message);
    }
    let password = match password::read(&args.password) {
        Ok(password) => password,
        Err(message) => return print::usage_error(args.json, &message),
    };
    timings.mark("profile and password ready");
    // One connection test is a short chain of requests: one thread drives it. A multi-thread
    // runtime started worker threads first (about 5 ms of a cold run, measured with --timings).
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            return print::usage_error(args.json, &format!("cannot start the async runtime: {e}"));
        }
    };
    timings.mark("async runtime started");
    if args.remember && (args.profile.is_none() || password.is_none()) {
        return print::usage_error(
            args.json,
            "--remember needs a saved PROFILE and a password from --password-env or --password-stdin",
        );
    }
    let vault = match (args.remember || profile.certificate().needs_credential_store())
        .then(open_vault)
        .transpose()
    {
        Ok(vault) => vault,
        Err(message) => return print::usage_error(args.json, &message),
    };
    let remember = if args.remember {
        password.clone()
    } else {
        None
    };
    let job = ProbeJob {
        profile: profile.clone(),
        password,
        token_only: args.token_only,
        timing: RetryTiming::default(),
        vault: vault.clone(),
        clients: None,
        profiles: None,
    };
    let output = match (args.json, args.report) {
        (true, _) => test_print::Output::Json,
        (false, true) => test_print::Output::Report,
        (false, false) => test_print::Output::Live,
    };
    let mut printer = test_print::Printer::new(output, &profile, super::now());
    let cancel = CancellationToken::new();
    let result = runtime.block_on(async {
        let on_ctrl_c = cancel.clone();
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                on_ctrl_c.cancel();
            }
        });
        let mut report = |event: TestEvent| {
            timings.event(&event);
            printer.event(event);
        };
        probe::run(job, &mut report, &cancel).await
    });
    printer.finish(&result);
    timings.mark("result printed");
    let certificate_opened = match &result {
        Ok(_) => true,
        Err(error) => !matches!(error.step, Step::Profile | Step::Certificate),
    };
    if let (Some(secret), Some(vault), true) = (remember, &vault, certificate_opened) {
        if let Err(message) = remember_password(profile.id(), &secret, vault) {
            eprintln!(
                "warning: the password was not remembered: {}",
                super::term::clean(&message)
            );
        } else if !args.json {
            let note = format!(
                "The password is remembered in the {}; the profile no longer needs --password-env.",
                vault.store().name()
            );
            // The report is the whole of standard output, ready to paste; the note goes beside it.
            if args.report {
                eprintln!("{note}");
            } else {
                super::term::outln!("{note}");
            }
        }
    }
    match result {
        Ok(_) => Outcome::Ok,
        Err(error) if error.input_error => Outcome::BadInput,
        Err(_) => Outcome::Failed,
    }
}

/// An imported profile that would send something where its author chose (see `core::trust`)
/// stops here until it is confirmed, unless the value in question was given on the command line.
pub(super) fn check_trust(profile: &Profile, args: &TestArgs) -> Result<(), String> {
    let given = GivenHere {
        token_url: args.token_url.is_some() || args.tenant.is_some(),
        graph_url: args.graph_url.is_some(),
        certificate: args.pfx.is_some()
            || args.cert_pem.is_some()
            || args.pkcs11.is_some()
            || (args.key_vault_cert.is_some() && args.vault_access.is_some()),
        password: args.password.password_env.is_some() || args.password.password_stdin,
        ca_file: args.ca_file.is_some(),
    };
    let concerns = unconfirmed(profile, given);
    if concerns.is_empty() {
        return Ok(());
    }
    let name = super::term::clean(profile.name());
    let lines: Vec<String> = concerns
        .iter()
        .map(|c| format!("  - {}", super::term::clean(c)))
        .collect();
    Err(format!(
        "'{name}' was imported and is not confirmed on this computer:\n{}\nIf that is what you want, confirm it with `certconnect profile trust '{name}'`, or give the value on the command line (--token-url, --graph-url, --pfx, --ca-file).",
        lines.join("\n")
    ))
}

pub(super) fn open_vault() -> Result<Arc<CredentialVault>, String> {
    open_os_vault().map(Arc::new).map_err(|e| e.to_string())
}

/// Keeps the password in the credential store and points the saved profile at it.
fn remember_password(
    profile_id: &str,
    password: &Secret,
    vault: &CredentialVault,
) -> Result<(), String> {
    let store = ProfileStore::open_default().map_err(|e| e.to_string())?;
    crate::ops::remember_password(&store, vault.store().as_ref(), profile_id, password)
        .map(drop)
        .map_err(|e| e.to_string())
}

/// The profile to test: the saved one (or the defaults), with every given flag applied, checked.
fn build_profile(args: &TestArgs) -> Result<Profile, String> {
    with_flags(starting_draft(args.profile.as_deref())?, args)
}

/// The form flags are applied to: the saved profile `name`, or the defaults.
pub(super) fn starting_draft(name: Option<&str>) -> Result<ProfileDraft, String> {
    Ok(match name {
        Some(name) => {
            let store = ProfileStore::open_default().map_err(|e| e.to_string())?;
            ProfileDraft::from(&store.get(name).map_err(|e| e.to_string())?.profile)
        }
        None => ProfileDraft {
            name: "command line".into(),
            ..ProfileDraft::default()
        },
    })
}

/// `draft` with every given flag applied, checked.
pub(super) fn with_flags(mut draft: ProfileDraft, args: &TestArgs) -> Result<Profile, String> {
    apply_flags(&mut draft, args)?;
    draft.parse().map_err(|errors| {
        let lines: Vec<String> = errors.iter().map(|e| format!("  {e}")).collect();
        format!(
            "the connection settings are not valid:\n{}",
            lines.join("\n")
        )
    })
}

fn apply_flags(draft: &mut ProfileDraft, args: &TestArgs) -> Result<(), String> {
    let set = |field: &mut String, value: &Option<String>| {
        if let Some(value) = value {
            field.clone_from(value);
        }
    };
    if let Some(tenant) = &args.tenant {
        draft.tenant.clone_from(tenant);
        if !draft.preset.needs_tenant() {
            draft.preset = Preset::SingleTenant;
        }
        draft.refresh_token_url();
    }
    if let Some(url) = &args.token_url {
        draft.preset = Preset::Custom;
        draft.token_url.clone_from(url);
    }
    set(&mut draft.client_id, &args.client_id);
    if let Some(graph) = &args.graph_url {
        draft.graph_url.clone_from(graph);
        draft.refresh_scope();
    }
    set(&mut draft.scope, &args.scope);
    if let Some(pfx) = &args.pfx {
        draft.cert_kind = CertKind::PfxFile;
        draft.pfx_path = pfx.display().to_string();
    }
    set(&mut draft.keystore_alias, &args.alias);
    super::pkcs11_cmd::apply_flags(draft, args)?;
    if let (Some(cert), Some(key)) = (&args.cert_pem, &args.key_pem) {
        draft.cert_kind = CertKind::PemFiles;
        draft.pem_cert_path = cert.display().to_string();
        draft.pem_key_path = key.display().to_string();
    }
    if let Some(thumbprint) = &args.windows_cert {
        draft.cert_kind = CertKind::WindowsStore;
        draft.windows_thumbprint.clone_from(thumbprint);
        draft.windows_location = args.windows_store.unwrap_or_default();
    }
    if let Some(url) = &args.key_vault_cert {
        draft.cert_kind = CertKind::KeyVault;
        draft.key_vault_url.clone_from(url);
    }
    if let Some(flag) = &args.vault_access {
        draft.vault_access = super::key_vault_cmd::access(Some(flag))?;
    }
    if args.password.password_env.is_none()
        && !args.password.password_stdin
        && args.profile.is_none()
    {
        draft.password = PasswordSource::None;
    }
    set(&mut draft.site_id, &args.site_id);
    set(&mut draft.drive_id, &args.drive_id);
    set(&mut draft.extra_headers, &args.header);
    if let Some(mode) = &args.retry_mode {
        draft.retry_mode = RetryMode::parse(mode)?;
    }
    set(&mut draft.retry_codes, &args.retry_codes);
    set(&mut draft.retry_max, &args.retry_max);
    if let Some(alg) = &args.alg {
        draft.algorithm = AssertionAlgorithm::parse(alg)?;
    }
    draft.send_chain |= args.send_chain;
    if let Some(ca) = &args.ca_file {
        draft.ca_file = ca.display().to_string();
    }
    set(&mut draft.timeout_secs, &args.timeout_secs);
    Ok(())
}
