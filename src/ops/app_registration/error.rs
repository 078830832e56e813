//! Why an app setup step stopped, and what was done by then with the command to finish or undo it.

use crate::core::app_registration::admin_roles::{AdminRoleHint, admin_role_hint};
use crate::core::app_registration::key_credentials::KeyCredentialsError;
use crate::core::app_registration::role_ids::RoleIdError;
use crate::core::event::{Failure, Step};
use crate::core::signin::scopes::SetupStep;
use crate::net::{GraphAdminError, GraphError};
use crate::probe::ProbeError;

/// An app setup step that stopped. Unless a variant says otherwise, the step itself changed
/// nothing (earlier steps' work is listed beside it).
#[derive(Debug, thiserror::Error)]
pub enum AppSetupError {
    /// The input breaks a rule; nothing was sent.
    #[error("{0}")]
    Invalid(String),
    /// Graph refused for want of a directory role; the hint names the roles that allow the step.
    #[error("{}", .hint.message())]
    AdminRoleMissing {
        /// The roles, in plain words.
        hint: Box<AdminRoleHint>,
        /// Graph's answer.
        graph: Box<GraphError>,
    },
    /// Graph refused, gave no answer, or answered something unexpected.
    #[error(transparent)]
    Graph(Box<GraphAdminError>),
    /// A chosen role is not one Graph can grant an application.
    #[error(transparent)]
    Role(#[from] RoleIdError),
    /// The app's keys cannot be merged safely; nothing was changed.
    #[error(transparent)]
    Keys(#[from] KeyCredentialsError),
    /// No app registration has this client ID.
    #[error("no app registration in the tenant has the client ID {0}")]
    AppNotFound(String),
    /// Entra did not replicate within the bound: the app is created and granted, but a token with
    /// every granted role was not issued yet.
    #[error("Entra has not made the app usable after {waited_secs} s: {still}")]
    NotReplicated {
        /// How long was waited.
        waited_secs: u64,
        /// What was still missing at the last attempt.
        still: String,
    },
    /// The run was cancelled before this step finished.
    #[error("cancelled")]
    Cancelled,
    /// The test connection with the new app failed.
    #[error("the test connection failed at '{}': {}", .0.step.label(), .0.failure.message)]
    TestFailed(Box<ProbeError>),
    /// The connected profile could not be saved.
    #[error("the profile could not be saved: {0}")]
    NotSaved(Box<crate::ops::OpsError>),
}

impl AppSetupError {
    /// Graph's error for `step`: a 403 for want of a directory role becomes
    /// [`AppSetupError::AdminRoleMissing`].
    pub(crate) fn graph(step: Step, error: GraphAdminError) -> Self {
        if let (GraphAdminError::Refused(graph), Some(setup)) = (&error, setup_step(step))
            && let Some(hint) = admin_role_hint(setup, graph.status, &graph.envelope())
        {
            return Self::AdminRoleMissing {
                hint: Box::new(hint),
                graph: Box::new(graph.clone()),
            };
        }
        if error.is_cancelled() {
            return Self::Cancelled;
        }
        Self::Graph(Box::new(error))
    }

    /// Whether the input was at fault (exit 2), not the service.
    pub fn is_input_error(&self) -> bool {
        matches!(self, Self::Invalid(_) | Self::Role(_))
    }

    /// The failure shown on the ladder: what happened and the fix.
    pub fn failure(&self, step: Step) -> Failure {
        let plain = |code: &str, hint: &str| Failure {
            code: code.into(),
            message: self.to_string(),
            hint: hint.into(),
            ..Failure::default()
        };
        match self {
            Self::Invalid(_) => plain("invalid_input", "Correct the input and run it again."),
            Self::AdminRoleMissing { hint, graph } => Failure {
                code: graph.code.clone(),
                message: format!("Graph refused (HTTP {}): {}", graph.status, graph.message),
                hint: hint.message(),
                status: Some(graph.status),
                details: graph.details(),
                raw: None,
            },
            Self::Graph(error) => {
                let mut failure = error.to_failure();
                if let Some(hint) = graph_hint(step, error) {
                    failure.hint = hint.into();
                }
                failure
            }
            Self::Role(_) => plain(
                "role_not_grantable",
                "Choose Microsoft Graph application permissions such as Sites.Read.All, Sites.Selected or Files.Read.All.",
            ),
            Self::Keys(_) => plain(
                "key_credentials",
                "Nothing was changed. Run it again; if it persists, add the certificate in the portal (Certificates & secrets > Upload certificate).",
            ),
            Self::AppNotFound(_) => plain(
                "app_not_found",
                "Copy the Application (client) ID from the app registration's Overview page.",
            ),
            Self::NotReplicated { .. } => plain(
                "entra_wait_exceeded",
                "Everything is created and granted; Entra can take longer in large tenants. Test again in a few minutes (the client ID is listed below).",
            ),
            Self::Cancelled => Failure {
                hint: "Run it again when ready (what was done is listed below).".into(),
                ..crate::net::cancelled()
            },
            Self::TestFailed(error) => Failure {
                message: self.to_string(),
                ..error.failure.clone()
            },
            Self::NotSaved(_) => plain(
                "profile_not_saved",
                "The app is connected; save a profile with the client ID listed below (another name if this one is taken).",
            ),
        }
    }
}

/// The directory-role rule for a ladder step.
fn setup_step(step: Step) -> Option<SetupStep> {
    Some(match step {
        Step::CreateApp | Step::CreateServicePrincipal => SetupStep::Register,
        Step::GrantRoles => SetupStep::Consent,
        Step::GrantSite => SetupStep::GrantSite,
        Step::AddCertificate => SetupStep::AddCertificate,
        Step::ReadApp | Step::ReadGraphRoles => SetupStep::Show,
        _ => return None,
    })
}

/// The fix for a Graph answer that is not a missing directory role.
fn graph_hint(step: Step, error: &GraphAdminError) -> Option<&'static str> {
    match (step, error) {
        (Step::CreateApp, GraphAdminError::NoAnswer(_)) => Some(
            "No answer came, so the app may have been created all the same: look for it under App registrations (All applications, by its name) before registering again, which would make a second app.",
        ),
        (_, GraphAdminError::NoAnswer(_)) => Some(
            "No answer came, so the change may have been made all the same: check the app registration before trying again.",
        ),
        (_, GraphAdminError::Refused(GraphError { status: 401, .. })) => Some(
            "Graph refused the sign-in token: sign in again (the token may have expired, or be for another cloud than the Graph URL).",
        ),
        (_, GraphAdminError::Refused(GraphError { status: 403, .. })) => Some(
            "The sign-in did not grant the permission this step needs: sign in again and accept the permissions asked for.",
        ),
        (
            Step::CreateServicePrincipal,
            GraphAdminError::Refused(GraphError { status: 400, .. }),
        ) => Some(
            "Entra has not replicated the new app yet; create the service principal later (Enterprise applications, or `az ad sp create --id` with the client ID listed below).",
        ),
        (Step::GrantSite, GraphAdminError::Refused(GraphError { status: 404, .. })) => Some(
            "No site has this ID: use the site ID as Graph gives it (host,site-guid,web-guid).",
        ),
        _ => None,
    }
}

/// What a setup run had done when it stopped, and how to finish or undo it.
#[derive(Debug)]
pub struct SetupFailed<T> {
    /// The step that stopped.
    pub step: Step,
    /// Why.
    pub error: AppSetupError,
    /// What was done before (ids of what was created or changed).
    pub done: T,
    /// What to do next: finish the job, or undo it.
    pub next_steps: Vec<String>,
}

impl<T> SetupFailed<T> {
    /// The failure as shown on the ladder.
    pub fn failure(&self) -> Failure {
        self.error.failure(self.step)
    }
}
