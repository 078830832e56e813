//! Set up in Entra's "Remember this sign-in in the credential store" (off by default) against the
//! sandbox, with the in-memory credential store: nothing kept unless ticked; ticked, the next app
//! signs in with it and no code; refused once revoked, forgotten, and signed in again with a code;
//! Forget remembered sign-in deletes it; the token never reaches eframe storage.

use crate::gui_harness;
use crate::support;

use certconnect::admin_signin::DEFAULT_SIGN_IN_CLIENT_ID;
use certconnect::core::signin::refresh::remembered_sign_in_entry;
use egui::accesskit::Role;
use egui_kittest::kittest::Queryable as _;
use gui_harness::{Gui, MemoryStorage, fill_form, gui, signed_in};
use support::probe_env::{CLIENT_ID, Env};

const REMEMBER: &str = "Remember this sign-in in the credential store";

/// The refresh token remembered for the sandbox's tenant and the default sign-in client.
fn remembered(env: &Env) -> Option<String> {
    let entry = remembered_sign_in_entry(
        &url::Url::parse(env.sandbox.base_url()).unwrap(),
        env.sandbox.tenant_id(),
        DEFAULT_SIGN_IN_CLIENT_ID,
    );
    env.vault
        .store()
        .get(&entry)
        .unwrap()
        .map(|bytes| String::from_utf8(bytes).unwrap())
}

/// How many device code sign-ins the sandbox started.
fn device_codes(env: &Env) -> usize {
    env.sandbox
        .requests()
        .iter()
        .filter(|r| r.path.ends_with("/devicecode"))
        .count()
}

/// A new app with the form filled in for the sandbox and the wizard open, set to a device code.
fn wizard(env: &Env) -> Gui<'static> {
    let mut g = gui(env, None);
    fill_form(&mut g, env, CLIENT_ID, &env.pfx);
    g.button("Set up in Entra…");
    g.click("With a code, on any device");
    g
}

/// The wizard says a sign-in is remembered for its tenant, with Remember ticked.
fn found_remembered(g: &mut Gui<'_>) {
    g.settle();
    g.h.get_by_label_contains("A sign-in to");
    let remember = g.h.get_by_role_and_label(Role::CheckBox, REMEMBER);
    assert_eq!(
        egui_kittest::kittest::NodeT::accesskit_node(&remember).toggled(),
        Some(egui::accesskit::Toggled::True)
    );
}

fn sign_in(g: &mut Gui<'_>) {
    g.button("Sign in");
    g.wait_until(signed_in);
}

#[test]
fn a_sign_in_is_remembered_only_when_ticked_and_then_used_without_a_code() {
    let env = Env::with(|config| {
        config.admin.device_code_interval_secs = 1;
        config.admin.device_code_approve_on_poll = Some(1);
    });

    // Off by default: signed in with a code, no refresh token asked for or kept.
    let mut g = wizard(&env);
    sign_in(&mut g);
    assert_eq!(device_codes(&env), 1);
    assert_eq!(remembered(&env), None);
    assert_eq!(env.sandbox.live_refresh_tokens(), 0);
    drop(g);

    // Ticked: signed in with a code, then kept in the credential store.
    let mut g = wizard(&env);
    g.click(REMEMBER);
    sign_in(&mut g);
    assert_eq!(device_codes(&env), 2);
    g.h.get_by_label_contains("This sign-in is remembered in the memory.");
    let first = remembered(&env).expect("remembered");
    let mut storage = MemoryStorage::default();
    eframe::App::save(g.h.state_mut(), &mut storage);
    let stored: String = storage.0.values().cloned().collect();
    assert!(
        !stored.contains(&first),
        "a refresh token in eframe storage"
    );
    drop(g);

    // The next app finds it and ticks Remember: signed in with it, no code.
    let mut g = wizard(&env);
    found_remembered(&mut g);
    sign_in(&mut g);
    assert_eq!(device_codes(&env), 2, "no device code this time");
    g.h.get_by_label_contains("Signed in with the sign-in remembered in the memory.");
    g.h.get_by_label_contains("Signed in as Sandbox Admin");
    let rotated = remembered(&env).unwrap();
    assert_ne!(rotated, first);

    // Forget remembered sign-in deletes it.
    g.button("Forget remembered sign-in");
    g.wait_until(|_| remembered(&env).is_none());
    g.settle();
    g.h.get_by_label_contains("No sign-in to");
    drop(g);
}

#[test]
fn a_revoked_remembered_sign_in_is_forgotten_and_the_admin_signs_in_with_a_code() {
    let env = Env::with(|config| {
        config.admin.device_code_interval_secs = 1;
        config.admin.device_code_approve_on_poll = Some(1);
    });
    let mut g = wizard(&env);
    g.click(REMEMBER);
    sign_in(&mut g);
    let revoked = remembered(&env).unwrap();
    drop(g);
    env.sandbox.revoke_refresh_tokens();

    let mut g = wizard(&env);
    found_remembered(&mut g);
    sign_in(&mut g);
    assert_eq!(device_codes(&env), 2, "signed in with a code again");
    g.h.get_by_label_contains("The remembered sign-in was refused (AADSTS70008:");
    g.h.get_by_label_contains("This sign-in is remembered in the memory.");
    let again = remembered(&env).unwrap();
    assert_ne!(again, revoked, "the refused token is gone");
}
