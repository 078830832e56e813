//! The test panel as a report worth pasting into a ticket: Copy report puts the whole run on the
//! clipboard, failures read as sentences with the raw error behind "Details", and retries sit
//! under the step they belong to.

use crate::gui_harness;
use crate::support;

use certconnect::core::draft::ProfileDraft;
use certconnect::core::profile::PasswordSource;
use certconnect::sandbox::{Fault, FaultKind, FaultTarget};
use egui::accesskit::Role;
use egui_kittest::kittest::Queryable as _;
use gui_harness::{Gui, gui};
use support::probe_env::{Env, PASSWORD, pem_draft};
use support::tls_server::closed_port;

/// The sandbox profile with its registered certificate as PEM files without a password, so no
/// prompt gets in the way.
fn draft(env: &Env, name: &str) -> ProfileDraft {
    let mut draft = env.draft();
    draft.name = name.into();
    let (cert, key) = (env.ws.path("app.pem"), env.ws.path("app.key"));
    pem_draft(&mut draft, &cert, &key);
    draft.password = PasswordSource::None;
    draft
}

/// Clicks the button and returns the text the app put on the clipboard in that frame.
fn copy(g: &mut Gui<'_>, button: &str) -> String {
    g.h.get_by_role_and_label(Role::Button, button).click();
    copied_in_next_frame(g).unwrap_or_else(|| panic!("{button} copied nothing"))
}

/// Runs one frame and returns the text the app put on the clipboard in it.
fn copied_in_next_frame(g: &mut Gui<'_>) -> Option<String> {
    g.h.step();
    let copied =
        g.h.output()
            .platform_output
            .commands
            .iter()
            .find_map(|c| match c {
                egui::OutputCommand::CopyText(text) => Some(text.clone()),
                _ => None,
            });
    g.h.run_ok();
    copied
}

/// The top edge of the one label containing `text`.
fn top(g: &Gui<'_>, text: &str) -> f32 {
    g.h.get_by_label_contains(text).rect().min.y
}

#[test]
fn copy_report_puts_the_whole_run_on_the_clipboard() {
    let env = Env::new();
    let mut draft = draft(&env, "Contoso Report");
    draft.extra_headers = "X-Api-Key:gui-header-secret".into();
    let mut g = gui(&env, Some(draft.parse().unwrap()));
    assert!(
        g.h.query_by_role_and_label(Role::Button, "Copy report")
            .is_none(),
        "nothing to copy before a run"
    );
    g.test_connection();
    g.h.get_by_label("Connected");

    let report = copy(&mut g, "Copy report");
    g.h.get_by_label("Copied");
    for expected in [
        "Profile:    Contoso Report\n",
        "Result:     Connected\n",
        &format!("App:        certconnect {} (", env!("CARGO_PKG_VERSION")),
        "  Extra headers:       X-Api-Key (value: 17 chars)\n",
        "  [ ok ] Load certificate (",
        "  [ ok ] List drive items (",
        "  Connected: the certificate and the token work, and so do site 'Sandbox Team Site' and drive 'Documents'.",
    ] {
        assert!(
            report.contains(expected),
            "missing {expected:?} in\n{report}"
        );
    }
    for secret in ["gui-header-secret", PASSWORD, "PRIVATE KEY"] {
        assert!(!report.contains(secret), "{secret} leaked:\n{report}");
    }
    support::leaks::assert_no_jwt(&report, "the report");
}

#[test]
fn a_refused_port_reads_as_a_sentence_with_the_raw_error_behind_details() {
    let env = Env::new();
    let closed = closed_port();
    let port = closed.port;
    let mut draft = draft(&env, "Closed");
    draft.token_url = format!(
        "http://127.0.0.1:{port}/{}/oauth2/v2.0/token",
        env.sandbox.tenant_id()
    );
    let mut g = gui(&env, Some(draft.parse().unwrap()));
    g.test_connection();
    g.h.get_by_label("Failed at 'Request access token': server not reachable");
    g.h.get_by_label(&format!(
        "nothing is listening on 127.0.0.1:{port}: the connection was refused"
    ));
    g.h.get_by_label_contains("Fix: Check the Token URL's host and port");
    assert!(
        g.h.query_by_label_contains("tcp connect error").is_none(),
        "the raw error starts hidden"
    );

    g.click("Details");
    g.h.get_by_label_contains("tcp connect error");

    let report = copy(&mut g, "Copy report");
    for expected in [
        "Result:     Failed at 'Request access token': server not reachable\n",
        "  Code:           network\n",
        "  Raw error:      ",
    ] {
        assert!(
            report.contains(expected),
            "missing {expected:?} in\n{report}"
        );
    }
}

#[test]
fn entra_codes_stay_as_they_are_with_copyable_support_ids() {
    let env = Env::new();
    let mut draft = draft(&env, "Unknown app");
    draft.client_id = "99999999-9999-4999-8999-999999999999".into();
    let mut g = gui(&env, Some(draft.parse().unwrap()));
    g.test_connection();
    g.h.get_by_label("Failed at 'Request access token': AADSTS700016");
    assert!(
        g.h.query_by_label("Details").is_none(),
        "Entra's answer has no raw error"
    );
    let copy_buttons = g.h.get_all_by_role_and_label(Role::Button, "Copy").count();
    assert_eq!(copy_buttons, 2, "the trace and correlation ids");
    // The first Copy is the trace id's.
    g.h.get_all_by_role_and_label(Role::Button, "Copy")
        .next()
        .unwrap()
        .click();
    let copied = copied_in_next_frame(&mut g).expect("Copy copied the id");
    assert!(!copied.is_empty());
    g.h.get_by_label(&format!("Trace ID: {copied}"));
}

#[test]
fn a_retry_shows_under_its_own_step() {
    let env = Env::new();
    env.sandbox.push_fault(Fault {
        target: FaultTarget::Token,
        kind: FaultKind::Status {
            code: 503,
            retry_after: None,
        },
    });
    let mut g = gui(&env, Some(draft(&env, "Busy").parse().unwrap()));
    g.test_connection();
    g.h.get_by_label("Connected");
    let note = top(&g, "HTTP 503; retry 1 in 20 ms");
    assert!(
        top(&g, "Request access token: done in") < note,
        "below its step"
    );
    assert!(note < top(&g, "Read site: done in"), "above the next step");
}

#[test]
fn settings_that_disagree_read_as_words_in_the_verdict() {
    let env = Env::new();
    let mut draft = draft(&env, "Mixed");
    draft.graph_url = "https://graph.microsoft.com/v1.0".into();
    draft.refresh_scope();
    let mut g = gui(&env, Some(draft.parse().unwrap()));
    g.test_connection();
    g.h.get_by_label_contains("token URL and Graph URL disagree");
    assert!(
        g.h.query_by_label_contains("settings_disagree").is_none(),
        "no raw code in the window"
    );
}

#[test]
fn the_certificate_cards_findings_start_with_a_capital() {
    let env = Env::new();
    let mut g = gui(&env, Some(env.profile()));
    g.click("Certificate");
    g.set_text(Role::PasswordInput, "Certificate password", PASSWORD);
    g.settle();
    g.h.get_by_label_contains("Info: Self-signed");
    assert!(g.h.query_by_label_contains("info: ").is_none());
}
