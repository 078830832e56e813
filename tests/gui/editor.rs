//! Editor details: header rows checked at the row, keyboard shortcuts, and dialogs that focus
//! their first field, answer Enter and Esc, name themselves, and take a typed path.

use crate::gui_harness;
use crate::support;

use certconnect::profile_store::ProfileStore;
use egui::accesskit::Role;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use gui_harness::{Gui, gui, saved};
use support::probe_env::Env;

fn test_disabled(g: &Gui<'_>) -> bool {
    g.h.get_by_role_and_label(Role::Button, "Test connection")
        .accesskit_node()
        .is_disabled()
}

#[test]
fn a_colon_in_a_header_name_is_refused_at_its_row_and_nothing_else_is_used() {
    let env = Env::new();
    let mut draft = env.draft();
    draft.extra_headers = "X-Trace:1".into();
    let mut g = gui(&env, Some(draft.parse().unwrap()));
    g.click("Retry & headers");
    assert!(!test_disabled(&g));

    g.field("Header 1 name", "X:Trace");
    g.h.get_by_label_contains("A header name cannot contain ':'");
    assert_eq!(
        g.h.get_by_role_and_label(Role::TextInput, "Header 1 name")
            .value()
            .as_deref(),
        Some("X:Trace"),
        "the colon stays on screen, with the reason, instead of vanishing"
    );
    assert!(test_disabled(&g), "a test would not use what is on screen");
    assert_eq!(g.h.state().draft().extra_headers, "X-Trace:1");
    assert!(g.h.state().is_dirty(), "the row is an unsaved change");
    g.button("Save");
    g.h.get_by_label_contains("Not saved: A header name cannot contain ':'");

    // A value with the connector's separator is refused at the row, in plain words.
    g.field("Header 1 name", "X-Trace");
    g.field("Header 1 value", "x||y");
    g.h.get_by_label_contains("cannot contain '||'");
    assert!(g.h.query_by_label_contains("has no ':'").is_none());

    // A control character too (it would fail inside the HTTP library as a network error).
    g.field("Header 1 value", "a\u{1}b");
    g.h.get_by_label_contains("control character");

    // Fixed: the draft takes the row, and the test is possible again.
    g.field("Header 1 value", "2");
    assert_eq!(g.h.state().draft().extra_headers, "X-Trace:2");
    assert!(!test_disabled(&g));

    // A new, empty row is no error and is not written.
    g.button("Add header");
    assert!(!test_disabled(&g));
    assert_eq!(g.h.state().draft().extra_headers, "X-Trace:2");
    g.button("Remove header 2");
    g.button("Remove header 1");
    assert_eq!(g.h.state().draft().extra_headers, "");
}

#[test]
fn keyboard_shortcuts_reach_new_rename_delete_tabs_and_search() {
    let env = Env::new();
    let store = ProfileStore::at(env.ws.path("profiles"));
    saved(&env, &store, &["Alpha", "Beta"]);
    let mut g = gui(&env, None);
    g.click("Alpha");
    g.settle();

    // Ctrl+Tab / Ctrl+Shift+Tab walk the tabs, round the ends.
    g.h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Tab);
    g.h.run_ok();
    g.h.get_by_role_and_label(Role::TextInput, "PFX file");
    g.h.key_press_modifiers(
        egui::Modifiers::COMMAND | egui::Modifiers::SHIFT,
        egui::Key::Tab,
    );
    g.h.key_press_modifiers(
        egui::Modifiers::COMMAND | egui::Modifiers::SHIFT,
        egui::Key::Tab,
    );
    g.h.run_ok();
    g.h.get_by_role_and_label(Role::TextInput, "Scope");

    // F2 renames: the dialog is named, its field has the focus, Esc cancels.
    g.h.key_press(egui::Key::F2);
    g.h.run_ok();
    g.h.get_by_role_and_label(Role::Dialog, "Rename profile");
    assert!(
        g.h.get_by_role_and_label(Role::TextInput, "New name")
            .accesskit_node()
            .is_focused()
    );
    g.h.key_press(egui::Key::Escape);
    g.h.run_ok();
    assert!(
        g.h.query_by_role_and_label(Role::Dialog, "Rename profile")
            .is_none()
    );

    // Del in a text field deletes a character, never the profile.
    g.click("General");
    g.h.get_by_role_and_label(Role::TextInput, "Name").focus();
    g.h.run_ok();
    g.h.key_press(egui::Key::Delete);
    g.h.run_ok();
    assert!(
        g.h.query_by_role_and_label(Role::Dialog, "Delete profile")
            .is_none()
    );
    // Whatever Del took from the name is put back, so Ctrl+N below meets no unsaved edit.
    g.field("Name", "Alpha");

    // Ctrl+F goes to the search field.
    g.h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::F);
    g.h.run_ok();
    assert!(
        g.h.get_by_role_and_label(Role::TextInput, "Search")
            .accesskit_node()
            .is_focused()
    );
    g.h.get_by_role_and_label(Role::TextInput, "Search")
        .type_text("Bet");
    g.h.run_ok();
    assert!(g.h.query_by_label("Alpha").is_none());
    g.h.get_by_label("Beta");

    // Ctrl+N starts a new profile.
    g.h.key_press(egui::Key::Escape);
    g.h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::N);
    g.h.run_ok();
    g.h.get_by_label("(unnamed, unsaved)");
}

#[test]
fn a_file_dialog_takes_a_typed_path_focuses_it_and_esc_cancels() {
    let env = Env::new();
    let store = ProfileStore::at(env.ws.path("profiles"));
    saved(&env, &store, &["Prod"]);
    let mut g = gui(&env, None);
    g.click("Prod");
    g.settle();
    // No native dialog can open here (the picker answers nothing): the path field still works.
    g.button("Import…");
    g.h.get_by_role_and_label(Role::Dialog, "Import profiles");
    assert!(
        g.h.get_by_role_and_label(Role::TextInput, "File")
            .accesskit_node()
            .is_focused()
    );
    g.button("Browse…");
    g.settle();
    assert_eq!(
        g.h.get_by_role_and_label(Role::TextInput, "File")
            .value()
            .as_deref(),
        Some(""),
        "a dialog that answered nothing leaves the field as it was"
    );
    g.h.key_press(egui::Key::Escape);
    g.h.run_ok();
    assert!(
        g.h.query_by_role_and_label(Role::Dialog, "Import profiles")
            .is_none()
    );

    // Enter in the path field submits.
    let export = env.ws.path("typed.ron");
    g.button("Export…");
    g.field("File", support::s(&export));
    g.h.key_press(egui::Key::Enter);
    g.h.run_ok();
    g.settle();
    assert!(export.exists(), "{:?}", g.h.state().status());
    // The same path again: the file that is there is not replaced.
    std::fs::write(&export, "keep me").unwrap();
    g.button("Export…");
    g.field("File", support::s(&export));
    g.h.key_press(egui::Key::Enter);
    g.h.run_ok();
    g.settle();
    assert_eq!(std::fs::read_to_string(&export).unwrap(), "keep me");
    assert!(
        g.h.state()
            .status()
            .is_some_and(|s| s.contains("Export failed")),
        "{:?}",
        g.h.state().status()
    );
}

#[test]
fn an_imported_profile_asks_before_its_first_test_and_remembers_the_answer() {
    use certconnect::core::profile::Origin;
    let env = Env::new();
    let store = ProfileStore::at(env.ws.path("profiles"));
    let mut draft = env.draft();
    draft.name = "Shared".into();
    draft.graph_url = "https://graph.attacker.invalid/v1.0".into();
    draft.scope = env.sandbox.scope();
    let profile = draft.parse().unwrap().with_origin(Origin::Imported {
        brought_entries: Vec::new(),
    });
    store.save(&profile).unwrap();
    let mut g = gui(&env, None);
    g.click("Shared");
    g.settle();
    g.click("Certificate");
    g.set_text(
        Role::PasswordInput,
        "Certificate password",
        support::probe_env::PASSWORD,
    );
    g.button("Test connection");
    g.h.get_by_role_and_label(Role::Dialog, "Imported profile");
    g.h.get_by_label_contains("graph.attacker.invalid");
    g.button("Cancel");
    assert!(!g.h.state().is_testing());
    assert!(
        env.sandbox.requests().is_empty(),
        "nothing was sent before the answer"
    );

    g.button("Test connection");
    g.button("Trust and test");
    g.wait_until(|app| app.has_verdict() && !app.is_busy());
    assert!(
        !env.sandbox.requests().is_empty(),
        "the confirmed profile ran"
    );
    assert_eq!(
        *store.get("Shared").unwrap().profile.origin(),
        Origin::Local
    );
    // Asked once: the next test goes straight ahead.
    g.button("Test connection");
    assert!(
        g.h.query_by_role_and_label(Role::Dialog, "Imported profile")
            .is_none()
    );
}

#[test]
fn the_object_id_field_refuses_the_client_id_and_saves_a_guid() {
    let env = Env::new();
    let mut g = gui(&env, Some(env.profile()));
    g.h.get_by_label("Application object ID");
    g.field("Application object ID", support::probe_env::CLIENT_ID);
    // Its error shows once the field is left.
    g.h.key_press(egui::Key::Tab);
    g.h.run_ok();
    g.h.get_by_label_contains("This is the Client ID");
    assert!(
        test_disabled(&g),
        "what the window shows is what would be used"
    );

    g.field("Application object ID", support::probe_env::OBJECT_ID);
    assert!(
        g.h.query_by_label_contains("This is the Client ID")
            .is_none()
    );
    assert!(!test_disabled(&g));
    g.field("Name", "With object id");
    g.h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::S);
    g.h.run_ok();
    g.settle();
    let saved = g.store.get("With object id").unwrap().profile;
    assert_eq!(saved.object_id(), Some(support::probe_env::OBJECT_ID));
}

#[test]
fn an_imported_profile_with_nothing_to_question_is_confirmed_by_its_first_test() {
    use certconnect::core::profile::Origin;
    let env = Env::new();
    let store = ProfileStore::at(env.ws.path("profiles"));
    // The sandbox's loopback hosts and a certificate file: nothing its author chose to question.
    let profile = env
        .profile()
        .renamed("Shared")
        .unwrap()
        .with_origin(Origin::Imported {
            brought_entries: Vec::new(),
        });
    store.save(&profile).unwrap();
    let mut g = gui(&env, None);
    g.h.get_by_label("imported");
    g.click("Shared");
    g.settle();
    g.click("Certificate");
    g.set_text(
        Role::PasswordInput,
        "Certificate password",
        support::probe_env::PASSWORD,
    );
    g.button("Test connection");
    assert!(
        g.h.query_by_role_and_label(Role::Dialog, "Imported profile")
            .is_none(),
        "nothing to ask"
    );
    g.wait_until(|app| app.has_verdict() && !app.is_busy());
    assert!(!env.sandbox.requests().is_empty(), "the test ran");
    // The first test confirmed it, as its mark promised: saved as this machine's, the mark gone,
    // and nothing left unsaved.
    assert_eq!(
        *store.get("Shared").unwrap().profile.origin(),
        Origin::Local
    );
    assert!(g.h.query_by_label("imported").is_none());
    assert!(!g.h.state().is_dirty());
}
