//! Token URL presets: the global cloud, multi tenant, the national clouds and custom.

use serde::{Deserialize, Serialize};

/// Where the token URL came from. The dialog shows these in its preset list.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Preset {
    /// `login.microsoftonline.com/{tenant}` — the normal case.
    #[default]
    SingleTenant,
    /// `login.microsoftonline.com/common` — kept because admins expect it; see [`MULTI_TENANT_WARNING`].
    MultiTenant,
    /// GCC High: `login.microsoftonline.us`, `graph.microsoft.us`.
    UsGovernment,
    /// DoD: `login.microsoftonline.us`, `dod-graph.microsoft.us`.
    UsGovernmentDod,
    /// 21Vianet: `login.chinacloudapi.cn`, `microsoftgraph.chinacloudapi.cn`.
    China,
    /// Any URL the admin types.
    Custom,
}

/// Shown next to the multi-tenant preset and before a test that uses it.
pub const MULTI_TENANT_WARNING: &str = "'common' does not name a tenant: Entra may reject client credentials against it (AADSTS900023, 9001023, 90130) or pick an unexpected tenant. Prefer Single tenant with your tenant ID.";

/// Tenant segments that do not name a tenant.
pub const NON_TENANTS: [&str; 3] = ["common", "organizations", "consumers"];

impl Preset {
    /// Every preset, in the order the dialog lists them.
    pub const ALL: [Preset; 6] = [
        Self::SingleTenant,
        Self::MultiTenant,
        Self::UsGovernment,
        Self::UsGovernmentDod,
        Self::China,
        Self::Custom,
    ];

    /// The name shown in the preset list.
    pub fn label(self) -> &'static str {
        match self {
            Self::SingleTenant => "Single tenant",
            Self::MultiTenant => "Multi tenant",
            Self::UsGovernment => "US Government (GCC High)",
            Self::UsGovernmentDod => "US Government (DoD)",
            Self::China => "China (21Vianet)",
            Self::Custom => "Custom",
        }
    }

    /// The login host, or `None` for a custom URL.
    pub fn login_host(self) -> Option<&'static str> {
        match self {
            Self::SingleTenant | Self::MultiTenant => Some("https://login.microsoftonline.com"),
            Self::UsGovernment | Self::UsGovernmentDod => Some("https://login.microsoftonline.us"),
            Self::China => Some("https://login.chinacloudapi.cn"),
            Self::Custom => None,
        }
    }

    /// The Graph root of this cloud (without API version), or `None` for a custom URL.
    pub fn graph_root(self) -> Option<&'static str> {
        match self {
            Self::SingleTenant | Self::MultiTenant => Some("https://graph.microsoft.com"),
            Self::UsGovernment => Some("https://graph.microsoft.us"),
            Self::UsGovernmentDod => Some("https://dod-graph.microsoft.us"),
            Self::China => Some("https://microsoftgraph.chinacloudapi.cn"),
            Self::Custom => None,
        }
    }

    /// Whether the preset needs a tenant typed in (all but multi tenant and custom).
    pub fn needs_tenant(self) -> bool {
        !matches!(self, Self::MultiTenant | Self::Custom)
    }

    /// The token URL for `tenant`; `{tenant}` stays as a placeholder while the tenant is empty.
    pub fn token_url(self, tenant: &str) -> Option<String> {
        let host = self.login_host()?;
        let tenant = match (self, tenant.trim()) {
            (Self::MultiTenant, _) => "common",
            (_, "") => "{tenant}",
            (_, t) => t,
        };
        Some(format!("{host}/{tenant}/oauth2/v2.0/token"))
    }

    /// The Graph base URL including the API version, e.g. `https://graph.microsoft.com/v1.0`.
    pub fn graph_url(self) -> Option<String> {
        self.graph_root().map(|root| format!("{root}/v1.0"))
    }
}

/// The `scope` for the client-credentials request to a Graph base URL: `{origin}/.default`.
pub fn default_scope(graph_url: &url::Url) -> String {
    format!("{}/.default", graph_url.origin().ascii_serialization())
}

/// Whether a tenant segment looks like a tenant ID (GUID) or a verified domain.
pub fn is_plausible_tenant(tenant: &str) -> bool {
    let tenant = tenant.trim();
    if super::guid::is_guid(tenant) {
        return true;
    }
    let labels: Vec<&str> = tenant.split('.').collect();
    labels.len() >= 2
        && labels.iter().all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn national_clouds_follow_the_documented_hosts() {
        assert_eq!(
            Preset::UsGovernmentDod
                .token_url("contoso.onmicrosoft.us")
                .as_deref(),
            Some("https://login.microsoftonline.us/contoso.onmicrosoft.us/oauth2/v2.0/token")
        );
        assert_eq!(
            Preset::China.graph_url().as_deref(),
            Some("https://microsoftgraph.chinacloudapi.cn/v1.0")
        );
        assert_eq!(
            Preset::MultiTenant.token_url("ignored").as_deref(),
            Some("https://login.microsoftonline.com/common/oauth2/v2.0/token")
        );
        assert_eq!(
            Preset::SingleTenant.token_url("").as_deref(),
            Some("https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token")
        );
        assert_eq!(Preset::Custom.token_url("x"), None);
    }

    #[test]
    fn scope_is_the_graph_origin_with_default() {
        let url = url::Url::parse("https://graph.microsoft.us/v1.0").unwrap();
        assert_eq!(default_scope(&url), "https://graph.microsoft.us/.default");
        let local = url::Url::parse("http://127.0.0.1:4000/graph/v1.0").unwrap();
        assert_eq!(default_scope(&local), "http://127.0.0.1:4000/.default");
    }

    #[test]
    fn tenants_are_guids_or_domains() {
        assert!(is_plausible_tenant("8a2f6a6b-0c1d-4e5f-9a8b-7c6d5e4f3a2b"));
        assert!(is_plausible_tenant("contoso.onmicrosoft.com"));
        assert!(!is_plausible_tenant("contoso"));
        assert!(!is_plausible_tenant("bad..domain"));
        assert!(!is_plausible_tenant("{tenant}"));
    }
}
