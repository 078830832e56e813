//! The local sandbox: an Entra-compatible token endpoint and a Graph mock on 127.0.0.1.
//!
//! It checks client assertions the way Entra does — registered certificate by thumbprint, signature
//! (RS256, or PS256 with a 32-byte salt), `aud`, `iss`/`sub`, `nbf`/`exp`, `jti` replay, scope — and
//! answers with Entra's error JSON and real AADSTS codes. Graph endpoints accept only its own tokens
//! and check their roles. Faults (throttling, busy, locked, slow, malformed, dropped) can be queued.
//! An admin signs in (authorization code with PKCE, device code) and manages apps through Graph
//! (`/applications`, `/servicePrincipals`, `appRoleAssignedTo`, `/sites/{id}/permissions`),
//! whose results reach the token endpoint after a configurable replication delay.
//! A Key Vault stand-in keeps certificates whose keys sign in it, behind bearer tokens for the
//! vault's audience, and a managed-identity endpoint (IMDS and App Service shapes) issues them.
//! Newcomers use it to try the whole flow without a tenant; the project's tests run against it.

mod admin_config;
mod admin_hooks;
mod app_directory;
mod app_keys;
mod app_management;
mod config;
mod delegated_sign_in;
mod demo;
mod demo_vault;
mod device_login;
mod entra_error;
mod graph_app_roles;
mod graph_mock;
mod idle;
mod jws;
mod key_vault;
mod key_vault_config;
mod managed_identity;
mod server;
mod tls;
mod token_endpoint;
mod verify;

pub use admin_config::{AdminSandboxConfig, DEFAULT_PUBLIC_CLIENT_ID, DirectoryRole, SandboxAdmin};
pub use app_keys::KeyCredential;
pub use config::{
    Fault, FaultKind, FaultTarget, MAX_CLOCK_OFFSET_SECS, RegisteredApp, SandboxConfig,
    parse_fault, parse_faults,
};
pub use delegated_sign_in::{DELEGATED_SCOPES, DEVICE_CODE_GRANT};
pub use demo::{
    DEMO_CLIENT_ID, DEMO_OBJECT_ID, DEMO_ROLES, Demo, DemoCertificate, make_demo_certificate,
    start_demo,
};
pub use demo_vault::{DEMO_MANAGED_IDENTITY, DEMO_VAULT_CERTIFICATE, demo_vault};
pub use graph_app_roles::{GRAPH_APP_ID, GRAPH_APP_ROLES, GRAPH_SERVICE_PRINCIPAL_ID};
pub use key_vault_config::{
    KeyVaultConfig, VaultCertificate, VaultCertificateVersion, VaultGrant, VaultKeyType,
    VaultPermission, make_vault_version,
};
pub use server::{MAX_BODY, REQUEST_LOG_LIMIT, RecordedRequest, Sandbox};
