//! Trust in an imported profile. A profile file can come from anyone: whoever wrote it chose the
//! hosts a test sends the signed client assertion and the access token to, the credential-store
//! entries it opens, and the CA it trusts. So an imported profile is not used as it is: while it is
//! unconfirmed, a test that would send something to a host outside Microsoft's clouds (or this
//! computer), open a credential-store entry the import did not bring, or trust its CA file, stops
//! and names what it would do, until the admin confirms the profile on this machine (the app asks;
//! the CLI takes `profile trust NAME`, or the value itself given on the command line).

use url::Url;

use super::profile::{CertificateSource, Origin, PasswordSource, Profile};

/// The sign-in hosts of Microsoft's clouds (global, US Government, China).
pub(crate) const LOGIN_HOSTS: [&str; 6] = [
    "login.microsoftonline.com",
    "login.microsoft.com",
    "login.windows.net",
    "login.microsoftonline.us",
    "login.chinacloudapi.cn",
    "login.partner.microsoftonline.cn",
];

/// The Microsoft Graph hosts of Microsoft's clouds.
const GRAPH_HOSTS: [&str; 4] = [
    "graph.microsoft.com",
    "graph.microsoft.us",
    "dod-graph.microsoft.us",
    "microsoftgraph.chinacloudapi.cn",
];

/// Which of a profile's values were given on this machine for this run (command-line flags), so
/// they need no confirmation.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct GivenHere {
    /// The token URL (or tenant).
    pub token_url: bool,
    /// The Graph URL.
    pub graph_url: bool,
    /// The certificate (a file given on the command line).
    pub certificate: bool,
    /// The password (from the environment or stdin).
    pub password: bool,
    /// The CA file.
    pub ca_file: bool,
}

/// What an unconfirmed imported profile would do that its author chose, in plain words (empty
/// when the profile is local, confirmed, or does nothing of the kind).
pub fn unconfirmed(profile: &Profile, given: GivenHere) -> Vec<String> {
    let Origin::Imported { brought_entries } = &profile.origin else {
        return Vec::new();
    };
    let mut concerns = Vec::new();
    if !given.token_url && !is_trusted_host(&profile.authority.token_url, &LOGIN_HOSTS) {
        concerns.push(format!(
            "it sends the signed client assertion to {}, which is not a Microsoft sign-in host",
            host_of(&profile.authority.token_url)
        ));
    }
    if !given.graph_url && !is_trusted_host(&profile.graph_url, &GRAPH_HOSTS) {
        concerns.push(format!(
            "it sends the access token to {}, which is not a Microsoft Graph host",
            host_of(&profile.graph_url)
        ));
    }
    let brought = |entry: &str| brought_entries.iter().any(|e| e == entry);
    if !given.certificate
        && let CertificateSource::CredentialStore { entry } = &profile.certificate
        && !brought(entry)
    {
        concerns.push(format!(
            "it signs with the certificate '{entry}' of this computer's credential store, which the import did not bring"
        ));
    }
    // A vault certificate signs with this computer's way into Azure (az login, its managed
    // identity, another saved profile): the file's author chose both the vault and that way in.
    if !given.certificate
        && let CertificateSource::KeyVault { url, access } = &profile.certificate
    {
        concerns.push(format!(
            "it signs with the Key Vault certificate {url}, reached through {} of this computer",
            access.label()
        ));
    }
    if !given.password
        && let PasswordSource::CredentialStore { entry } = profile.certificate.password()
        && !brought(entry)
    {
        concerns.push(format!(
            "it opens its certificate with the password remembered under '{entry}', which the import did not bring"
        ));
    }
    if !given.certificate
        && let Some(module) = pkcs11_module(&profile.certificate)
    {
        concerns.push(format!(
            "it loads the PKCS#11 module {module}, native code that runs inside certconnect"
        ));
    }
    if !given.ca_file
        && let Some(ca) = &profile.ca_file
    {
        concerns.push(format!(
            "it trusts the CA certificate in {} for its connections",
            ca.display()
        ));
    }
    concerns
}

/// The PKCS#11 module an imported, unconfirmed profile would load: the app's certificate card does
/// not load it (loading runs the module's native code) until the profile is confirmed.
pub fn unconfirmed_module(source: &CertificateSource, origin: &Origin) -> Option<String> {
    match origin {
        Origin::Imported { .. } => pkcs11_module(source),
        _ => None,
    }
}

/// The module file a hardware-token source names (its own, or its URI's `module-path`). A source
/// that names none loads one of the platform's usual modules, which the admin installed.
fn pkcs11_module(source: &CertificateSource) -> Option<String> {
    let CertificateSource::Pkcs11 { uri, module, .. } = source else {
        return None;
    };
    let from_uri = super::pkcs11_uri::Pkcs11Uri::parse(uri)
        .ok()
        .and_then(|u| u.module_path);
    from_uri.or_else(|| module.as_ref().map(|m| m.display().to_string()))
}

/// Whether `url` is HTTPS to one of `hosts`, or goes to this computer.
fn is_trusted_host(url: &Url, hosts: &[&str]) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    if is_loopback(&host) {
        return true;
    }
    url.scheme() == "https" && hosts.contains(&host.as_str())
}

fn is_loopback(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

fn host_of(url: &Url) -> String {
    match (url.host_str(), url.port()) {
        (Some(host), Some(port)) => format!("{host}:{port}"),
        (Some(host), None) => host.to_owned(),
        (None, _) => url.as_str().to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::draft::ProfileDraft;

    fn imported(adjust: impl FnOnce(&mut ProfileDraft)) -> Profile {
        let mut draft = ProfileDraft {
            name: "Shared".into(),
            tenant: "contoso.onmicrosoft.com".into(),
            client_id: "3f6d0c6e-6a4b-4c1e-9d7a-5e2b8c0a1f42".into(),
            pfx_path: "/tmp/app.pfx".into(),
            ..ProfileDraft::default()
        };
        draft.refresh_token_url();
        adjust(&mut draft);
        draft.parse().unwrap().with_origin(Origin::Imported {
            brought_entries: vec!["brought".into()],
        })
    }

    #[test]
    fn microsoft_clouds_and_loopback_need_no_confirmation() {
        assert!(unconfirmed(&imported(|_| {}), GivenHere::default()).is_empty());
        let local = imported(|d| {
            d.preset = crate::core::authority::Preset::Custom;
            d.token_url = "http://127.0.0.1:8400/t/oauth2/v2.0/token".into();
            d.graph_url = "http://localhost:8400/v1.0".into();
            d.refresh_scope();
        });
        assert!(unconfirmed(&local, GivenHere::default()).is_empty());
    }

    #[test]
    fn other_hosts_store_entries_and_ca_files_are_named_until_given_here() {
        let hostile = imported(|d| {
            d.graph_url = "https://graph.attacker.example/v1.0".into();
            d.cert_kind = crate::core::draft::CertKind::CredentialStore;
            d.store_entry = "prod-cert".into();
            d.ca_file = "/tmp/ca.pem".into();
        });
        let concerns = unconfirmed(&hostile, GivenHere::default());
        assert_eq!(concerns.len(), 3, "{concerns:?}");
        assert!(concerns[0].contains("graph.attacker.example"));
        assert!(concerns[1].contains("'prod-cert'"));
        let given = GivenHere {
            graph_url: true,
            certificate: true,
            ca_file: true,
            ..GivenHere::default()
        };
        assert!(unconfirmed(&hostile, given).is_empty());
        let confirmed = hostile.with_origin(Origin::Local);
        assert!(unconfirmed(&confirmed, GivenHere::default()).is_empty());
    }

    #[test]
    fn a_vault_and_its_way_in_are_named_until_confirmed() {
        let vault = imported(|d| {
            d.cert_kind = crate::core::draft::CertKind::KeyVault;
            d.key_vault_url = "https://contoso.vault.azure.net/certificates/app".into();
            d.vault_access = crate::core::key_vault::VaultAccess::Profile("Nightly".into());
        });
        let concerns = unconfirmed(&vault, GivenHere::default());
        assert_eq!(concerns.len(), 1, "{concerns:?}");
        assert!(concerns[0].contains("contoso.vault.azure.net"));
        assert!(concerns[0].contains("'Nightly'"));
        let given = GivenHere {
            certificate: true,
            ..GivenHere::default()
        };
        assert!(unconfirmed(&vault, given).is_empty());
        assert!(unconfirmed(&vault.with_origin(Origin::Local), GivenHere::default()).is_empty());
    }

    #[test]
    fn a_pkcs11_module_path_is_named_until_confirmed() {
        let token = |uri: &str, module: &str| {
            imported(|d| {
                d.cert_kind = crate::core::draft::CertKind::Pkcs11;
                d.pkcs11.uri = uri.into();
                d.pkcs11.module = module.into();
            })
        };
        let concerns = unconfirmed(
            &token("pkcs11:token=t", "/tmp/evil.so"),
            GivenHere::default(),
        );
        assert_eq!(concerns.len(), 1, "{concerns:?}");
        assert!(concerns[0].contains("/tmp/evil.so"), "{concerns:?}");
        let in_uri = token("pkcs11:token=t?module-path=/tmp/other.so", "");
        let concerns = unconfirmed(&in_uri, GivenHere::default());
        assert!(concerns[0].contains("/tmp/other.so"), "{concerns:?}");
        // The platform's usual modules need no confirmation; nor does a module given here.
        assert!(unconfirmed(&token("pkcs11:token=t", ""), GivenHere::default()).is_empty());
        let given = GivenHere {
            certificate: true,
            ..GivenHere::default()
        };
        assert!(unconfirmed(&in_uri, given).is_empty());
        // The card's rule: the same module, until the profile is confirmed here.
        assert_eq!(
            unconfirmed_module(in_uri.certificate(), &in_uri.origin).as_deref(),
            Some("/tmp/other.so")
        );
        let confirmed = in_uri.with_origin(Origin::Local);
        assert_eq!(
            unconfirmed_module(confirmed.certificate(), &confirmed.origin),
            None
        );
    }

    #[test]
    fn a_look_alike_microsoft_host_is_not_trusted() {
        for url in [
            "https://graph.microsoft.com.attacker.example/v1.0",
            "https://graph-microsoft.com/v1.0",
        ] {
            let profile = imported(|d| d.graph_url = url.into());
            assert_eq!(
                unconfirmed(&profile, GivenHere::default()).len(),
                1,
                "{url}"
            );
        }
    }
}
