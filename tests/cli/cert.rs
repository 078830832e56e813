//! `certconnect cert inspect`, run as the real binary.

use crate::support;

use support::{Workspace, certconnect, s, stderr, stdout};

const PASSWORD: &str = "s3cret-Pfx-Passw0rd";

fn usable_pfx(ws: &Workspace) -> (std::path::PathBuf, std::path::PathBuf) {
    let key = ws.rsa_key("app.key", 2048);
    let cert = ws.self_signed("app.pem", &key, "/CN=MyClientAppCert", 365);
    (ws.pfx("private_key.pfx", &key, &cert, PASSWORD, &[]), cert)
}

fn assert_no_secret(output: &std::process::Output) {
    let all = format!("{}{}", stdout(output), stderr(output));
    assert!(
        !all.contains(PASSWORD),
        "the password leaked into the output:\n{all}"
    );
    assert!(
        !all.contains("PRIVATE KEY"),
        "key material leaked into the output:\n{all}"
    );
}

#[test]
fn a_usable_pfx_exits_0_and_shows_the_portal_thumbprint() {
    let ws = Workspace::new();
    let (pfx, cert) = usable_pfx(&ws);
    let output = certconnect(
        &ws,
        &["cert", "inspect", s(&pfx), "--password-env", "PFX_PASS"],
        &[("PFX_PASS", PASSWORD)],
        None,
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.contains(&ws.openssl_sha1(&cert)), "{text}");
    assert!(text.contains("CN=MyClientAppCert"));
    assert!(text.contains("usable"));
    assert_no_secret(&output);
}

#[test]
fn the_password_can_come_from_stdin() {
    let ws = Workspace::new();
    let (pfx, _) = usable_pfx(&ws);
    let output = certconnect(
        &ws,
        &["cert", "inspect", s(&pfx), "--password-stdin"],
        &[],
        Some(&format!("{PASSWORD}\r\n")),
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_no_secret(&output);
}

#[test]
fn json_output_has_the_documented_fields() {
    let ws = Workspace::new();
    let (pfx, cert) = usable_pfx(&ws);
    let output = certconnect(
        &ws,
        &["cert", "inspect", s(&pfx), "--password-env", "P", "--json"],
        &[("P", PASSWORD)],
        None,
    );
    assert_eq!(output.status.code(), Some(0));
    let json = support::json_stdout(&output);
    for field in [
        "subject",
        "issuer",
        "not_before",
        "not_after",
        "thumbprint_sha1",
        "thumbprint_sha256",
        "key",
        "findings",
    ] {
        assert!(json.get(field).is_some(), "missing {field}: {json}");
    }
    assert_eq!(json["thumbprint_sha1"], ws.openssl_sha1(&cert));
    assert_eq!(json["key"]["bits"], 2048);
    let finding = &json["findings"][0];
    assert_eq!(finding["severity"], "info");
    assert!(finding["message"].as_str().is_some_and(|m| !m.is_empty()));
    assert_no_secret(&output);
}

#[test]
fn a_blocking_finding_exits_1() {
    let ws = Workspace::new();
    let key = ws.rsa_key("app.key", 2048);
    let cert = ws.self_signed("expired.pem", &key, "/CN=Old", -1);
    let output = certconnect(
        &ws,
        &["cert", "inspect", s(&cert), "--key", s(&key)],
        &[],
        None,
    );
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    assert!(stdout(&output).contains("expired"));
    assert!(stdout(&output).contains("NOT usable"));
}

#[test]
fn the_cer_to_upload_is_usable_with_an_info_finding() {
    let ws = Workspace::new();
    let (_, cert) = usable_pfx(&ws);
    ws.openssl(&[
        "x509",
        "-in",
        s(&cert),
        "-outform",
        "DER",
        "-out",
        "public_key.cer",
    ]);
    let output = certconnect(
        &ws,
        &["cert", "inspect", "public_key.cer", "--json"],
        &[],
        None,
    );
    assert_eq!(output.status.code(), Some(0));
    let json = support::json_stdout(&output);
    let codes: Vec<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["code"].as_str())
        .collect();
    assert!(codes.contains(&"no_private_key"), "{codes:?}");
}

#[test]
fn unreadable_files_exit_2_with_a_plain_reason() {
    let ws = Workspace::new();
    let (pfx, _) = usable_pfx(&ws);
    type Case<'a> = (Vec<&'a str>, &'a [(&'a str, &'a str)], &'a str);
    let cases: Vec<Case> = vec![
        (
            vec!["cert", "inspect", s(&pfx), "--password-env", "P"],
            &[("P", "wrong-password")],
            "password does not open",
        ),
        (vec!["cert", "inspect", s(&pfx)], &[], "password-protected"),
        (vec!["cert", "inspect", "missing.pfx"], &[], "not found"),
        (
            vec!["cert", "inspect", s(&pfx), "--password-env", "UNSET_VAR_X"],
            &[],
            "UNSET_VAR_X is not set",
        ),
        (
            vec!["cert", "inspect", s(&pfx), "--expect-thumbprint", "12ab"],
            &[],
            "40 hex digits",
        ),
    ];
    for (args, env, expected) in cases {
        let output = certconnect(&ws, &args, env, None);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(
            stderr(&output).contains(expected),
            "{args:?}: {}",
            stderr(&output)
        );
        assert_no_secret(&output);
    }
    let output = certconnect(
        &ws,
        &["cert", "inspect", s(&pfx), "--password-env", "P", "--json"],
        &[("P", "wrong")],
        None,
    );
    assert_eq!(output.status.code(), Some(2));
    let json = support::json_stdout(&output);
    assert_eq!(json["error"]["code"], "wrong_password");
    assert!(json["error"]["fix"].as_str().is_some());
}

#[test]
fn expected_thumbprints_are_accepted_as_pasted() {
    let ws = Workspace::new();
    let (pfx, cert) = usable_pfx(&ws);
    let sha1 = ws.openssl_sha1(&cert);
    let pasted: String = sha1
        .to_lowercase()
        .as_bytes()
        .chunks(2)
        .map(|pair| String::from_utf8_lossy(pair).into_owned())
        .collect::<Vec<_>>()
        .join(":");
    let env = [("P", PASSWORD)];
    let ok = certconnect(
        &ws,
        &[
            "cert",
            "inspect",
            s(&pfx),
            "--password-env",
            "P",
            "--expect-thumbprint",
            &pasted,
        ],
        &env,
        None,
    );
    assert_eq!(ok.status.code(), Some(0), "{}", stdout(&ok));
    let other = "00 11 22 33 44 55 66 77 88 99 AA BB CC DD EE FF 00 11 22 33";
    let mismatch = certconnect(
        &ws,
        &[
            "cert",
            "inspect",
            s(&pfx),
            "--password-env",
            "P",
            "--expect-thumbprint",
            other,
        ],
        &env,
        None,
    );
    assert_mismatch(&mismatch, &sha1);
}

fn assert_mismatch(output: &std::process::Output, actual: &str) {
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(output);
    assert!(
        text.contains("thumbprint_mismatch") && text.contains(actual),
        "{text}"
    );
}

#[test]
fn passwords_cannot_be_given_as_arguments() {
    let ws = Workspace::new();
    let output = certconnect(
        &ws,
        &["cert", "inspect", "x.pfx", "--password", "hunter2"],
        &[],
        None,
    );
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn help_lists_the_commands() {
    let ws = Workspace::new();
    let output = certconnect(&ws, &["--help"], &[], None);
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(0));
    for command in ["cert", "test", "sandbox", "profile", "demo"] {
        assert!(text.contains(command), "{command} missing from\n{text}");
    }
}

#[test]
fn without_a_display_the_app_explains_and_exits() {
    let ws = Workspace::new();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_certconnect"))
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .env("CERTCONNECT_CONFIG_DIR", ws.path("config"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("certconnect --help"),
        "{}",
        stderr(&output)
    );
}
