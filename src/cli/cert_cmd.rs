//! `certconnect cert inspect`: one file in detail, or many as an expiry watch.

use std::path::Path;

use serde_json::{Value, json};

use super::args::InspectArgs;
use super::term::{clean, outln};
use super::{Outcome, now, password, print};
use crate::cert::{self, CertError, CertReport, LoadOptions};
use crate::core::event::Failure;
use crate::core::findings::{Finding, Severity};
use crate::core::thumbprint;
use crate::secret::Secret;

/// What inspecting one file gave.
enum Inspected {
    Report(Box<CertReport>),
    Unreadable(CertError),
    /// A Key Vault certificate that could not be opened; the bool: the input or access is at
    /// fault (exit 2), not the vault's health (exit 1).
    VaultRefused(Failure, bool),
    /// A token URI that could not be opened.
    Token(crate::cert::pkcs11::Pkcs11Error),
}

/// Loads and inspects the files, prints, and maps the worst result to an exit outcome.
pub(crate) fn inspect(args: &InspectArgs) -> Outcome {
    let password = match password::read(&args.password) {
        Ok(password) => password,
        Err(message) => return print::usage_error(args.json, &message),
    };
    let expected = match expected_thumbprint(args) {
        Ok(expected) => expected,
        Err(message) => return print::usage_error(args.json, &message),
    };
    let vault_access = match super::key_vault_cmd::access(args.vault_access.as_deref()) {
        Ok(access) => access,
        Err(message) => return print::usage_error(args.json, &message),
    };
    if let Err(message) =
        super::key_vault_cmd::register_sign_in(&vault_access, &args.vault_sign_in, None)
    {
        return print::usage_error(args.json, &message);
    }
    let now = now();
    let results: Vec<(String, Inspected)> = args
        .files
        .iter()
        .map(|file| {
            (
                file.display().to_string(),
                match file
                    .to_str()
                    .filter(|f| super::key_vault_cmd::is_vault_url(f))
                {
                    Some(url) => match super::key_vault_cmd::open(url, &vault_access) {
                        Ok((credential, enabled)) => disabled_finding(
                            report_of(&credential, args, expected.as_deref(), now),
                            enabled,
                        ),
                        Err((failure, refusal)) => Inspected::VaultRefused(failure, refusal),
                    },
                    None => inspect_one(file, args, password.as_ref(), expected.as_deref(), now),
                },
            )
        })
        .collect();
    match (results.as_slice(), args.json) {
        ([(file, Inspected::Report(report))], false) => print::report(file, report),
        ([(file, inspected)], true) => print::json(&to_json(file, inspected)),
        (_, true) => print::json(&Value::Array(
            results.iter().map(|(f, i)| to_json(f, i)).collect(),
        )),
        (_, false) => print_table(&results),
    }
    results
        .iter()
        .map(|(file, inspected)| {
            outcome(
                file,
                inspected,
                args.json && results.len() == 1 || results.len() > 1,
            )
        })
        .max_by_key(|o| rank(*o))
        .unwrap_or(Outcome::Ok)
}

fn expected_thumbprint(args: &InspectArgs) -> Result<Option<String>, String> {
    if let Some(text) = &args.expect_thumbprint {
        return thumbprint::parse_pasted(text)
            .map(Some)
            .map_err(|m| format!("--expect-thumbprint: {m}"));
    }
    let Some(file) = &args.match_file else {
        return Ok(None);
    };
    let uploaded = cert::load_file(file, LoadOptions::default())
        .map_err(|e| format!("--match {}: {e}", file.display()))?;
    Ok(Some(cert::inspect(&uploaded, 0, None).thumbprint_sha1))
}

fn inspect_one(
    file: &Path,
    args: &InspectArgs,
    password: Option<&Secret>,
    expected: Option<&str>,
    now: i64,
) -> Inspected {
    let options = LoadOptions {
        key_path: args.key.as_deref(),
        password,
        alias: args.alias.as_deref(),
    };
    let loaded = match file.to_str().filter(|f| super::pkcs11_cmd::is_uri(f)) {
        Some(uri) => super::pkcs11_cmd::open_uri(uri, password).map_err(Inspected::Token),
        None => cert::load_file(file, options).map_err(Inspected::Unreadable),
    };
    match loaded {
        Ok(credential) => report_of(&credential, args, expected, now),
        Err(unreadable) => unreadable,
    }
}

/// A disabled vault version cannot sign: a blocking finding, as an expired certificate is.
fn disabled_finding(inspected: Inspected, enabled: bool) -> Inspected {
    match inspected {
        Inspected::Report(mut report) if !enabled => {
            report.findings.insert(
                0,
                Finding {
                    severity: Severity::Blocking,
                    code: "key_vault_disabled",
                    message: "This version is disabled in Key Vault: it cannot sign.".into(),
                },
            );
            report.usable = false;
            Inspected::Report(report)
        }
        other => other,
    }
}

/// The report of an opened certificate, with the `--fail-within` window applied.
fn report_of(
    credential: &cert::Credential,
    args: &InspectArgs,
    expected: Option<&str>,
    now: i64,
) -> Inspected {
    let mut report = cert::inspect(credential, now, expected);
    if let Some(days) = args
        .fail_within
        .filter(|days| report.days_left < *days && report.days_left >= 0)
    {
        report.findings.insert(
            0,
            Finding {
                severity: Severity::Blocking,
                code: "expires_within_window",
                message: format!(
                    "The certificate expires in {} days, within the {days}-day window.",
                    report.days_left
                ),
            },
        );
        report.usable = false;
    }
    Inspected::Report(Box::new(report))
}

fn rank(outcome: Outcome) -> u8 {
    match outcome {
        Outcome::Ok => 0,
        Outcome::Failed => 1,
        Outcome::BadInput => 2,
    }
}

fn outcome(file: &str, inspected: &Inspected, quiet: bool) -> Outcome {
    match inspected {
        Inspected::Report(report) if report.usable => Outcome::Ok,
        Inspected::Report(_) => Outcome::Failed,
        Inspected::Unreadable(error) => {
            if !quiet {
                eprintln!("error: {}: {}", clean(file), clean(&error.to_string()));
                eprintln!("fix: {}", error.fix());
            }
            Outcome::BadInput
        }
        Inspected::VaultRefused(failure, refusal) => {
            if !quiet {
                eprintln!("error: {}: {}", clean(file), clean(&failure.message));
                eprintln!("fix: {}", clean(&failure.hint));
            }
            if *refusal {
                Outcome::BadInput
            } else {
                Outcome::Failed
            }
        }
        Inspected::Token(error) => {
            if !quiet {
                eprintln!("error: {}: {}", clean(file), clean(&error.to_string()));
                eprintln!("fix: {}", error.fix());
            }
            Outcome::BadInput
        }
    }
}

fn to_json(file: &str, inspected: &Inspected) -> Value {
    match inspected {
        Inspected::Report(report) => {
            let mut value = serde_json::to_value(report.as_ref()).unwrap_or_default();
            if let Some(object) = value.as_object_mut() {
                object.insert("file".into(), json!(file));
            }
            value
        }
        Inspected::Unreadable(error) => json!({
            "file": file,
            "usable": false,
            "error": { "code": error.code(), "message": error.to_string(), "fix": error.fix() },
        }),
        Inspected::VaultRefused(failure, _) => json!({
            "file": file,
            "usable": false,
            "error": { "code": failure.code, "message": failure.message, "fix": failure.hint },
        }),
        Inspected::Token(error) => json!({
            "file": file,
            "usable": false,
            "error": { "code": error.code(), "message": error.to_string(), "fix": error.fix() },
        }),
    }
}

fn print_table(results: &[(String, Inspected)]) {
    let width = results
        .iter()
        .map(|(f, _)| f.chars().count())
        .max()
        .unwrap_or(4)
        .max(4);
    outln!(
        "{:<width$}  {:>9}  {:<20}  {:<40}  SUBJECT / PROBLEM",
        "FILE",
        "DAYS LEFT",
        "NOT AFTER",
        "SHA-1 THUMBPRINT"
    );
    for (file, inspected) in results {
        match inspected {
            Inspected::Report(report) => {
                let problem = report
                    .findings
                    .iter()
                    .find(|f| f.severity == Severity::Blocking)
                    .map(|f| format!("  [{}]", f.code))
                    .unwrap_or_default();
                outln!(
                    "{:<width$}  {:>9}  {:<20}  {:<40}  {}{problem}",
                    clean(file),
                    report.days_left,
                    report.not_after,
                    report.thumbprint_sha1,
                    clean(&report.subject)
                );
            }
            Inspected::Token(error) => outln!(
                "{:<width$}  {:>9}  {:<20}  {:<40}  cannot open: {}",
                clean(file),
                "-",
                "-",
                "-",
                clean(&error.to_string())
            ),
            Inspected::Unreadable(error) => outln!(
                "{:<width$}  {:>9}  {:<20}  {:<40}  cannot read: {}",
                clean(file),
                "-",
                "-",
                "-",
                clean(&error.to_string())
            ),
            Inspected::VaultRefused(failure, _) => outln!(
                "{:<width$}  {:>9}  {:<20}  {:<40}  cannot read: {}",
                clean(file),
                "-",
                "-",
                "-",
                clean(&failure.message)
            ),
        }
    }
}
