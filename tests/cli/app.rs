//! `certconnect app register / add-cert / show` as the real binary, signing in with a device code
//! against a sandbox running in the test process (it approves the code on the first poll), and once
//! through the browser the binary opens.

use crate::support;

use certconnect::core::event::Step;
use certconnect::sandbox::{DirectoryRole, SandboxConfig};
use serde_json::Value;
use support::leaks::assert_no_jwt;
use support::probe_env::{CLIENT_ID, Env, OBJECT_ID, PASSWORD, read_cert};
use support::{certconnect, json_stdout, s, stderr, stdout};

const SITE_ID: &str =
    "sandbox.example.com,6f1c3a52-4c1e-4a52-9a3b-1f2e3d4c5b6a,9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b";

/// A sandbox whose device codes are approved on their first poll, polled every second.
fn env_with(adjust: impl FnOnce(&mut SandboxConfig)) -> Env {
    Env::with(|config| {
        config.admin.device_code_interval_secs = 0;
        config.admin.device_code_approve_on_poll = Some(1);
        adjust(config);
    })
}

/// Runs `certconnect app SUBCOMMAND ARGS… --tenant … --device-code --authority … --graph-url …`
/// and checks that no token is in anything it printed.
fn app(env: &Env, subcommand: &str, args: &[&str]) -> std::process::Output {
    app_signed_in(env, subcommand, args, &["--device-code"], &[])
}

/// Runs `certconnect app SUBCOMMAND ARGS… --tenant … SIGN-IN… --authority … --graph-url …` with
/// `vars` set too, and checks that no token, password, key or device code is in what it printed.
fn app_signed_in(
    env: &Env,
    subcommand: &str,
    args: &[&str],
    sign_in: &[&str],
    vars: &[(&str, &str)],
) -> std::process::Output {
    let base = env.sandbox.base_url().to_owned();
    let graph = env.sandbox.graph_url();
    let mut all = vec!["app", subcommand];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--tenant", env.sandbox.tenant_id()]);
    all.extend_from_slice(sign_in);
    all.extend_from_slice(&["--authority", &base, "--graph-url", &graph]);
    let mut vars = vars.to_vec();
    vars.push(("PFX_PASSWORD", PASSWORD));
    let output = certconnect(&env.ws, &all, &vars, None);
    let printed = format!("{}{}", stdout(&output), stderr(&output));
    assert_no_jwt(&printed, "the output");
    assert!(!printed.contains(PASSWORD), "password leaked:\n{printed}");
    assert!(!printed.contains("PRIVATE KEY"), "key leaked:\n{printed}");
    // The sandbox's device codes start with DAQAB: the device code itself is never shown.
    assert!(!printed.contains("DAQAB"), "device code leaked:\n{printed}");
    output
}

fn code(output: &std::process::Output) -> Option<i32> {
    output.status.code()
}

fn show_output(output: &std::process::Output) -> String {
    format!("stdout:\n{}\nstderr:\n{}", stdout(output), stderr(output))
}

/// A new certificate and key: (PEM certificate, PEM key, PFX).
fn new_files(
    env: &Env,
    name: &str,
) -> (std::path::PathBuf, std::path::PathBuf, std::path::PathBuf) {
    env.ws.certificate_files(name, PASSWORD)
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .unwrap_or_else(|| panic!("not an array: {value}"))
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect()
}

fn is_guid_text(value: &Value) -> bool {
    value.as_str().is_some_and(certconnect::core::guid::is_guid)
}

#[test]
fn register_goes_from_nothing_to_connected_and_saves_the_profile() {
    let env = env_with(|_| {});
    let (_, _, pfx) = new_files(&env, "connector");
    let output = app(
        &env,
        "register",
        &[
            "--name",
            "Contoso connector",
            "--pfx",
            s(&pfx),
            "--password-env",
            "PFX_PASSWORD",
            "--role",
            "Sites.Read.All",
            "--role",
            "Files.Read.All",
            "--save-profile",
            "Contoso",
            "--json",
        ],
    );
    assert_eq!(code(&output), Some(0), "{}", show_output(&output));
    let json = json_stdout(&output);
    assert_eq!(json["ok"], true, "{json:#}");
    for key in ["client_id", "object_id", "service_principal_id", "key_id"] {
        assert!(is_guid_text(&json[key]), "{key}: {json:#}");
    }
    assert_ne!(json["client_id"], json["object_id"]);
    assert_eq!(
        strings(&json["roles"]),
        ["Sites.Read.All", "Files.Read.All"]
    );
    assert!(json.get("error").is_none(), "{json:#}");
    // The steps as `test --json` gives them, every registration rung done in order.
    let steps = json["steps"].as_array().unwrap();
    let names: Vec<&str> = steps.iter().map(|s| s["name"].as_str().unwrap()).collect();
    let expected: Vec<&str> = Step::REGISTRATION
        .into_iter()
        .filter(|s| *s != Step::GrantSite)
        .map(Step::name)
        .collect();
    assert_eq!(names, expected);
    assert!(
        steps
            .iter()
            .all(|s| s["ok"] == true && s["duration_ms"].is_u64() && s["label"].is_string())
    );
    // The device code's message went to standard error, with the code to type.
    assert!(
        stderr(&output).contains("/devicelogin") && stderr(&output).contains("enter the code"),
        "{}",
        stderr(&output)
    );
    assert!(stderr(&output).contains("Signed in as Sandbox Admin"));
    // Saved, with the new app's IDs; `test` connects with it.
    let saved = env.ws.profile_store().get("Contoso").unwrap().profile;
    assert_eq!(Some(saved.client_id()), json["client_id"].as_str());
    assert_eq!(saved.object_id(), json["object_id"].as_str());
    assert_eq!(json["saved_profile"], "Contoso");
    let test = certconnect(
        &env.ws,
        &["test", "Contoso", "--password-env", "PFX_PASSWORD"],
        &[("PFX_PASSWORD", PASSWORD)],
        None,
    );
    assert_eq!(code(&test), Some(0), "{}", show_output(&test));
}

#[test]
fn register_prints_the_ladder_and_grants_a_site() {
    let env = env_with(|_| {});
    let (cert, key, _) = new_files(&env, "pem-connector");
    let output = app(
        &env,
        "register",
        &[
            "--name",
            "Site connector",
            "--cert-pem",
            s(&cert),
            "--key-pem",
            s(&key),
            "--grant-site",
            SITE_ID,
            "--site-role",
            "read",
        ],
    );
    assert_eq!(code(&output), Some(0), "{}", show_output(&output));
    let text = stdout(&output);
    // Every rung, site grant included, printed as `test` prints its steps.
    for step in Step::REGISTRATION
        .into_iter()
        .filter(|s| *s != Step::SaveProfile)
    {
        let line = format!("[ ok ] {} (", step.label());
        assert!(text.contains(&line), "missing {line:?} in\n{text}");
    }
    assert!(
        text.contains("Registered and connected: client ID"),
        "{text}"
    );
    let grants = env
        .sandbox
        .requests()
        .iter()
        .filter(|r| r.method == "POST" && r.path.ends_with("/permissions"))
        .count();
    assert_eq!(grants, 1);
}

#[test]
fn add_cert_keeps_both_existing_certificates() {
    let ws_made = {
        let ws = support::Workspace::new();
        let key = ws.rsa_key("second.key", 2048);
        let cert = ws.self_signed("second.pem", &key, "/CN=second", 365);
        let sha1 = ws.openssl_sha1(&cert);
        (ws, read_cert(&cert), sha1)
    };
    let (_keep, second, second_sha1) = ws_made;
    let env = env_with(move |config| config.apps[0].certificates.push(second));
    let first_sha1 = env.ws.openssl_sha1(&env.ws.path("app.pem"));
    let (added, _, _) = new_files(&env, "added");
    let added_sha1 = env.ws.openssl_sha1(&added);

    let output = app(
        &env,
        "add-cert",
        &["--client-id", CLIENT_ID, "--cert-pem", s(&added), "--json"],
    );
    assert_eq!(code(&output), Some(0), "{}", show_output(&output));
    let json = json_stdout(&output);
    assert_eq!(json["ok"], true);
    assert_eq!(json["client_id"], CLIENT_ID);
    assert_eq!(json["object_id"], OBJECT_ID);
    assert_eq!(json["keys"], 3);
    assert_eq!(json["already_registered"], false);
    let key_id = json["key_id"].as_str().unwrap().to_owned();
    assert!(certconnect::core::guid::is_guid(&key_id));
    let names: Vec<&str> = json["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["read_app", "add_certificate"]);

    let shown = json_stdout(&app(
        &env,
        "show",
        &["--client-id", CLIENT_ID, "--cert-pem", s(&added), "--json"],
    ));
    let thumbprints: Vec<String> = shown["certificates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["thumbprint"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(thumbprints.len(), 3, "{shown:#}");
    for sha1 in [&first_sha1, &second_sha1, &added_sha1] {
        assert!(thumbprints.contains(sha1), "{sha1} lost: {thumbprints:?}");
    }
    assert_eq!(shown["registered"], true);

    // The same certificate again changes nothing.
    let again = json_stdout(&app(
        &env,
        "add-cert",
        &["--client-id", CLIENT_ID, "--cert-pem", s(&added), "--json"],
    ));
    assert_eq!(again["already_registered"], true);
    assert_eq!(again["key_id"], key_id.as_str());
    assert_eq!(again["keys"], 3);
}

#[test]
fn show_lists_the_certificates_and_roles_and_says_whether_a_certificate_is_registered() {
    let env = env_with(|_| {});
    let registered_sha1 = env.ws.openssl_sha1(&env.ws.path("app.pem"));

    let output = app(&env, "show", &["--client-id", CLIENT_ID]);
    assert_eq!(code(&output), Some(0), "{}", show_output(&output));
    let text = stdout(&output);
    for expected in [
        "Certificates: 1",
        &format!("SHA-1 {registered_sha1}"),
        "Granted Microsoft Graph application roles: Sites.Read.All, Files.Read.All",
        "expires 20",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in\n{text}");
    }
    assert!(!text.contains("registered on this app"), "{text}");

    let json = json_stdout(&app(&env, "show", &["--client-id", CLIENT_ID, "--json"]));
    assert_eq!(json["ok"], true);
    assert_eq!(json["object_id"], OBJECT_ID);
    assert_eq!(
        strings(&json["granted_roles"]),
        ["Sites.Read.All", "Files.Read.All"]
    );
    let certificate = &json["certificates"][0];
    assert_eq!(certificate["thumbprint"], registered_sha1.as_str());
    assert!(is_guid_text(&certificate["key_id"]));
    assert!(certificate["expires"].is_string());
    assert!(json.get("registered").is_none(), "{json:#}");

    let registered = app(
        &env,
        "show",
        &[
            "--client-id",
            CLIENT_ID,
            "--pfx",
            s(&env.pfx),
            "--password-env",
            "PFX_PASSWORD",
        ],
    );
    assert!(
        stdout(&registered).contains("is registered on this app"),
        "{}",
        show_output(&registered)
    );
    let (other, _, _) = new_files(&env, "other");
    let json = json_stdout(&app(
        &env,
        "show",
        &["--client-id", CLIENT_ID, "--cert-pem", s(&other), "--json"],
    ));
    assert_eq!(json["registered"], false);
}

#[test]
fn an_admin_without_the_consent_role_gets_exit_1_naming_the_role() {
    let env = env_with(|config| {
        config.admin.admin.directory_roles = vec![DirectoryRole::ApplicationAdministrator];
    });
    let (_, _, pfx) = new_files(&env, "connector");
    let args = [
        "--name",
        "Contoso connector",
        "--pfx",
        s(&pfx),
        "--password-env",
        "PFX_PASSWORD",
        "--role",
        "Sites.Read.All",
    ];
    let output = app(&env, "register", &[&args[..], &["--json"]].concat());
    assert_eq!(code(&output), Some(1), "{}", show_output(&output));
    let json = json_stdout(&output);
    assert_eq!(json["ok"], false);
    assert!(
        json["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty())
    );
    assert!(
        json["error"]["code"]
            .as_str()
            .is_some_and(|c| !c.is_empty())
    );
    assert_eq!(json["error"]["step"], "grant_roles");
    assert!(
        json["error"]["hint"]
            .as_str()
            .unwrap()
            .contains("Privileged Role Administrator or Global Administrator"),
        "{json:#}"
    );
    // What was created is given, with how to finish or undo it.
    assert!(is_guid_text(&json["client_id"]), "{json:#}");
    assert!(is_guid_text(&json["service_principal_id"]), "{json:#}");
    assert_eq!(json["roles"], Value::Array(Vec::new()));
    let next = strings(&json["next_steps"]).join("\n");
    assert!(next.contains("To undo"), "{next}");

    // As text, the ladder names the role too.
    let output = app(&env, "register", &args);
    assert_eq!(code(&output), Some(1), "{}", show_output(&output));
    let text = stdout(&output);
    assert!(text.contains("[FAIL]"), "{text}");
    assert!(text.contains("Privileged Role Administrator"), "{text}");
}

#[test]
fn bad_input_exits_2_before_anything_is_sent() {
    let env = env_with(|_| {});
    let (cert, _, pfx) = new_files(&env, "connector");
    let register = |extra: &[&str]| {
        let mut args = vec![
            "--name",
            "Contoso connector",
            "--password-env",
            "PFX_PASSWORD",
        ];
        args.extend_from_slice(extra);
        app(&env, "register", &args)
    };
    let cases: Vec<(std::process::Output, &str)> = vec![
        // No certificate at all (clap's usage error).
        (register(&["--role", "Sites.Read.All"]), "--pfx"),
        // No permission chosen.
        (register(&["--pfx", s(&pfx)]), "--role"),
        // A certificate without its key cannot pass the final test.
        (
            register(&["--cert-pem", s(&cert), "--role", "Sites.Read.All"]),
            "--key-pem",
        ),
        // A site grant is for Sites.Selected.
        (
            register(&[
                "--pfx",
                s(&pfx),
                "--role",
                "Sites.Read.All",
                "--grant-site",
                SITE_ID,
                "--site-role",
                "read",
            ]),
            "Sites.Selected",
        ),
        (
            app(&env, "show", &["--client-id", "not-a-guid"]),
            "not a client ID",
        ),
        (
            app(
                &env,
                "add-cert",
                &["--client-id", CLIENT_ID, "--pfx", s(&pfx)],
            ),
            "no password was given",
        ),
    ];
    for (output, mentioned) in &cases {
        assert_eq!(code(output), Some(2), "{}", show_output(output));
        assert!(
            stderr(output).contains(mentioned),
            "{mentioned:?} not in\n{}",
            show_output(output)
        );
    }
    // JSON: one object with the contract's keys.
    let output = register(&["--pfx", s(&pfx), "--json"]);
    assert_eq!(code(&output), Some(2));
    let json = json_stdout(&output);
    assert_eq!(json["ok"], false);
    assert_eq!(json["error"]["code"], "usage");
    assert!(
        json["error"]["message"]
            .as_str()
            .unwrap()
            .contains("--role")
    );
    for key in ["client_id", "object_id", "service_principal_id", "key_id"] {
        assert!(json[key].is_null(), "{key}: {json:#}");
    }
    // A plain-http Graph elsewhere is refused like `test` refuses it.
    let output = certconnect(
        &env.ws,
        &[
            "app",
            "show",
            "--tenant",
            env.sandbox.tenant_id(),
            "--client-id",
            CLIENT_ID,
            "--graph-url",
            "http://graph.example.com/v1.0",
            "--device-code",
        ],
        &[],
        None,
    );
    assert_eq!(code(&output), Some(2), "{}", show_output(&output));
    assert!(
        stderr(&output).contains("https"),
        "{}",
        show_output(&output)
    );
    assert!(
        env.sandbox.requests().is_empty(),
        "nothing is sent for bad input"
    );
}

#[test]
fn register_with_new_cert_makes_the_pfx_and_cer_through_the_new_certificate_use_case() {
    let env = env_with(|_| {});
    let pfx = env.ws.path("made.pfx");
    let output = app(
        &env,
        "register",
        &[
            "--name",
            "Made connector",
            "--new-cert",
            s(&pfx),
            "--password-env",
            "PFX_PASSWORD",
            "--role",
            "Sites.Read.All",
            "--wait-secs",
            "60",
            "--json",
        ],
    );
    assert_eq!(code(&output), Some(0), "{}", show_output(&output));
    let json = json_stdout(&output);
    assert_eq!(json["ok"], true);
    // The public certificate beside the PFX is the one registered on the new app.
    let cer = env.ws.path("made.cer");
    assert!(pfx.is_file() && cer.is_file());
    let certificate = read_cert(&cer);
    let shown = json_stdout(&app(
        &env,
        "show",
        &[
            "--client-id",
            json["client_id"].as_str().unwrap(),
            "--cert-pem",
            s(&cer),
            "--json",
        ],
    ));
    assert_eq!(shown["registered"], true, "{shown:#}");
    let subject = certificate
        .subject_name()
        .entries()
        .map(|e| e.data().to_string().unwrap())
        .collect::<Vec<_>>();
    assert_eq!(subject, ["Made connector"]);
    // Made again over existing files: refused before anything is sent.
    let requests = env.sandbox.requests().len();
    let again = app_again(&env, &pfx);
    assert_eq!(code(&again), Some(2), "{}", show_output(&again));
    assert!(
        stderr(&again).contains("--new-cert"),
        "{}",
        show_output(&again)
    );
    assert_eq!(env.sandbox.requests().len(), requests);
}

fn app_again(env: &Env, pfx: &std::path::Path) -> std::process::Output {
    app(
        env,
        "register",
        &[
            "--name",
            "Made connector",
            "--new-cert",
            s(pfx),
            "--password-env",
            "PFX_PASSWORD",
            "--role",
            "Sites.Read.All",
        ],
    )
}

/// The binary opens the sign-in page the platform's way (`xdg-open` here, found on `PATH`); a
/// browser stand-in put first on `PATH` records the address and follows the sandbox's redirect
/// back to the binary's loopback listener, as a browser would, and the registration goes on.
#[cfg(all(unix, not(target_os = "macos")))]
#[test]
fn register_signs_in_through_the_browser_opened_by_the_binary() {
    use std::os::unix::fs::PermissionsExt as _;

    let env = env_with(|_| {});
    let (_, _, pfx) = new_files(&env, "browser-connector");
    let opened = env.ws.path("opened.txt");
    let bin = env.ws.path("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let browser = bin.join("xdg-open");
    std::fs::write(
        &browser,
        format!(
            "#!/bin/sh\nprintf '%s\\n' \"$1\" > '{}'\nexec curl -s -L -o /dev/null \"$1\"\n",
            opened.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&browser, std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let output = app_signed_in(
        &env,
        "register",
        &[
            "--name",
            "Browser connector",
            "--pfx",
            s(&pfx),
            "--password-env",
            "PFX_PASSWORD",
            "--role",
            "Sites.Read.All",
            "--json",
        ],
        &[],
        &[("PATH", &path)],
    );
    assert_eq!(code(&output), Some(0), "{}", show_output(&output));
    let json = json_stdout(&output);
    assert_eq!(json["ok"], true, "{json:#}");
    assert!(is_guid_text(&json["client_id"]), "{json:#}");
    // The page opened was Entra's authorize endpoint with PKCE and a loopback redirect.
    let address = std::fs::read_to_string(&opened).expect("the browser was opened");
    let url = url::Url::parse(address.trim()).unwrap();
    assert!(url.path().ends_with("/oauth2/v2.0/authorize"), "{url}");
    let query: std::collections::HashMap<_, _> = url.query_pairs().into_owned().collect();
    assert_eq!(query["code_challenge_method"], "S256");
    assert_eq!(query["response_type"], "code");
    assert!(
        query["redirect_uri"].starts_with("http://localhost:"),
        "{url}"
    );
    assert!(!query["state"].is_empty());
    // No device code was asked for.
    assert!(
        env.sandbox
            .requests()
            .iter()
            .all(|r| !r.path.ends_with("/devicecode"))
    );
    assert!(stderr(&output).contains("Signed in as Sandbox Admin"));
}
