//! `certconnect test --all [PATTERN]`: every saved profile (or those the pattern names) tested a
//! few at a time, one line each as it finishes, then a summary. The nightly health check of an
//! admin with many connectors: the exit status is 0 only when every one connects.

use std::sync::Arc;
use std::time::Instant;

use serde_json::json;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use super::args::TestArgs;
use super::term::{clean, outln};
use super::{Outcome, password, print, test_cmd};
use crate::core::draft::ProfileDraft;
use crate::core::expiry::{ExpiryLevel, expiry};
use crate::core::name_pattern;
use crate::core::profile::Profile;
use crate::core::retry::RetryTiming;
use crate::core::time_fmt::days_between;
use crate::core::trust::{GivenHere, unconfirmed};
use crate::credential_store::CredentialVault;
use crate::net::ClientCache;
use crate::probe::{self, ProbeError, ProbeJob};
use crate::profile_store::ProfileStore;
use crate::secret::Secret;

/// How one profile ended.
struct Checked {
    name: String,
    verdict: Verdict,
    step: Option<&'static str>,
    code: String,
    message: String,
    fix: String,
    certificate_not_after: Option<i64>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Verdict {
    Connected,
    Failed,
    BadInput,
}

impl Verdict {
    fn word(self) -> &'static str {
        match self {
            Self::Connected => "connected",
            Self::Failed => "FAILED",
            Self::BadInput => "BAD INPUT",
        }
    }
}

/// What every run shares: the password given on the command line, the credential store, the
/// HTTP clients and Ctrl+C.
#[derive(Clone)]
struct Shared {
    password: Option<Secret>,
    vault: Option<Result<Arc<CredentialVault>, String>>,
    clients: Arc<ClientCache>,
    cancel: CancellationToken,
    token_only: bool,
    /// What the command line gave, which needs no confirmation in an imported profile.
    given: GivenHere,
}

/// Runs `test --all`.
pub(crate) fn run(args: &TestArgs) -> Outcome {
    let store = match ProfileStore::open_default() {
        Ok(store) => store,
        Err(e) => return print::usage_error(args.json, &e.to_string()),
    };
    let loaded = store.load_all();
    let pattern = args.profile.as_deref();
    let mut checked: Vec<Checked> = Vec::new();
    if pattern.is_none() {
        // A profile file that no longer loads is a connector that no longer works.
        for problem in &loaded.problems {
            checked.push(Checked {
                name: problem.path.display().to_string(),
                verdict: Verdict::BadInput,
                step: Some("profile"),
                code: "profile_unreadable".into(),
                message: problem.message.clone(),
                fix: "Fix or remove the file; the other profiles were tested.".into(),
                certificate_not_after: None,
            });
        }
    }
    let profiles: Vec<Profile> = loaded
        .profiles
        .into_iter()
        .map(|stored| stored.profile)
        .filter(|profile| pattern.is_none_or(|p| name_pattern::matches(p, profile.name())))
        .collect();
    if profiles.is_empty() && checked.is_empty() {
        let message = match pattern {
            Some(p) => format!("no saved profile matches '{p}'"),
            None => "there are no saved profiles to test".into(),
        };
        return print::usage_error(args.json, &message);
    }
    let password = match password::read(&args.password) {
        Ok(password) => password,
        Err(message) => return print::usage_error(args.json, &message),
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            return print::usage_error(args.json, &format!("cannot start the async runtime: {e}"));
        }
    };
    let needs_store = profiles
        .iter()
        .any(|p| p.certificate().needs_credential_store());
    let shared = Shared {
        password,
        vault: needs_store.then(test_cmd::open_vault),
        clients: Arc::new(ClientCache::default()),
        cancel: CancellationToken::new(),
        token_only: args.token_only,
        given: GivenHere {
            password: args.password.password_env.is_some() || args.password.password_stdin,
            ca_file: args.ca_file.is_some(),
            ..GivenHere::default()
        },
    };
    let started = Instant::now();
    let width = name_width(&profiles);
    for line in &checked {
        if !args.json {
            print_line(line, width);
        }
    }
    let total = profiles.len() + checked.len();
    runtime.block_on(async {
        let on_ctrl_c = shared.cancel.clone();
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                on_ctrl_c.cancel();
            }
        });
        let mut running = JoinSet::new();
        let mut finished = |result: Result<Checked, tokio::task::JoinError>| {
            let line = result.unwrap_or_else(|e| internal("?", &e.to_string()));
            if !args.json {
                print_line(&line, width);
            }
            checked.push(line);
        };
        for profile in profiles {
            // At most --jobs runs at once, and only one result waits per finished run: memory
            // stays flat however many profiles there are.
            while running.len() >= usize::from(args.jobs) {
                if let Some(result) = running.join_next().await {
                    finished(result);
                }
            }
            let name = profile.name().to_owned();
            let profile = match for_this_run(profile, args) {
                Ok(profile) => profile,
                Err(message) => {
                    finished(Ok(bad_input(&name, "profile_invalid", &message)));
                    continue;
                }
            };
            running.spawn(check_one(profile, shared.clone()));
        }
        while let Some(result) = running.join_next().await {
            finished(result);
        }
    });
    report(args, checked, total, started.elapsed().as_secs_f64())
}

/// Prints the summary (or the JSON document) of a finished `test --all`; the exit outcome.
fn report(args: &TestArgs, mut checked: Vec<Checked>, total: usize, elapsed: f64) -> Outcome {
    checked.sort_by(|a, b| a.name.cmp(&b.name));
    let connected = count(&checked, Verdict::Connected);
    let failed = count(&checked, Verdict::Failed);
    let bad_input = count(&checked, Verdict::BadInput);
    let per_second = if elapsed > 0.0 {
        total as f64 / elapsed
    } else {
        0.0
    };
    if args.json {
        let now = super::now();
        let results: Vec<_> = checked.iter().map(|c| as_json(c, now)).collect();
        print::json(&json!({
            "ok": connected == total,
            "summary": {
                "profiles": total,
                "connected": connected,
                "failed": failed,
                "bad_input": bad_input,
                "seconds": (elapsed * 1000.0).round() / 1000.0,
                "profiles_per_second": (per_second * 10.0).round() / 10.0,
            },
            "results": results,
        }));
    } else {
        print_summary(&checked, total, elapsed, per_second);
    }
    if connected == total {
        Outcome::Ok
    } else {
        Outcome::Failed
    }
}

/// The saved profile with the flags that apply to every run (--ca-file, --timeout-secs).
fn for_this_run(profile: Profile, args: &TestArgs) -> Result<Profile, String> {
    if args.ca_file.is_none() && args.timeout_secs.is_none() {
        return Ok(profile);
    }
    let mut draft = ProfileDraft::from(&profile);
    if let Some(ca) = &args.ca_file {
        draft.ca_file = ca.display().to_string();
    }
    if let Some(timeout) = &args.timeout_secs {
        draft.timeout_secs.clone_from(timeout);
    }
    draft.parse().map_err(|errors| {
        let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
        lines.join("; ")
    })
}

async fn check_one(profile: Profile, shared: Shared) -> Checked {
    let name = profile.name().to_owned();
    let concerns = unconfirmed(&profile, shared.given);
    if !concerns.is_empty() {
        return bad_input(
            &name,
            "profile_not_confirmed",
            &format!(
                "imported and not confirmed on this computer: {}. Confirm it with `certconnect profile trust '{name}'`.",
                concerns.join("; ")
            ),
        );
    }
    if let Some(message) = super::pkcs11_cmd::needs_its_pin(&profile, shared.password.is_some()) {
        return bad_input(
            &name,
            crate::core::event::codes::PASSWORD_REQUIRED,
            &message,
        );
    }
    let vault = match (
        &shared.vault,
        profile.certificate().needs_credential_store(),
    ) {
        (Some(Err(message)), true) => return bad_input(&name, "credential_store", message),
        (Some(Ok(vault)), true) => Some(vault.clone()),
        _ => None,
    };
    let job = ProbeJob {
        profile,
        password: shared.password.clone(),
        token_only: shared.token_only,
        timing: RetryTiming::default(),
        vault,
        clients: Some(shared.clients.clone()),
        profiles: None,
    };
    match probe::run(job, &mut |_| {}, &shared.cancel).await {
        Ok(summary) => Checked {
            name,
            verdict: Verdict::Connected,
            step: None,
            code: String::new(),
            message: String::new(),
            fix: String::new(),
            certificate_not_after: summary.certificate_not_after,
        },
        Err(error) => failed(name, &error),
    }
}

fn failed(name: String, error: &ProbeError) -> Checked {
    Checked {
        name,
        verdict: if error.input_error {
            Verdict::BadInput
        } else {
            Verdict::Failed
        },
        step: Some(error.step.name()),
        code: error.failure.code.clone(),
        message: error.failure.message.clone(),
        fix: error.failure.hint.clone(),
        certificate_not_after: error.certificate_not_after,
    }
}

fn bad_input(name: &str, code: &str, message: &str) -> Checked {
    Checked {
        name: name.into(),
        verdict: Verdict::BadInput,
        step: Some("profile"),
        code: code.into(),
        message: message.into(),
        fix: String::new(),
        certificate_not_after: None,
    }
}

fn internal(name: &str, why: &str) -> Checked {
    Checked {
        verdict: Verdict::Failed,
        ..bad_input(name, "internal", &format!("the run stopped: {why}"))
    }
}

fn count(checked: &[Checked], verdict: Verdict) -> usize {
    checked.iter().filter(|c| c.verdict == verdict).count()
}

fn name_width(profiles: &[Profile]) -> usize {
    profiles
        .iter()
        .map(|p| p.name().chars().count())
        .max()
        .unwrap_or(0)
        .clamp(8, 40)
}

fn certificate_text(checked: &Checked) -> String {
    match checked.certificate_not_after {
        None => "certificate not read".into(),
        Some(not_after) => match expiry(super::now(), not_after) {
            (days, ExpiryLevel::Expired) => format!("certificate expired {} days ago", -days),
            (days, ExpiryLevel::Soon) => format!("certificate {days} days left, renew it"),
            (days, ExpiryLevel::Fine) => format!("certificate {days} days left"),
        },
    }
}

fn print_line(checked: &Checked, width: usize) {
    let code = if checked.code.is_empty() {
        "-"
    } else {
        &checked.code
    };
    outln!(
        "{:<9}  {:<width$}  {:<28}  {}",
        checked.verdict.word(),
        clean(&checked.name),
        clean(code),
        certificate_text(checked)
    );
}

fn print_summary(checked: &[Checked], total: usize, elapsed: f64, per_second: f64) {
    outln!();
    outln!(
        "{total} profiles: {} connected, {} failed, {} bad input, in {elapsed:.1} s ({per_second:.1} profiles/s)",
        count(checked, Verdict::Connected),
        count(checked, Verdict::Failed),
        count(checked, Verdict::BadInput),
    );
    for c in checked.iter().filter(|c| c.verdict != Verdict::Connected) {
        outln!(
            "  {} ({}): {}",
            clean(&c.name),
            c.step.unwrap_or("?"),
            clean(&c.message)
        );
        if !c.fix.is_empty() {
            outln!("    Fix: {}", clean(&c.fix));
        }
    }
}

fn as_json(checked: &Checked, now: i64) -> serde_json::Value {
    json!({
        "name": checked.name,
        "ok": checked.verdict == Verdict::Connected,
        "input_error": checked.verdict == Verdict::BadInput,
        "step": checked.step,
        "code": (!checked.code.is_empty()).then_some(&checked.code),
        "message": (!checked.message.is_empty()).then_some(&checked.message),
        "fix": (!checked.fix.is_empty()).then_some(&checked.fix),
        "certificate_days_left": checked.certificate_not_after.map(|t| days_between(now, t)),
    })
}
