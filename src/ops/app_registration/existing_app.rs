//! Setting up a connection on an app that exists: found by name or client ID, the certificate
//! added keeping every key the app has, the chosen roles granted (those it lacks), the site granted
//! for Sites.Selected, then the same wait, test and save as a new app. It fixes a profile whose
//! certificate is not on its app (AADSTS700027) or whose app lacks a permission (Graph's 403), and
//! lets the wizard use an app registered before.

use serde_json::Value;
use tokio_util::sync::CancellationToken;

use super::existing::{add, granted_roles};
use super::{
    AdminGraph, AppKind, AppSetupError, CertificateAdded, RegisterJob, Registration, SetupFailed,
    cancelled_before, check, ended, grant_role, grant_site, prove, read_graph_roles, stop,
};
use crate::core::app_registration::requests::service_principal_body;
use crate::core::event::{Detail, Step, TestEvent};
use crate::core::guid::is_guid;
use crate::net::{GraphAdmin, GraphAdminError, GraphError, Resend};
use crate::probe::StepClock;

/// Setting up a connection on an existing app.
pub struct ExistingAppJob {
    /// The app's Application (client) ID.
    pub client_id: String,
    /// What to do with it: the certificate, the roles to grant (none to only add the
    /// certificate), the site, the connection to test and save. Its `display_name` is not used:
    /// the app keeps its own name.
    pub setup: RegisterJob,
}

/// The rungs of [`set_up_existing`], in run order: the role rungs only with roles to grant, the
/// site grant only with a site, saving only when asked.
pub fn existing_app_steps(grants_roles: bool, grants_site: bool, saves: bool) -> Vec<Step> {
    let mut steps = vec![Step::Profile, Step::ReadApp, Step::AddCertificate];
    if grants_roles {
        steps.extend([Step::ReadGraphRoles, Step::GrantRoles]);
    }
    if grants_site {
        steps.push(Step::GrantSite);
    }
    steps.extend([Step::WaitForEntra, Step::TestNew]);
    if saves {
        steps.push(Step::SaveProfile);
    }
    steps
}

/// Adds the certificate to the app (keeping its keys), grants the roles it lacks and the site,
/// waits until Entra issues it a token holding them, tests the connection and saves it.
pub async fn set_up_existing(
    job: ExistingAppJob,
    report: &mut (dyn FnMut(TestEvent) + Send),
    cancel: &CancellationToken,
) -> Result<Registration, SetupFailed<Registration>> {
    let mut done = Registration {
        client_id: Some(job.client_id.clone()),
        ..Registration::default()
    };
    let ran = run(&job, &mut done, report, cancel).await;
    ended(ran, done, |done, step| next_steps(&job, done, step), report)
}

async fn run(
    job: &ExistingAppJob,
    done: &mut Registration,
    report: &mut (dyn FnMut(TestEvent) + Send),
    cancel: &CancellationToken,
) -> Result<(), (Step, AppSetupError)> {
    let setup = &job.setup;
    let checked = check(setup, AppKind::Existing, report)?;
    let mut added = CertificateAdded::default();
    add(
        &setup.admin,
        &job.client_id,
        &setup.certificate.certificate,
        &mut added,
        report,
        cancel,
    )
    .await?;
    done.object_id = Some(added.object_id.clone());
    done.key_id = Some(added.key_id.clone());

    if !setup.roles.is_empty() {
        cancelled_before(cancel, Step::ReadGraphRoles, report)?;
        let (graph_sp, roles) = read_graph_roles(setup, &checked, cancel, report).await?;
        cancelled_before(cancel, Step::GrantRoles, report)?;
        let clock = StepClock::start(Step::GrantRoles, report);
        let graph = setup.admin.calls(&checked.client, cancel);
        let granting = async {
            let sp_id = service_principal(&graph, &job.client_id, report).await?;
            let had = granted_roles(&graph, &job.client_id, report).await?;
            let mut newly = Vec::new();
            for role in &roles {
                if !had.iter().any(|r| r.eq_ignore_ascii_case(&role.value)) {
                    grant_role(&graph, &sp_id, &graph_sp, role, report).await?;
                    newly.push(role.value.clone());
                }
            }
            Ok::<_, AppSetupError>((sp_id, newly))
        }
        .await;
        let (sp_id, newly) = granting.map_err(|e| stop(&clock, Step::GrantRoles, e, report))?;
        done.service_principal_id = Some(sp_id);
        done.roles = roles.iter().map(|r| r.value.clone()).collect();
        let already: Vec<&str> = done
            .roles
            .iter()
            .filter(|r| !newly.contains(r))
            .map(String::as_str)
            .collect();
        let mut details = vec![Detail::new(
            "Granted",
            if newly.is_empty() {
                "nothing new".to_owned()
            } else {
                newly.join(", ")
            },
        )];
        if !already.is_empty() {
            details.push(Detail::new("Had already", already.join(", ")));
        }
        clock.done(report, details);
    }

    let name = added_name(setup);
    grant_site(setup, &checked, &job.client_id, &name, done, report, cancel).await?;
    prove(
        setup,
        &checked,
        &job.client_id,
        &added.object_id,
        done,
        report,
        cancel,
    )
    .await
}

/// The name a site grant shows for the app.
fn added_name(setup: &RegisterJob) -> String {
    match setup.display_name.trim() {
        "" => "certconnect connector".to_owned(),
        name => name.to_owned(),
    }
}

/// The app's service principal, created when the app has none yet (an app registered in the
/// portal without being consented has none). A second create is refused by Graph, so a resent
/// one cannot make two.
async fn service_principal(
    graph: &GraphAdmin<'_>,
    client_id: &str,
    report: &mut (dyn FnMut(TestEvent) + Send),
) -> Result<String, AppSetupError> {
    let step = Step::GrantRoles;
    let id = |value: &Value| {
        value
            .get("id")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    match graph
        .get(
            step,
            report,
            &format!("servicePrincipals(appId='{client_id}')?$select=id"),
        )
        .await
    {
        Ok(sp) => Ok(id(&sp)),
        Err(GraphAdminError::Refused(GraphError { status: 404, .. })) => graph
            .post(
                step,
                report,
                "servicePrincipals",
                &service_principal_body(client_id),
                Resend::OnThrottling,
            )
            .await
            .map(|sp| id(&sp))
            .map_err(|e| AppSetupError::graph(Step::CreateServicePrincipal, e)),
        Err(e) => Err(AppSetupError::graph(step, e)),
    }
}

/// What was changed on the app and how to finish, for a run that stopped at `failed`.
fn next_steps(job: &ExistingAppJob, done: &Registration, failed: Step) -> Vec<String> {
    let client_id = &job.client_id;
    let mut steps = Vec::new();
    if matches!(failed, Step::Profile | Step::ReadApp | Step::AddCertificate) {
        return steps;
    }
    steps.push(format!(
        "The certificate is on the app {client_id} (key ID {}){}; its other certificates were kept.",
        done.key_id.as_deref().unwrap_or("unknown"),
        if done.roles.is_empty() {
            String::new()
        } else {
            format!(", with {} granted", done.roles.join(", "))
        },
    ));
    steps.push(match failed {
        Step::GrantRoles | Step::ReadGraphRoles => format!(
            "To finish: App registrations > the app > API permissions > Grant admin consent (needs Privileged Role Administrator or Global Administrator), then test again with client ID {client_id}."
        ),
        Step::GrantSite => format!(
            "To finish: grant the app the site (`POST /sites/{{site-id}}/permissions` as a SharePoint Administrator, or `m365 spo site apppermission add --appId {client_id}`)."
        ),
        _ => format!(
            "To finish: test again in a few minutes (Entra can take a while to accept a new certificate or permission) with client ID {client_id}."
        ),
    });
    steps
}

/// An app found by [`find_apps`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FoundApp {
    /// Its Application (client) ID.
    pub client_id: String,
    /// Its name.
    pub display_name: String,
}

/// The most apps a search lists: enough to pick from; a longer list wants a longer name.
const MOST_FOUND: usize = 25;

/// The apps whose client ID is `query` (a GUID), or whose name has words starting with the
/// query's (Graph's `$search` on `displayName`, an advanced query sent with
/// `ConsistencyLevel: eventual`: an app made moments ago may be missing for a while).
pub async fn find_apps(
    admin: &AdminGraph,
    query: &str,
    cancel: &CancellationToken,
) -> Result<Vec<FoundApp>, AppSetupError> {
    let query = query.trim();
    if query.is_empty() {
        return Err(AppSetupError::Invalid(
            "type a name or a client ID to look for".into(),
        ));
    }
    let client = admin.client()?;
    let graph = admin.calls(&client, cancel);
    let mut ignore = |_event: TestEvent| {};
    let step = Step::ReadApp;
    let answer = if is_guid(query) {
        let path = format!("applications?$filter=appId eq '{query}'&$select=appId,displayName");
        graph.get(step, &mut ignore, &path).await
    } else {
        // A double quote would end the search term; a backslash escapes within it.
        let term: String = query.chars().filter(|c| !matches!(c, '"' | '\\')).collect();
        let encoded: String =
            url::form_urlencoded::byte_serialize(format!("\"displayName:{term}\"").as_bytes())
                .collect::<String>()
                .replace('+', "%20");
        let path = format!(
            "applications?$search={encoded}&$count=true&$select=appId,displayName&$top={MOST_FOUND}"
        );
        graph.get_eventual(step, &mut ignore, &path).await
    }
    .map_err(|e| AppSetupError::graph(step, e))?;
    let text = |app: &Value, key: &str| {
        app.get(key)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    Ok(answer
        .get("value")
        .and_then(Value::as_array)
        .map(|apps| {
            apps.iter()
                .take(MOST_FOUND)
                .map(|app| FoundApp {
                    client_id: text(app, "appId"),
                    display_name: text(app, "displayName"),
                })
                .filter(|app| !app.client_id.is_empty())
                .collect()
        })
        .unwrap_or_default())
}
