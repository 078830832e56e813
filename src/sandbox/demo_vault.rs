//! The sandbox demo's Key Vault: one certificate, registered on the demo app, whose key stays in
//! the sandbox; the demo app and a managed identity may read and sign with it.

use super::demo::DEMO_CLIENT_ID;
use super::key_vault_config::{
    KeyVaultConfig, VaultCertificate, VaultGrant, VaultKeyType, VaultPermission, make_vault_version,
};

/// The demo vault certificate's name.
pub const DEMO_VAULT_CERTIFICATE: &str = "demo-connector";
/// The managed identity the demo's identity endpoint issues tokens to.
pub const DEMO_MANAGED_IDENTITY: &str = "5a5a5a5a-1111-4222-8333-944444444444";

/// The demo vault (`start_demo` registers its certificate on the demo app).
pub fn demo_vault() -> Result<KeyVaultConfig, String> {
    let version = make_vault_version(
        "certconnect sandbox app in Key Vault",
        &uuid::Uuid::new_v4().simple().to_string(),
        VaultKeyType::Rsa,
        0,
        365,
    )
    .map_err(|e| e.to_string())?;
    let all = |identity: &str| VaultGrant {
        identity: identity.into(),
        permissions: VaultPermission::CONNECTOR.to_vec(),
    };
    Ok(KeyVaultConfig {
        certificates: vec![VaultCertificate {
            name: DEMO_VAULT_CERTIFICATE.into(),
            versions: vec![version],
        }],
        grants: vec![all(DEMO_CLIENT_ID), all(DEMO_MANAGED_IDENTITY)],
        managed_identities: vec![DEMO_MANAGED_IDENTITY.into()],
        identity_header: String::new(),
        page_size: 0,
    })
}
