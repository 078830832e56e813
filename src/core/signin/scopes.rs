//! The delegated Graph scopes an administrator's sign-in asks for: only those the chosen setup
//! steps need, so the consent screen asks for no more than certconnect will use (and an admin
//! whose organisation blocks a broad scope can still run the steps that do not need it).

use url::Url;

/// A setup step run with the administrator's token.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SetupStep {
    /// Create the app registration and its service principal (`app register`).
    Register,
    /// Add a certificate to an existing app, keeping its keys (`app add-cert`).
    AddCertificate,
    /// Grant Graph application roles (admin consent through `appRoleAssignedTo`).
    Consent,
    /// Read an app's certificates and granted roles (`app show`).
    Show,
    /// Grant a Sites.Selected app one site (`POST /sites/{id}/permissions`).
    GrantSite,
}

/// A delegated Microsoft Graph permission.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DelegatedScope {
    /// Create applications and change their keys.
    ApplicationReadWriteAll,
    /// Read applications and service principals (Graph's own roles included).
    ApplicationReadAll,
    /// Grant application roles (admin consent).
    AppRoleAssignmentReadWriteAll,
    /// Grant an app access to one site.
    SitesFullControlAll,
}

impl DelegatedScope {
    /// The permission's name in Graph.
    pub fn value(self) -> &'static str {
        match self {
            Self::ApplicationReadWriteAll => "Application.ReadWrite.All",
            Self::ApplicationReadAll => "Application.Read.All",
            Self::AppRoleAssignmentReadWriteAll => "AppRoleAssignment.ReadWrite.All",
            Self::SitesFullControlAll => "Sites.FullControl.All",
        }
    }
}

/// The scopes `steps` need, each once, in a fixed order. Consent needs Application.Read.All to
/// read Graph's role list; it is left out when Application.ReadWrite.All is asked anyway, since
/// that one includes reading.
pub fn scopes_for(steps: &[SetupStep]) -> Vec<DelegatedScope> {
    let mut scopes: Vec<DelegatedScope> = steps
        .iter()
        .flat_map(|step| match step {
            SetupStep::Register | SetupStep::AddCertificate => {
                &[DelegatedScope::ApplicationReadWriteAll][..]
            }
            SetupStep::Consent => &[
                DelegatedScope::AppRoleAssignmentReadWriteAll,
                DelegatedScope::ApplicationReadAll,
            ][..],
            SetupStep::Show => &[DelegatedScope::ApplicationReadAll][..],
            SetupStep::GrantSite => &[DelegatedScope::SitesFullControlAll][..],
        })
        .copied()
        .collect();
    scopes.sort();
    scopes.dedup();
    if scopes.contains(&DelegatedScope::ApplicationReadWriteAll) {
        scopes.retain(|&s| s != DelegatedScope::ApplicationReadAll);
    }
    scopes
}

/// The `scope` parameter: each scope prefixed with the Graph origin the token is for
/// (`https://graph.microsoft.us/Application.ReadWrite.All`), because a bare `Application.ReadWrite.All`
/// means the global cloud's Graph and a national cloud's Graph would refuse the token.
/// `offline_access` asks for a refresh token too: only when the admin chose to keep the sign-in.
pub fn scope_parameter(graph_url: &Url, scopes: &[DelegatedScope], offline_access: bool) -> String {
    let origin = graph_url.origin().ascii_serialization();
    let mut parts: Vec<String> = scopes
        .iter()
        .map(|s| format!("{origin}/{}", s.value()))
        .collect();
    if offline_access {
        parts.push("offline_access".to_owned());
    }
    parts.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use DelegatedScope::*;
    use SetupStep::*;

    #[test]
    fn each_step_asks_only_its_own_scopes() {
        assert_eq!(scopes_for(&[Register]), [ApplicationReadWriteAll]);
        assert_eq!(scopes_for(&[AddCertificate]), [ApplicationReadWriteAll]);
        assert_eq!(
            scopes_for(&[Consent]),
            [ApplicationReadAll, AppRoleAssignmentReadWriteAll]
        );
        assert_eq!(scopes_for(&[Show]), [ApplicationReadAll]);
        assert_eq!(scopes_for(&[GrantSite]), [SitesFullControlAll]);
        assert_eq!(scopes_for(&[]), []);
    }

    #[test]
    fn combined_steps_ask_each_scope_once_and_read_write_covers_read() {
        assert_eq!(
            scopes_for(&[Register, Consent, GrantSite, Show, Register]),
            [
                ApplicationReadWriteAll,
                AppRoleAssignmentReadWriteAll,
                SitesFullControlAll
            ]
        );
        assert!(!scopes_for(&[Register, Consent]).contains(&SitesFullControlAll));
    }

    #[test]
    fn the_scope_parameter_names_the_clouds_graph() {
        let us = Url::parse("https://graph.microsoft.us/v1.0").unwrap();
        assert_eq!(
            scope_parameter(&us, &scopes_for(&[Register, Consent]), false),
            "https://graph.microsoft.us/Application.ReadWrite.All https://graph.microsoft.us/AppRoleAssignment.ReadWrite.All"
        );
        let sandbox = Url::parse("http://127.0.0.1:4000/v1.0").unwrap();
        assert_eq!(
            scope_parameter(&sandbox, &[ApplicationReadAll], true),
            "http://127.0.0.1:4000/Application.Read.All offline_access"
        );
    }
}
