//! Set up in Entra: from the welcome screen against the sandbox, signed in with a device code
//! approved through the sandbox's hook, to a connected profile saved with the new app's IDs; and
//! from the form, cancelled mid-way, with what was created listed on the ladder.

use crate::gui_harness;
use crate::support;

use std::time::Duration;

use certconnect::core::event::Step;
use certconnect::gui::{CertconnectApp, SignInState};
use certconnect::report::{StepState, Verdict};
use certconnect::sandbox::DEMO_CLIENT_ID;
use egui::accesskit::Role;
use egui_kittest::kittest::Queryable as _;
use gui_harness::{Gui, gui};
use support::probe_env::{Env, PASSWORD};

fn device_code(app: &CertconnectApp) -> Option<String> {
    match app.setup_sign_in_state()? {
        SignInState::Waiting(Some(prompt)) => Some(prompt.user_code.clone()),
        _ => None,
    }
}

fn signed_in(app: &CertconnectApp) -> bool {
    matches!(
        app.setup_sign_in_state(),
        Some(SignInState::SignedIn { .. })
    )
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
    let saved =
        g.h.state()
            .profiles()
            .into_iter()
            .find(|p| p.name() == "Sandbox app")
            .expect("the profile is saved");
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
    g.button("New connection");
    g.field("Name", "Contoso");
    g.field("Token URL", &env.sandbox.token_url());
    g.click("Graph");
    g.field("Graph URL", &env.sandbox.graph_url());
    g.click("Certificate");
    g.field("PFX file", &env.pfx.display().to_string());
    g.set_text(Role::PasswordInput, "Certificate password", PASSWORD);
    g.click("General");
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
