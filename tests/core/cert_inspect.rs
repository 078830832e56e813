//! The report and its findings, on certificates made by openssl with the flaw under test.

use crate::support;

use certconnect::cert::{CertReport, LoadOptions, inspect, load_file};
use certconnect::core::findings::Severity;
use support::{Workspace, s};

fn report_for(cert: &std::path::Path, key: &std::path::Path) -> CertReport {
    let credential = load_file(
        cert,
        LoadOptions {
            key_path: Some(key),
            password: None,
            alias: None,
        },
    )
    .unwrap();
    inspect(&credential, now(), None)
}

fn codes(report: &CertReport) -> Vec<&'static str> {
    report.findings.iter().map(|f| f.code).collect()
}

#[test]
fn report_fields_agree_with_openssl() {
    let ws = Workspace::new();
    let key = ws.rsa_key("app.key", 3072);
    let cert = ws.self_signed("app.pem", &key, "/CN=MyClientAppCert/O=Contoso", 365);
    let report = report_for(&cert, &key);
    assert_eq!(report.subject, "CN=MyClientAppCert, O=Contoso");
    assert_eq!(report.issuer, report.subject);
    assert_eq!(report.thumbprint_sha1, ws.openssl_sha1(&cert));
    assert_eq!(report.thumbprint_sha1.len(), 40);
    assert!(
        report
            .thumbprint_sha1
            .chars()
            .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase())
    );
    assert_eq!(report.thumbprint_sha256.len(), 64);
    assert_eq!(
        (report.key.algorithm.as_str(), report.key.bits),
        ("RSA", 3072)
    );
    assert_eq!(report.signature_algorithm, "sha256WithRSAEncryption");
    assert!(
        (364..=365).contains(&report.days_left),
        "{}",
        report.days_left
    );
    assert_eq!(
        report.x5t.len(),
        27,
        "base64url of 20 bytes without padding"
    );
    assert!(!report.x5t.contains(['=', '+', '/']));
    assert_eq!(codes(&report), ["self_signed"]);
    assert!(report.usable);
}

#[test]
fn expired_and_not_yet_valid_certificates_are_blocking() {
    let ws = Workspace::new();
    let key = ws.rsa_key("app.key", 2048);
    let expired = ws.self_signed("expired.pem", &key, "/CN=Old", -1);
    let report = report_for(&expired, &key);
    assert_eq!(report.findings[0].code, "expired");
    assert!(!report.usable);
    assert!(report.days_left < 0);

    let future = ws.dated("future.pem", &key, "20991231000000Z", "21000101000000Z");
    let report = report_for(&future, &key);
    assert_eq!(report.findings[0].code, "not_yet_valid");
    assert_eq!(report.not_before, "2099-12-31T00:00:00Z");
    assert!(!report.usable);
}

#[test]
fn expiry_within_thirty_days_is_a_warning() {
    let ws = Workspace::new();
    let key = ws.rsa_key("app.key", 2048);
    let cert = ws.self_signed("soon.pem", &key, "/CN=Soon", 10);
    let report = report_for(&cert, &key);
    assert!(codes(&report).contains(&"expires_soon"));
    assert!(report.usable);
}

#[test]
fn small_and_non_rsa_keys_are_blocking() {
    let ws = Workspace::new();
    let small = ws.rsa_key("small.key", 1024);
    let cert = ws.self_signed("small.pem", &small, "/CN=Small", 365);
    let report = report_for(&cert, &small);
    assert_eq!(report.findings[0].code, "weak_rsa_key");
    assert!(!report.usable);

    ws.openssl(&[
        "genpkey",
        "-algorithm",
        "EC",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-out",
        "ec.key",
    ]);
    let ec = ws.path("ec.key");
    let cert = ws.self_signed("ec.pem", &ec, "/CN=Elliptic", 365);
    let report = report_for(&cert, &ec);
    assert_eq!(report.findings[0].code, "non_rsa_key");
    assert_eq!(report.key.algorithm, "EC");
    assert!(!report.usable);
}

#[test]
fn key_usage_without_digital_signature_is_a_warning() {
    let ws = Workspace::new();
    let key = ws.rsa_key("app.key", 2048);
    with_key_usage(&ws, &key, "/CN=Encrypt only", "keyEncipherment", "ku.pem");
    let report = report_for(&ws.path("ku.pem"), &key);
    let finding = report
        .findings
        .iter()
        .find(|f| f.code == "no_digital_signature_usage")
        .expect("finding");
    assert_eq!(finding.severity, Severity::Warning);
    assert!(report.usable);

    with_key_usage(&ws, &key, "/CN=Signer", "digitalSignature", "ds.pem");
    assert!(!codes(&report_for(&ws.path("ds.pem"), &key)).contains(&"no_digital_signature_usage"));
}

#[test]
fn an_expected_thumbprint_is_compared() {
    let ws = Workspace::new();
    let key = ws.rsa_key("app.key", 2048);
    let cert = ws.self_signed("app.pem", &key, "/CN=App", 365);
    let credential = load_file(
        &cert,
        LoadOptions {
            key_path: Some(&key),
            password: None,
            alias: None,
        },
    )
    .unwrap();
    let own = ws.openssl_sha1(&cert);
    let report = inspect(&credential, now(), Some(&own));
    assert!(codes(&report).contains(&"thumbprint_match"));
    assert!(report.usable);
    let report = inspect(
        &credential,
        now(),
        Some("0000000000000000000000000000000000000000"),
    );
    assert_eq!(report.findings[0].code, "thumbprint_mismatch");
    assert!(report.findings[0].message.contains(&own));
    assert!(!report.usable);
}

fn now() -> i64 {
    certconnect::probe::system_now()
}

#[test]
fn a_signing_only_self_signed_certificate_is_recognised() {
    // Made with keyUsage=digitalSignature only, as New-SelfSignedCertificate -KeySpec Signature does.
    let ws = Workspace::new();
    let key = ws.rsa_key("app.key", 2048);
    with_key_usage(&ws, &key, "/CN=Signer", "digitalSignature", "ds.pem");
    assert!(codes(&report_for(&ws.path("ds.pem"), &key)).contains(&"self_signed"));
}

/// A self-signed certificate whose keyUsage extension holds only `usage` (critical).
fn with_key_usage(ws: &Workspace, key: &std::path::Path, subject: &str, usage: &str, out: &str) {
    let extension = format!("keyUsage=critical,{usage}");
    ws.openssl(&[
        "req",
        "-x509",
        "-key",
        s(key),
        "-subj",
        subject,
        "-days",
        "365",
        "-addext",
        &extension,
        "-out",
        out,
    ]);
}
