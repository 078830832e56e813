//! `certconnect cert upload`, `cert remove-key` and `cert rotate`, the real binary against a
//! sandbox in this process: keys registered and removed as Graph does it, the token endpoint
//! following, a saved profile rotated end to end, and only public certificates on the wire.

use crate::support;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use certconnect::core::profile::{CertificateSource, PasswordSource};
use certconnect::profile_store::ProfileStore;
use serde_json::Value;
use support::probe_env::{Env, OBJECT_ID, PASSWORD, failure_code, pem_draft, read_cert};
use support::{certconnect, s, stderr, stdout};

const NEW_PASSWORD: &str = "N3w-Pfx-Passw0rd";

fn store(env: &Env) -> ProfileStore {
    env.ws.profile_store()
}

/// The connection flags for the sandbox, the current certificate being `app.pfx`.
fn connection(env: &Env) -> Vec<String> {
    [
        "--token-url",
        &env.sandbox.token_url(),
        "--client-id",
        support::probe_env::CLIENT_ID,
        "--object-id",
        OBJECT_ID,
        "--graph-url",
        &env.sandbox.graph_url(),
        "--scope",
        &env.sandbox.scope(),
        "--pfx",
        s(&env.pfx),
        "--password-env",
        "P",
    ]
    .iter()
    .map(|a| (*a).to_owned())
    .collect()
}

fn run(env: &Env, command: &[&str], extra: &[String]) -> std::process::Output {
    let mut args: Vec<&str> = command.to_vec();
    args.extend(extra.iter().map(String::as_str));
    certconnect(
        &env.ws,
        &args,
        &[("P", PASSWORD), ("NP", NEW_PASSWORD)],
        None,
    )
}

/// A new certificate and key (PEM) in the workspace.
fn new_key(env: &Env, name: &str) -> (std::path::PathBuf, std::path::PathBuf) {
    let key = env.ws.rsa_key(&format!("{name}.key"), 2048);
    let cert = env
        .ws
        .self_signed(&format!("{name}.pem"), &key, "/CN=Connector next", 365);
    (cert, key)
}

fn key_ids(env: &Env) -> Vec<String> {
    env.sandbox
        .key_credentials(OBJECT_ID)
        .into_iter()
        .map(|k| k.key_id)
        .collect()
}

/// The bodies of the Graph key calls the sandbox received.
fn key_call_bodies(env: &Env) -> Vec<Value> {
    env.sandbox
        .requests()
        .iter()
        .filter(|r| r.path.contains("/applications/"))
        .map(|r| serde_json::from_str(&r.form_body).unwrap())
        .collect()
}

/// Every request body the sandbox recorded holds none of the private key's bytes.
fn assert_key_never_sent(env: &Env, key_pem: &std::path::Path) {
    let key = openssl::pkey::PKey::private_key_from_pem(&std::fs::read(key_pem).unwrap()).unwrap();
    let der = key.private_key_to_der().unwrap();
    let private = key.rsa().unwrap().d().to_vec();
    for request in env.sandbox.requests() {
        let body = &request.form_body;
        assert!(!body.contains("PRIVATE KEY"), "{}", request.path);
        assert!(!body.contains(&STANDARD.encode(&der)), "{}", request.path);
        assert!(
            !body.contains(&STANDARD.encode(&private)),
            "{}",
            request.path
        );
    }
}

#[test]
fn upload_registers_only_the_public_certificate_and_it_then_connects() {
    let env = Env::new();
    let (cert, key) = new_key(&env, "next");
    // The new certificate given as a password-protected PFX: its key stays on this machine.
    let pfx = env.ws.pfx("next.pfx", &key, &cert, NEW_PASSWORD, &[]);
    let mut extra = connection(&env);
    extra.extend(
        [
            "--new",
            s(&pfx),
            "--new-password-env",
            "NP",
            "--display-name",
            "next year",
            "--json",
        ]
        .map(str::to_owned),
    );
    let output = run(&env, &["cert", "upload"], &extra);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}{}",
        stdout(&output),
        stderr(&output)
    );
    let answer = support::json_stdout(&output);
    assert_eq!(answer["ok"], true);
    let thumbprint = env.ws.openssl_sha1(&cert);
    assert_eq!(answer["thumbprint_sha1"], thumbprint.as_str());
    let key_id = answer["key_id"].as_str().unwrap().to_owned();
    assert!(key_ids(&env).contains(&key_id), "{:?}", key_ids(&env));

    // The body: the public certificate's DER, its display name, a proof, nothing else.
    let bodies = key_call_bodies(&env);
    assert_eq!(bodies.len(), 1);
    let der = read_cert(&cert).to_der().unwrap();
    assert_eq!(bodies[0]["keyCredential"]["key"], STANDARD.encode(&der));
    assert_eq!(bodies[0]["keyCredential"]["displayName"], "next year");
    assert!(bodies[0]["passwordCredential"].is_null());
    let mut fields: Vec<&String> = bodies[0].as_object().unwrap().keys().collect();
    fields.sort();
    assert_eq!(fields, ["keyCredential", "passwordCredential", "proof"]);
    assert_key_never_sent(&env, &key);

    // Entra (the sandbox) now takes tokens signed with the new certificate.
    let mut draft = env.draft();
    pem_draft(&mut draft, &cert, &key);
    draft.password = PasswordSource::None;
    let (result, _) = env.run_with(draft.parse().unwrap(), None, &Default::default());
    assert_eq!(failure_code(&result), "ok");
}

#[test]
fn removing_the_old_key_with_the_new_certificate_locks_the_old_one_out() {
    let env = Env::new();
    let old_key_id = key_ids(&env)[0].clone();
    let (cert, key) = new_key(&env, "next");
    let mut extra = connection(&env);
    extra.extend(["--new", s(&cert)].map(str::to_owned));
    let output = run(&env, &["cert", "upload"], &extra);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    assert!(stdout(&output).contains("[ ok ] Upload to the app registration"));

    // The old certificate cannot remove itself: refused by Graph, exit 1, with the way out.
    let mut extra = connection(&env);
    extra.extend(["--key-id", &old_key_id].map(str::to_owned));
    let output = run(&env, &["cert", "remove-key"], &extra);
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    assert!(
        stdout(&output).contains("cannot remove itself"),
        "{}",
        stdout(&output)
    );

    // Signed with the new certificate, it goes.
    let mut extra: Vec<String> = connection(&env)
        .into_iter()
        .take_while(|a| a != "--pfx")
        .collect();
    extra.extend(
        [
            "--cert-pem",
            s(&cert),
            "--key-pem",
            s(&key),
            "--key-id",
            &old_key_id,
            "--json",
        ]
        .map(str::to_owned),
    );
    let output = run(&env, &["cert", "remove-key"], &extra);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    assert_eq!(support::json_stdout(&output)["key_id"], old_key_id.as_str());
    assert!(!key_ids(&env).contains(&old_key_id));

    // The old certificate is no longer accepted.
    let (result, _) = env.run(env.profile());
    assert_eq!(failure_code(&result), "AADSTS700027");
}

#[test]
fn a_wrong_object_id_is_refused_with_the_portal_field_to_check() {
    let env = Env::new();
    let (cert, _) = new_key(&env, "next");
    let mut extra: Vec<String> = connection(&env)
        .into_iter()
        .map(|a| {
            if a == OBJECT_ID {
                "00000000-1111-4222-8333-444444444444".to_owned()
            } else {
                a
            }
        })
        .collect();
    extra.extend(["--new", s(&cert), "--json"].map(str::to_owned));
    let output = run(&env, &["cert", "upload"], &extra);
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    let answer = support::json_stdout(&output);
    assert_eq!(answer["error"]["step"], "upload");
    assert_eq!(answer["error"]["code"], "Request_ResourceNotFound");
    assert!(
        answer["error"]["hint"]
            .as_str()
            .unwrap()
            .contains("Overview page")
    );
    assert_eq!(key_ids(&env).len(), 1);

    // No object ID at all: bad input, nothing sent.
    let mut extra: Vec<String> = connection(&env);
    let at = extra.iter().position(|a| a == "--object-id").unwrap();
    extra.drain(at..at + 2);
    extra.extend(["--new", s(&cert)].map(str::to_owned));
    let requests = env.sandbox.requests().len();
    let output = run(&env, &["cert", "upload"], &extra);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("--object-id"),
        "{}",
        stderr(&output)
    );
    assert_eq!(env.sandbox.requests().len(), requests);
}

/// A saved profile for the sandbox with `app.pfx`, its password asked for.
fn save_profile(env: &Env, adjust: impl FnOnce(&mut certconnect::core::draft::ProfileDraft)) {
    let mut draft = env.draft();
    draft.name = "connector".into();
    draft.object_id = OBJECT_ID.into();
    adjust(&mut draft);
    store(env).save(&draft.parse().unwrap()).unwrap();
}

/// `cert rotate connector --remove-old --old-key-id OLD`, then `extra`.
fn rotate_removing(env: &Env, old_key_id: &str, extra: &[String]) -> std::process::Output {
    let mut flags = vec!["--old-key-id".to_owned(), old_key_id.to_owned()];
    flags.extend_from_slice(extra);
    run(
        env,
        &[
            "cert",
            "rotate",
            "connector",
            "--password-env",
            "P",
            "--remove-old",
        ],
        &flags,
    )
}

#[test]
fn rotate_switches_the_profile_after_entra_accepts_and_the_test_passes() {
    // Entra takes a moment to accept an uploaded key: the rotation waits for it.
    let env = Env::with(|config| config.key_propagation = std::time::Duration::from_millis(1500));
    let old_key_id = key_ids(&env)[0].clone();
    save_profile(&env, |_| {});
    let output = rotate_removing(&env, &old_key_id, &["--json".into()]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}{}",
        stdout(&output),
        stderr(&output)
    );
    let answer = support::json_stdout(&output);
    let steps: Vec<&str> = answer["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        steps,
        [
            "profile",
            "certificate",
            "new_certificate",
            "token",
            "upload",
            "wait_for_entra",
            "test_new",
            "switch_profile",
            "remove_key"
        ]
    );
    let waits: Vec<&Value> = answer["retries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["step"] == "wait_for_entra")
        .collect();
    assert!(!waits.is_empty(), "{answer}");

    // The profile uses the new PFX (same password, still asked for); the old key is gone.
    let rotation = &answer["rotation"];
    let new_pfx = rotation["new_pfx"].as_str().unwrap();
    assert!(
        new_pfx.ends_with(".pfx") && new_pfx.contains("app-"),
        "{new_pfx}"
    );
    let saved = store(&env).get("connector").unwrap().profile;
    assert_eq!(
        *saved.certificate(),
        CertificateSource::PfxFile {
            path: new_pfx.into(),
            password: PasswordSource::Ask,
            alias: None,
        }
    );
    // Its remembered facts (the list's expiry badge, `profile show`) are the new certificate's.
    let info = saved.certificate_info().expect("certificate facts saved");
    assert_eq!(
        info.thumbprint_sha1,
        rotation["added"]["thumbprint_sha1"].as_str().unwrap()
    );
    assert_eq!(
        certconnect::core::time_fmt::rfc3339(info.not_after),
        rotation["added"]["not_after"].as_str().unwrap()
    );
    assert_eq!(
        key_ids(&env),
        [rotation["added"]["key_id"].as_str().unwrap()]
    );
    let output = certconnect(
        &env.ws,
        &["test", "connector", "--password-env", "P"],
        &[("P", PASSWORD)],
        None,
    );
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    // The old PFX is kept, and no longer accepted.
    assert!(env.pfx.exists());
    let (result, _) = env.run(env.profile());
    assert_eq!(failure_code(&result), "AADSTS700027");
    for body in key_call_bodies(&env) {
        assert!(body.get("proof").is_some());
    }
    // The new PFX's key never went out, in any request.
    let pfx = std::fs::read(new_pfx).unwrap();
    let parsed = openssl::pkcs12::Pkcs12::from_der(&pfx)
        .unwrap()
        .parse2(PASSWORD)
        .unwrap();
    let key_pem = env.ws.write(
        "rotated.key",
        &parsed.pkey.unwrap().private_key_to_pem_pkcs8().unwrap(),
    );
    assert_key_never_sent(&env, &key_pem);
}

#[test]
fn a_failed_test_with_the_new_certificate_leaves_the_profile_as_it_was() {
    let env = Env::new();
    // The site does not exist: the token works, the test with the new certificate does not.
    save_profile(&env, |draft| {
        draft.site_id = "contoso.sharepoint.com:/sites/missing".into();
    });
    let before = store(&env).get("connector").unwrap().profile;
    let output = run(
        &env,
        &["cert", "rotate", "connector", "--password-env", "P"],
        &["--new-password-env".into(), "NP".into()],
    );
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    let text = stdout(&output);
    assert!(
        text.contains("[FAIL] Test with the new certificate"),
        "{text}"
    );
    assert!(text.contains("stays registered on the app"), "{text}");
    assert_eq!(store(&env).get("connector").unwrap().profile, before);
    // The uploaded key is registered and said so; the new PFX is kept for a retry.
    assert_eq!(key_ids(&env).len(), 2);
    let made: Vec<_> = std::fs::read_dir(env.ws.dir())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with("app-"))
        .collect();
    assert_eq!(made.len(), 2, "the new .pfx and .cer");
}

#[test]
fn rotate_needs_the_object_id_and_a_password_for_the_new_pfx() {
    let env = Env::new();
    let mut draft = env.draft();
    draft.name = "no-oid".into();
    store(&env).save(&draft.parse().unwrap()).unwrap();
    let output = run(
        &env,
        &["cert", "rotate", "no-oid", "--password-env", "P"],
        &[],
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stdout(&output).contains("Application object ID"),
        "{}",
        stdout(&output)
    );

    // A current certificate without a password: the new PFX must get one.
    save_profile(&env, |draft| {
        pem_draft(draft, &env.ws.path("app.pem"), &env.ws.path("app.key"));
        draft.password = PasswordSource::None;
    });
    let output = run(&env, &["cert", "rotate", "connector"], &[]);
    assert_eq!(output.status.code(), Some(2), "{}", stdout(&output));
    assert!(
        stdout(&output).contains("--new-password-env"),
        "{}",
        stdout(&output)
    );
    assert_eq!(key_ids(&env).len(), 1, "nothing was uploaded");
    assert_eq!(env.token_requests(), 0);
}

#[test]
fn an_expired_certificate_cannot_rotate_itself_and_the_fix_is_the_portal() {
    let env = Env::new();
    let key = env.ws.rsa_key("old.key", 2048);
    let cert = env
        .ws
        .dated("old.pem", &key, "20240101000000Z", "20250101000000Z");
    save_profile(&env, |draft| {
        pem_draft(draft, &cert, &key);
        draft.password = PasswordSource::None;
    });
    let output = run(
        &env,
        &["cert", "rotate", "connector", "--new-password-env", "NP"],
        &["--json".into()],
    );
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    let answer = support::json_stdout(&output);
    assert_eq!(answer["error"]["step"], "certificate");
    assert_eq!(answer["error"]["code"], "expired");
    assert!(
        answer["error"]["hint"]
            .as_str()
            .unwrap()
            .contains("Upload certificate")
    );
    assert_eq!(key_ids(&env).len(), 1);
}

#[test]
fn a_remembered_password_opens_the_current_certificate_and_protects_the_new_pfx() {
    use certconnect::core::retry::RetryTiming;
    use certconnect::ops::{RotateJob, rotate};
    let env = Env::new();
    let entry = "pfx-password/rotation-test".to_owned();
    env.vault.store().set(&entry, PASSWORD.as_bytes()).unwrap();
    save_profile(&env, |draft| {
        draft.password = PasswordSource::CredentialStore {
            entry: entry.clone(),
        };
    });
    let profile = store(&env).get("connector").unwrap().profile;
    let job = RotateJob {
        store: store(&env),
        profile,
        password: None,
        new_password: None,
        days: 30,
        remove_key_id: None,
        vault: Some(env.vault.clone()),
        timing: RetryTiming {
            base: std::time::Duration::from_millis(20),
            cap: std::time::Duration::from_secs(1),
        },
    };
    let done = env
        .rt
        .block_on(rotate(job, &mut |_| {}, &Default::default()))
        .map_err(|e| e.error.failure)
        .unwrap();
    // The profile still reads its password from the same entry, which opens the new PFX.
    let saved = store(&env).get("connector").unwrap().profile;
    assert_eq!(
        saved.certificate().password(),
        &PasswordSource::CredentialStore { entry }
    );
    let pfx = std::fs::read(done.new_pfx.unwrap()).unwrap();
    assert!(
        openssl::pkcs12::Pkcs12::from_der(&pfx)
            .unwrap()
            .parse2(PASSWORD)
            .is_ok()
    );
}

#[test]
fn a_failed_removal_after_the_switch_says_the_profile_uses_the_new_key() {
    let env = Env::new();
    save_profile(&env, |_| {});
    let output = rotate_removing(&env, "00000000-1111-4222-8333-444444444444", &[]);
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    let text = stdout(&output);
    assert!(text.contains("[FAIL] Remove the old key"), "{text}");
    assert!(
        text.contains("The profile uses the new certificate"),
        "{text}"
    );
    assert!(!text.contains("still uses the old one"), "{text}");
    // The way out is a command to paste, signed by the profile (now the new certificate).
    assert!(
        text.contains(
            "certconnect cert remove-key 'connector' --key-id 00000000-1111-4222-8333-444444444444"
        ),
        "{text}"
    );
    let saved = store(&env).get("connector").unwrap().profile;
    assert!(
        matches!(saved.certificate(), CertificateSource::PfxFile { path, .. } if path != &env.pfx)
    );
}

#[test]
fn an_upload_whose_answer_is_lost_says_the_key_may_be_registered() {
    let env = Env::new();
    let (cert, _) = new_key(&env, "next");
    // The token request is answered; the addKey connection is closed without an answer.
    env.sandbox.push_fault(certconnect::sandbox::Fault {
        target: certconnect::sandbox::FaultTarget::Graph,
        kind: certconnect::sandbox::FaultKind::Drop,
    });
    let mut extra = connection(&env);
    extra.extend(["--new", s(&cert), "--json"].map(str::to_owned));
    let output = run(&env, &["cert", "upload"], &extra);
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    let answer = support::json_stdout(&output);
    assert_eq!(answer["error"]["step"], "upload");
    let hint = answer["error"]["hint"].as_str().unwrap();
    assert!(hint.contains("may have been registered"), "{hint}");
    assert!(hint.contains(&env.ws.openssl_sha1(&cert)), "{hint}");
    // Not retried: one addKey request only.
    assert_eq!(
        env.sandbox
            .requests()
            .iter()
            .filter(|r| r.path.ends_with("/addKey"))
            .count(),
        1
    );
}
