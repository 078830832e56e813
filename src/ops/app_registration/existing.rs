//! An existing app: add a certificate keeping every key it has (`PATCH` replaces the whole
//! `keyCredentials` collection, so the current one is read with `$select` and sent back whole),
//! and show its certificates, its granted Graph roles and whether a given certificate is on it.

use openssl::x509::X509;
use serde::Serialize;
use serde_json::Value;
use tokio_util::sync::CancellationToken;

use super::{AdminGraph, AppSetupError, PublicCertificate, SetupFailed, cancelled_before, stop};
use crate::core::app_registration::GRAPH_APP_ID;
use crate::core::app_registration::key_credentials::{CurrentKeys, KeyMerge, KeySummary};
use crate::core::app_registration::role_ids::parse_graph_service_principal;
use crate::core::event::{Detail, Step, TestEvent};
use crate::core::guid::is_guid;
use crate::net::{GraphAdmin, GraphAdminError, GraphError};
use crate::probe::StepClock;

/// Adding a certificate to an existing app.
pub struct AddCertificateJob {
    /// The signed-in administrator.
    pub admin: AdminGraph,
    /// The app's Application (client) ID.
    pub client_id: String,
    /// The certificate to add (only its public part is sent), from any source.
    pub certificate: X509,
}

/// What adding a certificate did.
#[derive(Clone, Debug, Default, Serialize)]
pub struct CertificateAdded {
    /// The app's object ID.
    pub object_id: String,
    /// The certificate's key ID on the app.
    pub key_id: String,
    /// It was on the app already: nothing was changed.
    pub already_registered: bool,
    /// How many keys the app has now (every earlier one kept).
    pub keys: usize,
}

/// Showing an app.
pub struct ShowJob {
    /// The signed-in administrator.
    pub admin: AdminGraph,
    /// The app's Application (client) ID.
    pub client_id: String,
    /// A certificate to look for on the app.
    pub certificate: Option<X509>,
}

/// An app as `app show` lists it.
#[derive(Clone, Debug, Default, Serialize)]
pub struct AppView {
    /// The app's Application (client) ID.
    pub client_id: String,
    /// Its object ID.
    pub object_id: String,
    /// Its name.
    pub display_name: String,
    /// Its certificates.
    pub certificates: Vec<CertificateView>,
    /// The Microsoft Graph application roles granted to it (admin consent given).
    pub granted_roles: Vec<String>,
    /// Whether the given certificate is registered on the app (`None` when none was given).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub registered: Option<bool>,
}

/// One certificate of an app.
#[derive(Clone, Debug, Default, Serialize)]
pub struct CertificateView {
    /// The key ID (the portal's "Certificate ID").
    pub key_id: String,
    /// The SHA-1 thumbprint, as the portal shows it.
    pub thumbprint: Option<String>,
    /// The end of validity (RFC 3339).
    pub expires: Option<String>,
    /// The name shown in the portal.
    pub display_name: Option<String>,
}

impl From<KeySummary> for CertificateView {
    fn from(key: KeySummary) -> Self {
        Self {
            key_id: key.key_id,
            thumbprint: key.thumbprint,
            expires: key.expires,
            display_name: key.display_name,
        }
    }
}

/// The app with this client ID: its object ID and name.
async fn find_app(
    graph: &GraphAdmin<'_>,
    client_id: &str,
    report: &mut (dyn FnMut(TestEvent) + Send),
) -> Result<(String, String), AppSetupError> {
    if !is_guid(client_id) {
        return Err(AppSetupError::Invalid(format!(
            "'{client_id}' is not a client ID (a GUID such as 0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d)"
        )));
    }
    let path = format!("applications?$filter=appId eq '{client_id}'&$select=id,appId,displayName");
    let answer = graph
        .get(Step::ReadApp, report, &path)
        .await
        .map_err(|e| AppSetupError::graph(Step::ReadApp, e))?;
    let app = answer
        .get("value")
        .and_then(Value::as_array)
        .and_then(|apps| apps.first())
        .ok_or_else(|| AppSetupError::AppNotFound(client_id.to_owned()))?;
    let text = |key: &str| app.get(key).and_then(Value::as_str).unwrap_or_default();
    Ok((text("id").to_owned(), text("displayName").to_owned()))
}

/// The app's keys, each with its `key` (only a single object's `$select=keyCredentials` has it).
async fn read_keys(
    graph: &GraphAdmin<'_>,
    object_id: &str,
    step: Step,
    report: &mut (dyn FnMut(TestEvent) + Send),
) -> Result<CurrentKeys, AppSetupError> {
    let answer = graph
        .get(
            step,
            report,
            &format!("applications/{object_id}?$select=keyCredentials"),
        )
        .await
        .map_err(|e| AppSetupError::graph(step, e))?;
    Ok(CurrentKeys::parse(answer.to_string().as_bytes())?)
}

/// Adds the certificate to the app, keeping every key it has; a certificate already on it is
/// left as it is.
pub async fn add_certificate(
    job: AddCertificateJob,
    report: &mut (dyn FnMut(TestEvent) + Send),
    cancel: &CancellationToken,
) -> Result<CertificateAdded, SetupFailed<CertificateAdded>> {
    let mut done = CertificateAdded::default();
    let added = add(
        &job.admin,
        &job.client_id,
        &job.certificate,
        &mut done,
        report,
        cancel,
    )
    .await;
    match added {
        Ok(()) => Ok(done),
        Err((step, error)) => {
            let next_steps = if done.object_id.is_empty() || step != Step::AddCertificate {
                Vec::new()
            } else {
                vec![format!(
                    "Check the app's Certificates & secrets before trying again: the app (object ID {}) had {} key(s) before.",
                    done.object_id, done.keys
                )]
            };
            Err(SetupFailed {
                step,
                error,
                done,
                next_steps,
            })
        }
    }
}

/// The Read the app and Add the certificate rungs.
pub(super) async fn add(
    admin: &AdminGraph,
    client_id: &str,
    certificate: &X509,
    done: &mut CertificateAdded,
    report: &mut (dyn FnMut(TestEvent) + Send),
    cancel: &CancellationToken,
) -> Result<(), (Step, AppSetupError)> {
    cancelled_before(cancel, Step::ReadApp, report)?;
    let clock = StepClock::start(Step::ReadApp, report);
    let read = async {
        let certificate = PublicCertificate::of(certificate)?;
        let client = admin.client()?;
        let graph = admin.calls(&client, cancel);
        let (object_id, name) = find_app(&graph, client_id, report).await?;
        let keys = read_keys(&graph, &object_id, Step::ReadApp, report).await?;
        Ok::<_, AppSetupError>((certificate, client, object_id, name, keys))
    }
    .await;
    let (certificate, client, object_id, name, keys) =
        read.map_err(|e| stop(&clock, Step::ReadApp, e, report))?;
    done.object_id = object_id.clone();
    done.keys = keys.len();
    clock.done(
        report,
        vec![
            Detail::new("App", &name),
            Detail::new("Object ID", &object_id),
            Detail::new("Certificates", keys.len()),
        ],
    );

    cancelled_before(cancel, Step::AddCertificate, report)?;
    let clock = StepClock::start(Step::AddCertificate, report);
    let body = match keys.merge(&certificate.as_new()) {
        KeyMerge::AlreadyRegistered { key_id } => {
            done.key_id = key_id.clone();
            done.already_registered = true;
            clock.done(
                report,
                vec![
                    Detail::new("Already registered", "yes: nothing was changed"),
                    Detail::new("Key ID", key_id),
                ],
            );
            return Ok(());
        }
        KeyMerge::Patch(body) => body,
    };
    // Once sent, the change is waited for: its answer says whether the keys were replaced.
    let never = CancellationToken::new();
    let graph = admin.calls(&client, &never);
    let patched = async {
        graph
            .patch(
                Step::AddCertificate,
                report,
                &format!("applications/{object_id}"),
                &body,
            )
            .await
            .map_err(|e| AppSetupError::graph(Step::AddCertificate, e))?;
        read_keys(&graph, &object_id, Step::AddCertificate, report).await
    }
    .await;
    let after = patched.map_err(|e| stop(&clock, Step::AddCertificate, e, report))?;
    done.keys = after.len();
    done.key_id = after
        .find(&certificate.as_new())
        .unwrap_or_default()
        .to_owned();
    clock.done(
        report,
        vec![
            Detail::new("Key ID", &done.key_id),
            Detail::new("Thumbprint (SHA-1)", certificate.thumbprint()),
            Detail::new("Certificates", after.len()),
        ],
    );
    Ok(())
}

/// Reads the app: its certificates, its granted Graph roles, and whether the given certificate
/// is registered on it.
pub async fn show(
    job: ShowJob,
    report: &mut (dyn FnMut(TestEvent) + Send),
    cancel: &CancellationToken,
) -> Result<AppView, SetupFailed<AppView>> {
    let clock = StepClock::start(Step::ReadApp, report);
    match read_app(&job, cancel, report).await {
        Ok(view) => {
            let mut details = vec![
                Detail::new("App", &view.display_name),
                Detail::new("Certificates", view.certificates.len()),
                Detail::new("Granted roles", view.granted_roles.join(", ")),
            ];
            details.extend(
                view.registered.map(|yes| {
                    Detail::new("Certificate registered", if yes { "yes" } else { "no" })
                }),
            );
            clock.done(report, details);
            Ok(view)
        }
        Err(error) => {
            let (step, error) = stop(&clock, Step::ReadApp, error, report);
            Err(SetupFailed {
                step,
                error,
                done: AppView::default(),
                next_steps: Vec::new(),
            })
        }
    }
}

async fn read_app(
    job: &ShowJob,
    cancel: &CancellationToken,
    report: &mut (dyn FnMut(TestEvent) + Send),
) -> Result<AppView, AppSetupError> {
    let step = Step::ReadApp;
    let certificate = job
        .certificate
        .as_ref()
        .map(PublicCertificate::of)
        .transpose()?;
    let client = job.admin.client()?;
    let graph = job.admin.calls(&client, cancel);
    let (object_id, display_name) = find_app(&graph, &job.client_id, report).await?;
    let keys = read_keys(&graph, &object_id, step, report).await?;
    let registered = certificate
        .as_ref()
        .map(|c| keys.find(&c.as_new()).is_some());
    let granted_roles = granted_roles(&graph, &job.client_id, report).await?;
    Ok(AppView {
        client_id: job.client_id.clone(),
        object_id,
        display_name,
        certificates: keys.summaries().into_iter().map(Into::into).collect(),
        granted_roles,
        registered,
    })
}

/// The Graph application roles granted to the app's service principal (none without one).
pub(super) async fn granted_roles(
    graph: &GraphAdmin<'_>,
    client_id: &str,
    report: &mut (dyn FnMut(TestEvent) + Send),
) -> Result<Vec<String>, AppSetupError> {
    let step = Step::ReadApp;
    let sp = match graph
        .get(
            step,
            report,
            &format!("servicePrincipals(appId='{client_id}')?$select=id"),
        )
        .await
    {
        Ok(sp) => sp,
        Err(GraphAdminError::Refused(GraphError { status: 404, .. })) => return Ok(Vec::new()),
        Err(e) => return Err(AppSetupError::graph(step, e)),
    };
    let sp_id = sp.get("id").and_then(Value::as_str).unwrap_or_default();
    let assignments = graph
        .get(
            step,
            report,
            &format!("servicePrincipals/{sp_id}/appRoleAssignments"),
        )
        .await
        .map_err(|e| AppSetupError::graph(step, e))?;
    let graph_sp = graph
        .get(
            step,
            report,
            &format!("servicePrincipals(appId='{GRAPH_APP_ID}')?$select=id,appRoles"),
        )
        .await
        .map_err(|e| AppSetupError::graph(step, e))?;
    let graph_sp = parse_graph_service_principal(graph_sp.to_string().as_bytes())?;
    Ok(assignments
        .get("value")
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .filter(|a| {
                    a.get("resourceId")
                        .and_then(Value::as_str)
                        .is_some_and(|id| id.eq_ignore_ascii_case(&graph_sp.id))
                })
                .filter_map(|a| a.get("appRoleId").and_then(Value::as_str))
                .filter_map(|id| graph_sp.value_of(id).map(str::to_owned))
                .collect()
        })
        .unwrap_or_default())
}
