//! Set up in Entra: from the welcome screen against the sandbox, signed in with a device code
//! approved through the sandbox's hook, to a connected profile saved with the new app's IDs; from
//! the form, cancelled mid-way, with what was created listed on the ladder; and from a failed
//! test's verdict, each fix: the certificate uploaded to the app (AADSTS700027), the missing
//! permission granted (Graph's 403), an existing app picked for a client ID Entra does not know
//! (AADSTS700016).

use crate::gui_harness;
use crate::support;

use std::time::Duration;

use certconnect::core::event::Step;
use certconnect::gui::{CertconnectApp, SignInState};
use certconnect::report::{StepState, Verdict};
use certconnect::sandbox::DEMO_CLIENT_ID;
use egui::accesskit::Role;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use gui_harness::{Gui, fill_form, gui, signed_in};
use support::probe_env::{CLIENT_ID, Env, OBJECT_ID, PASSWORD};

fn device_code(app: &CertconnectApp) -> Option<String> {
    match app.setup_sign_in_state()? {
        SignInState::Waiting(Some(prompt)) => Some(prompt.user_code.clone()),
        _ => None,
    }
}

/// Chooses the device code, signs in and shows the code (selectable, with Copy).
fn sign_in_with_a_code(g: &mut Gui<'_>) -> String {
    g.click("With a code, on any device");
    g.button("Sign in");
    g.wait_until(|app| device_code(app).is_some());
    let code = device_code(g.h.state()).unwrap();
    g.h.get_by_label(code.as_str());
    g.h.get_by_role_and_label(Role::Button, "Copy code");
    g.h.get_by_role_and_label(Role::Button, "Copy link");
    code
}

#[test]
fn from_the_welcome_screen_the_sandbox_app_is_registered_connected_and_saved() {
    let env = Env::new();
    let mut g = gui(&env, None);
    assert!(g.h.state().shows_welcome());
    g.button("Set up in Entra…");
    g.button("In the sandbox");
    g.wait_until(|app| app.sandbox().is_some() && app.setup_sign_in_state().is_some());
    let code = sign_in_with_a_code(&mut g);
    assert!(g.h.state().sandbox().unwrap().approve_device_code(&code));
    g.wait_until(signed_in);
    g.h.get_by_label_contains("Signed in as Sandbox Admin (admin@sandbox.onmicrosoft.com), tenant");
    // What the connector will do, in plain words.
    g.h.get_by_label_contains("Sites.Read.All: read every list");
    g.button("Start");
    g.wait_until(|app| !app.is_registering() && app.has_verdict());

    let run = g.h.state().run_view().unwrap();
    assert!(
        matches!(run.verdict, Some(Verdict::Connected(_))),
        "{:?}",
        run.verdict
    );
    let saved = saved_named(&mut g, "Sandbox app");
    assert!(!saved.client_id().is_empty());
    assert_ne!(
        saved.client_id(),
        DEMO_CLIENT_ID,
        "a new app, not the demo's"
    );
    let object_id = saved.object_id().expect("the object ID is saved");
    assert!(!object_id.is_empty());
    let draft = g.h.state().draft();
    assert_eq!(draft.client_id, saved.client_id());
    assert_eq!(draft.object_id, object_id);
    assert!(!g.h.state().is_dirty());
    let status = g.h.state().status().unwrap().to_owned();
    assert!(status.contains(saved.client_id()), "{status}");
    g.h.get_by_label_contains("Registered the app and saved 'Sandbox app'");
}

#[test]
fn cancel_mid_way_leaves_what_was_created_listed() {
    let env = Env::with(|config| {
        config.admin.replication_delay = Duration::from_secs(3600);
        config.admin.device_code_interval_secs = 1;
        config.admin.device_code_approve_on_poll = Some(1);
    });
    let mut g = gui(&env, None);
    fill_form(&mut g, &env, "", &env.pfx);
    g.button("Set up in Entra…");
    g.click("With a code, on any device");
    g.button("Sign in");
    g.wait_until(signed_in);
    g.button("Start");
    // The app is created; Entra has not made it known yet, so the service principal waits.
    g.wait_until(|app| {
        app.run_view().is_some_and(|run| {
            run.steps
                .iter()
                .any(|s| s.step == Step::CreateServicePrincipal && s.state == StepState::Running)
        })
    });
    g.button("Cancel");
    g.wait_until(|app| !app.is_registering());
    let run = g.h.state().run_view().unwrap();
    assert!(
        matches!(
            run.verdict,
            Some(Verdict::Failed {
                step: Step::CreateServicePrincipal,
                ..
            })
        ),
        "{:?}",
        run.verdict
    );
    g.h.get_by_label_contains("Created the app registration 'Contoso': client ID");
    g.h.get_by_label_contains("To undo: delete the app");
    // Nothing was saved: the app is not usable yet.
    assert!(g.h.state().profiles().is_empty());
}

/// A sandbox whose device codes are approved on the first poll, a second's poll apart.
fn quick_sign_in(roles: &[&str]) -> Env {
    Env::with_roles(roles, |config| {
        config.admin.device_code_interval_secs = 1;
        config.admin.device_code_approve_on_poll = Some(1);
    })
}

/// A second certificate, not on any app.
fn other_pfx(env: &Env) -> std::path::PathBuf {
    env.ws.certificate_files("other", PASSWORD).2
}

/// The saved profile with this name, once the save that follows the verdict has ended.
fn saved_named(g: &mut Gui<'_>, name: &str) -> certconnect::core::profile::Profile {
    g.settle();
    g.h.state()
        .profiles()
        .into_iter()
        .find(|p| p.name() == name)
        .expect("the profile is saved")
}

fn failed_with(app: &CertconnectApp) -> Option<(Step, String)> {
    match &app.run_view()?.verdict {
        Some(Verdict::Failed { step, failure }) => Some((*step, failure.code.clone())),
        _ => None,
    }
}

/// Signs in with a code (approved on the first poll), starts, and waits for the setup's verdict.
fn sign_in_and_start(g: &mut Gui<'_>) {
    g.click("With a code, on any device");
    g.button("Sign in");
    g.wait_until(signed_in);
    g.button("Start");
    g.wait_until(|app| !app.is_registering() && app.has_verdict());
}

/// Whether the setup's run did `step`.
fn step_done(g: &Gui<'_>, step: Step) -> bool {
    g.h.state()
        .run_view()
        .unwrap()
        .steps
        .iter()
        .any(|s| s.step == step && matches!(s.state, StepState::Done { .. }))
}

fn connected(g: &Gui<'_>) {
    let run = g.h.state().run_view().unwrap();
    assert!(
        matches!(run.verdict, Some(Verdict::Connected(_))),
        "{:?}",
        run.verdict
    );
}

#[test]
fn a_certificate_the_app_does_not_know_is_uploaded_from_the_verdict_keeping_its_key() {
    let env = quick_sign_in(&["Sites.Read.All"]);
    let mut g = gui(&env, None);
    let pfx = other_pfx(&env);
    fill_form(&mut g, &env, CLIENT_ID, &pfx);
    g.test_connection();
    assert_eq!(
        failed_with(g.h.state()),
        Some((Step::Token, "AADSTS700027".into()))
    );
    // The fix, by keyboard as well as by pointer: a button with its name for screen readers.
    let fix =
        g.h.get_by_role_and_label(Role::Button, "Upload this certificate to the app…");
    fix.focus();
    g.h.run_ok();
    g.h.key_press(egui::Key::Enter);
    g.h.run_ok();
    g.h.get_by_label_contains(&format!("The app with client ID {CLIENT_ID}"));
    sign_in_and_start(&mut g);
    connected(&g);
    assert_eq!(
        env.sandbox.key_credentials(OBJECT_ID).len(),
        2,
        "the app keeps its first certificate"
    );
    // The verdict names the roles the app's token holds (none were granted here).
    g.h.get_by_label("Roles: Sites.Read.All");
    let saved = saved_named(&mut g, "Contoso");
    assert_eq!(saved.client_id(), CLIENT_ID);
    assert_eq!(saved.object_id(), Some(OBJECT_ID));
}

#[test]
fn a_missing_permission_is_granted_from_the_verdict_and_the_test_connects() {
    let env = quick_sign_in(&[]);
    let mut g = gui(&env, None);
    let pfx = env.pfx.clone();
    fill_form(&mut g, &env, CLIENT_ID, &pfx);
    g.test_connection();
    assert_eq!(
        failed_with(g.h.state()),
        Some((Step::GraphSite, "accessDenied".into()))
    );
    // No offer to upload: the certificate is fine.
    assert!(
        g.h.query_by_label("Upload this certificate to the app…")
            .is_none()
    );
    g.button("Grant the missing permission…");
    // The read that failed needs a site role: it is the one chosen.
    let read_sites = g.h.get_by_role_and_label(Role::CheckBox, "Read sites");
    assert_eq!(
        read_sites.accesskit_node().toggled(),
        Some(egui::accesskit::Toggled::True)
    );
    sign_in_and_start(&mut g);
    connected(&g);
    assert!(step_done(&g, Step::GrantRoles));
    assert_eq!(
        env.sandbox.key_credentials(OBJECT_ID).len(),
        1,
        "the certificate was there: nothing added"
    );
}

#[test]
fn an_unknown_client_id_is_fixed_by_picking_the_app_that_exists() {
    let env = quick_sign_in(&["Sites.Read.All"]);
    let mut g = gui(&env, None);
    let pfx = env.pfx.clone();
    fill_form(&mut g, &env, "99999999-9999-4999-8999-999999999999", &pfx);
    g.test_connection();
    assert_eq!(
        failed_with(g.h.state()),
        Some((Step::Token, "AADSTS700016".into()))
    );
    // Beside Client ID and in the verdict.
    let offers =
        g.h.query_all_by_role_and_label(Role::Button, "Set up in Entra…")
            .count();
    assert_eq!(offers, 2);
    g.h.query_all_by_role_and_label(Role::Button, "Set up in Entra…")
        .last()
        .unwrap()
        .click();
    g.h.run_ok();
    g.click("With a code, on any device");
    g.button("Sign in");
    g.wait_until(signed_in);
    g.click("An app that exists");
    g.field("Name or client ID", CLIENT_ID);
    g.button("Find");
    let label = format!("(no name) ({CLIENT_ID})");
    g.wait_until(|app| {
        matches!(
            app.setup_sign_in_state(),
            Some(SignInState::SignedIn { .. })
        ) && !app.is_busy()
    });
    g.click(&label);
    g.button("Start");
    g.wait_until(|app| !app.is_registering() && app.has_verdict());
    connected(&g);
    let saved = saved_named(&mut g, "Contoso");
    assert_eq!(saved.client_id(), CLIENT_ID);
    assert_eq!(g.h.state().draft().client_id, CLIENT_ID);
    g.h.get_by_label_contains("Set up the app and saved 'Contoso'");
}

const SITE_ID: &str =
    "sandbox.example.com,6f1c3a52-4c1e-4a52-9a3b-1f2e3d4c5b6a,9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b";

#[test]
fn sites_selected_grants_the_profiles_site_after_a_sign_in_that_may_grant_it() {
    let env = quick_sign_in(&["Sites.Read.All"]);
    let mut g = gui(&env, None);
    let pfx = other_pfx(&env);
    fill_form(&mut g, &env, "", &pfx);
    g.click("Graph");
    g.field("Default Site Id", SITE_ID);
    g.click("General");
    g.button("Set up in Entra…");
    g.click("With a code, on any device");
    g.button("Sign in");
    g.wait_until(signed_in);
    g.click("Read sites");
    g.click("Only sites granted one by one");
    g.h.get_by_label_contains(&format!("The site granted: {SITE_ID}"));
    g.click("Read and write the site");
    // The sign-in did not ask for the site grant's permission: Start waits for another.
    assert!(
        g.h.get_by_role_and_label(Role::Button, "Start")
            .accesskit_node()
            .is_disabled()
    );
    g.button("Sign in again");
    g.wait_until(|app| signed_in(app) && app.setup_sign_in_state().is_some() && !app.is_busy());
    g.button("Start");
    g.wait_until(|app| !app.is_registering() && app.has_verdict());
    connected(&g);
    assert!(step_done(&g, Step::GrantSite));
    let granted = env
        .sandbox
        .requests()
        .into_iter()
        .filter(|r| r.path.ends_with(&format!("sites/{SITE_ID}/permissions")))
        .count();
    assert_eq!(granted, 1);
}

#[test]
fn sites_selected_without_a_site_says_where_to_enter_it() {
    let env = quick_sign_in(&["Sites.Read.All"]);
    let mut g = gui(&env, None);
    fill_form(&mut g, &env, "", &env.pfx.clone());
    g.click("Graph");
    g.field("Default Site Id", "");
    g.click("General");
    g.button("Set up in Entra…");
    g.click("Only sites granted one by one");
    g.h.get_by_label_contains("enter it in Default Site Id on the Graph tab");
}

#[test]
fn a_profile_without_a_certificate_gets_a_new_one_made_beside_the_profiles_and_uses_it() {
    let env = quick_sign_in(&["Sites.Read.All"]);
    let mut g = gui(&env, None);
    g.button("New connection");
    g.field("Name", "Fabrikam");
    g.field("Token URL", &env.sandbox.token_url());
    g.click("Graph");
    g.field("Graph URL", &env.sandbox.graph_url());
    g.click("General");
    g.button("Set up in Entra…");
    g.h.get_by_label_contains("Certificate: the profile has none, so a new one is made.");
    let default = env.ws.path("certificates").join("Fabrikam.pfx");
    g.h.get_by_label_contains(&format!(
        "By default it goes beside the profiles: {}",
        default.display()
    ));
    g.set_text(Role::PasswordInput, "New PFX password", PASSWORD);
    sign_in_and_start(&mut g);
    connected(&g);
    assert!(step_done(&g, Step::NewCertificate));
    assert!(default.is_file());
    assert!(default.with_extension("cer").is_file());
    let saved = saved_named(&mut g, "Fabrikam");
    assert_eq!(g.h.state().draft().pfx_path, default.display().to_string());
    assert!(format!("{:?}", saved.certificate()).contains("Fabrikam.pfx"));
    // The form tests it at once with the new certificate's password.
    g.test_connection();
    connected(&g);
}

#[test]
fn in_the_smallest_window_the_wizard_scrolls_and_start_stays_in_view() {
    let env = quick_sign_in(&["Sites.Read.All"]);
    let mut g = gui_harness::gui_sized(&env, None, egui::vec2(860.0, 520.0), None);
    g.button("Set up in Entra…");
    g.button("In the sandbox");
    g.wait_until(|app| app.sandbox().is_some() && app.setup_sign_in_state().is_some());
    for label in ["Start", "Cancel"] {
        let button = g.h.get_by_role_and_label(Role::Button, label);
        let rect = button.accesskit_node().bounding_box().unwrap();
        assert!(rect.y1 <= 520.0, "{label} is below the window: {rect:?}");
    }
}
