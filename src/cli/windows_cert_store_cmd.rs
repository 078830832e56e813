//! `certconnect cert list --windows-store …` and `cert import PFX --windows-store …`: the Windows
//! certificate store from the command line (the app's picker lists through the same call).

use serde_json::json;

use super::args::{ImportCertArgs, ListCertArgs};
use super::term::{clean, outln};
use super::{Outcome, now, password, print};
use crate::cert;
use crate::core::event::Failure;
use crate::core::time_fmt;

/// Lists the store's certificates that can sign (all of them with `--all`).
pub(crate) fn list(args: &ListCertArgs) -> Outcome {
    if args.key_vault.is_some() {
        return super::key_vault_cmd::list(args);
    }
    // clap requires the location unless --pkcs11-module (listed elsewhere) is given.
    let location = args.windows_store.unwrap_or_default();
    let certificates = match cert::list_windows_store(location) {
        Ok(list) => list,
        Err(failure) => return failed(args.json, &failure),
    };
    let shown: Vec<_> = certificates
        .iter()
        .filter(|c| args.all || c.has_private_key)
        .collect();
    let now = now();
    if args.json {
        print::json(&json!({
            "ok": true,
            "store": location.path(),
            "certificates": shown.iter().map(|c| json!({
                "subject": c.subject,
                "thumbprint_sha1": c.thumbprint_sha1,
                "not_after": time_fmt::rfc3339(c.not_after),
                "days_left": time_fmt::days_between(now, c.not_after),
                "provider": c.provider,
                "has_private_key": c.has_private_key,
            })).collect::<Vec<_>>(),
        }));
        return Outcome::Ok;
    }
    if shown.is_empty() {
        let what = if args.all {
            "certificates"
        } else {
            "certificates with a private key"
        };
        outln!("No {what} in {}.", location.path());
        return Outcome::Ok;
    }
    outln!("{} ({} shown)", location.path(), shown.len());
    for c in shown {
        let key = match (&c.provider, c.has_private_key) {
            (Some(provider), true) => provider.as_str(),
            (None, true) => "private key",
            (_, false) => "no private key",
        };
        outln!(
            "{}  expires {} ({} days)  {}  {}",
            c.thumbprint_sha1,
            &time_fmt::rfc3339(c.not_after)[..10],
            time_fmt::days_between(now, c.not_after),
            clean(key),
            clean(&c.subject)
        );
    }
    Outcome::Ok
}

/// Checks the PFX with certconnect's own loader (size, structure, password), then imports it.
pub(crate) fn import(args: &ImportCertArgs) -> Outcome {
    let password = match password::read(&args.password) {
        Ok(password) => password,
        Err(message) => return print::usage_error(false, &message),
    };
    let bytes = match crate::bounded_read::read_regular(
        &args.pfx,
        crate::bounded_read::CERTIFICATE_FILE_MAX,
        "certificate file",
    ) {
        Ok(bytes) => bytes,
        Err(error) => return print::usage_error(false, &error.to_string()),
    };
    let checked = cert::load_bytes(&bytes, None, password.as_ref(), None);
    match checked {
        Ok(credential) if credential.private_key.is_some() => {}
        Ok(_) => {
            return print::usage_error(
                false,
                "the file holds no private key: import the PFX that has the key",
            );
        }
        Err(error) => {
            eprintln!("error: {}", clean(&error.to_string()));
            eprintln!("fix: {}", clean(error.fix()));
            return Outcome::BadInput;
        }
    }
    let secret = password.as_ref().map(|p| p.expose()).unwrap_or("");
    match cert::import_into_windows_store(args.windows_store, &bytes, secret, args.exportable) {
        Ok(thumbprint) => {
            outln!(
                "Imported into {} (key {}): {thumbprint}",
                args.windows_store.path(),
                if args.exportable {
                    "exportable"
                } else {
                    "not exportable"
                }
            );
            outln!(
                "Test it: certconnect test --windows-cert {thumbprint} --windows-store {} …",
                args.windows_store
            );
            Outcome::Ok
        }
        Err(failure) => failed(false, &failure),
    }
}

fn failed(as_json: bool, failure: &Failure) -> Outcome {
    if as_json {
        print::json(&json!({
            "ok": false,
            "error": { "code": failure.code, "message": failure.message, "fix": failure.hint },
        }));
    } else {
        eprintln!("error: {}", clean(&failure.message));
        if !failure.hint.is_empty() {
            eprintln!("fix: {}", clean(&failure.hint));
        }
    }
    Outcome::BadInput
}
