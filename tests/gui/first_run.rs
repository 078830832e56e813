//! The first run and fresh forms: a welcome that guides, no wall of red before anything was typed,
//! unsaved drafts listed, and the labels' plain-word hints.

use crate::gui_harness;
use crate::support;

use certconnect::gui::CertconnectApp;
use certconnect::profile_store::ProfileStore;
use egui::accesskit::Role;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use gui_harness::{gui, saved};
use support::probe_env::Env;

#[test]
fn with_no_profiles_the_welcome_offers_new_the_demo_and_import() {
    let env = Env::new();
    let mut g = gui(&env, None);
    assert!(g.h.state().shows_welcome());
    g.h.get_by_label_contains("certconnect checks app-only connections");
    for button in ["New connection", "Try the sandbox demo"] {
        g.h.get_by_role_and_label(Role::Button, button);
    }
    assert_eq!(
        g.h.get_all_by_role_and_label(Role::Button, "Import…")
            .count(),
        2,
        "Import… on the welcome screen as well as under the list"
    );
    // No form, so no error either.
    assert!(
        g.h.query_by_role_and_label(Role::TextInput, "Client ID")
            .is_none()
    );
    assert!(!g.h.state().shows_field_errors());

    // The demo starts a sandbox on this computer and its profile connects.
    g.button("Try the sandbox demo");
    g.wait_until(|app| !app.shows_welcome() && !app.is_busy());
    let token_url = g.h.state().draft().token_url.clone();
    assert!(token_url.contains("://127.0.0.1:"), "{token_url}");
    g.h.get_by_label("Sandbox demo (unsaved)");
    g.test_connection();
    g.h.get_by_label("Connected");
}

#[test]
fn a_fresh_form_shows_no_errors_until_a_field_is_left_or_save_is_pressed() {
    let env = Env::new();
    let mut g = gui(&env, None);
    g.button("New connection");
    assert!(!g.h.state().shows_welcome());
    assert!(
        !g.h.state().shows_field_errors(),
        "a fresh form is not a wall of red"
    );
    assert!(
        g.h.query_by_label_contains("give the profile a name")
            .is_none()
    );
    // The new draft is listed, marked unsaved.
    g.h.get_by_label("New connection (unsaved)");
    // Test connection stays disabled and says why.
    assert!(
        g.h.get_by_role_and_label(Role::Button, "Test connection")
            .accesskit_node()
            .is_disabled()
    );

    // Leaving the Name field empty shows its error, and only its error.
    g.h.get_by_role_and_label(Role::TextInput, "Name").focus();
    g.h.run_ok();
    g.h.key_press(egui::Key::Tab);
    g.h.run_ok();
    g.h.get_by_label_contains("give the profile a name");
    assert!(g.h.query_by_label_contains("a GUID like").is_none());

    // Save shows every error.
    g.field("Name", "Fresh");
    g.h.get_by_label("Fresh (unsaved)");
    g.button("Save");
    g.h.get_by_label_contains("Not saved");
    g.h.get_by_label_contains("a GUID like");
}

#[test]
fn after_deleting_the_last_profile_the_welcome_returns_and_with_others_a_quiet_form() {
    let env = Env::new();
    let store = ProfileStore::at(env.ws.path("profiles"));
    saved(&env, &store, &["Only"]);
    let mut g = gui(&env, None);
    g.click("Only");
    g.settle();
    // Del asks first (the dialog is named for screen readers); Enter confirms.
    g.h.key_press(egui::Key::Delete);
    g.h.run_ok();
    g.h.get_by_role_and_label(Role::Dialog, "Delete profile");
    g.h.key_press(egui::Key::Enter);
    g.h.run_ok();
    g.settle();
    assert!(g.h.state().shows_welcome());

    saved(&env, &store, &["A", "B"]);
    let mut g = gui(&env, None);
    g.click("A");
    g.settle();
    g.button("Delete");
    let confirm =
        g.h.get_all_by_role_and_label(Role::Button, "Delete")
            .last()
            .unwrap();
    confirm.click();
    g.h.run_ok();
    g.settle();
    assert!(!g.h.state().shows_welcome());
    assert!(
        !g.h.state().shows_field_errors(),
        "the empty form after a delete is quiet"
    );
}

#[test]
fn a_duplicate_is_listed_as_unsaved_until_saved() {
    let env = Env::new();
    let store = ProfileStore::at(env.ws.path("profiles"));
    saved(&env, &store, &["Prod"]);
    let mut g = gui(&env, None);
    g.click("Prod");
    g.settle();
    g.button("Duplicate");
    g.h.get_by_label("Prod (copy) (unsaved)");
    g.button("Save");
    g.settle();
    assert!(g.h.query_by_label("Prod (copy) (unsaved)").is_none());
    g.h.get_by_label("Prod (copy)");
}

#[test]
fn connector_labels_keep_their_names_with_plain_hints_and_the_store_is_named() {
    let env = Env::new();
    let mut g = gui(&env, Some(env.profile()));
    g.click("Retry & headers");
    g.h.get_by_label("RetryCountMax").hover();
    for _ in 0..8 {
        g.h.step();
    }
    g.h.get_by_label_contains("How many times a failed request is tried again");
    g.click("Certificate");
    // The credential store is named as the platform names it, not "OS credential store".
    let name = env.vault.store().name().to_owned();
    g.h.get_by_label(&name);
    assert!(g.h.query_by_label("OS credential store").is_none());
    let _: &CertconnectApp = g.h.state();
}
