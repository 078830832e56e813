//! `certconnect test --all`: every saved profile tested against a sandbox in this process, a few at
//! a time, one line each and a summary; exit 0 only when all connect.

use crate::support;

use certconnect::core::profile::{Origin, PasswordSource};
use certconnect::profile_store::ProfileStore;
use support::probe_env::{Env, PASSWORD, pem_draft};
use support::{certconnect, stderr, stdout};

fn store(env: &Env) -> ProfileStore {
    env.ws.profile_store()
}

/// A profile for the sandbox with the unencrypted PEM key (no password needed).
fn save_pem_profile(
    env: &Env,
    name: &str,
    adjust: impl FnOnce(&mut certconnect::core::draft::ProfileDraft),
) {
    let mut draft = env.draft();
    draft.name = name.into();
    pem_draft(&mut draft, &env.ws.path("app.pem"), &env.ws.path("app.key"));
    draft.password = PasswordSource::None;
    adjust(&mut draft);
    store(env).save(&draft.parse().unwrap()).unwrap();
}

fn test_all(env: &Env, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["test", "--all"];
    args.extend_from_slice(extra);
    certconnect(&env.ws, &args, &[("P", PASSWORD)], None)
}

#[test]
fn every_profile_is_tested_and_one_failure_makes_exit_1() {
    let env = Env::new();
    save_pem_profile(&env, "contoso-a", |_| {});
    save_pem_profile(&env, "contoso-b", |_| {});
    save_pem_profile(&env, "fabrikam", |d| {
        d.client_id = "11111111-2222-4333-8444-555555555555".into();
    });
    // A PFX profile that asks for its password: --password-env gives it to every such profile.
    let mut draft = env.draft();
    draft.name = "pfx".into();
    store(&env).save(&draft.parse().unwrap()).unwrap();

    let output = test_all(&env, &["--jobs", "2", "--json", "--password-env", "P"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let report = support::json_stdout(&output);
    assert_eq!(report["ok"], false);
    assert_eq!(report["summary"]["profiles"], 4);
    assert_eq!(report["summary"]["connected"], 3);
    assert_eq!(report["summary"]["failed"], 1);
    let results = report["results"].as_array().unwrap();
    let names: Vec<&str> = results
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["contoso-a", "contoso-b", "fabrikam", "pfx"]);
    let fabrikam = &results[2];
    assert_eq!(fabrikam["ok"], false);
    assert_eq!(fabrikam["step"], "token");
    assert_eq!(fabrikam["code"], "AADSTS700016", "{fabrikam}");
    for result in results {
        // The certificate was made for 365 days; every run loaded it, the failed one too.
        let days = result["certificate_days_left"].as_i64().unwrap();
        assert!((363..=365).contains(&days), "{result}");
    }
    assert!(!stdout(&output).contains(PASSWORD));
    support::leaks::assert_no_jwt(&stdout(&output), "the output");
}

#[test]
fn a_pattern_picks_profiles_and_the_text_has_a_line_each_and_a_summary() {
    let env = Env::new();
    save_pem_profile(&env, "contoso-a", |_| {});
    save_pem_profile(&env, "Contoso-B", |_| {});
    save_pem_profile(&env, "fabrikam", |d| {
        d.client_id = "11111111-2222-4333-8444-555555555555".into()
    });

    let output = test_all(&env, &["contoso-*", "--token-only"]);
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{text}{}", stderr(&output));
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("connected"))
        .collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(lines.iter().all(|l| l.contains("days left")), "{text}");
    assert!(
        text.contains("2 profiles: 2 connected, 0 failed, 0 bad input"),
        "{text}"
    );
    assert!(!text.contains("fabrikam"), "{text}");
    // --token-only: two token requests, no Graph call.
    assert_eq!(env.token_requests(), 2);
    assert!(env.sandbox.requests().iter().all(|r| r.method == "POST"));

    let output = test_all(&env, &["fabrikam"]);
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(text.starts_with("FAILED"), "{text}");
    assert!(
        text.contains("AADSTS700016") && text.contains("Fix:"),
        "{text}"
    );
}

#[test]
fn nothing_to_test_and_bad_flags_are_usage_errors() {
    let env = Env::new();
    let output = test_all(&env, &[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("no saved profiles"),
        "{}",
        stderr(&output)
    );
    save_pem_profile(&env, "contoso", |_| {});
    let output = test_all(&env, &["nomatch*"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("no saved profile matches 'nomatch*'"));
    for args in [
        &["--jobs", "0"][..],
        &["--jobs", "65"],
        &["--token-url", "http://127.0.0.1:1/t"],
        &["--report"],
    ] {
        assert_eq!(test_all(&env, args).status.code(), Some(2), "{args:?}");
    }
    let output = certconnect(&env.ws, &["test", "contoso", "--jobs", "2"], &[], None);
    assert_eq!(output.status.code(), Some(2), "--jobs needs --all");
    assert_eq!(env.token_requests(), 0);
}

#[test]
fn an_unreadable_profile_file_and_an_unconfirmed_import_fail_without_sending_anything() {
    let env = Env::new();
    save_pem_profile(&env, "good", |_| {});
    let mut draft = env.draft();
    draft.name = "shared".into();
    pem_draft(&mut draft, &env.ws.path("app.pem"), &env.ws.path("app.key"));
    draft.password = PasswordSource::None;
    draft.graph_url = "https://graph.attacker.invalid/v1.0".into();
    draft.scope = env.sandbox.scope();
    let imported = draft.parse().unwrap().with_origin(Origin::Imported {
        brought_entries: Vec::new(),
    });
    store(&env).save(&imported).unwrap();
    std::fs::write(env.ws.profiles_dir().join("broken.ron"), "(not a profile").unwrap();

    let output = test_all(&env, &["--json"]);
    assert_eq!(output.status.code(), Some(1));
    let report = support::json_stdout(&output);
    assert_eq!(report["summary"]["profiles"], 3);
    assert_eq!(report["summary"]["connected"], 1);
    assert_eq!(report["summary"]["bad_input"], 2);
    let codes: Vec<&str> = report["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["code"].as_str())
        .collect();
    assert!(codes.contains(&"profile_unreadable"), "{report}");
    assert!(codes.contains(&"profile_not_confirmed"), "{report}");
    // Only the good profile reached the token endpoint.
    assert_eq!(env.token_requests(), 1);
}
