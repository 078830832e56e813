//! Which of "Set up in Entra…"'s jobs fixes a failed test connection, decided from the failure's
//! code and status, never its text: the app unknown in the tenant (AADSTS700016) wants an app,
//! registered or picked; the certificate unknown on the app (AADSTS700027) wants it uploaded; Graph
//! refusing an app-only read (403) wants the application permission the read needs.

use super::graph_roles::ConnectorAccess;
use crate::core::event::{Failure, Step};

/// Entra's AADSTS number for "no app with this client ID in the tenant".
const AADSTS_APP_NOT_FOUND: u32 = 700_016;

/// The wizard's job that fixes a failure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SetupFix {
    /// No app has the profile's client ID in the tenant: register one, or pick an existing one.
    SetUpApp,
    /// The app does not know the profile's certificate: add it, keeping the app's other keys.
    UploadCertificate,
    /// Graph refused the read for want of an application permission: grant the one it needs.
    GrantPermission(ConnectorAccess),
}

impl SetupFix {
    /// The button that offers the fix.
    pub fn label(self) -> &'static str {
        match self {
            Self::SetUpApp => "Set up in Entra…",
            Self::UploadCertificate => "Upload this certificate to the app…",
            Self::GrantPermission(_) => "Grant the missing permission…",
        }
    }

    /// What the button does, in plain words (its hover text).
    pub fn explanation(self) -> &'static str {
        match self {
            Self::SetUpApp => {
                "Sign in as an administrator and register a new app for this profile, or pick an existing one."
            }
            Self::UploadCertificate => {
                "Sign in as an administrator and add this certificate to the app with this client ID; its other certificates are kept."
            }
            Self::GrantPermission(_) => {
                "Sign in as an administrator and grant the app the Microsoft Graph application permission this read needs, with admin consent."
            }
        }
    }
}

/// The fix for a test that failed at `step` with `failure`, if the wizard has one.
pub fn setup_fix(step: Step, failure: &Failure) -> Option<SetupFix> {
    match step {
        Step::Token if failure.aadsts() == Some(AADSTS_APP_NOT_FOUND) => Some(SetupFix::SetUpApp),
        Step::Token if failure.is_unknown_key() => Some(SetupFix::UploadCertificate),
        Step::GraphSite | Step::Drive | Step::Items if failure.status == Some(403) => {
            Some(SetupFix::GrantPermission(needed_access(step)))
        }
        _ => None,
    }
}

/// The access the failing read needs: a site needs a site role; a drive and its items are
/// readable with a files role too, which reaches no further than the drives.
fn needed_access(step: Step) -> ConnectorAccess {
    match step {
        Step::GraphSite => ConnectorAccess::ReadSites,
        _ => ConnectorAccess::ReadFiles,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failure(code: &str, status: Option<u16>) -> Failure {
        Failure {
            code: code.into(),
            message: "AADSTS700027: whatever the text says".into(),
            status,
            ..Failure::default()
        }
    }

    #[test]
    fn each_fix_comes_from_the_code_and_status() {
        let fix = |step, code, status| setup_fix(step, &failure(code, status));
        assert_eq!(
            fix(Step::Token, "AADSTS700016", Some(400)),
            Some(SetupFix::SetUpApp)
        );
        assert_eq!(
            fix(Step::Token, "AADSTS700027", Some(401)),
            Some(SetupFix::UploadCertificate)
        );
        assert_eq!(
            fix(Step::GraphSite, "accessDenied", Some(403)),
            Some(SetupFix::GrantPermission(ConnectorAccess::ReadSites))
        );
        assert_eq!(
            fix(Step::Drive, "accessDenied", Some(403)),
            Some(SetupFix::GrantPermission(ConnectorAccess::ReadFiles))
        );
        // The message names 700027, the code does not: no fix.
        assert_eq!(fix(Step::Token, "AADSTS7000215", Some(401)), None);
        assert_eq!(fix(Step::GraphSite, "itemNotFound", Some(404)), None);
        assert_eq!(fix(Step::Certificate, "AADSTS700027", None), None);
    }
}
