//! A sandbox with its Key Vault stand-in filled: certificates whose keys were made with OpenSSL
//! in the sandbox (never handed out), the identities allowed in, and the managed identities.

use certconnect::sandbox::{
    KeyVaultConfig, SandboxConfig, VaultCertificate, VaultCertificateVersion, VaultGrant,
    VaultKeyType, VaultPermission, make_vault_version,
};

use certconnect::assertion::Signer;
use certconnect::cert::{self, LoadOptions};
use certconnect::core::profile::AssertionOptions;
use certconnect::net::{AppOnly, TokenSource};
use certconnect::secret::Secret;

use super::probe_env::{CLIENT_ID, Env, PASSWORD};

/// The vault certificate registered on the sandbox app (current version).
pub const APP_CERT: &str = "connector-cert";
/// Its first version, older and still enabled (not registered on the app).
pub const OLD_VERSION: &str = "0123456789abcdef0123456789abcd01";
/// Its current version.
pub const CURRENT_VERSION: &str = "0123456789abcdef0123456789abcd02";
/// A certificate with an EC key.
pub const EC_CERT: &str = "ec-cert";
/// A certificate whose only version is disabled.
pub const DISABLED_CERT: &str = "disabled-cert";
/// A certificate that has expired.
pub const EXPIRED_CERT: &str = "expired-cert";
/// The system-assigned managed identity's client ID.
pub const MANAGED_IDENTITY: &str = "5a5a5a5a-1111-4222-8333-944444444444";
/// A user-assigned identity allowed to read certificates but not to sign.
pub const READ_ONLY_IDENTITY: &str = "6b6b6b6b-1111-4222-8333-944444444444";
/// The Azure CLI user's stand-in identity (the token's `appid`).
pub const AZ_USER: &str = "04b07795-8ddb-461a-bbee-02f9e1bf7b46";
/// App Service's identity header secret.
pub const IDENTITY_HEADER: &str = "sandbox-identity-header";

fn version(
    cn: &str,
    version: &str,
    kty: VaultKeyType,
    from: i64,
    to: i64,
) -> VaultCertificateVersion {
    make_vault_version(cn, version, kty, from, to).expect("vault certificate")
}

/// The vault's contents; the current `APP_CERT` version's certificate is returned for
/// registering on the app.
pub fn vault_config() -> (KeyVaultConfig, openssl::x509::X509) {
    let old = version(
        "Connector in Key Vault",
        OLD_VERSION,
        VaultKeyType::Rsa,
        -30,
        300,
    );
    let current = version(
        "Connector in Key Vault",
        CURRENT_VERSION,
        VaultKeyType::Rsa,
        0,
        365,
    );
    let registered = current.certificate.clone();
    let mut disabled = version("Disabled", "d1", VaultKeyType::Rsa, 0, 365);
    disabled.enabled = false;
    let mut exportable = version("Exportable", "e1", VaultKeyType::Rsa, 0, 365);
    exportable.exportable = true;
    let certificates = vec![
        VaultCertificate {
            name: APP_CERT.into(),
            versions: vec![old, current],
        },
        VaultCertificate {
            name: EC_CERT.into(),
            versions: vec![version("EC", "c1", VaultKeyType::Ec, 0, 365)],
        },
        VaultCertificate {
            name: DISABLED_CERT.into(),
            versions: vec![disabled],
        },
        VaultCertificate {
            name: EXPIRED_CERT.into(),
            versions: vec![version("Expired", "x1", VaultKeyType::Rsa, -400, -10)],
        },
        VaultCertificate {
            name: "exportable-cert".into(),
            versions: vec![exportable],
        },
    ];
    let all = |identity: &str| VaultGrant {
        identity: identity.into(),
        permissions: VaultPermission::CONNECTOR.to_vec(),
    };
    let mut creator = all(CLIENT_ID);
    creator
        .permissions
        .push(VaultPermission::CertificatesCreate);
    let config = KeyVaultConfig {
        certificates,
        grants: vec![
            creator,
            all(MANAGED_IDENTITY),
            all(AZ_USER),
            VaultGrant {
                identity: READ_ONLY_IDENTITY.into(),
                permissions: vec![VaultPermission::CertificatesGet],
            },
        ],
        managed_identities: vec![MANAGED_IDENTITY.into(), READ_ONLY_IDENTITY.into()],
        identity_header: IDENTITY_HEADER.into(),
        page_size: 2,
    };
    (config, registered)
}

/// Fills `config` with the vault and registers its current certificate on the sandbox app too.
pub fn with_vault(config: &mut SandboxConfig) {
    let (vault, registered) = vault_config();
    config.key_vault = vault;
    if let Some(app) = config.apps.first_mut() {
        app.certificates.push(registered);
    }
}

/// The saved profile that reaches the vault with its own certificate (a PFX without password).
pub const VAULTER: &str = "Vaulter";

/// Saves [`VAULTER`] in `store`: the sandbox app's own certificate as a PFX without password.
pub fn save_vaulter(env: &super::probe_env::Env, store: &certconnect::profile_store::ProfileStore) {
    let pfx = env.ws.pfx(
        "vaulter.pfx",
        &env.ws.path("app.key"),
        &env.ws.path("app.pem"),
        "",
        &[],
    );
    let mut vaulter = env.draft();
    vaulter.name = VAULTER.into();
    vaulter.pfx_path = super::s(&pfx).to_owned();
    vaulter.password = certconnect::core::profile::PasswordSource::None;
    store.save(&vaulter.parse().unwrap()).unwrap();
}

/// The sandbox app's own connection as the way into the vault (the `profile:NAME` access,
/// without the profile store).
pub fn app_only(env: &Env) -> TokenSource {
    let password = Secret::new(PASSWORD);
    let credential = cert::load_file(
        &env.pfx,
        LoadOptions {
            password: Some(&password),
            ..LoadOptions::default()
        },
    )
    .unwrap();
    TokenSource::AppOnly(Box::new(AppOnly {
        profile: "app".into(),
        token_url: env.sandbox.token_url(),
        client_id: CLIENT_ID.into(),
        signer: Signer::new(&credential).unwrap(),
        options: AssertionOptions::default(),
    }))
}
