//! `certconnect test` as the real binary, against a sandbox running in the test process.

use crate::support;

use support::probe_env::{CLIENT_ID, Env, PASSWORD};
use support::{certconnect, s, stderr, stdout};

fn base_args(env: &Env) -> Vec<String> {
    [
        "test",
        "--token-url",
        &env.sandbox.token_url(),
        "--client-id",
        CLIENT_ID,
        "--pfx",
        s(&env.pfx),
        "--graph-url",
        &env.sandbox.graph_url(),
        "--password-env",
        "PFX_PASSWORD",
    ]
    .map(str::to_owned)
    .to_vec()
}

fn run(env: &Env, extra: &[&str]) -> std::process::Output {
    let mut args = base_args(env);
    args.extend(extra.iter().map(|a| (*a).to_owned()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    certconnect(&env.ws, &args, &[("PFX_PASSWORD", PASSWORD)], None)
}

/// No password, key material or token (a JWT, recognised by its structure) in anything the CLI
/// printed.
fn assert_no_secrets(output: &std::process::Output) {
    let all = format!("{}{}", stdout(output), stderr(output));
    assert!(!all.contains(PASSWORD), "password leaked:\n{all}");
    assert!(!all.contains("PRIVATE KEY"), "key leaked:\n{all}");
    support::leaks::assert_no_jwt(&all, "the output");
}

#[test]
fn a_working_connection_exits_0_with_a_readable_step_list() {
    let env = Env::new();
    let output = run(&env, &[]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}{}",
        stdout(&output),
        stderr(&output)
    );
    let text = stdout(&output);
    for line in [
        "[ ok ] Load certificate",
        "[ ok ] Request access token",
        "[ ok ] Read site",
        "[ ok ] List drive items",
        "Connected",
    ] {
        assert!(text.contains(line), "missing {line:?} in\n{text}");
    }
    assert_no_secrets(&output);
}

#[test]
fn json_success_and_failure_share_one_shape() {
    let env = Env::new();
    let output = run(&env, &["--json"]);
    assert_eq!(output.status.code(), Some(0));
    let json = support::json_stdout(&output);
    assert_eq!(json["ok"], true);
    let steps = json["steps"].as_array().unwrap();
    assert!(
        steps
            .iter()
            .any(|s| s["name"].as_str().unwrap().contains("token") && s["ok"] == true)
    );
    assert!(steps.iter().all(|s| s["duration_ms"].is_u64()));
    assert_no_secrets(&output);

    let other = env.ws.rsa_key("other.key", 2048);
    let cert = env
        .ws
        .self_signed("other.pem", &other, "/CN=Unregistered", 365);
    let output = certconnect(
        &env.ws,
        &[
            "test",
            "--token-url",
            &env.sandbox.token_url(),
            "--client-id",
            CLIENT_ID,
            "--cert-pem",
            s(&cert),
            "--key-pem",
            s(&other),
            "--graph-url",
            &env.sandbox.graph_url(),
            "--json",
        ],
        &[],
        None,
    );
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    let json = support::json_stdout(&output);
    assert_eq!(json["ok"], false);
    assert_eq!(json["error"]["code"], "AADSTS700027");
    assert!(
        json["error"]["message"]
            .as_str()
            .unwrap()
            .contains("Thumbprint of key used by client")
    );
    assert!(
        json["error"]["hint"]
            .as_str()
            .unwrap()
            .contains("thumbprint")
    );
    let token_step = json["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "token")
        .unwrap();
    assert_eq!(token_step["ok"], false);
    assert_no_secrets(&output);
}

#[test]
fn a_refused_connection_exits_1_and_shows_code_and_fix() {
    let env = Env::new();
    let output = run(&env, &["--scope", "https://graph.microsoft.com/User.Read"]);
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    assert!(text.contains("[FAIL] Request access token"), "{text}");
    assert!(text.contains("AADSTS1002012"), "{text}");
    assert!(
        text.contains("Fix: Use the resource with /.default"),
        "{text}"
    );
    assert!(text.contains("Trace ID"), "{text}");
    assert_no_secrets(&output);
}

#[test]
fn a_graph_url_of_another_cloud_is_refused_at_check_settings_with_exit_2() {
    let env = Env::new();
    let mut args = base_args(&env);
    let at = args.iter().position(|a| a == "--graph-url").unwrap() + 1;
    args[at] = "https://graph.microsoft.com/v1.0".into();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let output = certconnect(&env.ws, &args, &[("PFX_PASSWORD", PASSWORD)], None);
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(2), "{text}{}", stderr(&output));
    assert!(text.contains("[FAIL] Check settings"), "{text}");
    assert!(
        text.contains("the Graph URL on the Graph tab (the scope follows it)"),
        "{text}"
    );
    assert!(
        text.contains(&env.sandbox.graph_url()),
        "the fix names the Graph URL that goes with the token URL: {text}"
    );
    assert!(
        !text.contains("Request access token"),
        "nothing was sent: {text}"
    );
}

#[test]
fn bad_input_exits_2() {
    let env = Env::new();
    let cases: Vec<Vec<&str>> = vec![
        vec!["--client-id", "not-a-guid"],
        vec![
            "--token-url",
            "http://login.example.com/t/oauth2/v2.0/token",
        ],
        vec!["--retry-codes", "429,503"],
        vec!["--header", "Broken header"],
        vec!["--retry-mode", "sometimes"],
        vec!["--alg", "HS256"],
    ];
    for extra in cases {
        let output = run(&env, &extra);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{extra:?}: {}",
            stderr(&output)
        );
        assert!(!stderr(&output).is_empty());
    }
    // A wrong password is the input's fault too.
    let mut args = base_args(&env);
    args.truncate(args.len() - 2);
    let args: Vec<&str> = args
        .iter()
        .map(String::as_str)
        .chain(["--password-env", "WRONG"])
        .collect();
    let output = certconnect(&env.ws, &args, &[("WRONG", "not-the-password")], None);
    assert_eq!(output.status.code(), Some(2), "{}", stdout(&output));
    assert!(
        stdout(&output).contains("password does not open"),
        "{}",
        stdout(&output)
    );
    assert!(!stdout(&output).contains("not-the-password"));
}

#[test]
fn retries_are_printed_and_headers_sent() {
    let env = Env::new();
    env.sandbox
        .push_fault(certconnect::sandbox::parse_fault("token:429:retry-after=1").unwrap());
    let output = run(
        &env,
        &[
            "--retry-mode",
            "status",
            "--retry-codes",
            "429",
            "--retry-max",
            "2",
            "--header",
            "X-Demo:1||X-Other:two",
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    assert!(
        stdout(&output).contains("[wait] Request access token: HTTP 429; retry 1 in 1000 ms"),
        "{}",
        stdout(&output)
    );
    let graph = env
        .sandbox
        .requests()
        .into_iter()
        .find(|r| r.path.starts_with("/v1.0/"))
        .unwrap();
    assert_eq!(graph.header("x-other"), Some("two"));
}

#[test]
fn a_saved_profile_is_tested_with_flag_overrides() {
    let env = Env::new();
    let store = env.ws.profile_store();
    let mut draft = env.draft();
    draft.name = "Sandbox".into();
    draft.site_id = "no-such-site".into();
    store.save(&draft.parse().unwrap()).unwrap();
    let output = certconnect(
        &env.ws,
        &["test", "Sandbox", "--password-env", "P"],
        &[("P", PASSWORD)],
        None,
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stdout(&output).contains("itemNotFound"),
        "{}",
        stdout(&output)
    );
    let output = certconnect(
        &env.ws,
        &[
            "test",
            "Sandbox",
            "--password-env",
            "P",
            "--site-id",
            "root",
            "--token-only",
        ],
        &[("P", PASSWORD)],
        None,
    );
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    assert!(!stdout(&output).contains("Read site"));
}

#[test]
fn the_sandbox_command_prints_a_test_command_that_connects() {
    use std::io::BufRead as _;
    let ws = support::Workspace::new();
    let mut sandbox = std::process::Command::new(env!("CARGO_BIN_EXE_certconnect"))
        .args(["sandbox", "--port", "0", "--dir", "demo"])
        .current_dir(ws.dir())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = std::io::BufReader::new(sandbox.stdout.take().unwrap()).lines();
    let mut command = None;
    let mut object_id = None;
    for line in lines.by_ref() {
        let line = line.unwrap();
        if let Some(rest) = line.trim().strip_prefix("certconnect test ") {
            command = Some(rest.to_owned());
        }
        if let Some(rest) = line.trim().strip_prefix("object ID") {
            object_id = rest.split_whitespace().next().map(str::to_owned);
        }
        if line.starts_with("Press Ctrl+C") {
            break;
        }
    }
    let command = command.expect("the sandbox prints a test command");
    // The app registration's object id (for addKey / removeKey), which is not the client id.
    assert_eq!(
        object_id.as_deref(),
        Some(certconnect::sandbox::DEMO_OBJECT_ID)
    );
    let mut args = vec!["test"];
    args.extend(command.split_whitespace());
    let output = certconnect(&ws, &args, &[], None);
    sandbox.kill().ok();
    sandbox.wait().ok();
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    assert!(ws.path("demo/sandbox.cer").exists());
    let imported = certconnect(
        &ws,
        &["profile", "import", "demo/sandbox-profile.ron"],
        &[],
        None,
    );
    assert_eq!(imported.status.code(), Some(0), "{}", stderr(&imported));
}

#[test]
fn loopback_requests_never_go_through_a_proxy() {
    // Plain http is allowed only to loopback; through a proxy it would carry the assertion and the
    // bearer token in clear text. With a proxy that does not answer and nothing in NO_PROXY, the
    // run against the sandbox on 127.0.0.1 still succeeds: the proxy was not used.
    let env = Env::new();
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let proxy = format!("http://{closed}");
    let args = base_args(&env);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let output = certconnect(
        &env.ws,
        &args,
        &[
            ("PFX_PASSWORD", PASSWORD),
            ("HTTP_PROXY", &proxy),
            ("http_proxy", &proxy),
            ("HTTPS_PROXY", &proxy),
            ("https_proxy", &proxy),
            ("ALL_PROXY", &proxy),
            ("all_proxy", &proxy),
            ("NO_PROXY", ""),
            ("no_proxy", ""),
        ],
        None,
    );
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    assert!(!stdout(&output).contains("proxy"), "{}", stdout(&output));
}

#[test]
fn a_proxy_that_refuses_the_tunnel_is_named() {
    // The sandbox plays a proxy that answers CONNECT with 404; the host behind it is never looked
    // up here (RFC 6761 .invalid), because the proxy would.
    let env = Env::new();
    let proxy = format!("http://{}", env.sandbox.addr());
    let output = certconnect(
        &env.ws,
        &[
            "test",
            "--token-url",
            "https://login.certconnect.invalid/t/oauth2/v2.0/token",
            "--client-id",
            CLIENT_ID,
            "--pfx",
            s(&env.pfx),
            "--password-env",
            "PFX_PASSWORD",
            "--token-only",
        ],
        &[
            ("PFX_PASSWORD", PASSWORD),
            ("HTTPS_PROXY", &proxy),
            ("https_proxy", &proxy),
            ("NO_PROXY", ""),
            ("no_proxy", ""),
        ],
        None,
    );
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    let expected = format!(
        "the proxy {} could not be reached or refused to forward the request to login.certconnect.invalid:443",
        env.sandbox.addr()
    );
    assert!(stdout(&output).contains(&expected), "{}", stdout(&output));
    assert!(
        stdout(&output).contains("Fix: Check HTTPS_PROXY / HTTP_PROXY"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn report_prints_the_same_text_as_the_app_copies() {
    let env = Env::new();
    let output = run(
        &env,
        &["--report", "--header", "X-Api-Key:cli-header-secret"],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    for expected in [
        "certconnect connection test report\n",
        &format!("App:        certconnect {} (", env!("CARGO_PKG_VERSION")),
        "Profile:    command line\n",
        "Result:     Connected\n",
        &format!("  Token URL:           {}\n", env.sandbox.token_url()),
        "  Extra headers:       X-Api-Key (value: 17 chars)\n",
        "  [ ok ] Check settings (",
        "  [ ok ] Request access token (",
        "         Roles:       Sites.Read.All, Files.Read.All\n",
        "  [ ok ] List drive items (",
        "         First item:  Welcome.docx\n",
        "  Connected: the certificate and the token work, and so do site 'Sandbox Team Site' and drive 'Documents'.",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in\n{text}");
    }
    assert!(
        !text.contains("Testing connection"),
        "the report replaces the live list"
    );
    assert!(
        !text.contains("cli-header-secret"),
        "a header value leaked:\n{text}"
    );
    assert_no_secrets(&output);
}

#[test]
fn a_failed_report_keeps_the_exit_code_and_has_code_fix_and_ids() {
    let env = Env::new();
    let mut args = base_args(&env);
    let id = args.iter().position(|a| a == "--client-id").unwrap() + 1;
    args[id] = "99999999-9999-4999-8999-999999999999".into();
    args.push("--report".into());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let output = certconnect(&env.ws, &args, &[("PFX_PASSWORD", PASSWORD)], None);
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    let text = stdout(&output);
    for expected in [
        "Result:     Failed at 'Request access token': AADSTS700016\n",
        "  [FAIL] Request access token (",
        "  [    ] Read site (not run)\n",
        "  Code:            AADSTS700016\n",
        "  Fix:             Check the Client ID",
        "  Trace ID:        ",
        "  Correlation ID:  ",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in\n{text}");
    }
    assert_no_secrets(&output);
}

#[test]
fn report_and_json_together_are_a_usage_error() {
    let env = Env::new();
    let output = run(&env, &["--report", "--json"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("--report"), "{}", stderr(&output));
}

#[test]
fn json_failures_keep_their_code_and_gain_the_raw_error() {
    let env = Env::new();
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let mut args = base_args(&env);
    let url = args.iter().position(|a| a == "--token-url").unwrap() + 1;
    args[url] = format!("http://{closed}/t/oauth2/v2.0/token");
    args.push("--json".into());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let output = certconnect(&env.ws, &args, &[("PFX_PASSWORD", PASSWORD)], None);
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    let json = support::json_stdout(&output);
    assert_eq!(json["error"]["code"], "network");
    assert_eq!(
        json["error"]["message"],
        format!("nothing is listening on {closed}: the connection was refused")
    );
    let raw = json["error"]["raw"].as_str().unwrap();
    assert!(raw.contains("tcp connect error"), "{raw}");
}
