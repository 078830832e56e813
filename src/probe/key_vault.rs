//! The Key Vault source in a run: the way into the vault resolved to a token source (another
//! profile's own certificate for `profile:NAME`), the certificate opened in the vault, and the
//! details the "Reach Key Vault" step shows.

use crate::assertion::Signer;
use crate::cert::{OpenedVaultCertificate, open_key_vault, vault_failure};
use crate::core::event::{Detail, Failure};
use crate::core::key_vault::{CertificateId, VaultAccess};
use crate::core::profile::CertificateSource;
use crate::credential_store::CredentialVault;
use crate::net::{AppOnly, TokenSource};

fn input(code: &str, message: String, hint: &str) -> (Failure, bool) {
    let failure = Failure {
        code: code.into(),
        message,
        hint: hint.into(),
        ..Failure::default()
    };
    (failure, true)
}

/// The token source for `access`. For another profile, its certificate is opened here (with its
/// remembered password, if any) and its settings are read from the saved profiles.
pub(crate) fn token_source(
    access: &VaultAccess,
    vault: Option<&CredentialVault>,
    profiles: Option<&crate::profile_store::ProfileStore>,
) -> Result<TokenSource, (Failure, bool)> {
    match access {
        VaultAccess::AzureCli => Ok(TokenSource::AzureCli),
        VaultAccess::ManagedIdentity { client_id } => Ok(TokenSource::ManagedIdentity {
            client_id: client_id.clone(),
        }),
        VaultAccess::SignIn => crate::net::registered_vault_sign_in()
            .map(TokenSource::SignIn)
            .ok_or_else(|| {
                let error = crate::net::TokenError::NeedsPerson;
                input(error.code(), error.to_string(), &error.fix())
            }),
        VaultAccess::Profile(name) => {
            let unknown = |why: String| {
                input(
                    "vault_profile_unknown",
                    format!("the profile '{name}' that reaches the vault cannot be used: {why}"),
                    "Name a saved profile whose own certificate (a file or the credential store) connects: certconnect profile list.",
                )
            };
            let stored = match profiles {
                Some(store) => store.get(name),
                None => crate::profile_store::ProfileStore::open_default()
                    .and_then(|store| store.get(name)),
            }
            .map_err(|e| unknown(e.to_string()))?;
            let profile = stored.profile;
            if matches!(profile.certificate(), CertificateSource::KeyVault { .. }) {
                return Err(unknown(
                    "its own certificate is in Key Vault too; it needs one it holds itself".into(),
                ));
            }
            // Its remembered password (or stored certificate) is in the credential store, which the
            // caller may not have opened for this profile's own source.
            let opened_here = (vault.is_none() && profile.certificate().needs_credential_store())
                .then(crate::credential_store::open_os_vault)
                .and_then(Result::ok);
            let vault = vault.or(opened_here.as_ref());
            let credential =
                super::open_certificate(profile.certificate(), None, vault).map_err(|(f, _)| {
                    unknown(format!("its certificate does not open: {}", f.message))
                })?;
            let signer = Signer::new(&credential).map_err(|f| unknown(f.message))?;
            Ok(TokenSource::AppOnly(Box::new(AppOnly {
                profile: name.clone(),
                token_url: profile.authority().token_url.to_string(),
                client_id: profile.client_id().to_owned(),
                signer,
                options: profile.assertion().clone(),
            })))
        }
    }
}

/// Reads a vault certificate as it is, for `cert inspect` (no usability check: the findings tell).
pub(crate) fn read(
    url: &str,
    access: &VaultAccess,
) -> Result<OpenedVaultCertificate, (Failure, bool)> {
    let id = parse_id(url)?;
    let source = token_source(access, None, None)?;
    crate::cert::read_key_vault(&id, source, access).map_err(|e| vault_failure(&e))
}

fn parse_id(url: &str) -> Result<CertificateId, (Failure, bool)> {
    CertificateId::parse(url).map_err(|why| {
        input(
            "key_vault_url",
            format!("the Key Vault certificate identifier is not valid: {why}"),
            "Give https://NAME.vault.azure.net/certificates/CERT[/VERSION].",
        )
    })
}

/// Opens the vault certificate a profile names (blocking: the certificate loader's thread or a
/// background job).
pub(crate) fn open(
    url: &str,
    access: &VaultAccess,
    vault: Option<&CredentialVault>,
    profiles: Option<&crate::profile_store::ProfileStore>,
    now: i64,
) -> Result<OpenedVaultCertificate, (Failure, bool)> {
    let id = parse_id(url)?;
    let source = token_source(access, vault, profiles)?;
    open_key_vault(&id, source, access, now).map_err(|e| vault_failure(&e))
}

/// What the "Reach Key Vault" step shows besides the certificate's own facts.
pub(crate) fn details(opened: &OpenedVaultCertificate, access: &VaultAccess) -> Vec<Detail> {
    let version = if opened.current {
        format!("{} (the current version)", opened.version)
    } else {
        opened.version.clone()
    };
    vec![
        Detail::new("Reached through", access.label()),
        Detail::new("Token audience", &opened.audience),
        Detail::new("Version", version),
        Detail::new("Key ID", &opened.kid),
        Detail::new(
            "Key kept",
            if opened.exportable {
                "in Key Vault, never exported (the key is marked exportable in the vault)"
            } else {
                "in Key Vault, never exported (not exportable)"
            },
        ),
    ]
}
