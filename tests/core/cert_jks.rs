//! Java JKS keystores made by keytool: one key, several keys chosen by alias, trusted certificates.

use crate::support;

use certconnect::cert::{CertError, FileFormat, LoadOptions, inspect, load_file};
use certconnect::secret::Secret;
use support::Workspace;

const PASSWORD: &str = "Store-Passw0rd";

fn genkeypair(ws: &Workspace, store: &str, alias: &str, cn: &str) {
    ws.jks_key(store, alias, cn, PASSWORD);
}

fn load(
    ws: &Workspace,
    store: &str,
    password: &str,
    alias: Option<&str>,
) -> Result<certconnect::cert::Credential, CertError> {
    let password = Secret::new(password);
    load_file(
        &ws.path(store),
        LoadOptions {
            key_path: None,
            password: Some(&password),
            alias,
        },
    )
}

fn now() -> i64 {
    certconnect::probe::system_now()
}

#[test]
fn a_keystore_with_one_key_loads_without_an_alias() {
    let ws = Workspace::new();
    genkeypair(&ws, "one.jks", "connector", "JKS Connector");
    assert_eq!(
        &std::fs::read(ws.path("one.jks")).unwrap()[..4],
        &[0xFE, 0xED, 0xFE, 0xED]
    );
    let credential = load(&ws, "one.jks", PASSWORD, None).unwrap();
    assert_eq!(credential.format, FileFormat::Jks);
    assert_eq!(credential.key_matches, Some(true));
    let report = inspect(&credential, now(), None);
    assert_eq!(report.subject, "CN=JKS Connector");
    assert!(report.usable, "{:?}", report.findings);
}

#[test]
fn several_keys_need_an_alias_and_the_aliases_are_listed() {
    let ws = Workspace::new();
    genkeypair(&ws, "two.jks", "prod", "Prod Key");
    genkeypair(&ws, "two.jks", "backup", "Backup Key");
    match load(&ws, "two.jks", PASSWORD, None) {
        Err(CertError::AliasRequired(aliases)) => {
            assert!(
                aliases.contains(&"prod".to_owned()) && aliases.contains(&"backup".to_owned()),
                "{aliases:?}"
            );
        }
        other => panic!("expected AliasRequired, got {other:?}"),
    }
    let credential = load(&ws, "two.jks", PASSWORD, Some("Backup")).unwrap();
    assert_eq!(inspect(&credential, now(), None).subject, "CN=Backup Key");
    assert_eq!(credential.key_matches, Some(true));
    assert!(matches!(
        load(&ws, "two.jks", PASSWORD, Some("nope")),
        Err(CertError::AliasNotFound { .. })
    ));
}

#[test]
fn a_wrong_store_password_is_detected() {
    let ws = Workspace::new();
    genkeypair(&ws, "one.jks", "connector", "JKS Connector");
    assert!(matches!(
        load(&ws, "one.jks", "wrong", None),
        Err(CertError::WrongPassword)
    ));
}

#[test]
fn trusted_certificate_entries_load_as_certificates() {
    let ws = Workspace::new();
    let key = ws.rsa_key("ca.key", 2048);
    let cert = ws.self_signed("ca.pem", &key, "/CN=Trusted CA", 365);
    ws.run(
        "keytool",
        &[
            "-importcert",
            "-noprompt",
            "-alias",
            "ca",
            "-file",
            support::s(&cert),
            "-storetype",
            "JKS",
            "-keystore",
            "trust.jks",
            "-storepass",
            PASSWORD,
        ],
    );
    let credential = load(&ws, "trust.jks", PASSWORD, None).unwrap();
    assert!(credential.private_key.is_none());
    assert_eq!(
        inspect(&credential, now(), None).thumbprint_sha1,
        ws.openssl_sha1(&cert)
    );
}
