//! Clean output (issue 11, rows 12 and 15): text from a server or a certificate file reaches the
//! terminal with its control characters escaped, `--json` keeps it as plain JSON strings, and a
//! reader that closes the pipe early ends the program quietly with exit 0.

use crate::support;

use std::io::{Read as _, Write as _};
use std::net::TcpListener;
use std::time::Duration;

use support::{Workspace, certconnect, s, stderr, stdout};

const HOSTILE: &str = "\u{1b}]0;pwned\u{7}\u{1b}[2J";

/// A one-trick token endpoint on 127.0.0.1: every request gets Entra's 401 error JSON with
/// escape sequences in its description and ids. It serves at most `limit` connections.
fn hostile_server(limit: usize) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let body = serde_json::json!({
        "error": "invalid_client",
        "error_description": format!("AADSTS7000215: Invalid client secret provided.{HOSTILE}"),
        "error_codes": [7000215],
        "timestamp": format!("2026-11-23 08:00:00Z{HOSTILE}"),
        "trace_id": format!("trace{HOSTILE}"),
        "correlation_id": format!("corr{HOSTILE}"),
    })
    .to_string();
    let serve = move || {
        for stream in listener.incoming().take(limit) {
            let Ok(mut stream) = stream else { continue };
            stream
                .set_read_timeout(Some(Duration::from_secs(5)))
                .unwrap();
            let mut request = Vec::new();
            let mut chunk = [0u8; 4096];
            // Headers, then as much body as Content-Length says.
            while let Ok(n @ 1..) = stream.read(&mut chunk) {
                request.extend_from_slice(&chunk[..n]);
                let text = String::from_utf8_lossy(&request).to_ascii_lowercase();
                if let Some(end) = text.find("\r\n\r\n") {
                    let length = text
                        .lines()
                        .find_map(|l| l.strip_prefix("content-length:"))
                        .and_then(|v| v.trim().parse::<usize>().ok())
                        .unwrap_or(0);
                    if request.len() >= end + 4 + length {
                        break;
                    }
                }
            }
            let answer = format!(
                "HTTP/1.1 401 Unauthorized\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            stream.write_all(answer.as_bytes()).ok();
        }
    };
    std::thread::Builder::new()
        .name("hostile-server".into())
        .spawn(serve)
        .unwrap();
    port
}

fn app_pfx(ws: &Workspace) -> String {
    let key = ws.rsa_key("app.key", 2048);
    let cert = ws.self_signed("app.pem", &key, "/CN=Connector", 365);
    s(&ws.pfx("app.pfx", &key, &cert, "pw", &[])).to_owned()
}

fn test_against(ws: &Workspace, port: u16, pfx: &str, extra: &[&str]) -> std::process::Output {
    let token_url =
        format!("http://127.0.0.1:{port}/11111111-2222-3333-4444-555555555555/oauth2/v2.0/token");
    let graph_url = format!("http://127.0.0.1:{port}/v1.0");
    let mut args = vec![
        "test",
        "--token-url",
        &token_url,
        "--client-id",
        "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
        "--pfx",
        pfx,
        "--graph-url",
        &graph_url,
        "--password-env",
        "PFX_PASSWORD",
        "--retry-max",
        "0",
        "--timeout-secs",
        "20",
    ];
    args.extend_from_slice(extra);
    certconnect(ws, &args, &[("PFX_PASSWORD", "pw")], None)
}

fn assert_inert(bytes: &[u8], what: &str) {
    let text = String::from_utf8_lossy(bytes);
    assert!(
        !bytes.iter().any(|b| *b == 0x1b || *b == 0x07),
        "{what} holds a raw ESC or BEL:\n{}",
        text.escape_debug()
    );
}

#[test]
fn a_hostile_error_description_is_escaped_in_the_live_output() {
    let ws = Workspace::new();
    let pfx = app_pfx(&ws);
    let port = hostile_server(10);
    let output = test_against(&ws, port, &pfx, &[]);
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{text}{}", stderr(&output));
    assert!(text.contains("AADSTS7000215"), "{text}");
    assert_inert(&output.stdout, "stdout");
    assert_inert(&output.stderr, "stderr");
    assert!(
        text.contains("\\u{1b}]0;pwned\\u{7}"),
        "escaped form missing:\n{text}"
    );
}

#[test]
fn a_hostile_error_description_is_escaped_in_the_report() {
    let ws = Workspace::new();
    let pfx = app_pfx(&ws);
    let port = hostile_server(10);
    let output = test_against(&ws, port, &pfx, &["--report"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(stdout(&output).contains("AADSTS7000215"));
    assert_inert(&output.stdout, "stdout");
    assert_inert(&output.stderr, "stderr");
}

#[test]
fn json_keeps_hostile_text_as_plain_json_strings() {
    let ws = Workspace::new();
    let pfx = app_pfx(&ws);
    let port = hostile_server(10);
    let output = test_against(&ws, port, &pfx, &["--json"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert_inert(&output.stdout, "stdout");
    let json = support::json_stdout(&output);
    let all = json["error"].to_string();
    // The value round-trips: the JSON string holds the real characters, escaped as JSON does.
    assert!(all.contains("\\u001b]0;pwned\\u0007"), "{all}");
}

#[test]
fn cert_inspect_escapes_a_subject_made_of_escape_sequences() {
    let ws = Workspace::new();
    let key = ws.rsa_key("evil.key", 2048);
    let subject = format!("/CN=evil{HOSTILE}/O=Contoso{HOSTILE}");
    let cert = ws.self_signed("evil.pem", &key, &subject, 365);
    let pfx = ws.pfx("evil.pfx", &key, &cert, "", &[]);
    let output = certconnect(&ws, &["cert", "inspect", s(&pfx)], &[], None);
    let text = stdout(&output);
    assert!(text.contains("Subject"), "{text}{}", stderr(&output));
    assert_inert(&output.stdout, "stdout");
    assert_inert(&output.stderr, "stderr");
    assert!(text.contains("CN=evil\\u{1b}]0;pwned\\u{7}"), "{text}");
}

/// Runs the binary with its standard output a pipe whose read end is closed before it writes;
/// returns the exit code and standard error.
fn with_closed_stdout(ws: &Workspace, args: &[&str]) -> (Option<i32>, String) {
    support::run_within(ws, args, Duration::from_secs(60), true)
}

#[test]
fn cert_inspect_into_a_closed_pipe_ends_quietly_with_exit_0() {
    let ws = Workspace::new();
    let key = ws.rsa_key("old.key", 2048);
    // An expired certificate: the report would exit 1, but the reader left first.
    let cert = ws.self_signed("old.pem", &key, "/CN=Old", -1);
    let pfx = ws.pfx("old.pfx", &key, &cert, "", &[]);
    for extra in [&[][..], &["--json"][..]] {
        let mut args = vec!["cert", "inspect", s(&pfx)];
        args.extend_from_slice(extra);
        let (code, err) = with_closed_stdout(&ws, &args);
        assert_eq!(code, Some(0), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{err}");
    }
}

#[test]
fn the_sandbox_into_a_closed_pipe_ends_quietly_with_exit_0() {
    let ws = Workspace::new();
    let dir = ws.path("sandbox");
    let (code, err) = with_closed_stdout(&ws, &["sandbox", "--port", "0", "--dir", s(&dir)]);
    assert_eq!(code, Some(0), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}
