//! Hostile and mistaken inputs (issue 11, rows 1–4): `/dev/zero`, FIFOs, a PFX asking for 2^31−1
//! MAC iterations, an endless stdin. The real binary runs with a 4 GiB address-space limit and a
//! test-side kill, so the old behaviour (reading forever, hanging, minutes of CPU) fails the test
//! instead of the machine.

use crate::support;

use std::path::{Path, PathBuf};
use std::process::Output;

use support::{Workspace, certconnect_bounded, mkfifo, s, stderr, stdout};

const CLIENT_ID: &str = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
/// Never contacted: every test here fails before the network.
const TOKEN_URL: &str = "http://127.0.0.1:9/t/oauth2/v2.0/token";
/// Generous: each refusal takes milliseconds.
const LIMIT_SECS: u64 = 30;

struct Files {
    ws: Workspace,
    key: PathBuf,
    cert: PathBuf,
    pfx: PathBuf,
}

fn files() -> Files {
    let ws = Workspace::new();
    let key = ws.rsa_key("key.pem", 2048);
    let cert = ws.self_signed("cert.pem", &key, "/CN=Hostile", 30);
    let pfx = ws.pfx("app.pfx", &key, &cert, "pw", &[]);
    Files { ws, key, cert, pfx }
}

fn run(ws: &Workspace, args: &[&str], stdin: Option<&Path>) -> Output {
    let (output, in_time) = certconnect_bounded(ws, args, &[("PW", "pw")], stdin, LIMIT_SECS);
    assert!(
        in_time,
        "certconnect {args:?} ran past {LIMIT_SECS} s\n{}{}",
        stdout(&output),
        stderr(&output)
    );
    output
}

fn assert_refused(output: &Output, expected: &str) {
    let all = format!("{}{}", stdout(output), stderr(output));
    assert_eq!(output.status.code(), Some(2), "{all}");
    assert!(all.contains(expected), "expected '{expected}' in:\n{all}");
}

fn test_args<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    // The Graph URL that goes with the token URL, so the settings pass and the file is read.
    let mut args = vec![
        "test",
        "--token-url",
        TOKEN_URL,
        "--graph-url",
        "http://127.0.0.1:9/v1.0",
        "--client-id",
        CLIENT_ID,
    ];
    args.extend_from_slice(extra);
    args.extend_from_slice(&["--timeout-secs", "5", "--token-only"]);
    args
}

#[test]
fn r001_dev_zero_is_refused_everywhere_a_file_is_read() {
    let f = files();
    let zero = "/dev/zero";
    let link = f.ws.path("linked.pfx");
    std::os::unix::fs::symlink(zero, &link).unwrap();
    let cases: Vec<Vec<&str>> = vec![
        vec!["cert", "inspect", zero],
        vec!["cert", "inspect", s(&link)],
        vec!["cert", "inspect", s(&f.cert), "--key", zero],
        vec![
            "cert",
            "inspect",
            s(&f.pfx),
            "--password-env",
            "PW",
            "--match",
            zero,
        ],
        test_args(&["--pfx", zero]),
        test_args(&["--pfx", s(&link)]),
        test_args(&[
            "--pfx",
            s(&f.pfx),
            "--password-env",
            "PW",
            "--ca-file",
            zero,
        ]),
        test_args(&["--cert-pem", s(&f.cert), "--key-pem", zero]),
    ];
    for args in cases {
        let output = run(&f.ws, &args, None);
        assert_refused(&output, "not a regular file (a device)");
    }
}

#[test]
fn r001_a_file_over_the_limit_is_refused_before_reading() {
    let f = files();
    let big = f.ws.path("big.pfx");
    let file = std::fs::File::create(&big).unwrap();
    // Sparse: 2 MiB of size, no disk used.
    file.set_len(2 * 1024 * 1024).unwrap();
    let output = run(&f.ws, &["cert", "inspect", s(&big)], None);
    assert_refused(&output, "larger than any certificate or key file");
    let _ = &f.key;
}

#[test]
fn r002_a_fifo_is_refused_at_once_and_the_test_honours_its_timeout() {
    let f = files();
    let fifo = f.ws.path("pipe.pfx");
    mkfifo(&fifo);
    let output = run(&f.ws, &["cert", "inspect", s(&fifo)], None);
    assert_refused(&output, "not a regular file (a named pipe (FIFO))");
    let output = run(&f.ws, &test_args(&["--pfx", s(&fifo)]), None);
    assert_refused(&output, "named pipe");
    let output = run(
        &f.ws,
        &test_args(&[
            "--pfx",
            s(&f.pfx),
            "--password-env",
            "PW",
            "--ca-file",
            s(&fifo),
        ]),
        None,
    );
    assert_refused(&output, "named pipe");
}

/// A PFX whose MAC iteration count is rewritten to 2^31−1 (making one that way would run the MAC's
/// key derivation 2^31−1 times; patching the DER costs nothing, and only verifying it is slow).
fn pfx_with_huge_mac_iterations(f: &Files) -> PathBuf {
    let made = f.ws.pfx(
        "base.pfx",
        &f.key,
        &f.cert,
        "pw",
        &["-iter", "2048", "-macalg", "sha256"],
    );
    let mut der = std::fs::read(made).unwrap();
    // MacData ends the file: SEQUENCE { DigestInfo, OCTET STRING salt, INTEGER 2048 }.
    assert!(
        der.ends_with(&[0x02, 0x02, 0x08, 0x00]),
        "MacData ends the PFX"
    );
    let total = der.len();
    let mac_data = (0..total - 2)
        .rev()
        .find(|&p| der[p] == 0x30 && der[p + 1] < 0x80 && p + 2 + usize::from(der[p + 1]) == total)
        .expect("MacData SEQUENCE");
    der.truncate(total - 4);
    der.extend_from_slice(&[0x02, 0x04, 0x7F, 0xFF, 0xFF, 0xFF]);
    der[mac_data + 1] += 2;
    assert_eq!(
        &der[..2],
        &[0x30, 0x82],
        "a PFX of a few KiB has a two-byte length"
    );
    let outer = u16::from_be_bytes([der[2], der[3]]) + 2;
    der[2..4].copy_from_slice(&outer.to_be_bytes());
    f.ws.write("huge-mac-iter.pfx", &der)
}

#[test]
fn r003_a_pfx_asking_for_2_pow_31_mac_iterations_is_refused_before_any_work() {
    let f = files();
    let hostile = pfx_with_huge_mac_iterations(&f);
    let output = run(
        &f.ws,
        &["cert", "inspect", s(&hostile), "--password-env", "PW"],
        None,
    );
    assert_refused(&output, "2147483647 MAC iterations");
    let output = run(
        &f.ws,
        &test_args(&["--pfx", s(&hostile), "--password-env", "PW"]),
        None,
    );
    assert_refused(&output, "2147483647 MAC iterations");
}

#[test]
fn r003_key_encryption_iterations_are_bounded_too() {
    let f = files();
    // -nomaciter: MAC count 1; the key and certificate bags use 1,000,001 PBKDF2 iterations
    // (about a second to make).
    let hostile = f.ws.pfx(
        "key-iter.pfx",
        &f.key,
        &f.cert,
        "pw",
        &["-iter", "1000001", "-nomaciter"],
    );
    let output = run(
        &f.ws,
        &["cert", "inspect", s(&hostile), "--password-env", "PW"],
        None,
    );
    assert_refused(&output, "1000001 key encryption iterations");
    // Up to the bound is fine: the file made the usual way still opens.
    let output = run(
        &f.ws,
        &["cert", "inspect", s(&f.pfx), "--password-env", "PW"],
        None,
    );
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}{}",
        stdout(&output),
        stderr(&output)
    );
}

#[test]
fn r004_password_stdin_from_dev_zero_stops_at_the_limit() {
    let f = files();
    let output = run(
        &f.ws,
        &["cert", "inspect", s(&f.pfx), "--password-stdin"],
        Some(Path::new("/dev/zero")),
    );
    assert_refused(&output, "longer than 4096 bytes");
}

#[test]
fn r001_r002_a_stored_certificate_file_that_is_dev_zero_or_a_fifo_is_refused() {
    use certconnect::credential_store::{CredentialVault, CredentialVaultError, MemoryBackend};
    let ws = Workspace::new();
    let dir = ws.path("certificates");
    std::fs::create_dir_all(&dir).unwrap();
    std::os::unix::fs::symlink("/dev/zero", dir.join("zero.ccert")).unwrap();
    mkfifo(&dir.join("pipe.ccert"));
    let vault = CredentialVault::at(&dir, std::sync::Arc::new(MemoryBackend::default()));
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name("vault".into())
        .spawn(move || {
            // The FIFO first: code that opens it blocks here, and the test fails on its timeout
            // before anything reads /dev/zero into this process.
            let pipe = vault.load("pipe");
            let zero = vault.load("zero");
            sender.send((zero, pipe, vault.list())).ok();
        })
        .unwrap();
    let (zero, pipe, list) = receiver
        .recv_timeout(std::time::Duration::from_secs(LIMIT_SECS))
        .expect("the vault answers in time");
    let (zero, pipe) = (zero.unwrap_err(), pipe.unwrap_err());
    assert!(
        matches!(zero, CredentialVaultError::Unreadable(_)),
        "{zero:?}"
    );
    assert!(zero.to_string().contains("not a regular file (a device)"));
    assert!(pipe.to_string().contains("named pipe"));
    assert!(list.is_empty());
}
