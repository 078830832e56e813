//! The sign-in endpoints of an authority: `{authority}/{tenant}/oauth2/v2.0/{authorize|token|devicecode}`.
//!
//! The authority is the sign-in host of the profile's cloud (`Preset::login_host`) or the one an
//! admin gives (`--authority`, e.g. the sandbox on this machine). The tenant must be named: an
//! administrator sets up an app in one tenant, and `common` would let Entra pick another one.

use thiserror::Error;
use url::Url;

use crate::core::authority::{NON_TENANTS, is_plausible_tenant};
use crate::core::url_rules::is_loopback;

/// One of the endpoints a delegated sign-in uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Endpoint {
    /// The browser's page: sign in and consent, then the redirect with a code.
    Authorize,
    /// Where a code, or a device code, is redeemed for tokens.
    Token,
    /// Where the device code flow starts.
    DeviceCode,
}

impl Endpoint {
    /// The last path segment.
    fn segment(self) -> &'static str {
        match self {
            Self::Authorize => "authorize",
            Self::Token => "token",
            Self::DeviceCode => "devicecode",
        }
    }
}

/// Why no endpoint URL can be made from an authority and a tenant.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum EndpointError {
    /// Plain `http` leaves this machine: an administrator's code and token would cross the network
    /// unencrypted.
    #[error("the sign-in authority must use https (plain http only to this machine): {0}")]
    NotHttps(String),
    /// `ftp://`, `file:`, a URL with no host, or a query or fragment that would end up in every
    /// endpoint.
    #[error(
        "the sign-in authority is not a web address like https://login.microsoftonline.com: {0}"
    )]
    NotAnAuthority(String),
    /// `common`, `organizations`, `consumers` or an empty tenant: Entra would choose the tenant.
    #[error(
        "name the tenant (its ID or a verified domain such as contoso.onmicrosoft.com); '{0}' names none"
    )]
    TenantNotNamed(String),
}

/// The URL of `endpoint` for `tenant` at `authority`. A path on the authority is kept as a prefix
/// (a gateway or a test server may serve Entra below one).
pub fn endpoint_url(
    authority: &Url,
    tenant: &str,
    endpoint: Endpoint,
) -> Result<Url, EndpointError> {
    match authority.scheme() {
        "https" => {}
        "http" if is_loopback(authority) => {}
        "http" => return Err(EndpointError::NotHttps(authority.to_string())),
        _ => return Err(EndpointError::NotAnAuthority(authority.to_string())),
    }
    if authority.host().is_none()
        || authority.query().is_some()
        || authority.fragment().is_some()
        || !authority.username().is_empty()
        || authority.password().is_some()
    {
        return Err(EndpointError::NotAnAuthority(authority.to_string()));
    }
    let tenant = tenant.trim();
    if !is_plausible_tenant(tenant) || NON_TENANTS.iter().any(|t| t.eq_ignore_ascii_case(tenant)) {
        return Err(EndpointError::TenantNotNamed(tenant.to_owned()));
    }
    let mut url = authority.clone();
    let prefix = authority.path().trim_end_matches('/');
    url.set_path(&format!(
        "{prefix}/{tenant}/oauth2/v2.0/{}",
        endpoint.segment()
    ));
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(text: &str) -> Url {
        Url::parse(text).expect("test URL")
    }

    #[test]
    fn each_endpoint_sits_under_the_tenant() {
        let authority = url("https://login.microsoftonline.us");
        let tenant = "contoso.onmicrosoft.us";
        assert_eq!(
            endpoint_url(&authority, tenant, Endpoint::Authorize)
                .unwrap()
                .as_str(),
            "https://login.microsoftonline.us/contoso.onmicrosoft.us/oauth2/v2.0/authorize"
        );
        assert_eq!(
            endpoint_url(&authority, tenant, Endpoint::Token)
                .unwrap()
                .as_str(),
            "https://login.microsoftonline.us/contoso.onmicrosoft.us/oauth2/v2.0/token"
        );
        assert_eq!(
            endpoint_url(&authority, tenant, Endpoint::DeviceCode)
                .unwrap()
                .as_str(),
            "https://login.microsoftonline.us/contoso.onmicrosoft.us/oauth2/v2.0/devicecode"
        );
    }

    #[test]
    fn a_loopback_authority_may_use_http_and_keeps_its_path() {
        let authority = url("http://127.0.0.1:8080/entra/");
        assert_eq!(
            endpoint_url(
                &authority,
                "11111111-2222-3333-4444-555555555555",
                Endpoint::Token
            )
            .unwrap()
            .as_str(),
            "http://127.0.0.1:8080/entra/11111111-2222-3333-4444-555555555555/oauth2/v2.0/token"
        );
    }

    #[test]
    fn plain_http_elsewhere_and_other_schemes_are_refused() {
        let tenant = "contoso.com";
        assert!(matches!(
            endpoint_url(&url("http://login.example.com"), tenant, Endpoint::Token),
            Err(EndpointError::NotHttps(_))
        ));
        assert!(matches!(
            endpoint_url(&url("ftp://login.example.com"), tenant, Endpoint::Token),
            Err(EndpointError::NotAnAuthority(_))
        ));
        assert!(matches!(
            endpoint_url(
                &url("https://login.example.com/?x=1"),
                tenant,
                Endpoint::Token
            ),
            Err(EndpointError::NotAnAuthority(_))
        ));
    }

    #[test]
    fn a_tenant_must_be_named() {
        let authority = url("https://login.microsoftonline.com");
        for tenant in ["", "common", "Organizations", "consumers", "not a tenant"] {
            assert!(
                matches!(
                    endpoint_url(&authority, tenant, Endpoint::Authorize),
                    Err(EndpointError::TenantNotNamed(_))
                ),
                "{tenant}"
            );
        }
    }
}
