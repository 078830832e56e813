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

    /// Why the Tenant field takes no input under this preset, or `None` when it does.
    pub fn why_no_tenant(self) -> Option<&'static str> {
        match self {
            Self::MultiTenant => Some(
                "Multi tenant signs in through 'common', which names no tenant. Pick Single tenant (or a national cloud) to enter yours.",
            ),
            Self::Custom => Some(
                "Custom: the tenant is the one in the Token URL (…/<tenant>/oauth2/v2.0/token), shown here. Edit the Token URL, or pick a preset to type the tenant here.",
            ),
            _ => None,
        }
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

/// A Microsoft cloud: its login hosts and its Graph hosts belong together.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cloud {
    /// `login.microsoftonline.com`, `graph.microsoft.com`.
    Global,
    /// `login.microsoftonline.us`, `graph.microsoft.us` (GCC High) and `dod-graph.microsoft.us` (DoD).
    UsGovernment,
    /// `login.chinacloudapi.cn`, `microsoftgraph.chinacloudapi.cn` (21Vianet).
    China,
}

impl Cloud {
    /// The cloud's name as admins know it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Global => "the global Microsoft cloud",
            Self::UsGovernment => "the US Government cloud",
            Self::China => "the China cloud (21Vianet)",
        }
    }

    /// The cloud whose Entra login host this is (aliases included).
    pub fn of_login_host(host: &str) -> Option<Self> {
        match host.to_ascii_lowercase().as_str() {
            "login.microsoftonline.com" | "login.microsoft.com" | "login.windows.net" => {
                Some(Self::Global)
            }
            "login.microsoftonline.us" => Some(Self::UsGovernment),
            "login.chinacloudapi.cn" | "login.partner.microsoftonline.cn" => Some(Self::China),
            _ => None,
        }
    }

    /// The cloud whose Graph host this is.
    pub fn of_graph_host(host: &str) -> Option<Self> {
        match host.to_ascii_lowercase().as_str() {
            "graph.microsoft.com" => Some(Self::Global),
            "graph.microsoft.us" | "dod-graph.microsoft.us" => Some(Self::UsGovernment),
            "microsoftgraph.chinacloudapi.cn" => Some(Self::China),
            _ => None,
        }
    }

    /// The presets of this cloud that name a tenant, each with its Graph (the US Government
    /// cloud has two Graphs behind one login host).
    pub fn presets(self) -> &'static [Preset] {
        match self {
            Self::Global => &[Preset::SingleTenant],
            Self::UsGovernment => &[Preset::UsGovernment, Preset::UsGovernmentDod],
            Self::China => &[Preset::China],
        }
    }
}

/// The tenant a token URL names: its first path segment, when that is a tenant ID (GUID) or a
/// domain (`common` and the like name none).
pub fn tenant_in_token_url(token_url: &str) -> Option<String> {
    let url = url::Url::parse(token_url.trim()).ok()?;
    let segment = url.path_segments()?.next()?;
    is_plausible_tenant(segment).then(|| segment.to_owned())
}

/// Settings that go with a token URL: the Graph URL its tokens are for, and the tenant it names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MatchingSettings {
    /// The preset to select: a Microsoft cloud's when the URL is exactly that preset's token URL
    /// for the tenant it names, otherwise [`Preset::Custom`] (which keeps the URL as it is).
    pub preset: Preset,
    /// The Graph base URL with the API version.
    pub graph_url: String,
    /// The tenant named in the URL's path, if any.
    pub tenant: Option<String>,
}

impl MatchingSettings {
    /// The offer's words: "Set Graph URL to … and Tenant to …" (and the preset, when one is
    /// selected).
    pub fn offer(&self) -> String {
        let mut text = format!("Set Graph URL to {}", self.graph_url);
        if let Some(tenant) = &self.tenant {
            text.push_str(&format!(" and Tenant to {tenant}"));
        }
        if self.preset != Preset::Custom {
            text.push_str(&format!(" ({})", self.preset.label()));
        }
        text
    }
}

/// The Graph URLs (with preset and tenant) a token URL's tokens are for: a Microsoft cloud's
/// Graph for its login host (two for the US Government cloud), and for a token server on this
/// machine the same origin's `/v1.0`, where the sandbox serves Graph. Empty for any other host,
/// whose Graph certconnect cannot know.
pub fn settings_for_token_url(token_url: &url::Url) -> Vec<MatchingSettings> {
    let tenant = tenant_in_token_url(token_url.as_str());
    if super::url_rules::is_loopback(token_url) {
        return vec![MatchingSettings {
            preset: Preset::Custom,
            graph_url: format!("{}/v1.0", token_url.origin().ascii_serialization()),
            tenant,
        }];
    }
    let Some(cloud) = token_url.host_str().and_then(Cloud::of_login_host) else {
        return Vec::new();
    };
    cloud
        .presets()
        .iter()
        .filter_map(|&preset| {
            let graph_url = preset.graph_url()?;
            let exact = tenant
                .as_deref()
                .and_then(|t| preset.token_url(t))
                .is_some_and(|url| url == token_url.as_str());
            Some(MatchingSettings {
                preset: if exact { preset } else { Preset::Custom },
                graph_url,
                tenant: tenant.clone(),
            })
        })
        .collect()
}

/// A token URL and a Graph URL that do not belong together: the token is requested for the
/// Graph URL's resource (the scope follows the Graph URL), so the token server must be the one
/// that Graph trusts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GraphMismatch {
    /// The token would certainly be refused or useless (a loopback token server with a Graph
    /// elsewhere, or two different Microsoft clouds); otherwise it only looks wrong (a Graph
    /// behind a gateway, two ports on this machine).
    pub certain: bool,
    /// What disagrees, in words.
    pub message: String,
    /// The Graph URL that goes with the token URL, if certconnect knows one.
    pub suggested: Option<String>,
}

/// Where the fix is made, as the form names it (in words every font draws: no arrow glyph).
pub const GRAPH_URL_FIELD: &str = "the Graph URL on the Graph tab (the scope follows it)";

impl GraphMismatch {
    /// What to do: the field to change, and the value when it is known.
    pub fn fix(&self) -> String {
        match &self.suggested {
            Some(url) => format!("Change {GRAPH_URL_FIELD}: set it to {url}."),
            None => format!("Change {GRAPH_URL_FIELD}, or the Token URL, so both are one cloud's."),
        }
    }
}

/// Whether a token URL and a Graph URL (with the scope requested for it) belong together.
///
/// Certain (the run stops at *Check settings*), when the scope follows the Graph URL, so the
/// token is asked for the Graph's resource: a token server on this machine with a Graph
/// elsewhere (it has no such resource, and no Graph outside this machine accepts its tokens), a
/// Microsoft cloud's login with a Graph on this machine or in another Microsoft cloud (Entra has
/// no such resource in that cloud: AADSTS500011). A scope set apart from the Graph URL makes
/// the same pair only doubtful: the token may be issued, and the Graph is then the question.
/// Also doubtful (a warning): two origins on this machine (a test rig may serve them apart; the
/// sandbox serves both on one), or a Microsoft login with a Graph host that is no Microsoft
/// cloud's (a gateway in front of Graph with its own app ID URI). A token server that is
/// neither is not judged.
pub fn check_graph_url(
    token_url: &url::Url,
    graph_url: &url::Url,
    scope: &str,
) -> Option<GraphMismatch> {
    let scope_follows_graph = scope.trim() == default_scope(graph_url);
    let mut mismatch = compare_hosts(token_url, graph_url)?;
    mismatch.certain &= scope_follows_graph;
    Some(mismatch)
}

fn compare_hosts(token_url: &url::Url, graph_url: &url::Url) -> Option<GraphMismatch> {
    use super::url_rules::is_loopback;
    let suggested = || {
        let settings = settings_for_token_url(token_url);
        (settings.len() == 1).then(|| settings[0].graph_url.clone())
    };
    let token_host = token_url.host_str().unwrap_or_default();
    let graph_host = graph_url.host_str().unwrap_or_default();
    let graph_origin = graph_url.origin().ascii_serialization();
    if is_loopback(token_url) {
        let token_origin = token_url.origin().ascii_serialization();
        if token_origin == graph_origin {
            return None;
        }
        let certain = !is_loopback(graph_url);
        return Some(GraphMismatch {
            certain,
            message: if certain {
                format!(
                    "The Token URL is a token server on this computer ({token_origin}) but the Graph URL is {graph_origin}: a Graph elsewhere never accepts its tokens, and the scope asks it for a resource it does not have (AADSTS500011)."
                )
            } else {
                format!(
                    "The Token URL ({token_origin}) and the Graph URL ({graph_origin}) are different servers on this computer; the sandbox serves both on one."
                )
            },
            suggested: suggested(),
        });
    }
    let cloud = Cloud::of_login_host(token_host)?;
    let (certain, what) = match Cloud::of_graph_host(graph_host) {
        Some(graph_cloud) if graph_cloud == cloud => return None,
        Some(graph_cloud) => (true, format!("{}'s Graph", graph_cloud.label())),
        None if is_loopback(graph_url) => (true, "a server on this computer".to_owned()),
        None => (false, "not a Microsoft Graph host".to_owned()),
    };
    Some(GraphMismatch {
        certain,
        message: format!(
            "The Token URL signs in to {} ({token_host}) but the Graph URL is {graph_origin}, {what}: the token is requested for the Graph URL's resource, which {} does not have (AADSTS500011).",
            cloud.label(),
            cloud.label(),
        ),
        suggested: suggested(),
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

    fn url(text: &str) -> url::Url {
        url::Url::parse(text).unwrap()
    }

    /// With the scope that follows the Graph URL, as the form derives it.
    fn check(token_url: &url::Url, graph_url: &url::Url) -> Option<GraphMismatch> {
        check_graph_url(token_url, graph_url, &default_scope(graph_url))
    }

    const SANDBOX_TOKEN: &str =
        "http://127.0.0.1:8400/11111111-2222-3333-4444-555555555555/oauth2/v2.0/token";

    #[test]
    fn a_sandbox_token_url_maps_to_its_graph_and_tenant() {
        assert_eq!(
            settings_for_token_url(&url(SANDBOX_TOKEN)),
            [MatchingSettings {
                preset: Preset::Custom,
                graph_url: "http://127.0.0.1:8400/v1.0".into(),
                tenant: Some("11111111-2222-3333-4444-555555555555".into()),
            }]
        );
    }

    #[test]
    fn the_offer_says_what_it_sets() {
        let sandbox = &settings_for_token_url(&url(SANDBOX_TOKEN))[0];
        assert_eq!(
            sandbox.offer(),
            "Set Graph URL to http://127.0.0.1:8400/v1.0 and Tenant to 11111111-2222-3333-4444-555555555555"
        );
        let dod = &settings_for_token_url(&url(
            "https://login.microsoftonline.us/contoso.onmicrosoft.us/oauth2/v2.0/token",
        ))[1];
        assert_eq!(
            dod.offer(),
            "Set Graph URL to https://dod-graph.microsoft.us/v1.0 and Tenant to contoso.onmicrosoft.us (US Government (DoD))"
        );
    }

    #[test]
    fn only_presets_without_a_tenant_say_why() {
        for preset in Preset::ALL {
            assert_eq!(
                preset.why_no_tenant().is_some(),
                !preset.needs_tenant(),
                "{preset:?}"
            );
        }
    }

    #[test]
    fn a_cloud_token_url_maps_to_its_presets() {
        let global = settings_for_token_url(&url(
            "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token",
        ));
        assert_eq!(
            global,
            [MatchingSettings {
                preset: Preset::SingleTenant,
                graph_url: "https://graph.microsoft.com/v1.0".into(),
                tenant: Some("contoso.onmicrosoft.com".into()),
            }]
        );
        let us = settings_for_token_url(&url(
            "https://login.microsoftonline.us/contoso.onmicrosoft.us/oauth2/v2.0/token",
        ));
        let graphs: Vec<&str> = us.iter().map(|s| s.graph_url.as_str()).collect();
        assert_eq!(
            graphs,
            [
                "https://graph.microsoft.us/v1.0",
                "https://dod-graph.microsoft.us/v1.0"
            ]
        );
        assert_eq!(us[1].preset, Preset::UsGovernmentDod);
        // Another path than the preset's keeps the URL as it is (Custom), the tenant still found.
        let china = settings_for_token_url(&url(
            "https://login.chinacloudapi.cn/contoso.partner.onmschina.cn/oauth2/token",
        ));
        assert_eq!(china[0].preset, Preset::Custom);
        assert_eq!(
            china[0].graph_url,
            "https://microsoftgraph.chinacloudapi.cn/v1.0"
        );
        assert_eq!(
            china[0].tenant.as_deref(),
            Some("contoso.partner.onmschina.cn")
        );
        let common = settings_for_token_url(&url(
            "https://login.microsoftonline.com/common/oauth2/v2.0/token",
        ));
        assert_eq!(common[0].tenant, None);
        assert!(settings_for_token_url(&url("https://idp.example/token")).is_empty());
    }

    #[test]
    fn a_loopback_token_server_with_a_graph_elsewhere_is_certain_to_fail() {
        let mismatch = check(
            &url(SANDBOX_TOKEN),
            &url("https://graph.microsoft.com/v1.0"),
        )
        .unwrap();
        assert!(mismatch.certain);
        assert_eq!(
            mismatch.suggested.as_deref(),
            Some("http://127.0.0.1:8400/v1.0")
        );
        assert!(
            mismatch
                .fix()
                .contains("the Graph URL on the Graph tab (the scope follows it)"),
            "{}",
            mismatch.fix()
        );
        assert_eq!(
            check(&url(SANDBOX_TOKEN), &url("http://127.0.0.1:8400/v1.0")),
            None
        );
        let other_port = check(&url(SANDBOX_TOKEN), &url("http://127.0.0.1:9000/v1.0")).unwrap();
        assert!(!other_port.certain, "a test rig may serve two ports");
    }

    #[test]
    fn a_scope_set_apart_from_the_graph_url_makes_it_doubtful() {
        let mismatch = check_graph_url(
            &url(SANDBOX_TOKEN),
            &url("https://graph.example/v1.0"),
            "http://127.0.0.1:8400/.default",
        )
        .unwrap();
        assert!(
            !mismatch.certain,
            "the token is issued; the Graph is the question"
        );
    }

    #[test]
    fn two_clouds_disagree_and_a_gateway_only_looks_wrong() {
        let global =
            url("https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token");
        let us = url("https://login.microsoftonline.us/contoso.onmicrosoft.us/oauth2/v2.0/token");
        for graph in [
            "https://graph.microsoft.us/v1.0",
            "https://microsoftgraph.chinacloudapi.cn/v1.0",
            "http://127.0.0.1:8400/v1.0",
        ] {
            assert!(check(&global, &url(graph)).unwrap().certain, "{graph}");
        }
        for graph in [
            "https://graph.microsoft.us/v1.0",
            "https://dod-graph.microsoft.us/beta",
        ] {
            assert_eq!(check(&us, &url(graph)), None, "{graph}");
        }
        let to_global = check(&us, &url("https://graph.microsoft.com/v1.0")).unwrap();
        assert!(to_global.certain);
        assert_eq!(to_global.suggested, None, "two Graphs: the admin picks");
        let gateway = check(&global, &url("https://graph-gw.contoso.com/v1.0")).unwrap();
        assert!(!gateway.certain);
        assert_eq!(
            check(
                &url("https://idp.example/token"),
                &url("https://graph.microsoft.com/v1.0")
            ),
            None,
            "an unknown token server is not judged"
        );
    }

    #[test]
    fn the_tenant_is_the_first_path_segment_when_it_names_one() {
        assert_eq!(
            tenant_in_token_url(SANDBOX_TOKEN).as_deref(),
            Some("11111111-2222-3333-4444-555555555555")
        );
        assert_eq!(
            tenant_in_token_url("https://login.microsoftonline.com/common/oauth2/v2.0/token"),
            None
        );
        assert_eq!(tenant_in_token_url("not a url"), None);
    }
}
