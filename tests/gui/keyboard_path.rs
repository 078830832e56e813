//! The keyboard path: Ctrl+N and New put the keyboard on Name; opening a profile puts it on the
//! open tab, one Tab press from the form's first field; F2 and Del still act on the profile.

use crate::gui_harness;

use certconnect::profile_store::ProfileStore;
use egui::accesskit::Role;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use gui_harness::{Gui, gui, saved};

use crate::support::probe_env::Env;

fn focused(g: &Gui<'_>, role: Role, label: &str) -> bool {
    g.h.get_by_role_and_label(role, label)
        .accesskit_node()
        .is_focused()
}

#[test]
fn ctrl_n_focuses_name_and_typed_text_lands_there() {
    let env = Env::new();
    let store = ProfileStore::at(env.ws.path("profiles"));
    saved(&env, &store, &["Alpha"]);
    let mut g = gui(&env, None);
    g.click("Alpha");
    g.settle();
    g.h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::N);
    g.h.run_ok();
    assert!(focused(&g, Role::TextInput, "Name"));
    g.h.event(egui::Event::Text("Contoso".into()));
    g.h.run_ok();
    assert_eq!(g.h.state().draft().name, "Contoso");
}

#[test]
fn new_on_the_welcome_screen_focuses_name() {
    let env = Env::new();
    let mut g = gui(&env, None);
    g.button("New connection");
    assert!(focused(&g, Role::TextInput, "Name"));
    g.h.event(egui::Event::Text("Fabrikam".into()));
    g.h.run_ok();
    assert_eq!(g.h.state().draft().name, "Fabrikam");
}

#[test]
fn one_tab_press_after_opening_a_profile_reaches_name() {
    let env = Env::new();
    let store = ProfileStore::at(env.ws.path("profiles"));
    saved(&env, &store, &["Alpha", "Beta"]);
    let mut g = gui(&env, None);
    g.click("Beta");
    g.settle();
    // The open tab has the keyboard; Tab goes into the form, not through the other tabs.
    g.h.key_press(egui::Key::Tab);
    g.h.run_ok();
    assert!(focused(&g, Role::TextInput, "Name"));

    // Left and Right on the open tab walk the tabs.
    g.click("Alpha");
    g.settle();
    g.h.key_press(egui::Key::ArrowRight);
    g.h.run_ok();
    g.h.get_by_role_and_label(Role::TextInput, "PFX file");
    assert!(focused(&g, Role::Button, "Certificate"));
    g.h.key_press(egui::Key::ArrowLeft);
    g.h.run_ok();
    assert!(focused(&g, Role::Button, "General"));

    // Del on a just-opened profile (no field focused) still asks to delete it.
    g.h.key_press(egui::Key::Delete);
    g.h.run_ok();
    g.h.get_by_role_and_label(Role::Dialog, "Delete profile");
}

#[test]
fn clicking_the_open_profiles_row_puts_the_keyboard_on_the_open_tab() {
    let env = Env::new();
    let store = ProfileStore::at(env.ws.path("profiles"));
    saved(&env, &store, &["Alpha", "Beta"]);
    let mut g = gui(&env, None);
    g.click("Beta");
    g.settle();
    // The keyboard elsewhere first (Search), then the open profile's row again.
    g.h.get_by_role_and_label(Role::TextInput, "Search").focus();
    g.h.run_ok();
    g.click("Beta");
    g.settle();
    assert!(focused(&g, Role::Button, "General"), "the open tab");
    g.h.key_press(egui::Key::Tab);
    g.h.run_ok();
    assert!(focused(&g, Role::TextInput, "Name"), "one Tab reaches Name");
}

#[test]
fn clicking_a_new_profiles_row_puts_the_keyboard_on_the_open_tab() {
    let env = Env::new();
    let store = ProfileStore::at(env.ws.path("profiles"));
    saved(&env, &store, &["Alpha"]);
    let mut g = gui(&env, None);
    g.h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::N);
    g.h.run_ok();
    g.h.event(egui::Event::Text("Gamma".into()));
    g.h.run_ok();
    g.click("Gamma (unsaved)");
    assert!(focused(&g, Role::Button, "General"), "the open tab");
}

#[test]
fn ctrl_s_with_the_keyboard_nowhere_puts_it_on_the_open_tab() {
    let env = Env::new();
    let store = ProfileStore::at(env.ws.path("profiles"));
    saved(&env, &store, &["Alpha"]);
    let mut g = gui(&env, None);
    g.click("Alpha");
    g.settle();
    g.field("Name", "Alpha 2");
    // Escape leaves the field: the keyboard is nowhere.
    g.h.key_press(egui::Key::Escape);
    g.h.run_ok();
    assert!(!focused(&g, Role::TextInput, "Name"));
    g.h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::S);
    g.h.run_ok();
    g.settle();
    assert_eq!(store.get("Alpha 2").unwrap().profile.name(), "Alpha 2");
    assert!(focused(&g, Role::Button, "General"), "the open tab");
    g.h.key_press(egui::Key::Tab);
    g.h.run_ok();
    assert!(focused(&g, Role::TextInput, "Name"), "one Tab reaches Name");
}
