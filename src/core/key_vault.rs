//! Azure Key Vault as a certificate source, decided: the certificate identifier a profile keeps,
//! how certconnect reaches the vault, the audience its token is for, and the vault's refusals in
//! plain words with their fix.
//!
//! A vault certificate is named `https://NAME.vault.azure.net/certificates/CERT[/VERSION]` (the
//! national clouds' vaults end in `vault.usgovcloudapi.net` or `vault.azure.cn`); plain `http` is
//! allowed only to this machine, as for every other endpoint (the sandbox's stand-in).

use serde::{Deserialize, Serialize};
use url::Url;

use super::authority::Cloud;
use super::url_rules::{is_loopback, parse_endpoint};

/// The Key Vault REST API version certconnect speaks.
pub const API_VERSION: &str = "7.5";

/// How certconnect gets a token for the vault.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum VaultAccess {
    /// The admin's existing `az login` (`az account get-access-token --resource …`).
    #[default]
    AzureCli,
    /// The managed identity of the Azure VM, App Service, Functions app or Arc server it runs on.
    ManagedIdentity {
        /// A user-assigned identity's client ID; `None` for the system-assigned one.
        client_id: Option<String>,
    },
    /// The app-only connection of another saved profile (its own certificate), by name.
    Profile(String),
    /// A person signed in (browser, or device code) with a delegated token for the vault, kept in
    /// memory for the session: a run with no person to sign in is told so, never prompted.
    SignIn,
}

impl VaultAccess {
    /// Parses the CLI's `cli`, `managed-identity`, `managed-identity:CLIENT-ID`, `profile:NAME` or
    /// `sign-in`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        match text {
            "cli" | "azure-cli" | "az" => return Ok(Self::AzureCli),
            "managed-identity" | "mi" => return Ok(Self::ManagedIdentity { client_id: None }),
            "sign-in" => return Ok(Self::SignIn),
            _ => {}
        }
        if let Some(client_id) = text.strip_prefix("managed-identity:") {
            let client_id = client_id.trim().to_ascii_lowercase();
            if !super::guid::is_guid(&client_id) {
                return Err(format!(
                    "'{client_id}' is not a client ID; a user-assigned identity's client ID is a GUID"
                ));
            }
            return Ok(Self::ManagedIdentity {
                client_id: Some(client_id),
            });
        }
        if let Some(name) = text.strip_prefix("profile:") {
            let name = name.trim();
            if name.is_empty() {
                return Err("profile: needs the name of a saved profile".into());
            }
            return Ok(Self::Profile(name.to_owned()));
        }
        Err(format!(
            "'{text}' is not a way to reach the vault; use cli, managed-identity[:CLIENT-ID], profile:NAME or sign-in"
        ))
    }

    /// What the card and the report show.
    pub fn label(&self) -> String {
        match self {
            Self::AzureCli => "Azure CLI (az login)".into(),
            Self::ManagedIdentity { client_id: None } => {
                "managed identity (system-assigned)".into()
            }
            Self::ManagedIdentity {
                client_id: Some(id),
            } => format!("managed identity (user-assigned, client ID {id})"),
            Self::Profile(name) => format!("the profile '{name}'"),
            Self::SignIn => "signed-in admin (browser or device code)".into(),
        }
    }

    /// The CLI's spelling, as `--vault-access` takes it back.
    pub fn flag(&self) -> String {
        match self {
            Self::AzureCli => "cli".into(),
            Self::ManagedIdentity { client_id: None } => "managed-identity".into(),
            Self::ManagedIdentity {
                client_id: Some(id),
            } => format!("managed-identity:{id}"),
            Self::Profile(name) => format!("profile:{name}"),
            Self::SignIn => "sign-in".into(),
        }
    }
}

/// A vault certificate's identifier, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CertificateId {
    /// The vault's base URL (`https://NAME.vault.azure.net`, no path).
    pub vault: Url,
    /// The certificate's name.
    pub name: String,
    /// The version; `None` means the current one.
    pub version: Option<String>,
}

impl CertificateId {
    /// Parses `https://NAME.vault.azure.net/certificates/CERT[/VERSION]`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let url = parse_endpoint(text)?;
        let vault = vault_base(&url)?;
        if url.query().is_some() || url.fragment().is_some() {
            return Err("a certificate identifier has no query or fragment".into());
        }
        let segments: Vec<&str> = url
            .path()
            .trim_end_matches('/')
            .trim_start_matches('/')
            .split('/')
            .collect();
        let (name, version) = match segments.as_slice() {
            ["certificates", name] => (*name, None),
            ["certificates", name, version] => (*name, Some(*version)),
            ["keys" | "secrets", ..] => {
                return Err(
                    "this names a key or a secret; give the certificate's identifier (…/certificates/NAME)"
                        .into(),
                );
            }
            _ => {
                return Err(
                    "expected https://NAME.vault.azure.net/certificates/CERT[/VERSION]".into(),
                );
            }
        };
        check_object_name(name)?;
        if let Some(version) = version
            && (version.is_empty() || !version.chars().all(|c| c.is_ascii_alphanumeric()))
        {
            return Err(format!("'{version}' is not a certificate version"));
        }
        Ok(Self {
            vault,
            name: name.to_owned(),
            version: version.map(str::to_owned),
        })
    }

    /// The identifier as text, with the version when there is one.
    pub fn url(&self) -> String {
        let base = self.vault.as_str().trim_end_matches('/');
        match &self.version {
            Some(version) => format!("{base}/certificates/{}/{version}", self.name),
            None => format!("{base}/certificates/{}", self.name),
        }
    }
}

/// Parses a vault's URL (`https://NAME.vault.azure.net`, for listing) into its base.
pub fn parse_vault_url(text: &str) -> Result<Url, String> {
    let url = parse_endpoint(text)?;
    if !matches!(url.path(), "" | "/") {
        return Err("give the vault's URL only: https://NAME.vault.azure.net".into());
    }
    vault_base(&url)
}

fn vault_base(url: &Url) -> Result<Url, String> {
    let host = url.host_str().unwrap_or_default().to_ascii_lowercase();
    if !is_loopback(url) && cloud_of_vault_host(&host).is_none() {
        return Err(format!(
            "'{host}' is not a Key Vault: vault names end in .vault.azure.net (or .vault.usgovcloudapi.net, .vault.azure.cn)"
        ));
    }
    let mut base = url.clone();
    base.set_path("");
    base.set_query(None);
    base.set_fragment(None);
    Ok(base)
}

/// Key Vault object names: 1–127 letters, digits and dashes.
fn check_object_name(name: &str) -> Result<(), String> {
    if name.is_empty()
        || name.len() > 127
        || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    {
        return Err(format!(
            "'{name}' is not a Key Vault certificate name (1 to 127 letters, digits and dashes)"
        ));
    }
    Ok(())
}

/// The DNS suffix of a cloud's vaults.
pub fn vault_suffix(cloud: Cloud) -> &'static str {
    match cloud {
        Cloud::Global => "vault.azure.net",
        Cloud::UsGovernment => "vault.usgovcloudapi.net",
        Cloud::China => "vault.azure.cn",
    }
}

/// The cloud of a vault host (`NAME.vault.azure.net` …), or `None` for another host.
pub fn cloud_of_vault_host(host: &str) -> Option<Cloud> {
    let host = host.to_ascii_lowercase();
    [Cloud::Global, Cloud::UsGovernment, Cloud::China]
        .into_iter()
        .find(|cloud| {
            host.strip_suffix(vault_suffix(*cloud))
                .and_then(|name| name.strip_suffix('.'))
                .is_some_and(|name| !name.is_empty() && !name.contains('.'))
        })
}

/// Whether a vault fits the profile's cloud: a vault of another cloud cannot accept this cloud's
/// tokens. A loopback vault (the sandbox) and a profile of no known cloud (custom) pass.
pub fn check_cloud(vault: &Url, profile_cloud: Option<Cloud>) -> Result<(), String> {
    let (Some(vault_cloud), Some(cloud)) = (
        cloud_of_vault_host(vault.host_str().unwrap_or_default()),
        profile_cloud,
    ) else {
        return Ok(());
    };
    if vault_cloud == cloud {
        return Ok(());
    }
    Err(format!(
        "this vault is in {}, but the profile's token URL is in {}: use a vault ending in .{}",
        vault_cloud.label(),
        cloud.label(),
        vault_suffix(cloud)
    ))
}

/// The audience of a vault's tokens when the vault sends no challenge: the cloud's
/// `https://vault.azure.net` (…usgovcloudapi.net, …azure.cn), or a loopback vault's own base.
pub fn default_audience(vault: &Url) -> String {
    match cloud_of_vault_host(vault.host_str().unwrap_or_default()) {
        Some(cloud) => format!("https://{}", vault_suffix(cloud)),
        None => vault.as_str().trim_end_matches('/').to_owned(),
    }
}

/// The audience a `WWW-Authenticate: Bearer authorization="…", resource="…"` (or `scope="…"`)
/// challenge names, if the header is such a challenge.
pub fn challenge_audience(header: &str) -> Option<String> {
    let rest = header.trim().strip_prefix("Bearer")?;
    let mut resource = None;
    let mut scope = None;
    for part in rest.split(',') {
        let Some((key, value)) = part.trim().split_once('=') else {
            continue;
        };
        let value = value.trim().trim_matches('"').to_owned();
        match key.trim().to_ascii_lowercase().as_str() {
            "resource" => resource = Some(value),
            "scope" => scope = Some(value),
            _ => {}
        }
    }
    let audience =
        resource.or_else(|| scope.map(|s| s.trim_end_matches("/.default").to_owned()))?;
    (!audience.is_empty()).then(|| audience.trim_end_matches('/').to_owned())
}

/// The sign-in authority and tenant a `WWW-Authenticate: Bearer authorization="HOST/TENANT"`
/// challenge names (the vault's own tenant), if it names one.
pub fn challenge_tenant(header: &str) -> Option<(Url, String)> {
    let rest = header.trim().strip_prefix("Bearer")?;
    let value = rest.split(',').find_map(|part| {
        let (key, value) = part.trim().split_once('=')?;
        (key.trim().eq_ignore_ascii_case("authorization")
            || key.trim().eq_ignore_ascii_case("authorization_uri"))
        .then(|| value.trim().trim_matches('"').to_owned())
    })?;
    let url = Url::parse(&value).ok()?;
    let tenant = url.path_segments()?.find(|s| !s.is_empty())?.to_owned();
    let mut authority = url.clone();
    authority.set_path("");
    authority.set_query(None);
    Some((authority, tenant))
}

/// Whether a challenge's audience may be trusted for this vault, as the Azure SDK checks it: its
/// host is the vault's host or a parent domain of it (`vault.azure.net` for
/// `NAME.vault.azure.net`), so a vault cannot ask for a token to another service.
pub fn audience_fits_vault(audience: &str, vault: &Url) -> bool {
    let Ok(audience) = Url::parse(audience) else {
        return false;
    };
    let (Some(audience_host), Some(vault_host)) = (audience.host_str(), vault.host_str()) else {
        return false;
    };
    let (audience_host, vault_host) = (
        audience_host.to_ascii_lowercase(),
        vault_host.to_ascii_lowercase(),
    );
    vault_host == audience_host || vault_host.ends_with(&format!(".{audience_host}"))
}

/// The vault's answer when it refuses, as its error JSON names it
/// (`{"error":{"code","message","innererror":{"code"}}}`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct VaultRefusal {
    /// HTTP status.
    pub status: u16,
    /// `error.code` (`Unauthorized`, `Forbidden`, `CertificateNotFound`, …).
    pub code: String,
    /// `error.innererror.code` (`AccessDenied`, `ForbiddenByFirewall`, `KeyDisabled`, …).
    pub inner_code: String,
    /// `error.message`, shown as the raw detail.
    pub message: String,
}

/// What went wrong with a vault, decided from its status and codes, never from its message.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum VaultProblem {
    /// 401: no token, or one the vault does not take.
    #[error("Key Vault did not accept the sign-in ({access})")]
    Unauthorized {
        /// How the token was obtained.
        access: String,
    },
    /// 403 for want of a permission.
    #[error("Key Vault refused {operation} to {access}")]
    Forbidden {
        /// The operation (`certificates/get`, `keys/sign`, `certificates/list`).
        operation: &'static str,
        /// How the token was obtained.
        access: String,
    },
    /// 403 from the vault's firewall (network rules).
    #[error("the Key Vault's firewall refused this computer's address")]
    Firewall,
    /// 404 for the certificate or the version.
    #[error("Key Vault has no certificate {what}")]
    NotFound {
        /// The certificate (and version) asked for.
        what: String,
    },
    /// The certificate (or its key) is disabled.
    #[error("the certificate {name} is disabled in Key Vault")]
    Disabled {
        /// The certificate's name.
        name: String,
    },
    /// The certificate has expired.
    #[error("the certificate {name} in Key Vault has expired")]
    Expired {
        /// The certificate's name.
        name: String,
    },
    /// The certificate's key is not RSA.
    #[error("the certificate {name} has an {kty} key; Entra accepts only RSA keys")]
    NotRsa {
        /// The certificate's name.
        name: String,
        /// The key type (`EC`, `EC-HSM`, …).
        kty: String,
    },
    /// The vault's create operation ended without a certificate.
    #[error("Key Vault did not make the new version of {name}: the operation ended {status}")]
    CreateFailed {
        /// The certificate's name.
        name: String,
        /// The operation's last status.
        status: String,
    },
    /// 429: the vault throttled every attempt.
    #[error("Key Vault throttled the requests (429) until the retries ran out")]
    Throttled,
    /// Another refusal.
    #[error("Key Vault answered {status} {code}")]
    Other {
        /// HTTP status.
        status: u16,
        /// The vault's code.
        code: String,
    },
}

impl VaultProblem {
    /// The problem a refusal of `operation` means.
    pub fn of_refusal(
        refusal: &VaultRefusal,
        operation: &'static str,
        what: &str,
        access: &VaultAccess,
    ) -> Self {
        match (refusal.status, refusal.inner_code.as_str()) {
            (401, _) => Self::Unauthorized {
                access: access.label(),
            },
            (403, "ForbiddenByFirewall") => Self::Firewall,
            (403, "KeyDisabled" | "CertificateDisabled") => Self::Disabled {
                name: what.to_owned(),
            },
            (403, _) => Self::Forbidden {
                operation,
                access: access.label(),
            },
            (404, _) => Self::NotFound {
                what: what.to_owned(),
            },
            (429, _) => Self::Throttled,
            (status, _) => Self::Other {
                status,
                code: refusal.code.clone(),
            },
        }
    }

    /// The machine code of the failure.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Unauthorized { .. } => "key_vault_unauthorized",
            Self::Forbidden { .. } => "key_vault_forbidden",
            Self::Firewall => "key_vault_firewall",
            Self::NotFound { .. } => "key_vault_not_found",
            Self::Disabled { .. } => "key_vault_disabled",
            Self::Expired { .. } => "key_vault_expired",
            Self::NotRsa { .. } => "key_vault_not_rsa",
            Self::CreateFailed { .. } => "key_vault_create_failed",
            Self::Throttled => "key_vault_throttled",
            Self::Other { .. } => "key_vault_error",
        }
    }

    /// Whether the vault refused (bad input or missing access: exit 2) rather than failed to answer.
    pub fn is_refusal(&self) -> bool {
        !matches!(self, Self::Throttled | Self::Other { status: 500.., .. })
    }

    /// What to do about it.
    pub fn fix(&self) -> String {
        match self {
            Self::Unauthorized { access } => format!(
                "The token from {access} was missing or not for this vault. For the Azure CLI run az login (with the vault's tenant); for a managed identity check that it is enabled; for a profile check that its test connects."
            ),
            Self::Forbidden { operation, access } => format!(
                "Give {access} {operation}: with Azure RBAC, the roles \"Key Vault Certificate User\" (certificates/get) and \"Key Vault Crypto User\" (keys/sign) on the vault; with access policies, the certificate permission get (and list) and the key permission sign."
            ),
            Self::Firewall => "Add this computer's public address to the vault's Networking > Firewall allow list, or reach it through its private endpoint.".into(),
            Self::NotFound { .. } => "Check the vault, the certificate's name and its version (certconnect cert list --key-vault https://NAME.vault.azure.net lists them).".into(),
            Self::Disabled { .. } => "Enable the certificate's version in the vault, or choose another version.".into(),
            Self::Expired { .. } => "Renew the certificate in the vault (a new version) and register it on the app.".into(),
            Self::NotRsa { .. } => "Create the certificate with an RSA key (2048 bits or more): Entra refuses EC keys for client assertions.".into(),
            Self::CreateFailed { .. } => "See the certificate's pending operation in the portal (Certificates > the certificate > Certificate Operation); the policy needs issuer Self and an RSA key.".into(),
            Self::Throttled => "Wait a minute and test again; Key Vault limits requests per vault.".into(),
            Self::Other { .. } => "See the vault's message below; test again later if it is a server error.".into(),
        }
    }
}

/// The app's own wording of the vault fixes whose shared wording names command-line flags or
/// commands, by failure code: the window names its controls instead. `None` where both front ends
/// say the same. (The codes are those of [`VaultProblem::code`] and the token errors of the
/// vault's sign-ins; the tests check each spelling.)
pub fn fix_in_app(code: &str) -> Option<&'static str> {
    Some(match code {
        "az_missing" => {
            "Install the Azure CLI and run az login, or choose another Vault access on the \
             Certificate tab: Managed identity, Another profile or Signed-in admin."
        }
        "managed_identity_unreachable" => {
            "Managed identity works only on an Azure VM, App Service, Functions or Arc server \
             with an identity enabled; elsewhere choose Azure CLI, Another profile or Signed-in \
             admin under Vault access on the Certificate tab."
        }
        "vault_sign_in_failed" => {
            "Sign in again with Sign in with the browser; where no browser opens, use Sign in \
             with a device code (Certificate tab, Vault access)."
        }
        "key_vault_not_found" => {
            "Check the vault, the certificate's name and its version: type the vault's URL in \
             Key Vault certificate, press List certificates and pick one."
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_app_words_cover_the_fixes_that_name_flags_or_commands() {
        let not_found = VaultProblem::NotFound {
            what: "certificate".into(),
        };
        assert!(not_found.fix().contains("cert list --key-vault"));
        let in_app = fix_in_app(not_found.code()).unwrap();
        assert!(in_app.contains("List certificates"));
        assert!(!in_app.contains("--"));
        assert!(!in_app.contains("certconnect"));
    }

    #[test]
    fn identifiers_parse_with_and_without_version() {
        let id =
            CertificateId::parse("https://contoso.vault.azure.net/certificates/app-cert").unwrap();
        assert_eq!(id.vault.as_str(), "https://contoso.vault.azure.net/");
        assert_eq!(id.name, "app-cert");
        assert_eq!(id.version, None);
        let id = CertificateId::parse(
            "https://contoso.vault.usgovcloudapi.net/certificates/app/0123456789abcdef0123456789abcdef",
        )
        .unwrap();
        assert_eq!(
            id.version.as_deref(),
            Some("0123456789abcdef0123456789abcdef")
        );
        assert_eq!(
            id.url(),
            "https://contoso.vault.usgovcloudapi.net/certificates/app/0123456789abcdef0123456789abcdef"
        );
        assert!(CertificateId::parse("http://127.0.0.1:8400/certificates/app").is_ok());
        for bad in [
            "http://contoso.vault.azure.net/certificates/app",
            "https://contoso.example.com/certificates/app",
            "https://contoso.vault.azure.net/keys/app",
            "https://contoso.vault.azure.net/certificates/",
            "https://contoso.vault.azure.net/certificates/a_b",
            "https://a.b.vault.azure.net/certificates/app",
        ] {
            assert!(CertificateId::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_vault_follows_the_profiles_cloud() {
        let gov = parse_vault_url("https://x.vault.usgovcloudapi.net").unwrap();
        assert!(check_cloud(&gov, Some(Cloud::UsGovernment)).is_ok());
        assert!(check_cloud(&gov, Some(Cloud::Global)).is_err());
        assert!(check_cloud(&gov, None).is_ok());
        assert_eq!(default_audience(&gov), "https://vault.usgovcloudapi.net");
        let cn = parse_vault_url("https://x.vault.azure.cn/").unwrap();
        assert_eq!(default_audience(&cn), "https://vault.azure.cn");
    }

    #[test]
    fn the_challenge_names_the_audience_and_must_fit_the_vault() {
        let vault = parse_vault_url("https://contoso.vault.azure.net").unwrap();
        let header = r#"Bearer authorization="https://login.microsoftonline.com/t", resource="https://vault.azure.net""#;
        let audience = challenge_audience(header).unwrap();
        assert_eq!(audience, "https://vault.azure.net");
        assert!(audience_fits_vault(&audience, &vault));
        let scoped = r#"Bearer authorization="https://login.microsoftonline.com/t", scope="https://vault.azure.net/.default""#;
        assert_eq!(
            challenge_audience(scoped).unwrap(),
            "https://vault.azure.net"
        );
        assert!(!audience_fits_vault("https://graph.microsoft.com", &vault));
        assert!(!audience_fits_vault("https://evilvault.azure.net", &vault));
        assert_eq!(challenge_audience("Basic realm=x"), None);
    }

    #[test]
    fn access_choices_parse_and_print_back() {
        for text in ["cli", "managed-identity", "profile:Nightly vault"] {
            assert_eq!(VaultAccess::parse(text).unwrap().flag(), text);
        }
        let id = "0f0e0d0c-0b0a-0908-0706-050403020100";
        assert_eq!(
            VaultAccess::parse(&format!("managed-identity:{id}")).unwrap(),
            VaultAccess::ManagedIdentity {
                client_id: Some(id.into())
            }
        );
        assert!(VaultAccess::parse("managed-identity:nope").is_err());
        assert!(VaultAccess::parse("profile:").is_err());
        assert!(VaultAccess::parse("browser").is_err());
    }

    #[test]
    fn refusals_become_problems_with_the_missing_permission_named() {
        let access = VaultAccess::AzureCli;
        let refusal = |status: u16, inner: &str| VaultRefusal {
            status,
            code: "Forbidden".into(),
            inner_code: inner.into(),
            message: String::new(),
        };
        let problem =
            VaultProblem::of_refusal(&refusal(403, "AccessDenied"), "keys/sign", "c", &access);
        assert_eq!(problem.code(), "key_vault_forbidden");
        assert!(problem.fix().contains("Key Vault Crypto User"));
        assert!(problem.fix().contains("keys/sign"));
        assert_eq!(
            VaultProblem::of_refusal(
                &refusal(403, "ForbiddenByFirewall"),
                "certificates/get",
                "c",
                &access
            ),
            VaultProblem::Firewall
        );
        assert_eq!(
            VaultProblem::of_refusal(&refusal(401, ""), "certificates/get", "c", &access).code(),
            "key_vault_unauthorized"
        );
        assert_eq!(
            VaultProblem::of_refusal(&refusal(404, ""), "certificates/get", "c", &access).code(),
            "key_vault_not_found"
        );
        assert!(
            !VaultProblem::of_refusal(&refusal(429, ""), "keys/sign", "c", &access).is_refusal()
        );
    }
}
