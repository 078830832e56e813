//! The command line's Azure Key Vault: `cert list --key-vault URL` (the vault's certificates with
//! an RSA key) and the vault side of `cert inspect URL` (a certificate opened in the vault, its
//! key left there).

use std::sync::Arc;

use serde_json::json;

use super::args::ListCertArgs;
use super::term::{clean, outln};
use super::{Outcome, now, print};
use crate::admin_signin::{DeviceCodeEvent, PollTiming};
use crate::cert::Credential;
use crate::core::event::Failure;
use crate::core::key_vault::{VaultAccess, parse_vault_url};
use crate::net::{SignInWay, VaultSignIn, register_vault_sign_in};
use crate::ops::key_vault::list_vault_certificates;

/// The sign-in options of `--vault-access sign-in`, as `certconnect app` has them.
#[derive(Debug, Default, clap::Args)]
pub struct VaultSignInArgs {
    /// With --vault-access sign-in: sign in with a device code (the message goes to standard
    /// error) instead of the browser.
    #[arg(long)]
    pub device_code: bool,
    /// With --vault-access sign-in: the public client to sign in with (default: Microsoft Graph
    /// Command Line Tools, 14d82eec-204b-4c2f-b7e8-296a70dab67e).
    #[arg(long, value_name = "ID")]
    pub sign_in_client_id: Option<String>,
    /// With --vault-access sign-in: the sign-in host (default: the one the vault's challenge
    /// names, or the profile's cloud's).
    #[arg(long, value_name = "URL")]
    pub authority: Option<String>,
}

/// For the `sign-in` way in, makes a person's sign-in (the browser, or a device code printed to
/// standard error) the way this run gets its vault token; other ways need nothing.
/// `default_authority` is the profile's sign-in host, where a profile is used.
pub(super) fn register_sign_in(
    access: &VaultAccess,
    args: &VaultSignInArgs,
    default_authority: Option<url::Url>,
) -> Result<(), String> {
    if *access != VaultAccess::SignIn {
        return Ok(());
    }
    let authority = match &args.authority {
        Some(text) => Some(
            url::Url::parse(text.trim())
                .map_err(|e| format!("--authority '{text}' is not a web address: {e}"))?,
        ),
        None => default_authority,
    };
    let client_id =
        match &args.sign_in_client_id {
            Some(text) => Some(crate::core::guid::normalize_guid(text).ok_or_else(|| {
                format!("--sign-in-client-id: '{text}' is not a client ID (a GUID)")
            })?),
            None => None,
        };
    let mut sign_in = if args.device_code {
        let report = |event: DeviceCodeEvent| match event {
            DeviceCodeEvent::Prompt(prompt) => eprintln!("{}", clean(&prompt.message)),
            DeviceCodeEvent::SlowedDown { interval } => eprintln!(
                "Entra asked to poll less often: every {} s now.",
                interval.as_secs()
            ),
        };
        VaultSignIn::new(SignInWay::DeviceCode {
            report: Arc::new(report),
            timing: PollTiming::default(),
        })
    } else {
        eprintln!(
            "Opening the browser to sign in for the Key Vault (where no browser can open, use --device-code)."
        );
        VaultSignIn::browser()
    };
    sign_in.authority = authority;
    sign_in.client_id = client_id;
    register_vault_sign_in(Some(Arc::new(sign_in)));
    Ok(())
}

/// [`register_sign_in`] for a profile's own way into its vault (a person runs this command), the
/// profile's sign-in host by default.
pub(super) fn register_profile_sign_in(
    profile: &crate::core::profile::Profile,
    args: &VaultSignInArgs,
) -> Result<(), String> {
    if let crate::core::profile::CertificateSource::KeyVault { access, .. } = profile.certificate()
    {
        let mut authority = profile.authority().token_url.clone();
        authority.set_path("");
        register_sign_in(access, args, Some(authority))?;
    }
    Ok(())
}

/// The access `--vault-access` names (the Azure CLI when absent).
pub(super) fn access(flag: Option<&str>) -> Result<VaultAccess, String> {
    flag.map_or(Ok(VaultAccess::AzureCli), |text| {
        VaultAccess::parse(text).map_err(|m| format!("--vault-access: {m}"))
    })
}

/// Whether a `cert inspect` argument is a vault certificate's identifier rather than a file.
pub(super) fn is_vault_url(text: &str) -> bool {
    text.starts_with("https://") || text.starts_with("http://")
}

/// Reads a vault certificate for `cert inspect`, as it is (an expired one or an EC key is a
/// finding, as for a file); also whether its version is enabled. The error's bool says whether
/// the input or the access is at fault (exit 2) rather than the vault's health (exit 1).
pub(super) fn open(url: &str, access: &VaultAccess) -> Result<(Credential, bool), (Failure, bool)> {
    crate::probe::read_vault_certificate(url, access).map(|o| (o.credential, o.enabled))
}

/// `cert list --key-vault URL`.
pub(crate) fn list(args: &ListCertArgs) -> Outcome {
    let Some(url) = &args.key_vault else {
        return print::usage_error(args.json, "--key-vault needs the vault's URL");
    };
    let access = match access(args.vault_access.as_deref()) {
        Ok(access) => access,
        Err(message) => return print::usage_error(args.json, &message),
    };
    if let Err(why) = parse_vault_url(url) {
        return print::usage_error(args.json, &format!("--key-vault: {why}"));
    }
    if let Err(message) = register_sign_in(&access, &args.vault_sign_in, None) {
        return print::usage_error(args.json, &message);
    }
    let rows = match list_vault_certificates(url, &access, None, None, now()) {
        Ok(rows) => rows,
        Err((failure, refusal)) => return failed(args.json, &failure, refusal),
    };
    if args.json {
        print::json(&json!({
            "ok": true,
            "vault": url.trim_end_matches('/'),
            "certificates": rows.iter().map(|row| json!({
                "name": row.name,
                "version": row.version,
                "thumbprint_sha1": row.thumbprint_sha1,
                "subject": row.subject,
                "not_after": row.not_after,
                "exportable": row.exportable,
                "enabled": row.enabled,
                "url": row.url,
            })).collect::<Vec<_>>(),
        }));
        return Outcome::Ok;
    }
    if rows.is_empty() {
        outln!("No certificates with an RSA key in {}.", clean(url));
        return Outcome::Ok;
    }
    outln!("{} ({} with an RSA key)", clean(url), rows.len());
    for row in rows {
        outln!(
            "{}  {}  expires {}  {}{}  {}",
            clean(&row.name),
            row.thumbprint_sha1,
            &row.not_after[..10.min(row.not_after.len())],
            if row.exportable {
                "exportable"
            } else {
                "not exportable"
            },
            if row.enabled { "" } else { ", disabled" },
            clean(&row.subject)
        );
        outln!("    {}", clean(&row.url));
    }
    Outcome::Ok
}

fn failed(as_json: bool, failure: &Failure, refusal: bool) -> Outcome {
    if as_json {
        print::json(&json!({
            "ok": false,
            "error": { "code": failure.code, "message": failure.message, "fix": failure.hint },
        }));
    } else {
        eprintln!("error: {}", clean(&failure.message));
        eprintln!("fix: {}", clean(&failure.hint));
    }
    if refusal {
        Outcome::BadInput
    } else {
        Outcome::Failed
    }
}
