//! What the sandbox knows for delegated admin sign-in and app management: the admin who signs in,
//! their directory roles, the public clients allowed to sign in, code lifetimes, the device code's
//! polling rules and how long Entra takes to replicate a new app, key or role assignment.

use std::time::Duration;

/// An Entra directory role, as the admin holds it; each Graph write checks the ones it needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DirectoryRole {
    /// Every write.
    GlobalAdministrator,
    /// Creates and changes app registrations and service principals.
    ApplicationAdministrator,
    /// Like Application Administrator, without application proxy.
    CloudApplicationAdministrator,
    /// Creates app registrations (and changes the ones it owns).
    ApplicationDeveloper,
    /// Grants Microsoft Graph application roles (admin consent to them).
    PrivilegedRoleAdministrator,
    /// Grants an app a site (`/sites/{id}/permissions`).
    SharePointAdministrator,
}

/// The admin the sandbox signs in: at once at `/authorize`, and on Approve at `/devicelogin`.
#[derive(Clone, Debug)]
pub struct SandboxAdmin {
    /// The user principal name (`upn` claim).
    pub upn: String,
    /// The display name (`name` claim).
    pub name: String,
    /// The user's object id (`oid` claim).
    pub object_id: String,
    /// The directory roles the admin holds; none makes every write a 403.
    pub directory_roles: Vec<DirectoryRole>,
}

/// Delegated sign-in and app management settings.
#[derive(Clone, Debug)]
pub struct AdminSandboxConfig {
    /// Who signs in.
    pub admin: SandboxAdmin,
    /// Client ids of the public clients allowed to sign in (AADSTS700016 for others).
    pub public_client_ids: Vec<String>,
    /// How long an authorization code may be redeemed (Entra: about 10 minutes).
    pub authorization_code_lifetime: Duration,
    /// How long a device code lives (`expires_in`; Entra: 15 minutes).
    pub device_code_lifetime: Duration,
    /// The polling `interval` a device code asks for, in seconds; a poll sooner than this after
    /// the last one gets `slow_down` (and the interval grows by 5 s, RFC 8628). 0 never slows down.
    pub device_code_interval_secs: u64,
    /// The device code is approved on this poll (1 = the first); `None` waits for
    /// Approve on the `/devicelogin` page, or `Sandbox::approve_device_code` (or
    /// `decline_device_code`).
    pub device_code_approve_on_poll: Option<u32>,
    /// How long a new application, key credential, service principal or role assignment stays
    /// unknown where Entra replicates it to (the token endpoint, `POST /servicePrincipals`);
    /// `Sandbox::replicate_now` ends the wait for everything written so far.
    pub replication_delay: Duration,
}

/// The sign-in client certconnect uses by default: Microsoft Graph Command Line Tools.
pub const DEFAULT_PUBLIC_CLIENT_ID: &str = "14d82eec-204b-4c2f-b7e8-296a70dab67e";

impl Default for AdminSandboxConfig {
    fn default() -> Self {
        Self {
            admin: SandboxAdmin {
                upn: "admin@sandbox.onmicrosoft.com".into(),
                name: "Sandbox Admin".into(),
                object_id: "5d4c3b2a-1908-4f7e-8d6c-5b4a39281706".into(),
                directory_roles: vec![DirectoryRole::GlobalAdministrator],
            },
            public_client_ids: vec![DEFAULT_PUBLIC_CLIENT_ID.into()],
            authorization_code_lifetime: Duration::from_secs(600),
            device_code_lifetime: Duration::from_secs(900),
            device_code_interval_secs: 5,
            device_code_approve_on_poll: None,
            replication_delay: Duration::ZERO,
        }
    }
}
