//! The first run and fresh forms: a welcome that guides, no wall of red before anything was typed,
//! unsaved drafts listed, and the labels' plain-word hints.

use crate::gui_harness;
use crate::support;

use certconnect::core::profile::Origin;
use certconnect::gui::CertconnectApp;
use certconnect::profile_store::ProfileStore;
use egui::accesskit::Role;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use gui_harness::{Gui, gui, gui_with_saved_demo, saved};
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

    // The demo starts a sandbox on this computer; its profile is saved and opens as saved.
    g.button("Try the sandbox demo");
    g.wait_until(|app| !app.shows_welcome() && !app.is_busy());
    demo_is_open_saved_with_its_hint(&mut g, "Sandbox demo");
    g.test_connection();
    g.h.get_by_label("Connected");
    // The hint said what to do next; once done, it goes.
    assert!(
        !g.h.state()
            .status()
            .is_some_and(|s| s.contains("Press Test connection")),
        "{:?}",
        g.h.state().status()
    );
    new_after_the_demo_asks_nothing_and_keeps_it(&mut g);
}

/// The demo's profile is open as an ordinary saved profile (listed under its name, no unsaved
/// changes), and the status line shows the demo's hint, which names a button on screen.
fn demo_is_open_saved_with_its_hint(g: &mut Gui<'_>, name: &str) {
    let token_url = g.h.state().draft().token_url.clone();
    assert!(token_url.contains("://127.0.0.1:"), "{token_url}");
    assert!(g.store.get(name).is_ok(), "the demo's profile is saved");
    assert!(!g.h.state().is_dirty(), "nothing was touched yet");
    assert!(g.h.query_by_label_contains("(unsaved)").is_none());
    assert!(g.h.query_by_label("• unsaved changes").is_none());
    g.h.get_by_label(name);
    let hint = g.h.state().status().unwrap_or_default().to_owned();
    assert!(hint.contains("Press Test connection"), "{hint}");
    assert!(hint.contains(name), "{hint}");
    g.h.get_by_label(&hint);
    g.h.get_by_role_and_label(Role::Button, "Test connection");
}

fn new_after_the_demo_asks_nothing_and_keeps_it(g: &mut Gui<'_>) {
    g.button("New");
    g.settle();
    assert!(
        g.h.query_by_role_and_label(Role::Button, "Discard changes")
            .is_none(),
        "New asks nothing after the demo"
    );
    g.h.get_by_label("(unnamed, unsaved)");
    g.h.get_by_label("Sandbox demo");
    assert!(g.store.get("Sandbox demo").is_ok());
}

#[test]
fn certconnect_demo_opens_its_saved_profile_with_the_same_hint() {
    let env = Env::new();
    let store = ProfileStore::at(env.ws.path("profiles"));
    // A profile of the user's own holds the name: the demo's is saved beside it.
    saved(&env, &store, &["Sandbox demo"]);
    let dir = certconnect::ops::demo_dir(&store);
    let demo = env
        .rt
        .block_on(certconnect::sandbox::start_demo(&dir, Default::default()))
        .unwrap();
    let saved_demo = certconnect::ops::save_demo_profile(&store, &demo.profile).unwrap();
    assert_eq!(saved_demo.name(), "Sandbox demo (2)");
    // Starting the demo again updates the same profile instead of adding one.
    let again = certconnect::ops::save_demo_profile(&store, &demo.profile).unwrap();
    assert_eq!(again.id(), saved_demo.id());
    assert_eq!(store.load_all().profiles.len(), 2);

    let mut g = gui_with_saved_demo(&env, saved_demo);
    demo_is_open_saved_with_its_hint(&mut g, "Sandbox demo (2)");
    g.test_connection();
    g.h.get_by_label("Connected");
    drop(demo);
}

#[test]
fn certconnect_demo_started_again_after_a_setup_updates_its_own_profile() {
    let env = Env::new();
    let store = ProfileStore::at(env.ws.path("profiles"));
    let dir = certconnect::ops::demo_dir(&store);
    let first = env
        .rt
        .block_on(certconnect::sandbox::start_demo(&dir, Default::default()))
        .unwrap();
    let saved_demo = certconnect::ops::save_demo_profile(&store, &first.profile).unwrap();
    // A setup run in the demo points the profile at the app it registered.
    let set_up = saved_demo
        .edited(|draft| draft.client_id = "22222222-2222-4222-8222-222222222222".into())
        .unwrap();
    store.save(&set_up).unwrap();
    drop(first);

    // The next demo, on another port, takes the same profile back and points it at itself.
    let second = env
        .rt
        .block_on(certconnect::sandbox::start_demo(&dir, Default::default()))
        .unwrap();
    let again = certconnect::ops::save_demo_profile(&store, &second.profile).unwrap();
    assert_eq!(again.id(), saved_demo.id());
    assert_eq!(again.name(), "Sandbox demo");
    assert_eq!(
        again.authority().token_url,
        second.profile.authority().token_url
    );
    assert_eq!(store.load_all().profiles.len(), 1, "no 'Sandbox demo (2)'");
    drop(second);
}

#[test]
fn the_welcome_names_no_button_it_does_not_show() {
    let env = Env::new();
    let g = gui(&env, None);
    assert!(g.h.state().shows_welcome());
    assert!(
        g.h.query_by_role_and_label(Role::Button, "Test connection")
            .is_none()
    );
    assert!(
        g.h.query_by_label_contains("Press Test connection")
            .is_none(),
        "no hint names the Test connection button while it is not shown"
    );
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
        g.h.query_by_label_contains("Give the profile a name")
            .is_none()
    );
    // The new draft is listed, marked unsaved.
    g.h.get_by_label("(unnamed, unsaved)");
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
    g.h.get_by_label_contains("Give the profile a name");
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

#[test]
fn disabled_list_buttons_say_why_and_imported_profiles_awaiting_confirmation_are_marked() {
    let env = Env::new();
    let mut g = gui(&env, None);
    g.button("New connection");
    // Nothing saved: Duplicate, Rename, Delete and Export are off, and say why.
    for button in ["Duplicate", "Rename", "Delete", "Export…"] {
        let node = g.h.get_by_role_and_label(Role::Button, button);
        assert!(node.accesskit_node().is_disabled(), "{button}");
        let why = node.accesskit_node().description().unwrap_or_default();
        assert!(!why.is_empty(), "{button} says why it is off");
    }

    let store = ProfileStore::at(env.ws.path("profiles"));
    let imported = env
        .profile()
        .renamed("From a file")
        .unwrap()
        .with_origin(Origin::Imported {
            brought_entries: vec![],
        });
    store.save(&imported).unwrap();
    saved(&env, &store, &["Typed here"]);
    let mut g = gui(&env, None);
    let marks: Vec<_> = g.h.get_all_by_label("imported").collect();
    assert_eq!(marks.len(), 1, "only the unconfirmed profile is marked");
    let why = marks[0]
        .accesskit_node()
        .description()
        .unwrap_or_default()
        .to_owned();
    assert!(why.contains("Trust and test"), "{why}");
    // The mark takes no focus; the row, which does, carries it for a screen reader.
    let row =
        g.h.get_by_label("From a file")
            .accesskit_node()
            .description()
            .unwrap_or_default()
            .to_owned();
    assert!(row.starts_with("Imported and not yet confirmed"), "{row}");
    let typed =
        g.h.get_by_label("Typed here")
            .accesskit_node()
            .description();
    assert!(
        !typed.clone().unwrap_or_default().contains("Imported"),
        "{typed:?}"
    );
    g.click("Typed here");
    g.settle();
    let duplicate = g.h.get_by_role_and_label(Role::Button, "Duplicate");
    assert!(!duplicate.accesskit_node().is_disabled());
}
