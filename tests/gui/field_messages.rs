//! Messages at the field they are about: a pasted token URL offers the Graph URL and tenant that
//! go with it, a Graph URL of another server is caught at *Check settings*, the greyed Tenant
//! says why, the multi-tenant warning sits under the Token URL, and header rows suggest the fix
//! and preview exactly what is stored.

use crate::gui_harness;
use crate::support;

use egui::accesskit::Role;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use gui_harness::{Gui, gui};
use support::probe_env::{CLIENT_ID, Env, PASSWORD};
use support::s;

const GRAPH_FIELD: &str = "the Graph URL on the Graph tab (the scope follows it)";

fn tenant_description(g: &Gui<'_>) -> Option<String> {
    let tenant = g.h.get_by_role_and_label(Role::TextInput, "Tenant");
    assert!(tenant.accesskit_node().is_disabled());
    tenant.accesskit_node().description()
}

#[test]
fn a_pasted_sandbox_token_url_offers_graph_and_tenant_and_then_connects() {
    let env = Env::new();
    let mut g = gui(&env, None);
    g.button("New connection");
    g.field("Name", "Pasted");
    g.field("Token URL", &env.sandbox.token_url());
    g.field("Client ID", CLIENT_ID);
    g.click("Certificate");
    g.field("PFX file", s(&env.pfx));
    g.set_text(Role::PasswordInput, "Certificate password", PASSWORD);
    g.settle();

    // As pasted, the Graph URL is still the global one: the run stops before sending anything,
    // naming the field to fix.
    g.test_connection();
    assert!(
        g.h.query_by_label("Connected").is_none(),
        "a loopback token server with the global Graph cannot connect"
    );
    assert!(
        g.h.get_all_by_label_contains(GRAPH_FIELD).count() >= 1,
        "the fix names the Graph URL field"
    );
    assert!(
        g.h.query_by_label_contains("The resource principal named")
            .is_none(),
        "stopped before the token request"
    );

    // Under the Token URL: the offer, computed from the URL.
    g.click("General");
    let offer = format!(
        "Set Graph URL to {} and Tenant to {}",
        env.sandbox.graph_url(),
        env.sandbox.tenant_id()
    );
    g.button(&offer);
    let draft = g.h.state().draft();
    assert_eq!(draft.graph_url, env.sandbox.graph_url());
    assert_eq!(draft.scope, env.sandbox.scope());
    assert_eq!(
        g.h.get_by_role_and_label(Role::TextInput, "Tenant")
            .value()
            .as_deref(),
        Some(env.sandbox.tenant_id())
    );
    assert!(
        g.h.query_by_role_and_label(Role::Button, &offer).is_none(),
        "nothing left to offer"
    );
    g.test_connection();
    g.h.get_by_label("Connected");
}

#[test]
fn the_graph_tab_says_what_disagrees_under_the_graph_url() {
    let env = Env::new();
    let mut draft = env.draft();
    draft.graph_url = "https://graph.microsoft.com/v1.0".into();
    draft.refresh_scope();
    let mut g = gui(&env, Some(draft.parse().unwrap()));
    g.click("Graph");
    let note = g.h.get_by_label_contains(GRAPH_FIELD);
    let graph = g.h.get_by_role_and_label(Role::TextInput, "Graph URL");
    assert!(note.rect().top() >= graph.rect().bottom());
    let site =
        g.h.get_by_role_and_label(Role::TextInput, "Default Site Id");
    assert!(note.rect().bottom() <= site.rect().top(), "under Graph URL");
}

#[test]
fn a_greyed_tenant_says_why_on_hover_and_to_a_screen_reader() {
    let env = Env::new();
    let mut g = gui(&env, Some(env.profile()));
    // The sandbox profile is Custom: the greyed field shows the tenant its URL names.
    assert_eq!(
        g.h.get_by_role_and_label(Role::TextInput, "Tenant")
            .value()
            .as_deref(),
        Some(env.sandbox.tenant_id())
    );
    let why = tenant_description(&g);
    assert!(
        why.as_deref()
            .is_some_and(|d| d.starts_with("Custom: the tenant is the one in the Token URL")),
        "{why:?}"
    );
    g.h.get_by_role_and_label(Role::TextInput, "Tenant").hover();
    g.h.run_ok();
    g.h.get_by_label_contains("Edit the Token URL, or pick a preset");

    g.h.get_by_label("Token URL preset").click();
    g.h.run_ok();
    g.click("Multi tenant");
    let why = tenant_description(&g);
    assert!(
        why.as_deref()
            .is_some_and(|d| d.starts_with("Multi tenant signs in through 'common'")),
        "{why:?}"
    );
}

#[test]
fn multi_tenant_shows_no_stale_tenant_and_saves_what_it_shows() {
    let env = Env::new();
    let store = certconnect::profile_store::ProfileStore::at(env.ws.path("profiles"));
    let mut g = gui(&env, Some(env.profile()));
    let tenant = |g: &Gui<'_>| {
        g.h.get_by_role_and_label(Role::TextInput, "Tenant")
            .value()
            .unwrap_or_default()
    };
    assert_eq!(
        tenant(&g),
        env.sandbox.tenant_id(),
        "Custom shows the URL's tenant"
    );
    g.h.get_by_label("Token URL preset").click();
    g.h.run_ok();
    g.click("Multi tenant");
    // 'common' names no tenant: the greyed field shows none, as the profile uses none.
    assert_eq!(tenant(&g), "");
    assert_eq!(g.h.state().draft().tenant, "");
    g.h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::S);
    g.h.run_ok();
    g.settle();
    let saved = store.get("test").unwrap().profile;
    assert!(saved.authority().token_url.as_str().contains("/common/"));
    assert_eq!(saved.authority().tenant, tenant(&g));
    assert!(!g.h.state().is_dirty());
}

#[test]
fn the_multi_tenant_warning_sits_under_the_token_url() {
    let env = Env::new();
    let mut g = gui(&env, None);
    g.button("New connection");
    g.h.get_by_label("Token URL preset").click();
    g.h.run_ok();
    g.click("Multi tenant");
    let warning = g.h.get_by_label_contains("'common' does not name a tenant");
    let token_url = g.h.get_by_role_and_label(Role::TextInput, "Token URL");
    let client_id = g.h.get_by_role_and_label(Role::TextInput, "Client ID");
    assert!(warning.rect().top() >= token_url.rect().bottom());
    assert!(
        warning.rect().bottom() <= client_id.rect().top(),
        "between Token URL and Client ID, not under Application object ID"
    );
}

#[test]
fn header_rows_suggest_the_fix_and_preview_only_what_is_stored() {
    let env = Env::new();
    let mut g = gui(&env, Some(env.profile()));
    g.click("Retry & headers");
    g.button("Add header");

    // A valid row, typed with stray spaces: the preview is the stored form.
    g.field("Header 1 name", " X-Good ");
    g.field("Header 1 value", " BBB ");
    g.h.get_by_label("Stored as: X-Good:BBB");

    // A value typed after the name: the row says where it goes, and no rewritten preview.
    g.field("Header 1 name", "X-Good AAA");
    g.h.get_by_label_contains("put the value in Value");
    assert!(
        g.h.query_by_label_contains("Stored as").is_none(),
        "no preview of a row that cannot be stored"
    );

    // The whole header pasted into Name: the same, with both parts named.
    g.field("Header 1 name", "X-Foo:AAA");
    g.h.get_by_label_contains("Put 'AAA' in Value and keep 'X-Foo' as the name");
    assert!(g.h.query_by_label_contains("Stored as").is_none());

    // Fixed as suggested: stored, and previewed, exactly.
    g.field("Header 1 name", "X-Foo");
    g.field("Header 1 value", "AAA");
    g.h.get_by_label("Stored as: X-Foo:AAA");
    assert_eq!(g.h.state().draft().extra_headers, "X-Foo:AAA");
}

#[test]
fn a_missing_pem_file_is_named_under_its_own_field_and_the_key_password_is_the_keys() {
    let env = Env::new();
    let mut g = gui(&env, Some(env.profile()));
    g.click("Certificate");
    g.click("PEM files");
    // Leave the certificate file empty: its message sits under it, above the key file.
    g.field("Certificate file", "");
    g.h.key_press(egui::Key::Tab);
    g.h.run_ok();
    let message =
        g.h.get_by_label_contains("Choose the certificate file")
            .rect();
    let certificate =
        g.h.get_by_role_and_label(Role::TextInput, "Certificate file")
            .rect();
    let key =
        g.h.get_by_role_and_label(Role::TextInput, "Private key file")
            .rect();
    assert!(
        message.top() >= certificate.bottom() && message.bottom() <= key.top(),
        "{message:?} between {certificate:?} and {key:?}"
    );
    // With a certificate file and no key file, the message moves under the key file.
    g.field("Certificate file", s(&env.ws.path("app.pem")));
    g.field("Private key file", "");
    g.h.key_press(egui::Key::Tab);
    g.h.run_ok();
    let message =
        g.h.get_by_label_contains("Choose the private key file")
            .rect();
    let key =
        g.h.get_by_role_and_label(Role::TextInput, "Private key file")
            .rect();
    assert!(message.top() >= key.bottom(), "{message:?} under {key:?}");
    // The password of PEM files is the private key's.
    g.h.get_by_label("The key file has no password");
    assert!(g.h.query_by_label("The file has no password").is_none());
}
