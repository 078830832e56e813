//! Setting up an app registration against the sandbox with an administrator's delegated token:
//! register from nothing to Connected, add a certificate keeping the app's keys, show an app, the
//! 403s that name the directory role, a wait past its bound, cancel mid-way, and no token in any
//! event or error.

use crate::support;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use certconnect::cert::Credential;
use certconnect::core::app_registration::requests::SiteRole;
use certconnect::core::event::{Step, TestEvent};
use certconnect::core::retry::RetryTiming;
use certconnect::ops::app_registration::{
    AddCertificateJob, AdminGraph, AppSetupError, DEFAULT_ENTRA_WAIT, ExistingAppJob, RegisterJob,
    ShowJob, SiteGrant, add_certificate, existing_app_steps, find_apps, register, set_up_existing,
    show,
};
use certconnect::sandbox::{DEFAULT_PUBLIC_CLIENT_ID, DEVICE_CODE_GRANT, DirectoryRole};
use certconnect::secret::Secret;
use openssl::x509::X509;
use serde_json::Value;
use support::leaks::assert_no_jwt;
use support::probe_env::{CLIENT_ID, Env, OBJECT_ID, PASSWORD, read_cert};
use tokio_util::sync::CancellationToken;

const SITE_ID: &str =
    "sandbox.example.com,6f1c3a52-4c1e-4a52-9a3b-1f2e3d4c5b6a,9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b";
const SCOPES: &str =
    "Application.ReadWrite.All AppRoleAssignment.ReadWrite.All Sites.FullControl.All";

fn timing() -> RetryTiming {
    RetryTiming {
        base: Duration::from_millis(10),
        cap: Duration::from_millis(100),
    }
}

fn http() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder().no_proxy().build().unwrap()
}

/// A delegated admin token by plain HTTP: device code, the approve hook, then the token.
fn admin_token(env: &Env) -> Secret {
    let login = |path: &str| {
        format!(
            "{}/{}/oauth2/v2.0/{path}",
            env.sandbox.base_url(),
            env.sandbox.tenant_id()
        )
    };
    let post = |url: String, form: &[(&str, &str)]| -> Value {
        env.rt.block_on(async {
            let text = http()
                .post(url)
                .form(form)
                .send()
                .await
                .unwrap()
                .text()
                .await;
            serde_json::from_str(&text.unwrap()).unwrap()
        })
    };
    let device = post(
        login("devicecode"),
        &[("client_id", DEFAULT_PUBLIC_CLIENT_ID), ("scope", SCOPES)],
    );
    assert!(
        env.sandbox
            .approve_device_code(device["user_code"].as_str().unwrap())
    );
    let token = post(
        login("token"),
        &[
            ("client_id", DEFAULT_PUBLIC_CLIENT_ID),
            ("grant_type", DEVICE_CODE_GRANT),
            ("device_code", device["device_code"].as_str().unwrap()),
        ],
    );
    Secret::new(token["access_token"].as_str().expect("admin token"))
}

fn admin(env: &Env) -> AdminGraph {
    AdminGraph {
        token: admin_token(env),
        graph_url: env.sandbox.graph_url(),
        ca_file: None,
        timing: timing(),
    }
}

/// How many app registrations the directory holds.
fn app_count(env: &Env, token: &Secret) -> usize {
    let url = format!("{}/applications?$select=id", env.sandbox.graph_url());
    env.rt.block_on(async {
        let text = http()
            .get(url)
            .bearer_auth(token.expose())
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let body: Value = serde_json::from_str(&text).unwrap();
        body["value"].as_array().unwrap().len()
    })
}

/// A new certificate and key in a PFX, loaded.
fn new_certificate(env: &Env, name: &str) -> (std::path::PathBuf, Credential) {
    let (cert, key, pfx) = env.ws.certificate_files(name, PASSWORD);
    let credential = support::load_pem_pair(&cert, &key);
    (pfx, credential)
}

fn register_job(env: &Env, admin: AdminGraph, roles: &[&str]) -> RegisterJob {
    let (pfx, credential) = new_certificate(env, "connector");
    let mut connection = env.draft();
    connection.name = "Contoso connector".into();
    connection.pfx_path = pfx.display().to_string();
    connection.client_id = String::new();
    RegisterJob {
        admin,
        display_name: "Contoso connector".into(),
        certificate: credential,
        roles: roles.iter().map(|r| (*r).to_owned()).collect(),
        site: None,
        connection,
        password: Some(Secret::new(PASSWORD)),
        vault: Some(env.vault.clone()),
        wait_max: DEFAULT_ENTRA_WAIT,
        save_to: None,
    }
}

type Events = Arc<Mutex<Vec<TestEvent>>>;

fn sink(events: &Events) -> impl FnMut(TestEvent) + Send + use<> {
    let events = events.clone();
    move |event| events.lock().unwrap().push(event)
}

fn failed_steps(events: &[TestEvent]) -> Vec<Step> {
    events
        .iter()
        .filter_map(|e| match e {
            TestEvent::Failed { step, .. } => Some(*step),
            _ => None,
        })
        .collect()
}

/// The steps done, in order.
fn done_steps(events: &[TestEvent]) -> Vec<Step> {
    events
        .iter()
        .filter_map(|e| match e {
            TestEvent::Done { step, .. } => Some(*step),
            _ => None,
        })
        .collect()
}

fn no_token_in(events: &[TestEvent], more: &str) {
    assert_no_jwt(&format!("{events:?}"), "the events");
    assert_no_jwt(
        &serde_json::to_string(events).unwrap(),
        "the events as JSON",
    );
    assert_no_jwt(more, "the error");
}

#[test]
fn register_goes_from_nothing_to_a_saved_connected_profile() {
    let env = Env::with(|config| {
        config.admin.replication_delay = Duration::from_secs(3600);
    });
    let admin = admin(&env);
    let token = admin.token.clone();
    let mut job = register_job(&env, admin, &["Sites.Read.All", "Files.Read.All"]);
    let store = env.ws.profile_store();
    job.save_to = Some(store.clone());
    let events: Events = Arc::default();
    let mut record = sink(&events);
    // Entra's replication is moved on by the hook whenever a wait rung retries.
    let sandbox = &env.sandbox;
    let mut report = |event: TestEvent| {
        if matches!(event, TestEvent::Retrying { .. }) {
            sandbox.replicate_now();
        }
        record(event);
    };
    let result = env
        .rt
        .block_on(register(job, &mut report, &CancellationToken::new()));
    let events = events.lock().unwrap().clone();
    let done = match result {
        Ok(done) => done,
        Err(failed) => panic!("{:?}: {}\n{events:#?}", failed.step, failed.error),
    };
    assert!(done.connected);
    assert_eq!(done.roles, ["Sites.Read.All", "Files.Read.All"]);
    let client_id = done.client_id.clone().unwrap();
    assert!(done.object_id.is_some() && done.service_principal_id.is_some());
    assert!(done.key_id.is_some());
    let saved = done.profile.unwrap();
    assert_eq!(saved.client_id(), client_id);
    assert_eq!(saved.object_id(), done.object_id.as_deref());
    assert_eq!(
        store
            .lock()
            .unwrap()
            .get_by_id(saved.id())
            .unwrap()
            .profile
            .client_id(),
        client_id
    );
    // Every rung, in order, done once.
    let done_steps = done_steps(&events);
    let expected: Vec<Step> = Step::REGISTRATION
        .into_iter()
        .filter(|s| *s != Step::GrantSite)
        .collect();
    assert_eq!(done_steps, expected);
    // Both waits were waited out by retrying, as Entra's replication requires.
    for step in [Step::CreateServicePrincipal, Step::WaitForEntra] {
        assert!(
            events
                .iter()
                .any(|e| matches!(e, TestEvent::Retrying { step: s, .. } if *s == step)),
            "{step:?} was not retried"
        );
    }
    assert_eq!(app_count(&env, &token), 2);
    no_token_in(&events, "");
}

#[test]
fn a_sites_selected_app_gets_its_site_granted() {
    let env = Env::new();
    let mut job = register_job(&env, admin(&env), &["Sites.Selected"]);
    job.site = Some(SiteGrant {
        site_id: SITE_ID.into(),
        role: SiteRole::Read,
    });
    job.connection.site_id = SITE_ID.into();
    let events: Events = Arc::default();
    let result = env
        .rt
        .block_on(register(job, &mut sink(&events), &CancellationToken::new()));
    let events = events.lock().unwrap().clone();
    // The site grant is a rung of its own, done before the wait.
    assert!(
        events.iter().any(|e| matches!(
            e,
            TestEvent::Done {
                step: Step::GrantSite,
                ..
            }
        )),
        "{events:#?}"
    );
    let done = result.unwrap_or_else(|f| panic!("{:?}: {}", f.step, f.error));
    assert!(done.connected);
    assert_eq!(done.site_granted.as_deref(), Some(SITE_ID));
    assert_eq!(done.roles, ["Sites.Selected"]);
}

#[test]
fn adding_a_certificate_keeps_both_existing_ones_and_show_lists_them() {
    let old_two: Arc<Mutex<Vec<X509>>> = Arc::default();
    let env = {
        let ws = support::Workspace::new();
        let mut made = Vec::new();
        for name in ["second", "third"] {
            let key = ws.rsa_key(&format!("{name}.key"), 2048);
            made.push(read_cert(&ws.self_signed(
                &format!("{name}.pem"),
                &key,
                &format!("/CN={name}"),
                365,
            )));
        }
        old_two.lock().unwrap().extend(made.clone());
        Env::with(move |config| {
            // The app has its PFX's certificate; one more makes two existing keys.
            config.apps[0].certificates.push(made[0].clone());
        })
    };
    let (_, added) = new_certificate(&env, "added");
    let before = show_app(&env, None);
    assert_eq!(before.certificates.len(), 2);
    let before_thumbprints: Vec<Option<String>> = before
        .certificates
        .iter()
        .map(|c| c.thumbprint.clone())
        .collect();

    let events: Events = Arc::default();
    let result = env
        .rt
        .block_on(add_certificate(
            AddCertificateJob {
                admin: admin(&env),
                client_id: CLIENT_ID.into(),
                certificate: added.certificate.clone(),
            },
            &mut sink(&events),
            &CancellationToken::new(),
        ))
        .unwrap_or_else(|f| panic!("{}", f.error));
    assert!(!result.already_registered);
    assert_eq!(result.keys, 3);
    assert!(!result.key_id.is_empty());

    let after = show_app(&env, Some(added.certificate.clone()));
    assert_eq!(after.certificates.len(), 3);
    for thumbprint in &before_thumbprints {
        assert!(
            after
                .certificates
                .iter()
                .any(|c| &c.thumbprint == thumbprint),
            "an existing certificate was lost"
        );
    }
    assert!(
        after
            .certificates
            .iter()
            .any(|c| c.key_id == result.key_id && c.expires.is_some())
    );
    assert_eq!(after.registered, Some(true));
    assert_eq!(after.granted_roles, ["Sites.Read.All", "Files.Read.All"]);
    let unrelated = old_two.lock().unwrap()[1].clone();
    assert_eq!(show_app(&env, Some(unrelated)).registered, Some(false));

    // The same certificate again changes nothing.
    let again = env
        .rt
        .block_on(add_certificate(
            AddCertificateJob {
                admin: admin(&env),
                client_id: CLIENT_ID.into(),
                certificate: added.certificate.clone(),
            },
            &mut |_| {},
            &CancellationToken::new(),
        ))
        .unwrap_or_else(|f| panic!("{}", f.error));
    assert!(again.already_registered);
    assert_eq!(again.key_id, result.key_id);
    assert_eq!(show_app(&env, None).certificates.len(), 3);
    no_token_in(&events.lock().unwrap(), "");
}

fn show_app(env: &Env, certificate: Option<X509>) -> certconnect::ops::AppView {
    env.rt
        .block_on(show(
            ShowJob {
                admin: admin(env),
                client_id: CLIENT_ID.into(),
                certificate,
            },
            &mut |_| {},
            &CancellationToken::new(),
        ))
        .unwrap_or_else(|f| panic!("{}", f.error))
}

/// Registers with an admin holding `roles`; the step that failed, its failure's fix and error.
fn register_as(roles: Vec<DirectoryRole>, site: bool) -> (Step, String, AppSetupError, Env) {
    let env = Env::with(move |config| config.admin.admin.directory_roles = roles);
    let mut job = register_job(&env, admin(&env), &["Sites.Selected"]);
    if site {
        job.site = Some(SiteGrant {
            site_id: SITE_ID.into(),
            role: SiteRole::Write,
        });
    }
    let events: Events = Arc::default();
    let failed = env
        .rt
        .block_on(register(job, &mut sink(&events), &CancellationToken::new()))
        .unwrap_err();
    let events = events.lock().unwrap().clone();
    assert_eq!(failed_steps(&events), [failed.step]);
    let hint = failed.failure().hint;
    no_token_in(&events, &format!("{} {hint}", failed.error));
    (failed.step, hint, failed.error, env)
}

#[test]
fn each_refusal_names_the_directory_role_the_admin_needs() {
    let (step, hint, error, _env) = register_as(Vec::new(), false);
    assert_eq!(step, Step::CreateApp);
    assert!(matches!(error, AppSetupError::AdminRoleMissing { .. }));
    assert!(hint.contains("Application Administrator"), "{hint}");

    let (step, hint, _, _env) = register_as(vec![DirectoryRole::ApplicationAdministrator], false);
    assert_eq!(step, Step::GrantRoles);
    assert!(
        hint.contains("Privileged Role Administrator or Global Administrator"),
        "{hint}"
    );

    let (step, hint, _, _env) = register_as(
        vec![
            DirectoryRole::ApplicationAdministrator,
            DirectoryRole::PrivilegedRoleAdministrator,
        ],
        true,
    );
    assert_eq!(step, Step::GrantSite);
    assert!(hint.contains("SharePoint Administrator"), "{hint}");

    let env = Env::with(|config| config.admin.admin.directory_roles = Vec::new());
    let (_, certificate) = new_certificate(&env, "added");
    let failed = env
        .rt
        .block_on(add_certificate(
            AddCertificateJob {
                admin: admin(&env),
                client_id: CLIENT_ID.into(),
                certificate: certificate.certificate,
            },
            &mut |_| {},
            &CancellationToken::new(),
        ))
        .unwrap_err();
    assert_eq!(failed.step, Step::AddCertificate);
    assert!(failed.failure().hint.contains("only for apps they own"));
}

#[test]
fn a_wait_past_its_bound_stops_clearly_with_one_app_created() {
    let env = Env::with(|config| config.admin.replication_delay = Duration::from_secs(3600));
    let admin = admin(&env);
    let token = admin.token.clone();
    let mut job = register_job(&env, admin, &["Sites.Read.All"]);
    job.wait_max = Duration::from_millis(200);
    let events: Events = Arc::default();
    let failed = env
        .rt
        .block_on(register(job, &mut sink(&events), &CancellationToken::new()))
        .unwrap_err();
    assert_eq!(failed.step, Step::CreateServicePrincipal);
    assert!(matches!(failed.error, AppSetupError::NotReplicated { .. }));
    let failure = failed.failure();
    assert_eq!(failure.code, "entra_wait_exceeded");
    assert!(
        failure
            .message
            .contains("Entra has not made the app usable")
    );
    let client_id = failed.done.client_id.clone().unwrap();
    assert!(
        failed
            .next_steps
            .iter()
            .any(|s| s.contains(&client_id) && s.contains("To undo"))
    );
    // The app was created once: waiting never sends the creation again.
    assert_eq!(app_count(&env, &token), 2);
    let creations = env
        .sandbox
        .requests()
        .iter()
        .filter(|r| r.method == "POST" && r.path.ends_with("/v1.0/applications"))
        .count();
    assert_eq!(creations, 1);
    no_token_in(&events.lock().unwrap(), &failed.error.to_string());
}

#[test]
fn cancel_mid_way_lists_what_was_created() {
    let env = Env::with(|config| config.admin.replication_delay = Duration::from_secs(3600));
    let admin = admin(&env);
    let token = admin.token.clone();
    let job = register_job(&env, admin, &["Sites.Read.All"]);
    let cancel = CancellationToken::new();
    let events: Events = Arc::default();
    let mut record = sink(&events);
    let canceller = cancel.clone();
    let mut report = |event: TestEvent| {
        if matches!(event, TestEvent::Retrying { .. }) {
            canceller.cancel();
        }
        record(event);
    };
    let failed = env
        .rt
        .block_on(register(job, &mut report, &cancel))
        .unwrap_err();
    assert_eq!(failed.step, Step::CreateServicePrincipal);
    assert!(matches!(failed.error, AppSetupError::Cancelled));
    assert!(failed.failure().is_cancelled());
    assert!(failed.done.client_id.is_some());
    assert!(failed.done.service_principal_id.is_none());
    assert!(failed.next_steps.iter().any(|s| s.contains("To finish")));
    assert_eq!(app_count(&env, &token), 2);
    no_token_in(&events.lock().unwrap(), &failed.error.to_string());
}

#[test]
fn an_existing_app_gets_the_certificate_and_the_role_it_lacks_keeps_its_key_and_connects() {
    // The app has its first certificate and Files.Read.All; the profile's new certificate and
    // Sites.Read.All are missing, as after AADSTS700027 or Graph's 403.
    let env = Env::with_roles(&["Files.Read.All"], |_| {});
    let mut setup = register_job(&env, admin(&env), &["Sites.Read.All", "Files.Read.All"]);
    setup.connection.client_id = CLIENT_ID.into();
    setup.display_name = String::new();
    let store = env.ws.profile_store();
    setup.save_to = Some(store.clone());
    let job = ExistingAppJob {
        client_id: CLIENT_ID.into(),
        setup,
    };
    let events: Events = Arc::default();
    let mut report = sink(&events);
    let result = env
        .rt
        .block_on(set_up_existing(job, &mut report, &CancellationToken::new()));
    let events = events.lock().unwrap().clone();
    let done = match result {
        Ok(done) => done,
        Err(failed) => panic!("{:?}: {}\n{events:#?}", failed.step, failed.error),
    };
    assert!(done.connected);
    assert_eq!(done.object_id.as_deref(), Some(OBJECT_ID));
    assert_eq!(done.roles, ["Sites.Read.All", "Files.Read.All"]);
    assert_eq!(
        env.sandbox.key_credentials(OBJECT_ID).len(),
        2,
        "the app keeps its first certificate beside the new one"
    );
    let saved = done.profile.expect("saved");
    assert_eq!(saved.client_id(), CLIENT_ID);
    assert_eq!(saved.object_id(), Some(OBJECT_ID));
    let done_steps = done_steps(&events);
    assert_eq!(done_steps, existing_app_steps(true, false, true));
    // Only the role it lacked was granted: the other was already there.
    let granted = events.iter().find_map(|e| match e {
        TestEvent::Done {
            step: Step::GrantRoles,
            details,
            ..
        } => Some(details.clone()),
        _ => None,
    });
    let granted = granted.expect("the grant rung's details");
    assert_eq!(granted[0].value, "Sites.Read.All");
    assert_eq!(granted[1].value, "Files.Read.All");
    // One app still: nothing was created.
    assert_eq!(app_count(&env, &admin_token(&env)), 1);
    no_token_in(&events, "");
}

#[test]
fn apps_are_found_by_client_id_or_the_words_of_their_name_and_search_needs_eventual_consistency() {
    let env = Env::new();
    let admin = admin(&env);
    let token = admin.token.clone();
    let job = register_job(&env, admin, &["Sites.Read.All"]);
    let mut ignore = |_event: TestEvent| {};
    let registered = env
        .rt
        .block_on(register(job, &mut ignore, &CancellationToken::new()))
        .expect("registered");
    let new_id = registered.client_id.unwrap();
    let admin = AdminGraph {
        token: token.clone(),
        graph_url: env.sandbox.graph_url(),
        ca_file: None,
        timing: timing(),
    };
    let find = |query: &str| {
        env.rt
            .block_on(find_apps(&admin, query, &CancellationToken::new()))
            .unwrap()
            .into_iter()
            .map(|app| (app.client_id, app.display_name))
            .collect::<Vec<_>>()
    };
    let contoso = vec![(new_id.clone(), "Contoso connector".to_owned())];
    assert_eq!(find("contoso"), contoso);
    assert_eq!(find("Conn"), contoso, "a word's start, any case");
    assert_eq!(find("contoso conn"), contoso, "every word");
    assert!(find("nector").is_empty(), "not the middle of a word");
    assert!(find("fabrikam").is_empty());
    assert_eq!(find(&new_id), contoso, "a GUID is a client ID");
    assert_eq!(find(CLIENT_ID).len(), 1);
    // The search went out as Graph requires it.
    let searched = env
        .sandbox
        .requests()
        .into_iter()
        .filter(|r| r.path.contains("$search="))
        .collect::<Vec<_>>();
    assert!(!searched.is_empty());
    assert!(
        searched
            .iter()
            .all(|r| r.header("ConsistencyLevel") == Some("eventual"))
    );
    // Without the header, Graph (and the sandbox) refuse the advanced query.
    let url = format!(
        "{}/applications?$search=%22displayName:contoso%22",
        env.sandbox.graph_url()
    );
    let (status, body) = env.rt.block_on(async {
        let answer = http()
            .get(url)
            .bearer_auth(token.expose())
            .send()
            .await
            .unwrap();
        (answer.status().as_u16(), answer.text().await.unwrap())
    });
    assert_eq!(status, 400);
    assert!(body.contains("Request_UnsupportedQuery"), "{body}");
}
