//! The command line's Azure Key Vault: `cert list --key-vault URL` (the vault's certificates with
//! an RSA key) and the vault side of `cert inspect URL` (a certificate opened in the vault, its
//! key left there).

use serde_json::json;

use super::args::ListCertArgs;
use super::term::{clean, outln};
use super::{Outcome, now, print};
use crate::cert::{self, Credential};
use crate::core::event::Failure;
use crate::core::key_vault::{VaultAccess, parse_vault_url};

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

/// Opens a vault certificate for `cert inspect`; the bool says whether the input or the access
/// is at fault (exit 2) rather than the vault's health (exit 1).
pub(super) fn open(url: &str, access: &VaultAccess) -> Result<Credential, (Failure, bool)> {
    crate::probe::open_vault_certificate(url, access, None, now()).map(|o| o.credential)
}

/// `cert list --key-vault URL`.
pub(crate) fn list(args: &ListCertArgs) -> Outcome {
    let Some(url) = &args.key_vault else {
        return print::usage_error(args.json, "--key-vault needs the vault's URL");
    };
    let (vault, access) = match (
        parse_vault_url(url).map_err(|m| format!("--key-vault: {m}")),
        access(args.vault_access.as_deref()),
    ) {
        (Ok(vault), Ok(access)) => (vault, access),
        (Err(message), _) | (_, Err(message)) => return print::usage_error(args.json, &message),
    };
    let listed = crate::probe::vault_token_source(&access, None).and_then(|source| {
        cert::list_key_vault(&vault, source, &access).map_err(|e| cert::vault_failure(&e))
    });
    let entries = match listed {
        Ok(entries) => entries,
        Err((failure, refusal)) => return failed(args.json, &failure, refusal),
    };
    let base = vault.as_str().trim_end_matches('/');
    let rows: Vec<_> = entries
        .iter()
        .filter_map(|entry| {
            let credential = cert::load_bytes(&entry.der, None, None, None).ok()?;
            let report = cert::inspect(&credential, now(), None);
            Some((entry, report))
        })
        .collect();
    if args.json {
        print::json(&json!({
            "ok": true,
            "vault": base,
            "certificates": rows.iter().map(|(entry, report)| json!({
                "name": entry.name,
                "version": entry.version,
                "thumbprint_sha1": report.thumbprint_sha1,
                "subject": report.subject,
                "not_after": report.not_after,
                "exportable": entry.exportable,
                "enabled": entry.enabled,
                "url": format!("{base}/certificates/{}/{}", entry.name, entry.version),
            })).collect::<Vec<_>>(),
        }));
        return Outcome::Ok;
    }
    if rows.is_empty() {
        outln!("No certificates with an RSA key in {base}.");
        return Outcome::Ok;
    }
    outln!("{base} ({} with an RSA key)", rows.len());
    for (entry, report) in rows {
        outln!(
            "{}  {}  expires {}  {}{}  {}",
            clean(&entry.name),
            report.thumbprint_sha1,
            &report.not_after[..10.min(report.not_after.len())],
            if entry.exportable {
                "exportable"
            } else {
                "not exportable"
            },
            if entry.enabled { "" } else { ", disabled" },
            clean(&report.subject)
        );
        outln!(
            "    {}",
            clean(&format!(
                "{base}/certificates/{}/{}",
                entry.name, entry.version
            ))
        );
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
