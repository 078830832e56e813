//! The test-connection steps and the events they report. Shared by the CLI and the desktop app.

use serde::Serialize;

/// One step of a test connection, in the order they run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// Check the profile's fields.
    Profile,
    /// Load the certificate and key.
    Certificate,
    /// Build and sign the client assertion.
    Assertion,
    /// Request the access token.
    Token,
    /// Read the site.
    GraphSite,
    /// Read the drive.
    Drive,
    /// List the first item of the drive root.
    Items,
}

impl Step {
    /// Every step in run order.
    pub const ALL: [Step; 7] = [
        Self::Profile,
        Self::Certificate,
        Self::Assertion,
        Self::Token,
        Self::GraphSite,
        Self::Drive,
        Self::Items,
    ];

    /// A stable machine name (`token`, `graph_site`, …).
    pub fn name(self) -> &'static str {
        match self {
            Self::Profile => "profile",
            Self::Certificate => "certificate",
            Self::Assertion => "assertion",
            Self::Token => "token",
            Self::GraphSite => "graph_site",
            Self::Drive => "drive",
            Self::Items => "items",
        }
    }

    /// What the step does, for people.
    pub fn label(self) -> &'static str {
        match self {
            Self::Profile => "Check settings",
            Self::Certificate => "Load certificate",
            Self::Assertion => "Sign client assertion",
            Self::Token => "Request access token",
            Self::GraphSite => "Read site",
            Self::Drive => "Read drive",
            Self::Items => "List drive items",
        }
    }
}

/// A labelled value shown under a finished step (`Thumbprint`, `Expires in`, …). Never a secret.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Detail {
    /// What it is.
    pub label: String,
    /// Its value.
    pub value: String,
}

impl Detail {
    /// A detail from anything printable.
    pub fn new(label: impl Into<String>, value: impl ToString) -> Self {
        Self {
            label: label.into(),
            value: value.to_string(),
        }
    }
}

/// Why a step failed, ready to show: a code (`AADSTS700027`, `accessDenied`, `wrong_password`),
/// the server's or loader's message, a plain-language fix, and the ids admins paste into tickets.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Failure {
    /// A stable code: the AADSTS code, the Graph error code, or certconnect's own.
    pub code: String,
    /// What happened.
    pub message: String,
    /// What to do about it.
    pub hint: String,
    /// HTTP status, when a server answered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// Further labelled facts: trace id, correlation id, request id, timestamp, clocks.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub details: Vec<Detail>,
}

/// Something a running test reports. The CLI prints these; the app draws them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum TestEvent {
    /// A step began.
    Started {
        /// The step.
        step: Step,
    },
    /// A step succeeded.
    Done {
        /// The step.
        step: Step,
        /// How long it took.
        duration_ms: u64,
        /// What it found.
        details: Vec<Detail>,
    },
    /// A step failed; the run ends.
    Failed {
        /// The step.
        step: Step,
        /// How long it ran.
        duration_ms: u64,
        /// Why.
        failure: Failure,
    },
    /// A request failed and will be tried again after a wait.
    Retrying {
        /// The step.
        step: Step,
        /// The retry about to happen (1 = first retry).
        retry: u32,
        /// Why the last attempt failed.
        reason: String,
        /// The wait before the retry.
        wait_ms: u64,
    },
    /// Something worth knowing that does not fail the step.
    Warning {
        /// The step.
        step: Step,
        /// What to know.
        message: String,
    },
}

impl TestEvent {
    /// The one-line note of a retry or warning (`Request access token: HTTP 429; retry 1 in 1000 ms`),
    /// the same in the CLI and the app.
    pub fn note(&self) -> Option<String> {
        match self {
            Self::Retrying {
                step,
                retry,
                reason,
                wait_ms,
            } => Some(format!(
                "{}: {reason}; retry {retry} in {wait_ms} ms",
                step.label()
            )),
            Self::Warning { step, message } => Some(format!("{}: {message}", step.label())),
            _ => None,
        }
    }
}
