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
    /// Key rotation: make the new certificate.
    NewCertificate,
    /// Key rotation: register a certificate on the app (Graph `addKey`).
    Upload,
    /// Key rotation: request tokens with the new certificate until Entra accepts it.
    WaitForEntra,
    /// Key rotation: a whole test connection with the new certificate.
    TestNew,
    /// Key rotation: point the saved profile at the new certificate.
    SwitchProfile,
    /// Key rotation: unregister a certificate from the app (Graph `removeKey`).
    RemoveKey,
    /// App setup: read Microsoft Graph's application roles, to resolve the chosen ones' IDs.
    ReadGraphRoles,
    /// App setup: create the app registration with the certificate (`POST /applications`).
    CreateApp,
    /// App setup: create the app's service principal (`POST /servicePrincipals`).
    CreateServicePrincipal,
    /// App setup: grant the Graph application roles (admin consent, `appRoleAssignedTo`).
    GrantRoles,
    /// App setup: grant a Sites.Selected app the site (`POST /sites/{id}/permissions`).
    GrantSite,
    /// App setup: save the connected profile.
    SaveProfile,
    /// App setup: read an existing app's certificates (and roles).
    ReadApp,
    /// App setup: add a certificate to an existing app, keeping its keys.
    AddCertificate,
    /// A certificate in Azure Key Vault: a token for the vault, and the certificate read from it.
    ReachKeyVault,
    /// A certificate in Azure Key Vault: the client assertion signed by the vault's key.
    SignInKeyVault,
}

impl Step {
    /// Every step of a test connection, in run order.
    pub const ALL: [Step; 7] = [
        Self::Profile,
        Self::Certificate,
        Self::Assertion,
        Self::Token,
        Self::GraphSite,
        Self::Drive,
        Self::Items,
    ];

    /// Every step of a test connection whose certificate is in Azure Key Vault: reaching the
    /// vault stands for loading the certificate, and the vault signs the assertion.
    pub const KEY_VAULT: [Step; 7] = [
        Self::Profile,
        Self::ReachKeyVault,
        Self::SignInKeyVault,
        Self::Token,
        Self::GraphSite,
        Self::Drive,
        Self::Items,
    ];

    /// The steps of a certificate rotation, in run order (settings, certificate and token are the
    /// test's own steps, done with the current certificate).
    pub const ROTATION: [Step; 9] = [
        Self::Profile,
        Self::Certificate,
        Self::NewCertificate,
        Self::Token,
        Self::Upload,
        Self::WaitForEntra,
        Self::TestNew,
        Self::SwitchProfile,
        Self::RemoveKey,
    ];

    /// The steps of registering a new app, in run order (the site grant only for Sites.Selected
    /// with a site; saving only when asked).
    pub const REGISTRATION: [Step; 9] = [
        Self::Profile,
        Self::ReadGraphRoles,
        Self::CreateApp,
        Self::CreateServicePrincipal,
        Self::GrantRoles,
        Self::GrantSite,
        Self::WaitForEntra,
        Self::TestNew,
        Self::SaveProfile,
    ];

    /// The steps of adding a certificate to an existing app.
    pub const ADD_CERTIFICATE: [Step; 2] = [Self::ReadApp, Self::AddCertificate];

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
            Self::NewCertificate => "new_certificate",
            Self::Upload => "upload",
            Self::WaitForEntra => "wait_for_entra",
            Self::TestNew => "test_new",
            Self::SwitchProfile => "switch_profile",
            Self::RemoveKey => "remove_key",
            Self::ReadGraphRoles => "read_graph_roles",
            Self::CreateApp => "create_app",
            Self::CreateServicePrincipal => "create_service_principal",
            Self::GrantRoles => "grant_roles",
            Self::GrantSite => "grant_site",
            Self::SaveProfile => "save_profile",
            Self::ReadApp => "read_app",
            Self::AddCertificate => "add_certificate",
            Self::ReachKeyVault => "reach_key_vault",
            Self::SignInKeyVault => "sign_in_key_vault",
        }
    }

    /// What the step does in an app setup, for people: the test there uses the certificate as it
    /// is registered on the app, which may have been there before (the rotation's is new).
    pub fn setup_label(self) -> &'static str {
        match self {
            Self::TestNew => "Test with the registered certificate",
            step => step.label(),
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
            Self::NewCertificate => "Make new certificate",
            Self::Upload => "Upload to the app registration",
            Self::WaitForEntra => "Wait for Entra to accept it",
            Self::TestNew => "Test with the new certificate",
            Self::SwitchProfile => "Switch profile to the new certificate",
            Self::RemoveKey => "Remove the old key",
            Self::ReadGraphRoles => "Read Microsoft Graph's permissions",
            Self::CreateApp => "Create the app registration",
            Self::CreateServicePrincipal => "Create its service principal",
            Self::GrantRoles => "Grant admin consent",
            Self::GrantSite => "Grant the site",
            Self::SaveProfile => "Save the profile",
            Self::ReadApp => "Read the app registration",
            Self::AddCertificate => "Add the certificate",
            Self::ReachKeyVault => "Reach Key Vault",
            Self::SignInKeyVault => "Sign in Key Vault",
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
    /// The low-level error text behind a plain message (e.g. the network library's error chain),
    /// kept for support: the message says what happened in words, this says it in the library's.
    /// Boxed (one pointer) so that a `Failure` stays small enough to return in a `Result`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub raw: Option<Box<String>>,
}

/// The codes of certconnect's own failures that callers act on, so the step that reports one and the
/// [`Failure`] predicates that recognise it share one spelling. (Other codes are only shown.)
pub mod codes {
    /// A protected file and no password was given.
    pub const PASSWORD_REQUIRED: &str = "password_required";
    /// The password given does not open the file.
    pub const WRONG_PASSWORD: &str = "wrong_password";
    /// The profile's remembered password could not be read from the credential store.
    pub const PASSWORD_NOT_AVAILABLE: &str = "password_not_available";
    /// The certificate's validity has ended.
    pub const EXPIRED: &str = "expired";
    /// The run was cancelled.
    pub const CANCELLED: &str = "cancelled";
    /// The token URL and the Graph URL belong to different servers: the token would be refused.
    pub const SETTINGS_DISAGREE: &str = "settings_disagree";
}

/// Entra's AADSTS number for "the assertion's certificate is not registered on the app".
const AADSTS_UNKNOWN_KEY: u32 = 700_027;
/// Entra's AADSTS number for "the assertion is outside its valid time".
const AADSTS_CLOCK_SKEW: u32 = 700_024;

impl Failure {
    /// Whether the fix is to give (another) password: none was given, the one given is wrong,
    /// or the remembered one could not be read.
    pub fn is_password_failure(&self) -> bool {
        [
            codes::PASSWORD_REQUIRED,
            codes::WRONG_PASSWORD,
            codes::PASSWORD_NOT_AVAILABLE,
        ]
        .contains(&self.code.as_str())
    }

    /// Whether the certificate has expired.
    pub fn is_expired_certificate(&self) -> bool {
        self.code == codes::EXPIRED
    }

    /// Whether the run was cancelled (rather than failed).
    pub fn is_cancelled(&self) -> bool {
        self.code == codes::CANCELLED
    }

    /// The AADSTS number when Entra refused (`AADSTS700027` is 700027).
    pub fn aadsts(&self) -> Option<u32> {
        self.code.strip_prefix("AADSTS")?.parse().ok()
    }

    /// Whether Entra does not know the key that signed the assertion (not registered on the app,
    /// or not yet: a new key takes a while to be accepted).
    pub fn is_unknown_key(&self) -> bool {
        self.aadsts() == Some(AADSTS_UNKNOWN_KEY)
    }

    /// Whether Entra found the assertion outside its valid time: this machine's clock is off.
    pub fn is_clock_skew(&self) -> bool {
        self.aadsts() == Some(AADSTS_CLOCK_SKEW)
    }
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
    /// The step the event belongs to: every event has one, so retries and warnings can be shown
    /// under the step they happened in.
    pub fn step(&self) -> Step {
        match self {
            Self::Started { step }
            | Self::Done { step, .. }
            | Self::Failed { step, .. }
            | Self::Retrying { step, .. }
            | Self::Warning { step, .. } => *step,
        }
    }

    /// The text of a retry or warning without its step (`HTTP 429; retry 1 in 1000 ms`), for
    /// places that already show it under its step.
    pub fn note_text(&self) -> Option<String> {
        match self {
            Self::Retrying {
                retry,
                reason,
                wait_ms,
                ..
            } => Some(format!("{reason}; retry {retry} in {wait_ms} ms")),
            Self::Warning { message, .. } => Some(message.clone()),
            _ => None,
        }
    }

    /// The one-line note of a retry or warning (`Request access token: HTTP 429; retry 1 in 1000 ms`),
    /// the same in the CLI and the app.
    pub fn note(&self) -> Option<String> {
        self.note_text()
            .map(|text| format!("{}: {text}", self.step().label()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_name_their_step_once() {
        let retry = TestEvent::Retrying {
            step: Step::Token,
            retry: 1,
            reason: "HTTP 429".into(),
            wait_ms: 1000,
        };
        assert_eq!(retry.step(), Step::Token);
        assert_eq!(
            retry.note_text().as_deref(),
            Some("HTTP 429; retry 1 in 1000 ms")
        );
        assert_eq!(
            retry.note().as_deref(),
            Some("Request access token: HTTP 429; retry 1 in 1000 ms")
        );
        let warning = TestEvent::Warning {
            step: Step::Profile,
            message: "multi tenant".into(),
        };
        assert_eq!(
            warning.note().as_deref(),
            Some("Check settings: multi tenant")
        );
        assert_eq!(TestEvent::Started { step: Step::Items }.note(), None);
    }

    fn with_code(code: &str) -> Failure {
        Failure {
            code: code.into(),
            ..Failure::default()
        }
    }

    #[test]
    fn predicates_recognise_the_codes_callers_act_on() {
        for code in [
            "password_required",
            "wrong_password",
            "password_not_available",
        ] {
            assert!(with_code(code).is_password_failure(), "{code}");
        }
        for code in [
            "corrupt",
            "not_found",
            "credential_store",
            "AADSTS700027",
            "",
        ] {
            assert!(!with_code(code).is_password_failure(), "{code}");
        }
        assert!(with_code("expired").is_expired_certificate());
        assert!(!with_code("not_yet_valid").is_expired_certificate());
        assert!(with_code("cancelled").is_cancelled());
        assert!(!with_code("timeout").is_cancelled());
        assert!(with_code("AADSTS700027").is_unknown_key());
        assert!(!with_code("AADSTS7000270").is_unknown_key());
        assert!(!with_code("AADSTS700024").is_unknown_key());
        assert!(with_code("AADSTS700024").is_clock_skew());
        assert!(!with_code("http_700024").is_clock_skew());
        assert_eq!(with_code("AADSTS90002").aadsts(), Some(90002));
        assert_eq!(with_code("accessDenied").aadsts(), None);
    }

    #[test]
    fn raw_is_left_out_of_json_when_absent() {
        let failure = Failure {
            code: "network".into(),
            ..Failure::default()
        };
        let json = serde_json::to_value(&failure).unwrap_or_default();
        assert!(json.get("raw").is_none());
        let json = serde_json::to_value(Failure {
            raw: Some(Box::new("tcp connect error".into())),
            ..failure
        })
        .unwrap_or_default();
        assert_eq!(json["raw"], "tcp connect error");
    }
}
