//! `certconnect profile …`, run as the real binary against a profile directory in a temp dir.

use crate::support;

use certconnect::core::draft::ProfileDraft;
use certconnect::profile_store::ProfileStore;
use support::{Workspace, certconnect, stderr, stdout};

fn seed(ws: &Workspace, names: &[&str]) -> ProfileStore {
    let store = ws.profile_store();
    for name in names {
        let mut draft = ProfileDraft {
            name: (*name).into(),
            tenant: "contoso.onmicrosoft.com".into(),
            client_id: "8a2f6a6b-0c1d-4e5f-9a8b-7c6d5e4f3a2b".into(),
            pfx_path: "private_key.pfx".into(),
            ..ProfileDraft::default()
        };
        draft.refresh_token_url();
        store.save(&draft.parse().unwrap()).unwrap();
    }
    store
}

#[test]
fn list_and_show() {
    let ws = Workspace::new();
    seed(&ws, &["Prod", "Test"]);
    let output = certconnect(&ws, &["profile", "list"], &[], None);
    assert_eq!(output.status.code(), Some(0));
    let text = stdout(&output);
    assert!(
        text.contains("Prod") && text.contains("Test") && text.contains("Single tenant"),
        "{text}"
    );

    let output = certconnect(&ws, &["profile", "show", "Prod"], &[], None);
    assert_eq!(output.status.code(), Some(0));
    assert!(stdout(&output).contains("contoso.onmicrosoft.com/oauth2/v2.0/token"));

    let output = certconnect(&ws, &["profile", "show", "Prod", "--json"], &[], None);
    let json = support::json_stdout(&output);
    assert_eq!(json["site_id"], "root");

    let output = certconnect(&ws, &["profile", "show", "Nope"], &[], None);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("no profile named 'Nope'"));
}

#[test]
fn list_reports_a_broken_file_and_still_lists_the_rest() {
    let ws = Workspace::new();
    let store = seed(&ws, &["Prod"]);
    std::fs::write(store.dir().join("broken.ron"), "(").unwrap();
    let output = certconnect(&ws, &["profile", "list"], &[], None);
    assert_eq!(output.status.code(), Some(0));
    assert!(stdout(&output).contains("Prod"));
    assert!(
        stderr(&output).contains("broken.ron"),
        "{}",
        stderr(&output)
    );
    assert_eq!(
        std::fs::read_to_string(store.dir().join("broken.ron")).unwrap(),
        "("
    );
}

#[test]
fn export_and_import_round_trip_with_renaming() {
    let ws = Workspace::new();
    let store = seed(&ws, &["Prod", "Test"]);
    let output = certconnect(
        &ws,
        &["profile", "export", "Prod", "Test", "--out", "bundle.ron"],
        &[],
        None,
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let bundle = std::fs::read_to_string(ws.path("bundle.ron")).unwrap();
    assert!(bundle.contains("Prod") && bundle.contains("Test"));

    let output = certconnect(&ws, &["profile", "import", "bundle.ron"], &[], None);
    assert_eq!(output.status.code(), Some(0));
    assert!(
        stdout(&output).contains("imported 'Prod' as 'Prod (imported)'"),
        "{}",
        stdout(&output)
    );
    assert_eq!(
        store.get("Prod (imported)").unwrap().profile.authority(),
        store.get("Prod").unwrap().profile.authority()
    );

    let output = certconnect(
        &ws,
        &["profile", "export", "Missing", "--out", "x.ron"],
        &[],
        None,
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(!ws.path("x.ron").exists());
}
