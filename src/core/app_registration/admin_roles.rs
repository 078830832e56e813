//! The directory role an administrator lacks when Graph refuses a setup step.
//!
//! Graph answers 403 `Authorization_RequestDenied` ("Insufficient privileges…") whatever is
//! missing; the step that was refused says which directory roles would have allowed it, so the
//! admin learns whom to ask instead of reading Graph's sentence.

use serde::Deserialize;

use crate::core::signin::scopes::SetupStep;

/// A Microsoft Entra directory role.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DirectoryRole {
    /// Manages every app registration.
    ApplicationAdministrator,
    /// As Application Administrator, without the application proxy.
    CloudApplicationAdministrator,
    /// Creates app registrations (and manages those it owns).
    ApplicationDeveloper,
    /// Grants roles, Graph's application roles included.
    PrivilegedRoleAdministrator,
    /// Everything.
    GlobalAdministrator,
    /// Manages SharePoint, site permissions included.
    SharePointAdministrator,
}

impl DirectoryRole {
    /// The role's name as the portal shows it.
    pub fn name(self) -> &'static str {
        match self {
            Self::ApplicationAdministrator => "Application Administrator",
            Self::CloudApplicationAdministrator => "Cloud Application Administrator",
            Self::ApplicationDeveloper => "Application Developer",
            Self::PrivilegedRoleAdministrator => "Privileged Role Administrator",
            Self::GlobalAdministrator => "Global Administrator",
            Self::SharePointAdministrator => "SharePoint Administrator",
        }
    }
}

/// The directory roles any one of which allows `step`; empty for a step that only reads.
pub fn roles_for_step(step: SetupStep) -> &'static [DirectoryRole] {
    use DirectoryRole::*;
    match step {
        SetupStep::Register | SetupStep::AddCertificate => &[
            ApplicationAdministrator,
            CloudApplicationAdministrator,
            ApplicationDeveloper,
        ],
        SetupStep::Consent => &[PrivilegedRoleAdministrator, GlobalAdministrator],
        SetupStep::GrantSite => &[SharePointAdministrator],
        SetupStep::Show => &[],
    }
}

/// Graph refused a step for want of a directory role.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AdminRoleHint {
    /// The refused step.
    pub step: SetupStep,
    /// Any one of these would allow it.
    pub roles: &'static [DirectoryRole],
    /// Graph's own message, shown below the hint.
    pub graph_message: String,
}

impl AdminRoleHint {
    /// The hint as shown.
    pub fn message(&self) -> String {
        let action = match self.step {
            SetupStep::Register => "create app registrations",
            SetupStep::AddCertificate => "change this app's certificates",
            SetupStep::Consent => "grant Microsoft Graph application permissions",
            SetupStep::GrantSite => "grant the app access to the site",
            SetupStep::Show => "read this app",
        };
        let names: Vec<&str> = self.roles.iter().map(|r| r.name()).collect();
        let roles = match names.as_slice() {
            [] => String::new(),
            [one] => (*one).to_owned(),
            [head @ .., last] => format!("{} or {last}", head.join(", ")),
        };
        let owner = if self.step == SetupStep::AddCertificate {
            " (an Application Developer only for apps they own)"
        } else {
            ""
        };
        format!(
            "The signed-in account may not {action}: it needs the directory role {roles}{owner}. Sign in with an account that has one, or ask an administrator who does."
        )
    }
}

#[derive(Deserialize)]
struct Envelope {
    error: GraphError,
}

#[derive(Deserialize)]
struct GraphError {
    #[serde(default)]
    code: String,
    #[serde(default)]
    message: String,
}

/// The hint for Graph's answer to `step`, when it is a 403 for missing rights: the directory's
/// `Authorization_RequestDenied`, or, for the site grant, SharePoint's `accessDenied`. `None` for
/// any other answer, and for a step no directory role is known to unlock.
pub fn admin_role_hint(step: SetupStep, status: u16, body: &[u8]) -> Option<AdminRoleHint> {
    if status != 403 {
        return None;
    }
    let Envelope { error } = serde_json::from_slice(body).ok()?;
    let denied = error.code == "Authorization_RequestDenied"
        || (step == SetupStep::GrantSite && error.code == "accessDenied");
    let roles = roles_for_step(step);
    (denied && !roles.is_empty()).then_some(AdminRoleHint {
        step,
        roles,
        graph_message: error.message,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const DENIED: &[u8] = br#"{"error":{"code":"Authorization_RequestDenied","message":"Insufficient privileges to complete the operation.","innerError":{"request-id":"r"}}}"#;

    #[test]
    fn each_step_names_the_roles_that_allow_it() {
        let hint = admin_role_hint(SetupStep::Register, 403, DENIED).unwrap();
        assert_eq!(
            hint.graph_message,
            "Insufficient privileges to complete the operation."
        );
        assert_eq!(
            hint.message(),
            "The signed-in account may not create app registrations: it needs the directory role Application Administrator, Cloud Application Administrator or Application Developer. Sign in with an account that has one, or ask an administrator who does."
        );
        let consent = admin_role_hint(SetupStep::Consent, 403, DENIED).unwrap();
        assert_eq!(
            consent.roles,
            [
                DirectoryRole::PrivilegedRoleAdministrator,
                DirectoryRole::GlobalAdministrator
            ]
        );
        assert!(
            consent
                .message()
                .contains("Privileged Role Administrator or Global Administrator")
        );
        let site = admin_role_hint(SetupStep::GrantSite, 403, DENIED).unwrap();
        assert!(
            site.message()
                .contains("the directory role SharePoint Administrator.")
        );
        let add = admin_role_hint(SetupStep::AddCertificate, 403, DENIED).unwrap();
        assert!(add.message().contains("only for apps they own"));
    }

    #[test]
    fn the_site_grant_also_reads_sharepoints_access_denied() {
        let body = br#"{"error":{"code":"accessDenied","message":"Access denied"}}"#;
        assert!(admin_role_hint(SetupStep::GrantSite, 403, body).is_some());
        assert!(admin_role_hint(SetupStep::Register, 403, body).is_none());
    }

    #[test]
    fn other_answers_give_no_hint() {
        assert!(admin_role_hint(SetupStep::Register, 401, DENIED).is_none());
        assert!(admin_role_hint(SetupStep::Register, 403, b"<html>").is_none());
        assert!(admin_role_hint(SetupStep::Show, 403, DENIED).is_none());
        let other = br#"{"error":{"code":"Request_BadRequest","message":"x"}}"#;
        assert!(admin_role_hint(SetupStep::Consent, 403, other).is_none());
    }
}
