//! The command line's hardware-token (PKCS#11) parts: `test --pkcs11 URI`, `cert list
//! --pkcs11-module PATH` and `cert inspect URI`. The PIN comes from --pin-env / --pin-stdin only.

use serde_json::json;

use super::args::{ListCertArgs, TestArgs};
use super::term::{clean, outln};
use super::{Outcome, password, print};
use crate::cert::Credential;
use crate::cert::pkcs11::{self, Pkcs11Error, Pkcs11Request};
use crate::core::draft::{CertKind, ProfileDraft};
use crate::core::pkcs11_uri::Pkcs11Uri;
use crate::core::profile::{CertificateSource, PasswordSource, Profile};
use crate::secret::Secret;

/// `test --pkcs11 URI [--pkcs11-module PATH] [--cert-pem FILE]` into the form.
pub(super) fn apply_flags(draft: &mut ProfileDraft, args: &TestArgs) -> Result<(), String> {
    match &args.pkcs11 {
        Some(uri) => {
            draft.cert_kind = CertKind::Pkcs11;
            draft.pkcs11.uri.clone_from(uri);
            if let Some(module) = &args.pkcs11_module {
                draft.pkcs11.module = module.display().to_string();
            }
            if let Some(cert) = &args.cert_pem {
                draft.pkcs11.cert_pem = cert.display().to_string();
            }
            Ok(())
        }
        None if args.cert_pem.is_some() && args.key_pem.is_none() => Err(
            "--cert-pem needs --key-pem (or --pkcs11, for a token that holds only the key)".into(),
        ),
        None => Ok(()),
    }
}

/// For `test --all`: a hardware-token profile whose PIN is neither remembered nor given is
/// reported as needing its PIN, before its module is loaded; nothing prompts in such a run.
pub(super) fn needs_its_pin(profile: &Profile, pin_given: bool) -> Option<String> {
    match profile.certificate() {
        CertificateSource::Pkcs11 {
            pin: PasswordSource::Ask,
            ..
        } if !pin_given => Some(
            "needs its PIN: remember it in the credential store (the app, or `certconnect test NAME --pin-env VAR --remember`), or give --pin-env VAR".into(),
        ),
        _ => None,
    }
}

/// Whether a `cert inspect` argument is a token URI rather than a file.
pub(super) fn is_uri(argument: &str) -> bool {
    argument
        .get(..7)
        .is_some_and(|s| s.eq_ignore_ascii_case("pkcs11:"))
}

/// Opens the key a URI names (module from the URI, else the usual ones) for `cert inspect`.
pub(super) fn open_uri(uri: &str, pin: Option<&Secret>) -> Result<Credential, Pkcs11Error> {
    let uri = Pkcs11Uri::parse(uri)?;
    let module = pkcs11::resolve_module(&uri, None, None)?;
    pkcs11::open_pkcs11(Pkcs11Request {
        uri: &uri,
        module: &module,
        pin,
        cert_pem: None,
    })
}

/// `cert list --pkcs11-module PATH [--pin-env VAR] [--json]`.
pub(crate) fn list(args: &ListCertArgs) -> Outcome {
    let Some(module) = &args.pkcs11_module else {
        return print::usage_error(args.json, "give --pkcs11-module PATH");
    };
    let pin = match password::read(&args.pin) {
        Ok(pin) => pin,
        Err(message) => return print::usage_error(args.json, &message),
    };
    let tokens = match pkcs11::list_pkcs11(module, pin.as_ref()) {
        Ok(tokens) => tokens,
        Err(error) => return failed(args.json, &error),
    };
    if args.json {
        print::json(
            &json!({ "ok": true, "module": module.display().to_string(), "tokens": tokens }),
        );
        return Outcome::Ok;
    }
    if tokens.is_empty() {
        outln!("No token in {}.", clean(&module.display().to_string()));
    }
    for token in &tokens {
        outln!(
            "Token \"{}\" (serial {}, {} {})",
            clean(&token.label),
            clean(&token.serial),
            clean(&token.manufacturer),
            clean(&token.model)
        );
        if !token.logged_in {
            outln!(
                "  (no PIN given: keys not checked; give --pin-env VAR to list only certificates with a key)"
            );
        }
        if token.certificates.is_empty() {
            outln!("  no certificate with a private key");
        }
        for c in &token.certificates {
            let bits = c.key_bits.map(|b| format!(" {b}")).unwrap_or_default();
            outln!("  {}", clean(&c.uri));
            outln!(
                "    {}  {}  expires {}  {}{}  signs {}  label \"{}\" id {}",
                c.thumbprint_sha1,
                clean(&c.subject),
                &c.not_after[..10.min(c.not_after.len())],
                c.key_type,
                bits,
                if c.algorithms.is_empty() {
                    "nothing".to_owned()
                } else {
                    c.algorithms.join(", ")
                },
                clean(&c.label),
                c.id
            );
        }
    }
    Outcome::Ok
}

/// A token failure: exit 2, with the message and fix (one JSON object with --json).
fn failed(as_json: bool, error: &Pkcs11Error) -> Outcome {
    if as_json {
        print::json(&json!({
            "ok": false,
            "error": { "code": error.code(), "message": error.to_string(), "fix": error.fix() },
        }));
    } else {
        eprintln!("error: {}", clean(&error.to_string()));
        eprintln!("fix: {}", error.fix());
    }
    Outcome::BadInput
}
