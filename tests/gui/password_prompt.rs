//! The password prompt says why it opened, the first time: no password given, the given one
//! refused, the remembered one no longer working. While it is open the run panel does not repeat
//! its advice.

use crate::gui_harness;
use crate::support;

use certconnect::core::profile::PasswordSource;
use certconnect::secret::Secret;
use egui::accesskit::Role;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use gui_harness::{Gui, gui};
use support::probe_env::Env;

/// Test connection pressed: the prompt opens at once.
fn press_test(g: &mut Gui<'_>) {
    g.button("Test connection");
    g.settle();
    g.h.get_by_role_and_label(Role::Dialog, "Certificate password");
}

#[test]
fn with_no_password_the_prompt_says_none_was_given() {
    let env = Env::new();
    let mut g = gui(&env, Some(env.profile()));
    g.settle();
    press_test(&mut g);
    g.h.get_by_label("No password was given, and this file is protected by one.");
}

#[test]
fn with_a_wrong_typed_password_the_prompt_says_it_does_not_open_the_file() {
    let env = Env::new();
    let mut g = gui(&env, Some(env.profile()));
    g.click("Certificate");
    g.set_text(
        Role::PasswordInput,
        "Certificate password",
        "wrong-password",
    );
    g.settle();
    press_test(&mut g);
    g.h.get_by_label("The password given does not open this file.");
}

#[test]
fn with_a_remembered_password_that_no_longer_works_the_prompt_says_so() {
    let env = Env::new();
    let store = certconnect::profile_store::ProfileStore::at(env.ws.path("profiles"));
    let profile = env.profile();
    store.save(&profile).unwrap();
    let id = store.get(profile.name()).unwrap().profile.id().to_owned();
    let remembered = certconnect::ops::remember_password(
        &store,
        env.vault.store().as_ref(),
        &id,
        &Secret::new("an-old-password"),
    )
    .unwrap();
    assert!(matches!(
        remembered.certificate().password(),
        PasswordSource::CredentialStore { .. }
    ));
    let mut g = gui(&env, None);
    g.click(profile.name());
    g.settle();
    press_test(&mut g);
    g.h.get_by_label_contains("The remembered password no longer opens this file");
}

#[test]
fn while_the_prompt_is_open_the_run_panel_does_not_send_the_admin_back_to_test() {
    let env = Env::new();
    let mut g = gui(&env, Some(env.profile()));
    g.settle();
    press_test(&mut g);
    // A wrong answer: the test runs with it, fails, and the prompt opens again.
    g.set_text(Role::PasswordInput, "Password", "still-wrong");
    g.button("OK");
    g.wait_until(certconnect::gui::CertconnectApp::has_verdict);
    g.h.get_by_role_and_label(Role::Dialog, "Certificate password");
    g.h.get_by_label("The password given does not open this file.");
    assert!(
        g.h.query_by_label_contains("Press Test connection and enter")
            .is_none(),
        "the run panel repeats what the open prompt asks"
    );
    g.h.get_by_label_contains("in the prompt that is open");

    // Cancelled, the verdict says how to get the prompt back.
    g.button("Cancel");
    assert!(
        g.h.query_by_role_and_label(Role::Dialog, "Certificate password")
            .is_none()
    );
    g.h.get_by_label_contains("Press Test connection and enter the certificate's password");
    assert!(
        g.h.query_by_label_contains("in the prompt that is open")
            .is_none()
    );
}

#[test]
fn importing_into_the_credential_store_asks_why_the_first_time() {
    let env = Env::new();
    let mut g = gui(&env, Some(env.profile()));
    g.field("Name", "Kept");
    g.click("Certificate");
    // No password typed: the prompt says none was given.
    g.button("Import into credential store");
    g.wait_until(|app| !app.is_busy());
    g.h.run_ok();
    g.h.get_by_label("No password was given, and this file is protected by one.");
    g.set_text(Role::PasswordInput, "Password", "not the password");
    g.h.key_press(egui::Key::Enter);
    g.wait_until(|app| !app.is_busy());
    g.h.run_ok();
    // A wrong one: the prompt says so the first time it asks again.
    g.h.get_by_label("The password given does not open this file.");
}

#[test]
fn a_screen_reader_hears_why_the_prompt_opened_on_its_focused_field() {
    let env = Env::new();
    let mut g = gui(&env, Some(env.profile()));
    g.click("Certificate");
    g.set_text(
        Role::PasswordInput,
        "Certificate password",
        "wrong-password",
    );
    g.settle();
    press_test(&mut g);
    let field = g.h.get_by_role_and_label(Role::PasswordInput, "Password");
    assert!(field.accesskit_node().is_focused());
    assert_eq!(
        field.accesskit_node().description().as_deref(),
        Some("The password given does not open this file.")
    );
}
