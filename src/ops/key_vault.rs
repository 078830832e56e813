//! A vault's certificates, listed once for both front ends: `cert list --key-vault` prints them,
//! the Certificate tab's pick list shows them. Only certificates with an RSA key are listed (Entra
//! takes no other), each with its current version and the identifier a profile keeps.

use crate::cert;
use crate::core::event::Failure;
use crate::core::key_vault::{VaultAccess, parse_vault_url};
use crate::credential_store::CredentialVault;
use crate::profile_store::ProfileStore;

/// One certificate of the vault, as the list shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VaultCertificateRow {
    /// The certificate's name.
    pub name: String,
    /// Its current version.
    pub version: String,
    /// SHA-1 thumbprint, as the portal shows it.
    pub thumbprint_sha1: String,
    /// Subject.
    pub subject: String,
    /// End of validity, RFC 3339.
    pub not_after: String,
    /// End of validity, Unix seconds.
    pub not_after_unix: i64,
    /// Whether the key is marked exportable.
    pub exportable: bool,
    /// Whether the current version is enabled.
    pub enabled: bool,
    /// The identifier a profile keeps (`…/certificates/NAME/VERSION`).
    pub url: String,
}

/// Lists the vault at `vault_url` reached through `access` (a `profile:NAME` is looked up in
/// `profiles`). Blocks: call it from a background job. The bool of the error says whether the
/// input or the access is at fault rather than the vault's health.
pub fn list_vault_certificates(
    vault_url: &str,
    access: &VaultAccess,
    profiles: Option<&ProfileStore>,
    credentials: Option<&CredentialVault>,
    now: i64,
) -> Result<Vec<VaultCertificateRow>, (Failure, bool)> {
    let vault = parse_vault_url(vault_url).map_err(|why| {
        let failure = Failure {
            code: "key_vault_url".into(),
            message: format!("the vault's URL is not valid: {why}"),
            hint: "Give https://NAME.vault.azure.net.".into(),
            ..Failure::default()
        };
        (failure, true)
    })?;
    let source = crate::probe::vault_token_source(access, credentials, profiles)?;
    let entries =
        cert::list_key_vault(&vault, source, access).map_err(|e| cert::vault_failure(&e))?;
    let base = vault.as_str().trim_end_matches('/');
    Ok(entries
        .into_iter()
        .filter_map(|entry| {
            let credential = cert::load_bytes(&entry.der, None, None, None).ok()?;
            let report = cert::inspect(&credential, now, None);
            Some(VaultCertificateRow {
                url: format!("{base}/certificates/{}/{}", entry.name, entry.version),
                name: entry.name,
                version: entry.version,
                thumbprint_sha1: report.thumbprint_sha1,
                subject: report.subject,
                not_after: report.not_after,
                not_after_unix: report.not_after_unix,
                exportable: entry.exportable,
                enabled: entry.enabled,
            })
        })
        .collect())
}
