//! The PKCS#11 adapter against real SoftHSM2 tokens: signing on the token with a sensitive,
//! non-extractable key, the PIN rules, what an unknown object or a bad module says, and a token
//! pulled out between opening the key and signing.
//!
//! SoftHSM reads `SOFTHSM2_CONF` when a process initialises it, once (certconnect initialises a
//! module once per process), so each test that loads the module runs its checks in a child process
//! of this test binary with its own configuration: no two tests share a token directory.

use std::path::{Path, PathBuf};

use certconnect::cert::pkcs11::{
    PinTries, Pkcs11Error, Pkcs11Request, list_pkcs11, open_pkcs11, resolve_module,
};
use certconnect::core::pkcs11_uri::Pkcs11Uri;
use certconnect::core::profile::AssertionAlgorithm;
use certconnect::secret::Secret;
use openssl::hash::MessageDigest;
use openssl::rsa::Padding;
use openssl::sign::{RsaPssSaltlen, Verifier};
use openssl::x509::X509;

use crate::support::softhsm::{MODULE, PIN, SoftHsm, run_in_child};
use crate::support::{Workspace, s};

const CHILD: &str = "CERTCONNECT_TEST_PKCS11_DIR";

/// Sets up tokens with `setup` in a fresh workspace, then runs `checks` in a child process of this
/// binary that sees only those tokens. In the child, only `checks` runs.
fn on_softhsm(test: &str, setup: fn(&Workspace, &SoftHsm), checks: fn(&Path)) {
    if let Some(dir) = std::env::var_os(CHILD) {
        checks(Path::new(&dir));
        return;
    }
    let ws = Workspace::new();
    let hsm = SoftHsm::new(&ws);
    setup(&ws, &hsm);
    run_in_child(test, CHILD, &ws, &hsm);
}

/// A token "app-token" with an RSA key (id 01, label "app-key") and its certificate.
fn one_key(ws: &Workspace, hsm: &SoftHsm) {
    let key = ws.rsa_key("app.key", 2048);
    let cert = ws.self_signed("app.pem", &key, "/CN=Token Connector", 365);
    hsm.app_token(ws, &key, &cert);
    // The key is sensitive and never extractable: certconnect cannot have read it.
    let objects = hsm.objects(ws, "app-token");
    let access: Vec<&str> = objects.lines().filter(|l| l.contains("Access:")).collect();
    assert!(
        access.iter().any(|l| l.contains("sensitive")) && !objects.contains(", extractable"),
        "{objects}"
    );
    std::fs::remove_file(key).unwrap();
}

fn uri(text: &str) -> Pkcs11Uri {
    Pkcs11Uri::parse(text).unwrap()
}

fn open(uri_text: &str, pin: Option<&str>) -> Result<certconnect::cert::Credential, Pkcs11Error> {
    let uri = uri(uri_text);
    let pin = pin.map(Secret::new);
    open_pkcs11(Pkcs11Request {
        uri: &uri,
        module: Path::new(MODULE),
        pin: pin.as_ref(),
        cert_pem: None,
    })
}

fn verify(cert: &X509, algorithm: AssertionAlgorithm, message: &[u8], signature: &[u8]) -> bool {
    let public = cert.public_key().unwrap();
    let mut verifier = Verifier::new(MessageDigest::sha256(), &public).unwrap();
    if algorithm == AssertionAlgorithm::Ps256 {
        verifier.set_rsa_padding(Padding::PKCS1_PSS).unwrap();
        verifier.set_rsa_mgf1_md(MessageDigest::sha256()).unwrap();
        verifier
            .set_rsa_pss_saltlen(RsaPssSaltlen::custom(32))
            .unwrap();
    }
    verifier.update(message).unwrap();
    verifier.verify(signature).unwrap()
}

#[test]
fn rs256_and_ps256_are_signed_on_the_token() {
    on_softhsm(
        "cert_pkcs11::rs256_and_ps256_are_signed_on_the_token",
        one_key,
        |_| {
            let credential = open("pkcs11:token=app-token;object=app-key", Some(PIN)).unwrap();
            assert!(credential.private_key.is_none(), "no key bytes were read");
            let key = credential.in_place_key.clone().unwrap();
            assert!(key.keeper().contains("app-token"), "{}", key.keeper());
            for algorithm in [AssertionAlgorithm::Rs256, AssertionAlgorithm::Ps256] {
                key.supports(algorithm).unwrap();
                let signature = key.sign(algorithm, b"header.payload").unwrap();
                assert!(
                    verify(
                        &credential.certificate,
                        algorithm,
                        b"header.payload",
                        &signature
                    ),
                    "{algorithm:?} signature verifies with the certificate"
                );
            }
            // By id alone, too; the subject is the token certificate's.
            let by_id = open("pkcs11:token=app-token;id=%01", Some(PIN)).unwrap();
            let subject = format!("{:?}", by_id.certificate.subject_name());
            assert!(subject.contains("Token Connector"), "{subject}");
        },
    );
}

#[test]
fn a_wrong_pin_is_reported_once_and_the_right_one_works_after() {
    on_softhsm(
        "cert_pkcs11::a_wrong_pin_is_reported_once_and_the_right_one_works_after",
        one_key,
        |_| {
            let error =
                open("pkcs11:token=app-token;object=app-key", Some("00000000")).unwrap_err();
            assert!(
                matches!(error, Pkcs11Error::WrongPin { ref token, tries: PinTries::Unknown | PinTries::CountLow | PinTries::FinalTry } if token == "app-token"),
                "{error:?}"
            );
            assert_eq!(error.code(), "wrong_password");
            assert!(error.to_string().contains("PIN"), "{error}");
            assert!(!error.to_string().contains("00000000"), "{error}");
            // The same wrong PIN again is not tried: the token would count it.
            let again =
                open("pkcs11:token=app-token;object=app-key", Some("00000000")).unwrap_err();
            assert!(
                matches!(again, Pkcs11Error::PinRefusedBefore { .. }),
                "{again:?}"
            );
            assert_eq!(again.code(), "wrong_password");
            let missing = open("pkcs11:token=app-token;object=app-key", None).unwrap_err();
            assert!(
                matches!(missing, Pkcs11Error::PinRequired { .. }),
                "{missing:?}"
            );
            open("pkcs11:token=app-token;object=app-key", Some(PIN)).unwrap();
        },
    );
}

#[test]
fn an_unknown_object_or_token_says_what_is_there() {
    on_softhsm(
        "cert_pkcs11::an_unknown_object_or_token_says_what_is_there",
        one_key,
        |_| {
            let error = open("pkcs11:token=app-token;object=nope", Some(PIN)).unwrap_err();
            let text = error.to_string();
            assert!(
                matches!(error, Pkcs11Error::NoSuchObject { .. }),
                "{error:?}"
            );
            assert!(text.contains("object=nope"), "{text}");
            assert!(text.contains("private key \"app-key\" (id 01)"), "{text}");
            assert!(text.contains("certificate \"app-key\" (id 01)"), "{text}");
            let error = open("pkcs11:token=other", Some(PIN)).unwrap_err();
            assert!(
                matches!(error, Pkcs11Error::NoSuchToken { .. }),
                "{error:?}"
            );
            assert!(error.to_string().contains("\"app-token\""), "{error}");
        },
    );
}

#[test]
fn a_certificate_file_must_match_the_token_key() {
    on_softhsm(
        "cert_pkcs11::a_certificate_file_must_match_the_token_key",
        |ws, hsm| {
            one_key(ws, hsm);
            let other = ws.rsa_key("other.key", 2048);
            ws.self_signed("other.pem", &other, "/CN=Someone Else", 30);
        },
        |dir| {
            let uri = uri("pkcs11:token=app-token;object=app-key");
            let pin = Secret::new(PIN);
            let other = dir.join("other.pem");
            let error = open_pkcs11(Pkcs11Request {
                uri: &uri,
                module: Path::new(MODULE),
                pin: Some(&pin),
                cert_pem: Some(&other),
            })
            .unwrap_err();
            assert!(
                matches!(error, Pkcs11Error::KeyMismatch { .. }),
                "{error:?}"
            );
            assert!(error.to_string().contains("Someone Else"), "{error}");
        },
    );
}

#[test]
fn listing_names_each_certificate_with_a_uri_that_opens_it() {
    on_softhsm(
        "cert_pkcs11::listing_names_each_certificate_with_a_uri_that_opens_it",
        |ws, hsm| {
            one_key(ws, hsm);
            hsm.init_token(ws, "second token");
            let key = ws.rsa_key("two.key", 3072);
            let cert = ws.self_signed("two.pem", &key, "/CN=Second", 30);
            hsm.import_pair(ws, "second token", &key, &cert, "a1b2", "two");
            // A certificate without a key beside it is not listed.
            let lone = ws.rsa_key("lone.key", 2048);
            let lone_cert = ws.self_signed("lone.pem", &lone, "/CN=Lone", 30);
            hsm.import_cert(ws, "second token", &lone_cert, "ff", "lone");
        },
        |_| {
            let pin = Secret::new(PIN);
            let tokens = list_pkcs11(Path::new(MODULE), Some(&pin)).unwrap();
            let labels: Vec<&str> = tokens.iter().map(|t| t.label.as_str()).collect();
            assert_eq!(labels.len(), 2, "{labels:?}");
            let second = tokens.iter().find(|t| t.label == "second token").unwrap();
            assert_eq!(second.certificates.len(), 1, "{:?}", second.certificates);
            let listed = &second.certificates[0];
            assert_eq!(listed.id, "a1b2");
            assert_eq!(listed.key_type, "RSA");
            assert_eq!(listed.key_bits, Some(3072));
            assert_eq!(listed.algorithms, vec!["RS256", "PS256"]);
            assert_eq!(listed.has_private_key, Some(true));
            assert!(listed.subject.contains("Second"), "{}", listed.subject);
            assert_eq!(listed.thumbprint_sha1.len(), 40);
            // The printed URI opens the key as it is (module path included).
            let parsed = uri(&listed.uri);
            let module = resolve_module(&parsed, None, None).unwrap();
            let credential = open_pkcs11(Pkcs11Request {
                uri: &parsed,
                module: &module,
                pin: Some(&pin),
                cert_pem: None,
            })
            .unwrap();
            assert_eq!(credential.certificate.to_der().unwrap(), listed.der);
            // Without a PIN the certificates are listed, their keys unchecked.
            let unchecked = list_pkcs11(Path::new(MODULE), None).unwrap();
            assert!(unchecked.iter().all(|t| !t.logged_in));
        },
    );
}

#[test]
fn an_ec_key_is_refused_because_entra_needs_rsa() {
    on_softhsm(
        "cert_pkcs11::an_ec_key_is_refused_because_entra_needs_rsa",
        |ws, hsm| {
            hsm.init_token(ws, "ec-token");
            ws.openssl(&[
                "ecparam",
                "-name",
                "prime256v1",
                "-genkey",
                "-noout",
                "-out",
                "ec.key",
            ]);
            let cert = ws.self_signed("ec.pem", &ws.path("ec.key"), "/CN=EC", 30);
            hsm.import_pair(ws, "ec-token", &ws.path("ec.key"), &cert, "02", "ec");
        },
        |_| {
            let error = open("pkcs11:token=ec-token;object=ec", Some(PIN)).unwrap_err();
            assert!(matches!(error, Pkcs11Error::NotRsa { .. }), "{error:?}");
            assert!(error.to_string().contains("RSA"), "{error}");
        },
    );
}

#[test]
fn a_module_path_that_is_not_a_module_is_named() {
    let ws = Workspace::new();
    let fake = ws.write("fake.so", b"not a library");
    let uri = uri("pkcs11:token=t");
    let pin = Secret::new(PIN);
    let request = |module: &Path| {
        open_pkcs11(Pkcs11Request {
            uri: &uri,
            module,
            pin: Some(&pin),
            cert_pem: None,
        })
        .unwrap_err()
    };
    let error = request(&fake);
    assert!(
        matches!(error, Pkcs11Error::ModuleNotLoadable { .. }),
        "{error:?}"
    );
    assert!(error.to_string().contains(s(&fake)), "{error}");
    let error = request(ws.dir());
    assert!(matches!(error, Pkcs11Error::NotAFile { .. }), "{error:?}");
    let error = request(&PathBuf::from("/nonexistent/module.so"));
    assert!(matches!(error, Pkcs11Error::NotAFile { .. }), "{error:?}");
    // A real library that is not a PKCS#11 module.
    let error = request(Path::new("/lib/x86_64-linux-gnu/libz.so.1"));
    assert!(
        matches!(error, Pkcs11Error::ModuleNotLoadable { .. }),
        "{error:?}"
    );
    assert_eq!(error.code(), "pkcs11_module_not_loadable");
}

#[test]
fn the_module_comes_from_the_uri_then_the_flag_then_the_profile() {
    let with_path = uri("pkcs11:token=t?module-path=/a.so");
    let flag = Path::new("/b.so");
    let profile = Path::new("/c.so");
    assert_eq!(
        resolve_module(&with_path, Some(flag), Some(profile)).unwrap(),
        PathBuf::from("/a.so")
    );
    let plain = uri("pkcs11:token=t");
    assert_eq!(
        resolve_module(&plain, Some(flag), Some(profile)).unwrap(),
        PathBuf::from("/b.so")
    );
    assert_eq!(
        resolve_module(&plain, None, Some(profile)).unwrap(),
        PathBuf::from("/c.so")
    );
}

#[test]
fn a_remembered_pin_opens_the_token_for_a_test_connection_and_stays_out_of_the_profile() {
    use certconnect::core::draft::CertKind;
    use certconnect::core::profile::PasswordSource;
    use certconnect::profile_store::ProfileStore;
    on_softhsm(
        "cert_pkcs11::a_remembered_pin_opens_the_token_for_a_test_connection_and_stays_out_of_the_profile",
        |_, _| {},
        |dir| {
            // Made here, in the process that loads the module: the sandbox registers its key.
            let env = crate::support::probe_env::Env::new();
            let hsm = SoftHsm::existing(dir.join("softhsm2.conf"));
            hsm.app_token(&env.ws, &env.ws.path("app.key"), &env.ws.path("app.pem"));
            let profiles = ProfileStore::at(env.ws.path("profiles"));
            let mut draft = env.draft();
            draft.cert_kind = CertKind::Pkcs11;
            draft.pkcs11.uri = "pkcs11:token=app-token;object=app-key".into();
            draft.pkcs11.module = MODULE.into();
            draft.password = PasswordSource::Ask;
            let saved = profiles.save(&draft.parse().unwrap()).unwrap();
            let cancel = tokio_util::sync::CancellationToken::new();
            let (result, _) = env.run_with(saved.clone(), None, &cancel);
            assert_eq!(
                crate::support::probe_env::failure_code(&result),
                "password_required"
            );
            let remembered = certconnect::ops::remember_password(
                &profiles,
                env.vault.store().as_ref(),
                saved.id(),
                &Secret::new(PIN),
            )
            .unwrap();
            assert!(matches!(
                remembered.certificate().password(),
                PasswordSource::CredentialStore { .. }
            ));
            let (result, events) = env.run_with(remembered, None, &cancel);
            assert!(result.is_ok(), "{events:?}");
            assert_eq!(env.token_requests(), 1);
            for file in std::fs::read_dir(env.ws.path("profiles"))
                .unwrap()
                .flatten()
            {
                let text = std::fs::read_to_string(file.path()).unwrap_or_default();
                assert!(
                    !text.contains(PIN),
                    "the PIN is in {}",
                    file.path().display()
                );
            }
        },
    );
}

#[test]
fn every_mechanism_signs_what_jose_expects_the_raw_fallbacks_included() {
    use certconnect::cert::pkcs11::{SignMechanism, open_token_key_for_tests};
    on_softhsm(
        "cert_pkcs11::every_mechanism_signs_what_jose_expects_the_raw_fallbacks_included",
        one_key,
        |_| {
            let uri = uri("pkcs11:token=app-token;object=app-key");
            let pin = Secret::new(PIN);
            let request = Pkcs11Request {
                uri: &uri,
                module: Path::new(MODULE),
                pin: Some(&pin),
                cert_pem: None,
            };
            let certificate = open_pkcs11(request).unwrap().certificate;
            let key = open_token_key_for_tests(request).unwrap();
            for (mechanism, algorithm) in [
                (SignMechanism::Sha256RsaPkcs, AssertionAlgorithm::Rs256),
                (SignMechanism::RsaPkcsDigestInfo, AssertionAlgorithm::Rs256),
                (SignMechanism::Sha256RsaPkcsPss, AssertionAlgorithm::Ps256),
                (SignMechanism::RsaPkcsPssDigest, AssertionAlgorithm::Ps256),
            ] {
                let signature = key.sign_with(mechanism, b"header.payload").unwrap();
                assert!(
                    verify(&certificate, algorithm, b"header.payload", &signature),
                    "{mechanism:?}"
                );
            }
        },
    );
}

#[test]
fn a_key_made_on_the_token_never_leaves_it_and_signs_with_its_certificate() {
    use certconnect::cert::pkcs11::{TokenKeyRequest, destroy_on_token, generate_on_token};
    on_softhsm(
        "cert_pkcs11::a_key_made_on_the_token_never_leaves_it_and_signs_with_its_certificate",
        one_key,
        |dir| {
            let token = uri("pkcs11:token=app-token");
            let pin = Secret::new(PIN);
            let subject = [("CN".to_owned(), "Token Connector".to_owned())];
            let made = generate_on_token(TokenKeyRequest {
                token: &token,
                module: Path::new(MODULE),
                pin: Some(&pin),
                subject: &subject,
                key_bits: 2048,
                days: 30,
                label: "app-key next",
            })
            .unwrap();
            // Self-signed, by the token key.
            let public = made.certificate.public_key().unwrap();
            assert!(made.certificate.verify(&public).unwrap());
            assert_eq!(public.bits(), 2048);
            let credential = open_pkcs11(Pkcs11Request {
                uri: &made.uri,
                module: Path::new(MODULE),
                pin: Some(&pin),
                cert_pem: None,
            })
            .unwrap();
            assert_eq!(
                credential.certificate.to_der().unwrap(),
                made.certificate.to_der().unwrap()
            );
            let key = credential.in_place_key.clone().unwrap();
            for algorithm in [AssertionAlgorithm::Rs256, AssertionAlgorithm::Ps256] {
                let signature = key.sign(algorithm, b"h.p").unwrap();
                assert!(verify(&made.certificate, algorithm, b"h.p", &signature));
            }
            drop(credential);
            // What pkcs11-tool sees of the new private key: made on the token, never extractable.
            let hsm = SoftHsm::existing(dir.join("softhsm2.conf"));
            let ws = Workspace::new();
            let objects = hsm.objects(&ws, "app-token");
            // One block per object: its heading line, then indented lines.
            let mut blocks: Vec<String> = Vec::new();
            for line in objects.lines() {
                match blocks.last_mut() {
                    Some(block) if line.starts_with(' ') => block.push_str(&format!("\n{line}")),
                    _ => blocks.push(line.to_owned()),
                }
            }
            let private = blocks
                .iter()
                .find(|b| b.starts_with("Private Key Object") && b.contains("app-key next"))
                .unwrap_or_else(|| panic!("{objects}"));
            assert!(private.contains("never extractable"), "{private}");
            assert!(private.contains("local"), "{private}");
            // Discarded: both objects go, the old key stays.
            destroy_on_token(&made.uri, Path::new(MODULE), Some(&pin)).unwrap();
            let gone = open_pkcs11(Pkcs11Request {
                uri: &made.uri,
                module: Path::new(MODULE),
                pin: Some(&pin),
                cert_pem: None,
            })
            .unwrap_err();
            assert!(matches!(gone, Pkcs11Error::NoSuchObject { .. }), "{gone:?}");
            open("pkcs11:token=app-token;object=app-key", Some(PIN)).unwrap();
        },
    );
}

#[test]
fn a_module_is_finalised_once_nothing_uses_it_and_not_under_a_live_key() {
    on_softhsm(
        "cert_pkcs11::a_module_is_finalised_once_nothing_uses_it_and_not_under_a_live_key",
        one_key,
        |_| {
            let sign = |credential: &certconnect::cert::Credential| {
                let key = credential.in_place_key.clone().unwrap();
                key.sign(AssertionAlgorithm::Rs256, b"header.payload")
                    .unwrap()
            };
            let credential = open("pkcs11:token=app-token;object=app-key", Some(PIN)).unwrap();
            // A key still in use keeps its module: nothing is finalised under its session.
            assert_eq!(certconnect::cert::pkcs11::finalize_all(), 0);
            assert!(verify(
                &credential.certificate,
                AssertionAlgorithm::Rs256,
                b"header.payload",
                &sign(&credential)
            ));
            drop(credential);
            // Loaded again (the registry forgot the old one), used, then let go: finalised.
            let credential = open("pkcs11:token=app-token;object=app-key", Some(PIN)).unwrap();
            sign(&credential);
            drop(credential);
            assert_eq!(certconnect::cert::pkcs11::finalize_all(), 1);
            // Nothing is left to finalise twice; a later load starts the module again and works.
            assert_eq!(certconnect::cert::pkcs11::finalize_all(), 0);
            let credential = open("pkcs11:token=app-token;object=app-key", Some(PIN)).unwrap();
            sign(&credential);
            drop(credential);
            assert_eq!(certconnect::cert::pkcs11::finalize_all(), 1);
        },
    );
}

/// Runs a SoftHSM or OpenSC tool as another process would (the child's `SOFTHSM2_CONF`), and
/// waits for it: what it does happens before the next line of the test.
fn from_another_process(program: &str, args: &[&str]) {
    let output = std::process::Command::new(program)
        .args(args)
        .output()
        .unwrap();
    assert!(output.status.success(), "{program} {args:?}: {output:?}");
}

#[test]
fn a_token_removed_after_the_key_is_opened_fails_the_signature_naming_the_token() {
    on_softhsm(
        "cert_pkcs11::a_token_removed_after_the_key_is_opened_fails_the_signature_naming_the_token",
        one_key,
        |_| {
            let uri = uri("pkcs11:token=app-token;object=app-key");
            let pin = Secret::new(PIN);
            let request = Pkcs11Request {
                uri: &uri,
                module: Path::new(MODULE),
                pin: Some(&pin),
                cert_pem: None,
            };
            let credential = open_pkcs11(request).unwrap();
            let key = credential.in_place_key.clone().unwrap();
            let typed = certconnect::cert::pkcs11::open_token_key_for_tests(request).unwrap();
            key.sign(AssertionAlgorithm::Rs256, b"header.payload")
                .unwrap();
            // The token goes away while the keys are open (SoftHSM's nearest thing to pulling
            // a card out): the next signature fails at once, typed, naming the token.
            from_another_process("softhsm2-util", &["--delete-token", "--token", "app-token"]);
            let error = typed
                .sign_with(
                    certconnect::cert::pkcs11::SignMechanism::Sha256RsaPkcs,
                    b"header.payload",
                )
                .unwrap_err();
            assert!(
                matches!(error, Pkcs11Error::TokenRemoved { ref token, .. } if token == "app-token"),
                "{error:?}"
            );
            for algorithm in [AssertionAlgorithm::Rs256, AssertionAlgorithm::Ps256] {
                let failure = key.sign(algorithm, b"header.payload").unwrap_err();
                assert_eq!(failure.code, "pkcs11_token_removed", "{failure:?}");
                assert!(
                    failure.message.contains("token \"app-token\" was removed"),
                    "{failure:?}"
                );
                assert!(failure.hint.contains("Insert the token"), "{failure:?}");
            }
        },
    );
}

#[test]
fn a_key_deleted_from_a_token_still_present_is_not_called_a_removed_token() {
    on_softhsm(
        "cert_pkcs11::a_key_deleted_from_a_token_still_present_is_not_called_a_removed_token",
        one_key,
        |_| {
            let credential = open("pkcs11:token=app-token;object=app-key", Some(PIN)).unwrap();
            let key = credential.in_place_key.clone().unwrap();
            from_another_process(
                "pkcs11-tool",
                &[
                    "--module",
                    MODULE,
                    "--token-label",
                    "app-token",
                    "--login",
                    "--pin",
                    PIN,
                    "--delete-object",
                    "--type",
                    "privkey",
                    "--label",
                    "app-key",
                ],
            );
            let failure = key
                .sign(AssertionAlgorithm::Rs256, b"header.payload")
                .unwrap_err();
            assert_eq!(failure.code, "pkcs11_error", "{failure:?}");
        },
    );
}

#[test]
fn a_token_pulled_out_after_the_certificate_step_ends_the_test_connection_at_the_assertion() {
    use certconnect::core::draft::CertKind;
    use certconnect::core::event::{Step, TestEvent};
    use certconnect::core::profile::PasswordSource;
    use certconnect::core::retry::RetryTiming;
    use certconnect::probe::{self, ProbeJob};
    on_softhsm(
        "cert_pkcs11::a_token_pulled_out_after_the_certificate_step_ends_the_test_connection_at_the_assertion",
        |_, _| {},
        |dir| {
            // Made here, in the process that loads the module: the sandbox registers its key.
            let env = crate::support::probe_env::Env::new();
            let hsm = SoftHsm::existing(dir.join("softhsm2.conf"));
            hsm.app_token(&env.ws, &env.ws.path("app.key"), &env.ws.path("app.pem"));
            let mut draft = env.draft();
            draft.cert_kind = CertKind::Pkcs11;
            draft.pkcs11.uri = "pkcs11:token=app-token;object=app-key".into();
            draft.pkcs11.module = MODULE.into();
            draft.password = PasswordSource::Ask;
            let job = ProbeJob {
                profile: draft.parse().unwrap(),
                password: Some(Secret::new(PIN)),
                token_only: false,
                timing: RetryTiming {
                    base: std::time::Duration::from_millis(20),
                    cap: std::time::Duration::from_secs(5),
                },
                vault: Some(env.vault.clone()),
                clients: None,
                profiles: None,
            };
            // The run reports each step before it goes on, so the token is gone once the
            // certificate step is done and before the assertion is signed: no race.
            let mut events = Vec::new();
            let mut report = |event: TestEvent| {
                if matches!(
                    event,
                    TestEvent::Done {
                        step: Step::Certificate,
                        ..
                    }
                ) {
                    from_another_process(
                        "softhsm2-util",
                        &["--delete-token", "--token", "app-token"],
                    );
                }
                events.push(event);
            };
            let cancel = tokio_util::sync::CancellationToken::new();
            let result = env.rt.block_on(probe::run(job, &mut report, &cancel));
            let error = result.unwrap_err();
            assert_eq!(error.step, Step::Assertion, "{events:?}");
            assert_eq!(error.failure.code, "pkcs11_token_removed", "{error:?}");
            assert!(
                error
                    .failure
                    .message
                    .contains("token \"app-token\" was removed"),
                "{error:?}"
            );
            assert!(error.failure.hint.contains("Insert the token"), "{error:?}");
            assert!(
                events.iter().any(|e| matches!(
                    e,
                    TestEvent::Done {
                        step: Step::Certificate,
                        ..
                    }
                )),
                "{events:?}"
            );
            assert_eq!(env.token_requests(), 0, "nothing was sent");
        },
    );
}
