//! An imported profile carries no trust: `certconnect test` refuses to send anything where the
//! profile's author chose until the admin confirms it here (or gives the value on the command line).

use crate::support;

use certconnect::core::profile::Origin;
use certconnect::profile_store::ProfileStore;
use support::probe_env::{Env, PASSWORD};
use support::{certconnect, stderr};

const HOSTILE_GRAPH: &str = "https://graph.attacker.invalid/v1.0";

fn imported_profile(env: &Env) -> ProfileStore {
    let store = env.ws.profile_store();
    let mut draft = env.draft();
    draft.name = "Shared".into();
    draft.graph_url = HOSTILE_GRAPH.into();
    draft.scope = env.sandbox.scope();
    let profile = draft.parse().unwrap().with_origin(Origin::Imported {
        brought_entries: Vec::new(),
    });
    store.save(&profile).unwrap();
    store
}

fn test(env: &Env, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["test", "Shared", "--password-env", "PFX_PASSWORD"];
    args.extend_from_slice(extra);
    certconnect(&env.ws, &args, &[("PFX_PASSWORD", PASSWORD)], None)
}

#[test]
fn an_imported_profile_sends_nothing_to_a_foreign_host_until_confirmed() {
    let env = Env::new();
    let store = imported_profile(&env);

    let refused = test(&env, &[]);
    assert_eq!(refused.status.code(), Some(2), "{}", stderr(&refused));
    let message = stderr(&refused);
    assert!(message.contains("graph.attacker.invalid"), "{message}");
    assert!(message.contains("profile trust"), "{message}");
    assert_eq!(
        env.token_requests(),
        0,
        "not even the assertion went out: no token was fetched for a foreign host"
    );

    // A Graph URL given on this command line is the admin's own choice.
    let graph = env.sandbox.graph_url();
    let given = test(&env, &["--graph-url", &graph]);
    assert_eq!(given.status.code(), Some(0), "{}", stderr(&given));

    // Confirmed once, the profile is the admin's: the test goes ahead (and fails at the host,
    // which does not exist, with exit 1 rather than a refusal).
    let trusted = certconnect(&env.ws, &["profile", "trust", "Shared"], &[], None);
    assert_eq!(trusted.status.code(), Some(0), "{}", stderr(&trusted));
    assert_eq!(
        *store.get("Shared").unwrap().profile.origin(),
        Origin::Local
    );
    let confirmed = test(&env, &["--timeout-secs", "10"]);
    assert_eq!(confirmed.status.code(), Some(1), "{}", stderr(&confirmed));
}
