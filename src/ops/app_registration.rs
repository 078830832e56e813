//! Setting up an app registration with an administrator's delegated token: register a new app
//! from nothing to a tested (and optionally saved) connection, add a certificate to an existing
//! app keeping every key it has, and show an app's certificates and granted roles.
//!
//! Each step is a rung on the same ladder as a test connection. Only the public certificate ever
//! leaves; nothing that could create a second app is sent twice. A run that stops lists what it
//! created (with ids) and how to finish or undo it.

mod error;
mod existing;
mod existing_app;
mod new_cert;
mod wait;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use openssl::hash::MessageDigest;
use openssl::x509::X509;
use serde::Serialize;
use serde_json::Value;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

pub use error::{AppSetupError, SetupFailed};
pub use existing::{AddCertificateJob, AppView, CertificateAdded, ShowJob, add_certificate, show};
pub use existing_app::{ExistingAppJob, FoundApp, existing_app_steps, find_apps, set_up_existing};
pub use new_cert::make_certificate;

use crate::assertion::Signer;
use crate::cert::Credential;
use crate::core::app_registration::GRAPH_APP_ID;
use crate::core::app_registration::graph_roles::{RoleWarning, role_warnings};
use crate::core::app_registration::key_credentials::NewCertificate;
use crate::core::app_registration::requests::{
    SiteRole, app_role_assignment_body, new_application_body, site_permission_body,
};
use crate::core::app_registration::role_ids::{ResolvedRole, parse_graph_service_principal};
use crate::core::draft::ProfileDraft;
use crate::core::event::{Detail, Step, TestEvent};
use crate::core::profile::Profile;
use crate::core::retry::RetryTiming;
use crate::core::thumbprint::to_hex;
use crate::credential_store::CredentialVault;
use crate::net::{GraphAdmin, GraphAdminError, Resend, build_client};
use crate::probe::{Connection, ProbeJob, StepClock, key_client};
use crate::profile_store::ProfileStore;
use crate::secret::Secret;

/// How long a registration waits for Entra by default, for the service principal and for the
/// first token with every granted role (Entra publishes no bound; minutes are common).
pub const DEFAULT_ENTRA_WAIT: Duration = Duration::from_secs(180);

/// How long one Graph call may take.
const CALL_TIMEOUT: Duration = Duration::from_secs(60);

/// The administrator's signed-in connection to Graph.
pub struct AdminGraph {
    /// The delegated access token (kept in memory only; never shown).
    pub token: Secret,
    /// Graph's URL with its version (`https://graph.microsoft.com/v1.0`).
    pub graph_url: String,
    /// A CA file to trust (plain `http://` and a CA file only for loopback, as for `test`).
    pub ca_file: Option<PathBuf>,
    /// Retry waits (the defaults for real use; tests shorten them).
    pub timing: RetryTiming,
}

impl AdminGraph {
    fn client(&self) -> Result<reqwest::Client, AppSetupError> {
        let loopback = url::Url::parse(&self.graph_url)
            .is_ok_and(|url| crate::core::url_rules::is_loopback(&url));
        build_client(self.ca_file.as_deref(), loopback)
            .map_err(|failure| AppSetupError::Invalid(failure.message))
    }

    fn calls<'a>(
        &'a self,
        client: &'a reqwest::Client,
        cancel: &'a CancellationToken,
    ) -> GraphAdmin<'a> {
        GraphAdmin {
            client,
            graph_url: &self.graph_url,
            token: &self.token,
            timing: self.timing,
            deadline: Instant::now() + CALL_TIMEOUT,
            cancel,
        }
    }
}

/// A Sites.Selected grant on one site.
#[derive(Clone, Debug)]
pub struct SiteGrant {
    /// The site's Graph ID (`host,site-guid,web-guid`).
    pub site_id: String,
    /// Read or write.
    pub role: SiteRole,
}

/// Registering a new app.
pub struct RegisterJob {
    /// The signed-in administrator.
    pub admin: AdminGraph,
    /// The app registration's name.
    pub display_name: String,
    /// The certificate, loaded by the caller from any source; only its public part is sent. It
    /// must be the one `connection` names (its key signs the token requests).
    pub certificate: Credential,
    /// Graph application role values to grant (`Sites.Read.All`, `Sites.Selected`, …).
    pub roles: Vec<String>,
    /// Grant a Sites.Selected app this site.
    pub site: Option<SiteGrant>,
    /// The connection to test and save: name, token URL, Graph URL, site, the certificate's
    /// source. Its client ID and object ID are filled in with the new app's.
    pub connection: ProfileDraft,
    /// The certificate's password, for the test.
    pub password: Option<Secret>,
    /// The credential store, for remembered passwords and stored certificates.
    pub vault: Option<Arc<CredentialVault>>,
    /// How long to wait for Entra ([`DEFAULT_ENTRA_WAIT`] unless the admin chose).
    pub wait_max: Duration,
    /// Save the connected profile here.
    pub save_to: Option<ProfileStore>,
}

/// What a registration did, as far as it got.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Registration {
    /// The new app's Application (client) ID.
    pub client_id: Option<String>,
    /// Its object ID.
    pub object_id: Option<String>,
    /// Its service principal's ID.
    pub service_principal_id: Option<String>,
    /// The certificate's key ID on the app.
    pub key_id: Option<String>,
    /// The Graph application roles granted.
    pub roles: Vec<String>,
    /// The site granted (Sites.Selected).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub site_granted: Option<String>,
    /// The roles in the app's token once Entra accepted it (the granted ones, and any it had).
    #[serde(skip)]
    pub token_roles: Vec<String>,
    /// What the last rung's test connection found (the token's lifetime, the site), once it passed.
    #[serde(skip)]
    pub summary: Option<crate::probe::ProbeSummary>,
    /// The test connection passed.
    pub connected: bool,
    /// The profile as saved.
    #[serde(skip)]
    pub profile: Option<Profile>,
}

/// A placeholder client ID that only lets the connection be checked before the app exists.
const UNSET_CLIENT_ID: &str = "11111111-1111-4111-8111-111111111111";

/// The public certificate as it is registered.
pub(crate) struct PublicCertificate {
    der: Vec<u8>,
    sha1: [u8; 20],
    name: String,
}

impl PublicCertificate {
    pub(crate) fn of(certificate: &X509) -> Result<Self, AppSetupError> {
        let unusable = |e: openssl::error::ErrorStack| {
            AppSetupError::Invalid(format!("the certificate cannot be encoded: {e}"))
        };
        let der = certificate.to_der().map_err(unusable)?;
        let digest = certificate
            .digest(MessageDigest::sha1())
            .map_err(unusable)?;
        let mut sha1 = [0u8; 20];
        sha1.copy_from_slice(&digest);
        let name = crate::cert::subject_entries(certificate.subject_name())
            .into_iter()
            .find(|(field, _)| field == "CN")
            .map_or_else(|| "certconnect".to_owned(), |(_, cn)| format!("CN={cn}"));
        Ok(Self { der, sha1, name })
    }

    pub(crate) fn as_new(&self) -> NewCertificate<'_> {
        NewCertificate {
            der: &self.der,
            sha1_thumbprint: &self.sha1,
            display_name: &self.name,
        }
    }

    pub(crate) fn thumbprint(&self) -> String {
        to_hex(&self.sha1)
    }
}

/// Reports a step's failure and returns it with its step.
pub(crate) fn stop(
    clock: &StepClock,
    step: Step,
    error: AppSetupError,
    report: &mut (dyn FnMut(TestEvent) + Send),
) -> (Step, AppSetupError) {
    let input = error.is_input_error();
    clock.fail(report, error.failure(step), input);
    (step, error)
}

/// The failure of a run cancelled before `step`, if it was.
pub(crate) fn cancelled_before(
    cancel: &CancellationToken,
    step: Step,
    report: &mut (dyn FnMut(TestEvent) + Send),
) -> Result<(), (Step, AppSetupError)> {
    if cancel.is_cancelled() {
        let clock = StepClock::start(step, report);
        return Err(stop(&clock, step, AppSetupError::Cancelled, report));
    }
    Ok(())
}

/// Registers a new app and proves it: create it with the certificate, create its service
/// principal, grant the roles (and the site), wait for Entra, test, save.
pub async fn register(
    job: RegisterJob,
    report: &mut (dyn FnMut(TestEvent) + Send),
    cancel: &CancellationToken,
) -> Result<Registration, SetupFailed<Registration>> {
    let mut done = Registration::default();
    let ran = run(&job, &mut done, report, cancel).await;
    ended(ran, done, |done, step| next_steps(&job, done, step), report)
}

/// A setup's result: what it did, or where it stopped with what it did by then and the next
/// steps (also reported as warnings under the step, so the ladder lists them).
#[expect(
    clippy::result_large_err,
    reason = "the result register and set_up_existing return as it is (the lint passes async fns by)"
)]
pub(crate) fn ended(
    ran: Result<(), (Step, AppSetupError)>,
    done: Registration,
    next_steps: impl FnOnce(&Registration, Step) -> Vec<String>,
    report: &mut (dyn FnMut(TestEvent) + Send),
) -> Result<Registration, SetupFailed<Registration>> {
    let Err((step, error)) = ran else {
        return Ok(done);
    };
    let next_steps = next_steps(&done, step);
    for message in &next_steps {
        report(TestEvent::Warning {
            step,
            message: message.clone(),
        });
    }
    Err(SetupFailed {
        step,
        error,
        done,
        next_steps,
    })
}

/// The Profile rung: everything checked before anything is sent.
struct Checked {
    client: reqwest::Client,
    certificate: PublicCertificate,
    signer: Signer,
}

/// What the Profile rung asks of a job: a new app needs a name and a role; an existing app has
/// its name, and may be given no role.
#[derive(Clone, Copy, PartialEq, Eq)]
enum AppKind {
    New,
    Existing,
}

fn check(
    job: &RegisterJob,
    kind: AppKind,
    report: &mut (dyn FnMut(TestEvent) + Send),
) -> Result<Checked, (Step, AppSetupError)> {
    let clock = StepClock::start(Step::Profile, report);
    let checked = (|| {
        if kind == AppKind::New && job.display_name.trim().is_empty() {
            return Err(AppSetupError::Invalid("give the app a name".into()));
        }
        if kind == AppKind::New && job.roles.is_empty() {
            return Err(AppSetupError::Invalid(
                "choose at least one Microsoft Graph application permission (e.g. Sites.Read.All)"
                    .into(),
            ));
        }
        fill(&job.connection, UNSET_CLIENT_ID, "")?;
        let certificate = PublicCertificate::of(&job.certificate.certificate)?;
        let signer = Signer::new(&job.certificate)
            .map_err(|failure| AppSetupError::Invalid(failure.message))?;
        Ok(Checked {
            client: job.admin.client()?,
            certificate,
            signer,
        })
    })()
    .map_err(|error| stop(&clock, Step::Profile, error, report))?;
    let values: Vec<&str> = job.roles.iter().map(String::as_str).collect();
    for warning in role_warnings(&values) {
        if let RoleWarning::FilesBesideSitesSelected(_) = warning {
            report(TestEvent::Warning {
                step: Step::Profile,
                message: warning.message(),
            });
        }
    }
    let mut details = Vec::new();
    if kind == AppKind::New {
        details.push(Detail::new("Name", job.display_name.trim()));
    }
    details.extend([
        Detail::new("Graph URL", &job.admin.graph_url),
        Detail::new("Certificate (SHA-1)", checked.certificate.thumbprint()),
    ]);
    if !job.roles.is_empty() {
        details.push(Detail::new("Permissions", job.roles.join(", ")));
    }
    clock.done(report, details);
    Ok(checked)
}

/// The connection with the app's IDs in it.
fn fill(draft: &ProfileDraft, client_id: &str, object_id: &str) -> Result<Profile, AppSetupError> {
    let mut draft = draft.clone();
    draft.client_id = client_id.to_owned();
    draft.object_id = object_id.to_owned();
    draft.parse().map_err(|errors| {
        AppSetupError::Invalid(
            errors
                .iter()
                .map(|e| format!("{}: {}", e.field.label(), e.message))
                .collect::<Vec<_>>()
                .join("; "),
        )
    })
}

fn text(value: &Value, key: &str) -> String {
    value
        .get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

async fn run(
    job: &RegisterJob,
    done: &mut Registration,
    report: &mut (dyn FnMut(TestEvent) + Send),
    cancel: &CancellationToken,
) -> Result<(), (Step, AppSetupError)> {
    let checked = check(job, AppKind::New, report)?;
    let graph_calls = |cancel| job.admin.calls(&checked.client, cancel);

    cancelled_before(cancel, Step::ReadGraphRoles, report)?;
    let (graph_sp, roles) = read_graph_roles(job, &checked, cancel, report).await?;

    cancelled_before(cancel, Step::CreateApp, report)?;
    create_app(job, &checked, &roles, done, report).await?;
    let client_id = done.client_id.clone().unwrap_or_default();
    let object_id = done.object_id.clone().unwrap_or_default();

    cancelled_before(cancel, Step::CreateServicePrincipal, report)?;
    let sp_id = wait::create_service_principal(
        &job.admin.calls(&checked.client, cancel),
        &client_id,
        job.wait_max,
        report,
    )
    .await?;
    done.service_principal_id = Some(sp_id.clone());

    cancelled_before(cancel, Step::GrantRoles, report)?;
    let clock = StepClock::start(Step::GrantRoles, report);
    for role in &roles {
        grant_role(&graph_calls(cancel), &sp_id, &graph_sp, role, report)
            .await
            .map_err(|e| stop(&clock, Step::GrantRoles, e, report))?;
        done.roles.push(role.value.clone());
    }
    clock.done(report, vec![Detail::new("Granted", done.roles.join(", "))]);

    grant_site(
        job,
        &checked,
        &client_id,
        job.display_name.trim(),
        done,
        report,
        cancel,
    )
    .await?;
    prove(job, &checked, &client_id, &object_id, done, report, cancel).await
}

/// The Grant the site rung, when a site was asked for: read or write on it for the app.
async fn grant_site(
    job: &RegisterJob,
    checked: &Checked,
    client_id: &str,
    display_name: &str,
    done: &mut Registration,
    report: &mut (dyn FnMut(TestEvent) + Send),
    cancel: &CancellationToken,
) -> Result<(), (Step, AppSetupError)> {
    let Some(site) = &job.site else {
        return Ok(());
    };
    cancelled_before(cancel, Step::GrantSite, report)?;
    let clock = StepClock::start(Step::GrantSite, report);
    let body = site_permission_body(site.role, client_id, display_name);
    job.admin
        .calls(&checked.client, cancel)
        .post(
            Step::GrantSite,
            report,
            &format!("sites/{}/permissions", site.site_id),
            &body,
            Resend::OnThrottling,
        )
        .await
        .map_err(|e| {
            stop(
                &clock,
                Step::GrantSite,
                AppSetupError::graph(Step::GrantSite, e),
                report,
            )
        })?;
    done.site_granted = Some(site.site_id.clone());
    clock.done(
        report,
        vec![
            Detail::new("Site", &site.site_id),
            Detail::new("Access", site.role.value()),
        ],
    );
    Ok(())
}

/// The last rungs: wait until Entra issues the app a token with every role granted, test the
/// connection, and save it when asked.
async fn prove(
    job: &RegisterJob,
    checked: &Checked,
    client_id: &str,
    object_id: &str,
    done: &mut Registration,
    report: &mut (dyn FnMut(TestEvent) + Send),
    cancel: &CancellationToken,
) -> Result<(), (Step, AppSetupError)> {
    let profile = fill(&job.connection, client_id, object_id).map_err(|e| {
        let clock = StepClock::start(Step::WaitForEntra, report);
        stop(&clock, Step::WaitForEntra, e, report)
    })?;
    cancelled_before(cancel, Step::WaitForEntra, report)?;
    let token_client = key_client(&profile).map_err(|f| {
        let clock = StepClock::start(Step::WaitForEntra, report);
        stop(
            &clock,
            Step::WaitForEntra,
            AppSetupError::Invalid(f.message),
            report,
        )
    })?;
    let connection = Connection {
        client: &token_client,
        profile: &profile,
        object_id,
        timing: job.admin.timing,
        deadline: Instant::now() + job.wait_max + CALL_TIMEOUT,
        cancel,
    };
    done.token_roles = wait::until_usable(
        &connection,
        &checked.signer,
        &done.roles,
        job.wait_max,
        report,
    )
    .await?;

    cancelled_before(cancel, Step::TestNew, report)?;
    done.summary = Some(test(job, &profile, cancel, report).await?);
    done.connected = true;

    if let Some(store) = &job.save_to {
        done.profile = Some(save(store, &profile, report).await?);
    }
    Ok(())
}

/// The Read Graph's permissions rung: Graph's service principal ID and the chosen roles' IDs.
async fn read_graph_roles(
    job: &RegisterJob,
    checked: &Checked,
    cancel: &CancellationToken,
    report: &mut (dyn FnMut(TestEvent) + Send),
) -> Result<(String, Vec<ResolvedRole>), (Step, AppSetupError)> {
    let clock = StepClock::start(Step::ReadGraphRoles, report);
    let path = format!("servicePrincipals(appId='{GRAPH_APP_ID}')?$select=id,appRoles");
    let graph = async {
        let answer = job
            .admin
            .calls(&checked.client, cancel)
            .get(Step::ReadGraphRoles, report, &path)
            .await
            .map_err(|e| AppSetupError::graph(Step::ReadGraphRoles, e))?;
        let graph = parse_graph_service_principal(answer.to_string().as_bytes())?;
        let values: Vec<&str> = job.roles.iter().map(String::as_str).collect();
        let resolved = graph.resolve(&values)?;
        Ok::<_, AppSetupError>((graph.id, resolved))
    }
    .await;
    let (graph_sp, roles) = graph.map_err(|e| stop(&clock, Step::ReadGraphRoles, e, report))?;
    let values: Vec<&str> = roles.iter().map(|r| r.value.as_str()).collect();
    clock.done(report, vec![Detail::new("Roles", values.join(", "))]);
    Ok((graph_sp, roles))
}

/// The Save the profile rung.
async fn save(
    store: &ProfileStore,
    profile: &Profile,
    report: &mut (dyn FnMut(TestEvent) + Send),
) -> Result<Profile, (Step, AppSetupError)> {
    let clock = StepClock::start(Step::SaveProfile, report);
    let store = store.clone();
    let to_save = profile.clone();
    let saved = tokio::task::spawn_blocking(move || {
        store
            .lock()
            .and_then(|mut locked| locked.save(&to_save))
            .map_err(crate::ops::OpsError::from)
    })
    .await
    .unwrap_or_else(|_| {
        Err(crate::ops::OpsError::Invalid(
            "saving stopped unexpectedly".into(),
        ))
    })
    .map_err(|e| {
        stop(
            &clock,
            Step::SaveProfile,
            AppSetupError::NotSaved(Box::new(e)),
            report,
        )
    })?;
    clock.done(report, vec![Detail::new("Profile", saved.name())]);
    Ok(saved)
}

/// The Create app rung: `POST /applications`, sent once whatever happens, and never cancelled
/// once sent, so that a created app is never left unaccounted for.
async fn create_app(
    job: &RegisterJob,
    checked: &Checked,
    roles: &[ResolvedRole],
    done: &mut Registration,
    report: &mut (dyn FnMut(TestEvent) + Send),
) -> Result<(), (Step, AppSetupError)> {
    let clock = StepClock::start(Step::CreateApp, report);
    let body = new_application_body(&job.display_name, &checked.certificate.as_new(), roles)
        .map_err(|e| {
            stop(
                &clock,
                Step::CreateApp,
                AppSetupError::Invalid(e.to_string()),
                report,
            )
        })?;
    let never = CancellationToken::new();
    let answer = job
        .admin
        .calls(&checked.client, &never)
        .post(
            Step::CreateApp,
            report,
            "applications",
            &body,
            Resend::Never,
        )
        .await
        .map_err(|e| {
            stop(
                &clock,
                Step::CreateApp,
                AppSetupError::graph(Step::CreateApp, e),
                report,
            )
        })?;
    let (client_id, object_id) = (text(&answer, "appId"), text(&answer, "id"));
    if client_id.is_empty() || object_id.is_empty() {
        let error = AppSetupError::Graph(Box::new(GraphAdminError::Unexpected {
            status: 201,
            snippet: "the created application without its id and appId".into(),
        }));
        return Err(stop(&clock, Step::CreateApp, error, report));
    }
    let key_id = answer
        .get("keyCredentials")
        .and_then(Value::as_array)
        .and_then(|keys| keys.first())
        .map(|key| text(key, "keyId"))
        .filter(|id| !id.is_empty());
    done.client_id = Some(client_id.clone());
    done.object_id = Some(object_id.clone());
    done.key_id = key_id.clone();
    let mut details = vec![
        Detail::new("Client ID", &client_id),
        Detail::new("Object ID", &object_id),
    ];
    details.extend(key_id.map(|id| Detail::new("Key ID", id)));
    clock.done(report, details);
    Ok(())
}

async fn grant_role(
    graph: &GraphAdmin<'_>,
    sp_id: &str,
    graph_sp: &str,
    role: &ResolvedRole,
    report: &mut (dyn FnMut(TestEvent) + Send),
) -> Result<(), AppSetupError> {
    let body = app_role_assignment_body(sp_id, graph_sp, role);
    graph
        .post(
            Step::GrantRoles,
            report,
            &format!("servicePrincipals/{graph_sp}/appRoleAssignedTo"),
            &body,
            Resend::OnThrottling,
        )
        .await
        .map(|_| ())
        .map_err(|e| AppSetupError::graph(Step::GrantRoles, e))
}

/// The Test rung: a whole test connection with the new app.
async fn test(
    job: &RegisterJob,
    profile: &Profile,
    cancel: &CancellationToken,
    report: &mut (dyn FnMut(TestEvent) + Send),
) -> Result<crate::probe::ProbeSummary, (Step, AppSetupError)> {
    let clock = StepClock::start(Step::TestNew, report);
    let probe = ProbeJob {
        profile: profile.clone(),
        password: job.password.clone(),
        token_only: false,
        timing: job.admin.timing,
        vault: job.vault.clone(),
        clients: None,
        profiles: None,
    };
    let mut ignore = |_event: TestEvent| {};
    match crate::probe::run(probe, &mut ignore, cancel).await {
        Ok(summary) => {
            let mut details = vec![Detail::new("Result", "Connected")];
            details.extend(summary.site.clone().map(|site| Detail::new("Site", site)));
            details.extend(
                summary
                    .drive
                    .clone()
                    .map(|drive| Detail::new("Drive", drive)),
            );
            clock.done(report, details);
            Ok(summary)
        }
        Err(error) if error.failure.is_cancelled() => Err(stop(
            &clock,
            Step::TestNew,
            AppSetupError::Cancelled,
            report,
        )),
        Err(error) => Err(stop(
            &clock,
            Step::TestNew,
            AppSetupError::TestFailed(Box::new(error)),
            report,
        )),
    }
}

/// What was done and how to finish or undo it, for a registration that stopped at `failed`.
fn next_steps(job: &RegisterJob, done: &Registration, failed: Step) -> Vec<String> {
    let (Some(client_id), Some(object_id)) = (&done.client_id, &done.object_id) else {
        return match failed {
            Step::CreateApp => vec![format!(
                "Before registering again, check App registrations > All applications for '{}': if the answer was lost, the app may exist.",
                job.display_name.trim()
            )],
            _ => Vec::new(),
        };
    };
    let name = job.display_name.trim();
    let mut steps = vec![format!(
        "Created the app registration '{name}': client ID {client_id}, object ID {object_id}{}{}{}.",
        done.service_principal_id
            .as_ref()
            .map(|id| format!(", service principal {id}"))
            .unwrap_or_default(),
        if done.roles.is_empty() {
            String::new()
        } else {
            format!(", granted {}", done.roles.join(", "))
        },
        done.site_granted
            .as_ref()
            .map(|site| format!(", site {site} granted"))
            .unwrap_or_default(),
    )];
    let finish = match failed {
        Step::CreateServicePrincipal => Some(format!(
            "To finish: create its service principal (`az ad sp create --id {client_id}`), then grant admin consent (App registrations > {name} > API permissions > Grant admin consent)."
        )),
        Step::GrantRoles => Some(format!(
            "To finish: App registrations > {name} > API permissions > Grant admin consent (needs Privileged Role Administrator or Global Administrator)."
        )),
        Step::GrantSite => Some(format!(
            "To finish: grant the app the site (`POST /sites/{{site-id}}/permissions` as a SharePoint Administrator, or `m365 spo site apppermission add --appId {client_id}`)."
        )),
        Step::WaitForEntra | Step::TestNew => Some(format!(
            "To finish: test again in a few minutes with client ID {client_id} (`certconnect test --client-id {client_id}` with the tenant and certificate)."
        )),
        Step::SaveProfile => Some(format!(
            "To finish: save a profile with client ID {client_id} and object ID {object_id}."
        )),
        _ => None,
    };
    steps.extend(finish);
    steps.push(format!(
        "To undo: delete the app (`az ad app delete --id {client_id}`, or App registrations > {name} > Delete); registering again makes a second app."
    ));
    steps
}
