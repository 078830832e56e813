//! What the window hides is never used: a password typed and then hidden (the box ticked,
//! another storage mode, another file), an alias of a source no longer chosen, the headers of a
//! removed row. The card and Test load with exactly what the form shows.

use crate::gui_harness;
use crate::support;

use certconnect::core::profile::PasswordSource;
use certconnect::gui::CertconnectApp;
use egui::accesskit::Role;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use gui_harness::{Gui, gui};
use support::probe_env::{Env, PASSWORD, pem_draft};
use support::s;

/// A PFX of the registered certificate that has no password (an empty one, as Windows and
/// OpenSSL export a PFX "without a password"): any other password is refused.
fn open_pfx(env: &Env) -> std::path::PathBuf {
    env.ws.pfx(
        "open.pfx",
        &env.ws.path("app.key"),
        &env.ws.path("app.pem"),
        "",
        &[],
    )
}

fn prompt_open(g: &Gui<'_>) -> bool {
    g.h.query_by_role_and_label(Role::Dialog, "Certificate password")
        .is_some()
}

fn card_loaded(app: &CertconnectApp) -> bool {
    app.card_certificate().is_some()
}

#[test]
fn ticking_no_password_again_drops_the_typed_one_and_test_connects_without_a_prompt() {
    let env = Env::new();
    let mut draft = env.draft();
    draft.pfx_path = s(&open_pfx(&env)).to_owned();
    draft.password = PasswordSource::None;
    let mut g = gui(&env, Some(draft.parse().unwrap()));
    g.click("Certificate");
    g.settle();
    assert!(card_loaded(g.h.state()));

    // The sequence: untick, type a password, tick again.
    g.click("The file has no password");
    g.set_text(Role::PasswordInput, "Certificate password", "not-this-one");
    g.settle();
    assert!(!card_loaded(g.h.state()), "the typed password is tried");
    g.click("The file has no password");
    g.settle();
    assert!(
        card_loaded(g.h.state()),
        "the card loads with no password once the box is ticked"
    );
    g.h.get_by_label_contains("SHA-1 thumbprint:");

    g.test_connection();
    assert!(!prompt_open(&g), "Test asks for no password");
    g.h.get_by_label("Connected");

    // Unticked again, the field is empty: the hidden password was wiped, not kept.
    g.click("The file has no password");
    assert_eq!(
        g.h.get_by_role_and_label(Role::PasswordInput, "Certificate password")
            .value()
            .unwrap_or_default(),
        ""
    );
}

#[test]
fn another_file_or_storage_mode_wipes_the_typed_password() {
    let env = Env::new();
    let mut g = gui(&env, Some(env.profile()));
    g.click("Certificate");
    g.set_text(Role::PasswordInput, "Certificate password", PASSWORD);
    g.settle();
    assert!(card_loaded(g.h.state()));

    // Another path and back: the password typed for the first file is gone.
    let other = open_pfx(&env);
    g.field("PFX file", s(&other));
    g.field("PFX file", s(&env.pfx));
    g.settle();
    assert!(!card_loaded(g.h.state()));
    g.h.get_by_label_contains("Not loaded:");

    // Another storage mode and back: likewise.
    g.set_text(Role::PasswordInput, "Certificate password", PASSWORD);
    g.settle();
    assert!(card_loaded(g.h.state()));
    g.click("PEM files");
    g.click("Local PFX file");
    g.settle();
    assert!(!card_loaded(g.h.state()));
    assert_eq!(
        g.h.get_by_role_and_label(Role::PasswordInput, "Certificate password")
            .value()
            .unwrap_or_default(),
        ""
    );
}

#[test]
fn a_pem_key_password_hidden_by_the_box_is_not_used() {
    let env = Env::new();
    let key = env
        .ws
        .encrypted_pkcs8(&env.ws.path("app.key"), PASSWORD, "app-enc.key");
    let mut draft = env.draft();
    pem_draft(&mut draft, &env.ws.path("app.pem"), &key);
    draft.password = PasswordSource::Ask;
    let mut g = gui(&env, Some(draft.parse().unwrap()));
    g.click("Certificate");
    g.set_text(Role::PasswordInput, "Private key password", PASSWORD);
    g.settle();
    assert!(card_loaded(g.h.state()));
    // Ticked, the key is opened with no password: it is protected, so the card cannot load.
    g.click("The key file has no password");
    g.settle();
    assert!(!card_loaded(g.h.state()), "the hidden key password is used");
}

#[test]
fn an_alias_left_from_a_pfx_is_not_used_for_pem_files() {
    let env = Env::new();
    let mut g = gui(&env, Some(env.profile()));
    g.click("Certificate");
    g.field("Keystore alias", "no-such-alias");
    g.click("PEM files");
    g.field("Certificate file", s(&env.ws.path("app.pem")));
    g.field("Private key file", s(&env.ws.path("app.key")));
    g.click("The key file has no password");
    g.settle();
    assert!(card_loaded(g.h.state()));
    g.test_connection();
    g.h.get_by_label("Connected");
    let profile = g.h.state().draft().parse().unwrap();
    assert!(
        !format!("{:?}", profile.certificate()).contains("no-such-alias"),
        "the hidden alias is not part of the profile"
    );
}

#[test]
fn a_removed_header_row_is_never_sent_even_while_another_row_holds_the_draft_back() {
    let env = Env::new();
    let mut draft = env.draft();
    draft.password = PasswordSource::None;
    draft.pfx_path = s(&open_pfx(&env)).to_owned();
    draft.extra_headers = "X-Keep:1||X-Gone:2".into();
    let mut g = gui(&env, Some(draft.parse().unwrap()));
    g.click("Retry & headers");
    // Row 1 cannot be written: the draft is held back at its last valid text.
    g.field("Header 1 name", "X:Keep");
    g.button("Remove header 2");
    let test = g.h.get_by_role_and_label(Role::Button, "Test connection");
    assert!(
        test.accesskit_node().is_disabled(),
        "no test while a row holds back the headers"
    );
    g.field("Header 1 name", "X-Keep");
    assert_eq!(g.h.state().draft().extra_headers, "X-Keep:1");
    g.test_connection();
    g.h.get_by_label("Connected");
    let sent = |name: &str| {
        env.sandbox
            .requests()
            .iter()
            .any(|r| r.headers.iter().any(|(n, _)| n.eq_ignore_ascii_case(name)))
    };
    assert!(sent("X-Keep"), "the row on screen is sent");
    assert!(!sent("X-Gone"), "the removed row's header was sent");
}
