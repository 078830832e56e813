//! The adapter against a real store (Windows, or wine): import a PFX made here, find it in the
//! list, open it by thumbprint, sign, and check the signatures with OpenSSL.
//!
//! Run them one at a time (`--test-threads=1`): they share the account's store, and under wine a
//! second PFX import reuses the first one's key container. Only one test imports a key.

use openssl::asn1::Asn1Time;
use openssl::bn::{BigNum, MsbOption};
use openssl::hash::MessageDigest;
use openssl::nid::Nid;
use openssl::pkcs12::Pkcs12;
use openssl::pkey::PKey;
use openssl::rsa::{Padding, Rsa};
use openssl::sign::{RsaPssSaltlen, Verifier};
use openssl::x509::{X509, X509NameBuilder};

use super::*;

/// The signing input of a small JWT, as certconnect signs it.
const MESSAGE: &[u8] = b"eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJhdWQiOiJ0ZXN0In0";

/// A fresh RSA-2048 self-signed certificate and its PFX (3DES, SHA-1 MAC: what every Windows
/// version and wine import).
fn make_pfx(password: &str) -> (X509, Vec<u8>) {
    let key = PKey::from_rsa(Rsa::generate(2048).expect("rsa")).expect("pkey");
    let mut name = X509NameBuilder::new().expect("name");
    let cn = format!("certconnect store test {}", uuid::Uuid::new_v4());
    name.append_entry_by_text("CN", &cn).expect("cn");
    let name = name.build();
    let mut serial = BigNum::new().expect("bn");
    serial
        .rand(64, MsbOption::MAYBE_ZERO, false)
        .expect("serial");
    let mut builder = X509::builder().expect("builder");
    builder.set_version(2).expect("version");
    builder
        .set_serial_number(&serial.to_asn1_integer().expect("serial"))
        .expect("serial");
    builder.set_subject_name(&name).expect("subject");
    builder.set_issuer_name(&name).expect("issuer");
    builder.set_pubkey(&key).expect("pubkey");
    builder
        .set_not_before(&Asn1Time::days_from_now(0).expect("now"))
        .expect("not before");
    builder
        .set_not_after(&Asn1Time::days_from_now(30).expect("later"))
        .expect("not after");
    builder.sign(&key, MessageDigest::sha256()).expect("sign");
    let cert = builder.build();
    let pfx = Pkcs12::builder()
        .name("certconnect test")
        .pkey(&key)
        .cert(&cert)
        .key_algorithm(Nid::PBE_WITHSHA1AND3_KEY_TRIPLEDES_CBC)
        .cert_algorithm(Nid::PBE_WITHSHA1AND3_KEY_TRIPLEDES_CBC)
        .mac_md(MessageDigest::sha1())
        .build2(password)
        .expect("pkcs12")
        .to_der()
        .expect("der");
    (cert, pfx)
}

fn verify(cert: &X509, algorithm: SignAlgorithm, signature: &[u8]) -> bool {
    let public = cert.public_key().expect("public key");
    let mut verifier = Verifier::new(MessageDigest::sha256(), &public).expect("verifier");
    if algorithm == SignAlgorithm::Ps256 {
        verifier.set_rsa_padding(Padding::PKCS1_PSS).expect("pss");
        verifier
            .set_rsa_pss_saltlen(RsaPssSaltlen::custom(32))
            .expect("salt");
        verifier
            .set_rsa_mgf1_md(MessageDigest::sha256())
            .expect("mgf1");
    }
    verifier.update(MESSAGE).expect("update");
    verifier.verify(signature).expect("verify")
}

/// The thumbprint as certmgr.msc's Details tab copies it: a left-to-right mark, lower case, spaced.
fn as_certmgr_copies(thumbprint: &str) -> String {
    let pairs: Vec<String> = thumbprint
        .as_bytes()
        .chunks(2)
        .map(|pair| String::from_utf8_lossy(pair).to_lowercase())
        .collect();
    format!("\u{200E}{}", pairs.join(" "))
}

#[test]
fn store_is_available() {
    available().expect("Windows has the store");
    list(StoreLocation::LocalMachine).expect("the machine store lists");
}

#[test]
fn import_list_open_and_sign() {
    // ASCII: wine's PFX import (GnuTLS) fails on non-ASCII passwords, which Windows takes.
    let password = "pass word 1";
    let (cert, pfx) = make_pfx(password);
    let expected = format_thumbprint(&openssl::sha::sha1(&cert.to_der().expect("der")));

    let thumbprint = import_pfx(StoreLocation::CurrentUser, &pfx, password, false).expect("import");
    assert_eq!(thumbprint, expected);
    println!("imported {thumbprint}");

    let entries = list(StoreLocation::CurrentUser).expect("list");
    let entry = entries
        .iter()
        .find(|entry| entry.thumbprint_sha1 == thumbprint)
        .expect("the imported certificate is listed");
    assert!(entry.has_private_key);
    assert!(entry.subject.starts_with("CN=certconnect store test "));
    assert!(entry.not_after > 0);
    println!(
        "listed {} of {}: {} key by {:?}",
        entry.subject,
        entries.len(),
        entry.has_private_key,
        entry.provider
    );

    let opened = open(StoreLocation::CurrentUser, &as_certmgr_copies(&thumbprint))
        .expect("open by the pasted form");
    assert_eq!(opened.der, cert.to_der().expect("der"));
    assert_eq!(Some(&opened.provider), entry.provider.as_ref());
    println!("opened {:?}", opened.key);
    let shown = format!("{:?}", opened.key);
    assert!(shown.contains(&opened.provider));

    let signature = opened
        .key
        .sign(SignAlgorithm::Rs256, MESSAGE)
        .expect("RS256");
    assert_eq!(signature.len(), 256);
    assert!(verify(&cert, SignAlgorithm::Rs256, &signature));
    println!("RS256 signature verified by OpenSSL");

    // The key is shared with worker threads: sign from one.
    let key = std::sync::Arc::new(opened.key);
    let worker = std::sync::Arc::clone(&key);
    let from_thread = std::thread::Builder::new()
        .name("store-signer".into())
        .spawn(move || worker.sign(SignAlgorithm::Rs256, MESSAGE))
        .expect("spawn")
        .join()
        .expect("thread")
        .expect("RS256 on another thread");
    assert!(verify(&cert, SignAlgorithm::Rs256, &from_thread));

    if key.supports(SignAlgorithm::Ps256) {
        let signature = key.sign(SignAlgorithm::Ps256, MESSAGE).expect("PS256");
        assert!(verify(&cert, SignAlgorithm::Ps256, &signature));
        println!("PS256 signature verified by OpenSSL (CNG key)");
    } else {
        let error = key
            .sign(SignAlgorithm::Ps256, MESSAGE)
            .expect_err("CryptoAPI cannot PSS");
        assert_eq!(error.code(), "windows_store_algorithm_unsupported");
        assert!(key.check(SignAlgorithm::Ps256).is_err());
        println!("PS256 refused: {error}");
    }

    let reopened = open(StoreLocation::CurrentUser, &thumbprint.to_lowercase()).expect("reopen");
    drop(reopened);
}

#[test]
fn machine_store_import_open_and_sign() {
    // Under wine the machine's key set is separate from the user's, so this second import does
    // not disturb the first. On Windows it needs an elevated prompt. (Wine's CurrentUser\My also
    // shows the machine's certificates; Windows keeps them apart.)
    let (cert, pfx) = make_pfx("machine");
    let thumbprint = match import_pfx(StoreLocation::LocalMachine, &pfx, "machine", true) {
        Ok(thumbprint) => thumbprint,
        Err(error @ WinStoreError::AccessDenied { .. }) => {
            println!("not elevated: {error}");
            return;
        }
        Err(error) => panic!("machine import: {error:?}"),
    };
    let listed = list(StoreLocation::LocalMachine).expect("list");
    assert!(
        listed
            .iter()
            .any(|entry| entry.thumbprint_sha1 == thumbprint && entry.has_private_key)
    );
    let opened = open(StoreLocation::LocalMachine, &thumbprint).expect("open");
    let signature = opened
        .key
        .sign(SignAlgorithm::Rs256, MESSAGE)
        .expect("RS256");
    assert!(verify(&cert, SignAlgorithm::Rs256, &signature));
    println!(
        "machine store: {thumbprint} signed RS256 with {:?}",
        opened.key
    );
}

#[test]
fn wrong_password_is_bad_password() {
    let (_, pfx) = make_pfx("right");
    let error =
        import_pfx(StoreLocation::CurrentUser, &pfx, "wrong", false).expect_err("wrong password");
    assert!(matches!(error, WinStoreError::BadPassword), "{error:?}");
    println!("wrong password: {error}");
}

#[test]
fn garbage_is_not_a_pfx() {
    let error =
        import_pfx(StoreLocation::CurrentUser, b"not a pfx", "", false).expect_err("not a PFX");
    assert_eq!(error.code(), "windows_store_os_error", "{error:?}");
    println!("not a PFX: {error}");
}

#[test]
fn unknown_thumbprint_is_not_found() {
    let thumbprint = "00 11 22 33 44 55 66 77 88 99 AA BB CC DD EE FF 00 11 22 33";
    let error = open(StoreLocation::CurrentUser, thumbprint).expect_err("no such certificate");
    assert!(
        matches!(&error, WinStoreError::NotFound { thumbprint, .. }
            if thumbprint == "00112233445566778899AABBCCDDEEFF00112233"),
        "{error:?}"
    );
    println!("unknown: {error}");
    let error = open(StoreLocation::CurrentUser, "12345").expect_err("not a thumbprint");
    assert_eq!(error.code(), "windows_store_bad_thumbprint");
}
