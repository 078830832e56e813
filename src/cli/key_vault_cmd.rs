//! The command line's Azure Key Vault: `cert list --key-vault URL` (the vault's certificates with
//! an RSA key) and the vault side of `cert inspect URL` (a certificate opened in the vault, its
//! key left there).

use serde_json::json;

use super::args::ListCertArgs;
use super::term::{clean, outln};
use super::{Outcome, now, print};
use crate::cert::Credential;
use crate::core::event::Failure;
use crate::core::key_vault::{VaultAccess, parse_vault_url};
use crate::ops::key_vault::list_vault_certificates;

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
