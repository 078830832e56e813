//! Set up in Entra, what a run leaves: the verdict of a connected setup with the token's
//! lifetime and the form compared with it as a test's is; a setup that stops after making the app
//! replacing an earlier success on the status line and offering the way on (use the app in the
//! profile, grant what its test missed); and the warning before Start when the access chosen
//! cannot pass that test; an existing app found alone picked, and tested with the certificate it
//! has.

use crate::gui_harness;
use crate::support;

use certconnect::core::event::Step;
use certconnect::gui::{CertconnectApp, SignInState};
use certconnect::report::Verdict;
use egui::accesskit::Role;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use gui_harness::{Gui, gui};
use support::probe_env::{CLIENT_ID, Env, PASSWORD};

fn signed_in(app: &CertconnectApp) -> bool {
    matches!(
        app.setup_sign_in_state(),
        Some(SignInState::SignedIn { .. })
    )
}

/// A sandbox whose device codes are approved on the first poll, a second's poll apart.
fn quick_sign_in() -> Env {
    Env::with(|config| {
        config.admin.device_code_interval_secs = 1;
        config.admin.device_code_approve_on_poll = Some(1);
    })
}

/// A new profile for the sandbox with no app yet, and its certificate.
fn fill_form(g: &mut Gui<'_>, env: &Env) {
    g.button("New connection");
    g.field("Name", "Contoso");
    g.field("Token URL", &env.sandbox.token_url());
    g.click("Graph");
    g.field("Graph URL", &env.sandbox.graph_url());
    g.click("Certificate");
    g.field("PFX file", &env.pfx.display().to_string());
    g.set_text(Role::PasswordInput, "Certificate password", PASSWORD);
    g.click("General");
}

/// Opens the wizard, signs in with a code unless signed in, lets `choose` set the choices,
/// starts, and waits for the verdict.
fn run_setup(g: &mut Gui<'_>, choose: impl FnOnce(&mut Gui<'_>)) {
    g.button("Set up in Entra…");
    if !signed_in(g.h.state()) {
        g.click("With a code, on any device");
        g.button("Sign in");
        g.wait_until(signed_in);
    }
    choose(g);
    g.button("Start");
    g.wait_until(|app| !app.is_registering() && app.has_verdict());
}

#[test]
fn a_connected_setup_shows_the_tokens_lifetime_and_notices_a_changed_client_id() {
    let env = quick_sign_in();
    let mut g = gui(&env, None);
    fill_form(&mut g, &env);
    run_setup(&mut g, |_| {});
    let run = g.h.state().run_view().unwrap();
    let Some(Verdict::Connected(summary)) = &run.verdict else {
        panic!("{:?}", run.verdict);
    };
    assert!(summary.token_expires_in > 0, "{summary:?}");
    let lifetime = format!("Token valid for {} s", summary.token_expires_in);
    g.h.get_by_label_contains(&lifetime);
    assert!(
        g.h.query_by_label_contains("Settings changed since this run")
            .is_none()
    );

    g.field("Client ID", "22222222-2222-4222-8222-222222222222");
    g.h.get_by_label_contains("Settings changed since this run");
}

#[test]
fn a_setup_stopped_at_its_test_replaces_the_last_success_and_offers_the_app() {
    let env = quick_sign_in();
    let mut g = gui(&env, None);
    fill_form(&mut g, &env);
    run_setup(&mut g, |_| {});
    let saved_client_id = g.h.state().draft().client_id.clone();
    g.h.get_by_label_contains("Registered the app and saved 'Contoso'");

    // Only files: the test reads the site, which Graph refuses. The wizard says so before Start.
    run_setup(&mut g, |g| {
        g.click("Read sites");
        g.click("Read files");
        g.h.get_by_label_contains("The connection test at the end reads");
    });
    let run = g.h.state().run_view().unwrap();
    assert!(
        matches!(
            run.verdict,
            Some(Verdict::Failed {
                step: Step::TestNew,
                ..
            })
        ),
        "{:?}",
        run.verdict
    );
    let created = run.setup_app.clone().expect("the app made is offered");
    assert_ne!(created.client_id, saved_client_id);
    let status = g.h.state().status().unwrap().to_owned();
    assert!(!status.contains("saved 'Contoso'"), "{status}");
    assert!(status.contains("Set up in Entra stopped at"), "{status}");

    g.h.get_by_role_and_label(Role::Button, "Grant the missing permission…");
    g.button("Use this app in the profile");
    let draft = g.h.state().draft();
    assert_eq!(draft.client_id, created.client_id);
    assert_eq!(draft.object_id, created.object_id);
    assert!(g.h.state().is_dirty(), "not saved");
    g.h.get_by_label_contains(&format!(
        "Client ID {} and object ID {} are in the form, not saved yet",
        created.client_id, created.object_id
    ));
}

#[test]
fn a_single_match_is_picked_and_the_ladder_tests_the_registered_certificate() {
    let env = Env::with_roles(&["Sites.Read.All"], |config| {
        config.admin.device_code_interval_secs = 1;
        config.admin.device_code_approve_on_poll = Some(1);
    });
    let mut g = gui(&env, None);
    fill_form(&mut g, &env);
    run_setup(&mut g, |g| {
        g.click("An app that exists");
        g.field("Name or client ID", CLIENT_ID);
        g.button("Find");
        g.wait_until(|app| !app.is_busy());
        // Found alone: picked, Start ready without a click on it.
        assert!(
            !g.h.get_by_role_and_label(Role::Button, "Start")
                .accesskit_node()
                .is_disabled()
        );
    });
    let run = g.h.state().run_view().unwrap();
    assert!(
        matches!(run.verdict, Some(Verdict::Connected(_))),
        "{:?}",
        run.verdict
    );
    // The certificate was on the app already: not "new".
    g.h.get_by_label_contains("Test with the registered certificate");
    assert!(
        g.h.query_by_label_contains("Test with the new certificate")
            .is_none()
    );
}

#[test]
fn remember_ticked_after_signing_in_says_it_takes_effect_at_the_next_sign_in() {
    let env = quick_sign_in();
    let mut g = gui(&env, None);
    fill_form(&mut g, &env);
    g.button("Set up in Entra…");
    g.click("With a code, on any device");
    g.button("Sign in");
    g.wait_until(signed_in);
    g.click("Remember this sign-in in the credential store");
    g.h.get_by_label_contains("The next sign-in will be remembered in the");
}
