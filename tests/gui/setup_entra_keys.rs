//! Set up in Entra by keyboard and screen reader, in the smallest window: the first control
//! focused as the wizard opens, Enter starting it, Tab scrolling to the control it reaches, and
//! why Start waits shown beside it (and read with it), with Sign in again there when that is the
//! way on; the sign-in's spinner named, and each permission read with what it allows, at a
//! readable size.

use crate::gui_harness;
use crate::support;

use certconnect::gui::{CertconnectApp, SignInState};
use egui::accesskit::Role;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use gui_harness::Gui;
use support::probe_env::{Env, PASSWORD};

const HEIGHT: f32 = 520.0;

const SITE_ID: &str =
    "sandbox.example.com,6f1c3a52-4c1e-4a52-9a3b-1f2e3d4c5b6a,9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b";

fn signed_in(app: &CertconnectApp) -> bool {
    matches!(
        app.setup_sign_in_state(),
        Some(SignInState::SignedIn { .. })
    )
}

/// The smallest window, a new profile for the sandbox with its site, and the wizard open on it.
fn open_wizard(env: &Env) -> Gui<'static> {
    let mut g = gui_harness::gui_sized(env, None, egui::vec2(860.0, HEIGHT), None);
    g.button("New connection");
    g.field("Name", "Contoso");
    g.field("Token URL", &env.sandbox.token_url());
    g.click("Graph");
    g.field("Graph URL", &env.sandbox.graph_url());
    g.field("Default Site Id", SITE_ID);
    g.click("Certificate");
    g.field("PFX file", &env.pfx.display().to_string());
    g.set_text(Role::PasswordInput, "Certificate password", PASSWORD);
    g.click("General");
    g.button("Set up in Entra…");
    g
}

fn quick_sign_in() -> Env {
    Env::with(|config| {
        config.admin.device_code_interval_secs = 1;
        config.admin.device_code_approve_on_poll = Some(1);
    })
}

fn sign_in(g: &mut Gui<'_>) {
    g.click("With a code, on any device");
    g.button("Sign in");
    g.wait_until(signed_in);
}

/// Ticks a checkbox from the keyboard: in the smallest window it may lie below the wizard's
/// visible part, where a pointer click would land beside the dialog.
fn tick(g: &mut Gui<'_>, label: &str) {
    g.h.get_by_role_and_label(Role::CheckBox, label).focus();
    g.h.run_ok();
    g.h.key_press(egui::Key::Space);
    g.h.run_ok();
}

fn in_window(g: &Gui<'_>, role: Role, label: &str) {
    let rect =
        g.h.get_by_role_and_label(role, label)
            .accesskit_node()
            .bounding_box()
            .unwrap();
    assert!(
        rect.y0 >= 0.0 && rect.y1 <= f64::from(HEIGHT),
        "{label} is out of the window: {rect:?}"
    );
}

#[test]
fn the_wizard_opens_focused_and_enter_starts_it() {
    let env = quick_sign_in();
    let mut g = open_wizard(&env);
    assert!(
        g.h.get_by_role_and_label(Role::RadioButton, "With the browser on this computer")
            .is_focused()
    );
    sign_in(&mut g);
    g.h.key_press(egui::Key::Enter);
    g.wait_until(|app| app.is_registering() || app.has_verdict());
}

#[test]
fn why_start_waits_is_shown_beside_it_with_sign_in_again() {
    let env = quick_sign_in();
    let mut g = open_wizard(&env);
    sign_in(&mut g);
    tick(&mut g, "Read sites");
    tick(&mut g, "Only sites granted one by one");
    let start = g.h.get_by_role_and_label(Role::Button, "Start");
    assert!(start.accesskit_node().is_disabled());
    let why = "Granting the site needs one more permission at sign-in: press Sign in again.";
    assert_eq!(start.accesskit_node().description().as_deref(), Some(why));
    in_window(&g, Role::Label, why);
    in_window(&g, Role::Button, "Sign in again");
    // Enter does not start what cannot start.
    g.h.key_press(egui::Key::Enter);
    g.h.run_ok();
    assert!(!g.h.state().is_registering());
}

#[test]
fn tab_scrolls_the_wizard_to_the_control_it_reaches() {
    let env = quick_sign_in();
    let mut g = open_wizard(&env);
    sign_in(&mut g);
    tick(&mut g, "Make a new certificate for the app instead");
    let password = "New PFX password";
    for _ in 0..60 {
        let field = g.h.query_by_role_and_label(Role::PasswordInput, password);
        if field.is_some_and(|field| field.is_focused()) {
            break;
        }
        g.h.key_press(egui::Key::Tab);
        g.h.run_ok();
    }
    assert!(
        g.h.get_by_role_and_label(Role::PasswordInput, password)
            .is_focused()
    );
    in_window(&g, Role::PasswordInput, password);
}

#[test]
fn a_screen_reader_hears_the_sign_in_wait_and_what_each_permission_allows() {
    // Device codes wait for approval here: the wizard stays on "Waiting for the sign-in".
    let env = Env::new();
    let mut g = open_wizard(&env);
    g.click("With a code, on any device");
    g.button("Sign in");
    g.wait_until(|app| {
        matches!(
            app.setup_sign_in_state(),
            Some(SignInState::Waiting(Some(_)))
        )
    });
    g.h.get_by_role_and_label(Role::ProgressIndicator, "Waiting for the sign-in");

    let files = g.h.get_by_role_and_label(Role::CheckBox, "Read files");
    let description = files.accesskit_node().description().unwrap_or_default();
    assert!(
        description.starts_with("Files.Read.All: read every file"),
        "{description}"
    );
    // The explanation is body text, not egui's small size (about 9 points: a line under 12).
    let explanation =
        g.h.get_by_label_contains("Files.Read.All: read every file")
            .accesskit_node()
            .bounding_box()
            .unwrap();
    assert!(explanation.height() >= 14.0, "{explanation:?}");
    g.button("Cancel");
}
