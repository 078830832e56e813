//! `--remember-sign-in` and `app sign-out` as the real binary with the real OS credential store
//! (a Secret Service: GNOME Keyring in a private D-Bus session, set up by scripts/test.sh), against
//! a sandbox in the test process that approves device codes on their first poll. Ignored by a
//! plain `cargo test`; run with
//! `dbus-run-session -- scripts/with-keyring.sh cargo test --test core secret_store_real -- --ignored`.

use crate::support;

use certconnect::admin_signin::DEFAULT_SIGN_IN_CLIENT_ID;
use certconnect::core::signin::refresh::remembered_sign_in_entry;
use certconnect::credential_store::open_os_backend;
use support::probe_env::{CLIENT_ID, Env};
use support::{all_files, certconnect, stderr, stdout};

/// No refresh token in any output, nor in any file the runs wrote under `dir`.
fn assert_no_token_anywhere(
    dir: &std::path::Path,
    outputs: &[std::process::Output],
    tokens: &[String],
) {
    for output in outputs {
        let text = format!("{}{}", stdout(output), stderr(output));
        for token in tokens {
            assert!(
                !text.contains(token.as_str()),
                "a refresh token leaked:\n{text}"
            );
        }
        support::leaks::assert_no_jwt(&text, "an output");
    }
    for (path, bytes) in all_files(dir) {
        let text = String::from_utf8_lossy(&bytes);
        for token in tokens {
            assert!(
                !text.contains(token.as_str()),
                "a refresh token is in {}",
                path.display()
            );
        }
    }
}

#[test]
#[ignore = "needs a Secret Service: run through scripts/test.sh"]
fn secret_store_real_a_remembered_sign_in_lives_in_the_store_and_nowhere_else() {
    let env = Env::with(|config| {
        config.admin.device_code_interval_secs = 0;
        config.admin.device_code_approve_on_poll = Some(1);
    });
    let base = env.sandbox.base_url().to_owned();
    let graph = env.sandbox.graph_url();
    let tenant = env.sandbox.tenant_id().to_owned();
    let data = env.ws.path("data");
    let show = |extra: &[&str]| {
        let mut args = vec![
            "app",
            "show",
            "--client-id",
            CLIENT_ID,
            "--tenant",
            &tenant,
            "--device-code",
            "--authority",
            &base,
            "--graph-url",
            &graph,
        ];
        args.extend_from_slice(extra);
        let output = certconnect(
            &env.ws,
            &args,
            &[("CERTCONNECT_DATA_DIR", data.to_str().unwrap())],
            None,
        );
        assert_eq!(
            output.status.code(),
            Some(0),
            "{}{}",
            stdout(&output),
            stderr(&output)
        );
        output
    };
    let store = open_os_backend().unwrap();
    let entry = remembered_sign_in_entry(
        &url::Url::parse(&base).unwrap(),
        &tenant,
        DEFAULT_SIGN_IN_CLIENT_ID,
    );
    let remembered = || {
        store
            .get(&entry)
            .unwrap()
            .map(|bytes| String::from_utf8(bytes).unwrap())
    };
    let mut tokens = Vec::new();
    let mut outputs = Vec::new();

    // Off by default: signed in with a code, nothing written.
    let plain = show(&[]);
    assert!(
        stderr(&plain).contains("enter the code"),
        "{}",
        stderr(&plain)
    );
    assert_eq!(remembered(), None);
    outputs.push(plain);

    // On: signed in with a code, then the refresh token is in the Secret Service.
    let first = show(&["--remember-sign-in"]);
    assert!(stderr(&first).contains("enter the code"));
    assert!(
        stderr(&first).contains("This sign-in is remembered in the Secret Service."),
        "{}",
        stderr(&first)
    );
    tokens.push(remembered().expect("remembered"));
    outputs.push(first);

    // The next sign-in uses it: no code to type.
    let second = show(&["--remember-sign-in"]);
    assert!(
        !stderr(&second).contains("enter the code") && !stderr(&second).contains("/devicelogin"),
        "{}",
        stderr(&second)
    );
    assert!(
        stderr(&second).contains("Signed in with the sign-in remembered in the Secret Service."),
        "{}",
        stderr(&second)
    );
    tokens.push(remembered().unwrap());
    assert_ne!(tokens[0], tokens[1], "the rotated token is kept");
    outputs.push(second);

    // Revoked at Entra: refused, forgotten, and the admin signs in with a code again.
    env.sandbox.revoke_refresh_tokens();
    let refused = show(&["--remember-sign-in"]);
    assert!(
        stderr(&refused).contains("The remembered sign-in was refused (AADSTS70008:"),
        "{}",
        stderr(&refused)
    );
    assert!(stderr(&refused).contains("enter the code"));
    tokens.push(remembered().unwrap());
    outputs.push(refused);

    // Sign-out forgets it.
    let signed_out = certconnect(
        &env.ws,
        &[
            "app",
            "sign-out",
            "--tenant",
            &tenant,
            "--authority",
            &base,
            "--graph-url",
            &graph,
        ],
        &[],
        None,
    );
    assert_eq!(signed_out.status.code(), Some(0), "{}", stderr(&signed_out));
    assert_eq!(remembered(), None);
    outputs.push(signed_out);

    assert_no_token_anywhere(env.ws.dir(), &outputs, &tokens);
}
