//! Every kind of certificate file an admin really has, made by the openssl and keytool tools.

use crate::support;

use certconnect::cert::{CertError, FileFormat, LoadOptions, inspect, load_file};
use certconnect::core::thumbprint::to_hex;
use certconnect::secret::Secret;
use openssl::hash::MessageDigest;
use support::{Workspace, s};

const PASSWORD: &str = "Corr3ct horse!";

fn with_password(password: &Secret) -> LoadOptions<'_> {
    LoadOptions {
        key_path: None,
        password: Some(password),
        alias: None,
    }
}

/// A key and a self-signed certificate, the common starting point.
fn key_and_cert(ws: &Workspace) -> (std::path::PathBuf, std::path::PathBuf) {
    let key = ws.rsa_key("app.key", 2048);
    let cert = ws.self_signed("app.pem", &key, "/CN=MyClientAppCert", 365);
    (key, cert)
}

fn assert_signing_credential(
    ws: &Workspace,
    credential: &certconnect::cert::Credential,
    cert_pem: &std::path::Path,
) {
    assert!(credential.private_key.is_some(), "the key was loaded");
    assert_eq!(credential.key_matches, Some(true));
    let sha1 = to_hex(
        &credential
            .certificate
            .digest(MessageDigest::sha1())
            .unwrap(),
    );
    assert_eq!(
        sha1,
        ws.openssl_sha1(cert_pem),
        "the signing certificate is the one openssl made"
    );
}

#[test]
fn pfx_from_openssl3_with_aes256_pbkdf2() {
    let ws = Workspace::new();
    let (key, cert) = key_and_cert(&ws);
    let pfx = ws.pfx("modern.pfx", &key, &cert, PASSWORD, &[]);
    let password = Secret::new(PASSWORD);
    let credential = load_file(&pfx, with_password(&password)).unwrap();
    assert_eq!(credential.format, FileFormat::Pkcs12);
    assert_signing_credential(&ws, &credential, &cert);
}

#[test]
fn pfx_with_legacy_rc2_and_3des_like_old_windows_exports() {
    let ws = Workspace::new();
    let (key, cert) = key_and_cert(&ws);
    let pfx = ws.pfx("legacy.pfx", &key, &cert, PASSWORD, &["-legacy"]);
    let password = Secret::new(PASSWORD);
    let credential = load_file(&pfx, with_password(&password)).unwrap();
    assert_signing_credential(&ws, &credential, &cert);
    // The default provider still works after the legacy one was loaded.
    let modern = ws.pfx("modern.pfx", &key, &cert, PASSWORD, &[]);
    assert!(load_file(&modern, with_password(&password)).is_ok());
}

#[test]
fn pfx_with_an_empty_password_opens_with_none_or_empty() {
    let ws = Workspace::new();
    let (key, cert) = key_and_cert(&ws);
    let pfx = ws.pfx("empty.pfx", &key, &cert, "", &[]);
    let credential = load_file(&pfx, LoadOptions::default()).unwrap();
    assert_signing_credential(&ws, &credential, &cert);
    let empty = Secret::new("");
    assert!(load_file(&pfx, with_password(&empty)).is_ok());
}

#[test]
fn pfx_with_a_chain_picks_the_certificate_that_matches_the_key() {
    let ws = Workspace::new();
    let (ca, leaf_key, leaf) = ws.ca_and_leaf();
    // The CA comes first in the bag list: "the first certificate" would be the wrong one.
    let both = ws.write(
        "ca-then-leaf.pem",
        &[std::fs::read(&ca).unwrap(), std::fs::read(&leaf).unwrap()].concat(),
    );
    let pfx = ws.pfx("chain.pfx", &leaf_key, &both, PASSWORD, &[]);
    let password = Secret::new(PASSWORD);
    let credential = load_file(&pfx, with_password(&password)).unwrap();
    assert_signing_credential(&ws, &credential, &leaf);
    assert_eq!(credential.chain.len(), 1);
    let report = inspect(&credential, now(), None);
    assert_eq!(report.subject, "CN=Contoso Connector");
    assert_eq!(report.chain[0].subject, "CN=Contoso Issuing CA");
    assert_eq!(report.chain[0].thumbprint_sha1, ws.openssl_sha1(&ca));
    assert!(
        report
            .findings
            .iter()
            .all(|f| f.code != "self_signed" && f.code != "chain_out_of_order")
    );
}

#[test]
fn pfx_with_certfile_chain_from_openssl() {
    let ws = Workspace::new();
    let (ca, leaf_key, leaf) = ws.ca_and_leaf();
    let pfx = ws.pfx(
        "certfile.pfx",
        &leaf_key,
        &leaf,
        PASSWORD,
        &["-certfile", s(&ca)],
    );
    let password = Secret::new(PASSWORD);
    let credential = load_file(&pfx, with_password(&password)).unwrap();
    assert_signing_credential(&ws, &credential, &leaf);
    assert_eq!(credential.chain.len(), 1);
}

#[test]
fn keytool_pkcs12_keystore() {
    let ws = Workspace::new();
    ws.keytool_key(
        "keystore.p12",
        "PKCS12",
        "connector",
        "Keytool Connector",
        PASSWORD,
    );
    let password = Secret::new(PASSWORD);
    let credential = load_file(&ws.path("keystore.p12"), with_password(&password)).unwrap();
    assert_eq!(credential.key_matches, Some(true));
    let report = inspect(&credential, now(), None);
    assert_eq!(report.subject, "CN=Keytool Connector");
    assert!(report.usable, "{:?}", report.findings);
}

#[test]
fn pem_pkcs8_key_with_pem_certificate() {
    let ws = Workspace::new();
    let (key, cert) = key_and_cert(&ws);
    assert!(
        std::fs::read_to_string(&key)
            .unwrap()
            .contains("BEGIN PRIVATE KEY")
    );
    let credential = load_file(
        &cert,
        LoadOptions {
            key_path: Some(&key),
            password: None,
            alias: None,
        },
    )
    .unwrap();
    assert_eq!(credential.format, FileFormat::Pem);
    assert_signing_credential(&ws, &credential, &cert);
}

#[test]
fn encrypted_pkcs8_key_with_der_certificate() {
    let ws = Workspace::new();
    let (key, cert) = key_and_cert(&ws);
    ws.encrypted_pkcs8(&key, PASSWORD, "enc.key");
    assert!(
        std::fs::read_to_string(ws.path("enc.key"))
            .unwrap()
            .contains("BEGIN ENCRYPTED PRIVATE KEY")
    );
    ws.openssl(&[
        "x509",
        "-in",
        s(&cert),
        "-outform",
        "DER",
        "-out",
        "app.cer",
    ]);
    let password = Secret::new(PASSWORD);
    let enc = ws.path("enc.key");
    let credential = load_file(
        &ws.path("app.cer"),
        LoadOptions {
            key_path: Some(&enc),
            password: Some(&password),
            alias: None,
        },
    )
    .unwrap();
    assert_eq!(credential.format, FileFormat::Der);
    assert_signing_credential(&ws, &credential, &cert);

    let wrong = Secret::new("nope");
    let error = load_file(
        &ws.path("app.cer"),
        LoadOptions {
            key_path: Some(&enc),
            password: Some(&wrong),
            alias: None,
        },
    );
    assert!(matches!(error, Err(CertError::WrongPassword)), "{error:?}");
    let error = load_file(
        &ws.path("app.cer"),
        LoadOptions {
            key_path: Some(&enc),
            password: None,
            alias: None,
        },
    );
    assert!(
        matches!(error, Err(CertError::PasswordRequired)),
        "{error:?}"
    );
}

#[test]
fn pkcs1_rsa_private_key_plain_and_encrypted() {
    let ws = Workspace::new();
    let (key, cert) = key_and_cert(&ws);
    ws.openssl(&["rsa", "-in", s(&key), "-traditional", "-out", "rsa.key"]);
    assert!(
        std::fs::read_to_string(ws.path("rsa.key"))
            .unwrap()
            .contains("BEGIN RSA PRIVATE KEY")
    );
    let rsa = ws.path("rsa.key");
    let credential = load_file(
        &cert,
        LoadOptions {
            key_path: Some(&rsa),
            password: None,
            alias: None,
        },
    )
    .unwrap();
    assert_signing_credential(&ws, &credential, &cert);

    let pass = format!("pass:{PASSWORD}");
    ws.openssl(&[
        "rsa",
        "-in",
        s(&key),
        "-traditional",
        "-aes256",
        "-passout",
        &pass,
        "-out",
        "rsa-enc.key",
    ]);
    assert!(
        std::fs::read_to_string(ws.path("rsa-enc.key"))
            .unwrap()
            .contains("Proc-Type: 4,ENCRYPTED")
    );
    let password = Secret::new(PASSWORD);
    let enc = ws.path("rsa-enc.key");
    let credential = load_file(
        &cert,
        LoadOptions {
            key_path: Some(&enc),
            password: Some(&password),
            alias: None,
        },
    )
    .unwrap();
    assert_signing_credential(&ws, &credential, &cert);
}

#[test]
fn one_pem_file_with_certificate_and_key() {
    let ws = Workspace::new();
    let (key, cert) = key_and_cert(&ws);
    let combined = ws.write(
        "combined.pem",
        &[std::fs::read(&cert).unwrap(), std::fs::read(&key).unwrap()].concat(),
    );
    let credential = load_file(&combined, LoadOptions::default()).unwrap();
    assert_signing_credential(&ws, &credential, &cert);
}

#[test]
fn pem_bundle_with_the_ca_first_still_signs_with_the_leaf() {
    let ws = Workspace::new();
    let (ca, leaf_key, leaf) = ws.ca_and_leaf();
    let bundle = ws.write(
        "bundle.pem",
        &[
            std::fs::read(&ca).unwrap(),
            std::fs::read(&leaf).unwrap(),
            std::fs::read(&leaf_key).unwrap(),
        ]
        .concat(),
    );
    let credential = load_file(&bundle, LoadOptions::default()).unwrap();
    assert_signing_credential(&ws, &credential, &leaf);
    assert_eq!(credential.chain.len(), 1);
    // Without a key, the end of the chain (the leaf) is reported, not the CA listed first.
    let certs_only = ws.write(
        "certs.pem",
        &[std::fs::read(&ca).unwrap(), std::fs::read(&leaf).unwrap()].concat(),
    );
    let credential = load_file(&certs_only, LoadOptions::default()).unwrap();
    assert_eq!(
        inspect(&credential, now(), None).subject,
        "CN=Contoso Connector"
    );
}

#[test]
fn a_certificate_alone_loads_without_a_key() {
    let ws = Workspace::new();
    let (_, cert) = key_and_cert(&ws);
    ws.openssl(&[
        "x509",
        "-in",
        s(&cert),
        "-outform",
        "DER",
        "-out",
        "public_key.cer",
    ]);
    for file in [cert.clone(), ws.path("public_key.cer")] {
        let credential = load_file(&file, LoadOptions::default()).unwrap();
        assert!(credential.private_key.is_none());
        let report = inspect(&credential, now(), None);
        assert!(report.usable);
        assert!(report.findings.iter().any(|f| f.code == "no_private_key"));
    }
}

#[test]
fn a_key_that_belongs_to_another_certificate_is_a_mismatch() {
    let ws = Workspace::new();
    let (_, cert) = key_and_cert(&ws);
    let other = ws.rsa_key("other.key", 2048);
    let credential = load_file(
        &cert,
        LoadOptions {
            key_path: Some(&other),
            password: None,
            alias: None,
        },
    )
    .unwrap();
    assert_eq!(credential.key_matches, Some(false));
    let report = inspect(&credential, now(), None);
    assert!(!report.usable);
    assert_eq!(report.findings[0].code, "key_mismatch");
}

#[test]
fn wrong_and_missing_passwords_are_told_apart() {
    let ws = Workspace::new();
    let (key, cert) = key_and_cert(&ws);
    let pfx = ws.pfx("locked.pfx", &key, &cert, PASSWORD, &[]);
    let wrong = Secret::new("not it");
    assert!(matches!(
        load_file(&pfx, with_password(&wrong)),
        Err(CertError::WrongPassword)
    ));
    assert!(matches!(
        load_file(&pfx, LoadOptions::default()),
        Err(CertError::PasswordRequired)
    ));
    let legacy = ws.pfx("legacy.pfx", &key, &cert, PASSWORD, &["-legacy"]);
    assert!(matches!(
        load_file(&legacy, with_password(&wrong)),
        Err(CertError::WrongPassword)
    ));
}

#[test]
fn damaged_and_foreign_files_get_distinct_errors() {
    let ws = Workspace::new();
    let (key, cert) = key_and_cert(&ws);
    let pfx = ws.pfx("good.pfx", &key, &cert, PASSWORD, &[]);
    let bytes = std::fs::read(&pfx).unwrap();
    let truncated = ws.write("truncated.pfx", &bytes[..bytes.len() / 2]);
    let password = Secret::new(PASSWORD);
    let cases: Vec<(std::path::PathBuf, &str)> = vec![
        (truncated, "corrupt"),
        (ws.write("empty.pfx", b""), "empty"),
        (
            ws.write("notes.txt", b"just some text, not a certificate"),
            "unsupported_format",
        ),
        (
            ws.write("keystore.jks", &[0xFE, 0xED, 0xFE, 0xED, 0, 0, 0, 2]),
            "corrupt",
        ),
        (
            ws.write("keystore.jceks", &[0xCE, 0xCE, 0xCE, 0xCE, 0, 0, 0, 2]),
            "unsupported_format",
        ),
        (
            ws.write(
                "bad.pem",
                b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
            ),
            "corrupt",
        ),
        (ws.path("missing.pfx"), "not_found"),
    ];
    for (file, code) in cases {
        let error = load_file(&file, with_password(&password)).expect_err(s(&file));
        assert_eq!(error.code(), code, "{}: {error}", file.display());
        assert!(!error.fix().is_empty());
    }
    let jks = load_file(&ws.path("keystore.jceks"), LoadOptions::default()).unwrap_err();
    assert!(jks.to_string().contains("keytool -importkeystore"), "{jks}");
}

fn now() -> i64 {
    certconnect::probe::system_now()
}

/// A wrong password for an encrypted key is a wrong password however its garbage decrypts: about
/// one wrong password in 256 passes the padding check and fails later in the decoders, which once
/// read as an unsupported algorithm. Three thousand tries meet such a password with near certainty.
#[test]
fn every_wrong_password_of_an_encrypted_key_is_a_wrong_password() {
    let ws = Workspace::new();
    let (key, cert) = key_and_cert(&ws);
    let encrypted = ws.encrypted_pkcs8(&key, PASSWORD, "enc.key");
    for n in 0..3000 {
        let wrong = Secret::new(format!("wrong-{n}"));
        let error = load_file(
            &cert,
            LoadOptions {
                key_path: Some(&encrypted),
                password: Some(&wrong),
                alias: None,
            },
        );
        assert!(
            matches!(error, Err(CertError::WrongPassword)),
            "try {n}: {error:?}"
        );
    }
}
