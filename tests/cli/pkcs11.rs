//! `certconnect test --pkcs11`, `cert list --pkcs11-module` and `cert inspect URI` against real
//! SoftHSM2 tokens (one token directory per test) and the sandbox, which verifies each signature
//! with the registered certificate.

use std::process::Output;

use crate::support::probe_env::{CLIENT_ID, Env};
use crate::support::softhsm::{MODULE, PIN, SoftHsm};
use crate::support::{certconnect, json_stdout, s, stderr, stdout};

const URI: &str = "pkcs11:token=app-token;object=app-key";

/// The sandbox's registered key and certificate, on a token; the key file is then deleted.
fn token_env() -> (Env, SoftHsm) {
    let env = Env::new();
    let hsm = SoftHsm::new(&env.ws);
    hsm.app_token(&env.ws, &env.ws.path("app.key"), &env.ws.path("app.pem"));
    std::fs::remove_file(env.ws.path("app.key")).unwrap();
    std::fs::remove_file(&env.pfx).unwrap();
    (env, hsm)
}

fn run(env: &Env, hsm: &SoftHsm, args: &[&str], pin: &str) -> Output {
    let mut all: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
    let conf = s(&hsm.conf).to_owned();
    let output = certconnect(
        &env.ws,
        &all.iter_mut().map(|a| a.as_str()).collect::<Vec<_>>(),
        &[("SOFTHSM2_CONF", conf.as_str()), ("TOKEN_PIN", pin)],
        None,
    );
    let text = format!("{}{}", stdout(&output), stderr(&output));
    assert!(!text.contains(PIN), "the PIN leaked:\n{text}");
    crate::support::leaks::assert_no_jwt(&text, "the output");
    output
}

fn test_args(env: &Env, uri: &str, extra: &[&str]) -> Vec<String> {
    let mut args: Vec<String> = [
        "test",
        "--token-url",
        &env.sandbox.token_url(),
        "--graph-url",
        &env.sandbox.graph_url(),
        "--client-id",
        CLIENT_ID,
        "--pkcs11",
        uri,
        "--pin-env",
        "TOKEN_PIN",
    ]
    .map(str::to_owned)
    .to_vec();
    args.extend(extra.iter().map(|a| (*a).to_owned()));
    args
}

fn test(env: &Env, hsm: &SoftHsm, uri: &str, extra: &[&str], pin: &str) -> Output {
    let args = test_args(env, uri, extra);
    run(
        env,
        hsm,
        &args.iter().map(String::as_str).collect::<Vec<_>>(),
        pin,
    )
}

/// `cert list` of the test module's tokens, logged in with the PIN in `TOKEN_PIN`.
fn cert_list(env: &Env, hsm: &SoftHsm, extra: &[&str]) -> Output {
    let mut args = vec![
        "cert",
        "list",
        "--pkcs11-module",
        MODULE,
        "--pin-env",
        "TOKEN_PIN",
    ];
    args.extend_from_slice(extra);
    run(env, hsm, &args, PIN)
}

/// `cert inspect URI --json` with `pin` in `TOKEN_PIN`.
fn inspect(env: &Env, hsm: &SoftHsm, uri: &str, pin: &str) -> Output {
    run(
        env,
        hsm,
        &["cert", "inspect", uri, "--pin-env", "TOKEN_PIN", "--json"],
        pin,
    )
}

/// `test PROFILE` (or `test --all --json` for `None`) with `pin` in `TOKEN_PIN`.
fn test_saved(env: &Env, hsm: &SoftHsm, profile: Option<&str>, pin: &str) -> Output {
    let which = match profile {
        Some(name) => vec![name],
        None => vec!["--all", "--json"],
    };
    let mut args = vec!["test"];
    args.extend(which);
    args.extend(["--pin-env", "TOKEN_PIN"]);
    run(env, hsm, &args, pin)
}

fn both(output: &Output) -> String {
    format!("{}{}", stdout(output), stderr(output))
}

#[test]
fn rs256_and_ps256_connect_with_the_key_on_the_token() {
    let (env, hsm) = token_env();
    let rs = test(&env, &hsm, URI, &["--pkcs11-module", MODULE], PIN);
    assert_eq!(rs.status.code(), Some(0), "{}", both(&rs));
    assert!(stdout(&rs).contains("Connected"), "{}", both(&rs));
    let ps = test(
        &env,
        &hsm,
        URI,
        &["--pkcs11-module", MODULE, "--alg", "PS256", "--json"],
        PIN,
    );
    assert_eq!(ps.status.code(), Some(0), "{}", both(&ps));
    assert_eq!(json_stdout(&ps)["ok"], true, "{}", both(&ps));
    // Two tokens issued: each assertion verified by the sandbox against the registered certificate.
    assert_eq!(env.token_requests(), 2);
}

#[test]
fn a_wrong_pin_exits_2_without_a_request_and_the_right_one_works_after() {
    let (env, hsm) = token_env();
    let wrong = test(&env, &hsm, URI, &["--pkcs11-module", MODULE], "86420975");
    assert_eq!(wrong.status.code(), Some(2), "{}", both(&wrong));
    let text = both(&wrong);
    assert!(
        text.contains("PIN for token \"app-token\" is wrong"),
        "{text}"
    );
    // SoftHSM raises CKF_USER_PIN_COUNT_LOW after a wrong PIN; the message passes it on.
    assert!(text.contains("few tries left"), "{text}");
    assert!(!text.contains("86420975"), "{text}");
    assert_eq!(env.token_requests(), 0, "nothing left the machine");
    let right = test(&env, &hsm, URI, &["--pkcs11-module", MODULE], PIN);
    assert_eq!(right.status.code(), Some(0), "{}", both(&right));
}

#[test]
fn an_unknown_object_exits_2_and_says_what_the_token_holds() {
    let (env, hsm) = token_env();
    let output = test(
        &env,
        &hsm,
        "pkcs11:token=app-token;object=missing",
        &["--pkcs11-module", MODULE],
        PIN,
    );
    assert_eq!(output.status.code(), Some(2), "{}", both(&output));
    let text = both(&output);
    assert!(text.contains("object=missing"), "{text}");
    assert!(text.contains("private key \"app-key\" (id 01)"), "{text}");
    assert_eq!(env.token_requests(), 0);
}

#[test]
fn a_module_path_that_is_not_a_module_exits_2_naming_it() {
    let (env, hsm) = token_env();
    let fake = env.ws.write("not-a-module.so", b"\x7fELF but not really");
    let output = test(&env, &hsm, URI, &["--pkcs11-module", s(&fake)], PIN);
    assert_eq!(output.status.code(), Some(2), "{}", both(&output));
    assert!(both(&output).contains(s(&fake)), "{}", both(&output));
    let list = run(
        &env,
        &hsm,
        &["cert", "list", "--pkcs11-module", s(&fake), "--json"],
        PIN,
    );
    assert_eq!(list.status.code(), Some(2), "{}", both(&list));
    assert_eq!(
        json_stdout(&list)["error"]["code"],
        "pkcs11_module_not_loadable"
    );
}

#[test]
fn cert_list_prints_uris_that_connect_as_printed() {
    let (env, hsm) = token_env();
    let list = cert_list(&env, &hsm, &["--json"]);
    assert_eq!(list.status.code(), Some(0), "{}", both(&list));
    let json = json_stdout(&list);
    let tokens = json["tokens"].as_array().unwrap();
    assert_eq!(tokens.len(), 1, "{json}");
    let certificate = &tokens[0]["certificates"][0];
    assert_eq!(certificate["label"], "app-key");
    assert_eq!(certificate["id"], "01");
    assert_eq!(certificate["key_type"], "RSA");
    assert_eq!(certificate["key_bits"], 2048);
    assert_eq!(
        certificate["algorithms"],
        serde_json::json!(["RS256", "PS256"])
    );
    assert_eq!(certificate["subject"], "CN=Connector");
    let sha1 = env.ws.openssl_sha1(&env.ws.path("app.pem"));
    assert_eq!(certificate["thumbprint_sha1"].as_str().unwrap(), sha1);
    let uri = certificate["uri"].as_str().unwrap();
    // As printed: no --pkcs11-module, the URI carries it.
    let output = test(&env, &hsm, uri, &[], PIN);
    assert_eq!(output.status.code(), Some(0), "{uri}\n{}", both(&output));
    // The text listing shows the same URI.
    let text = cert_list(&env, &hsm, &[]);
    assert!(stdout(&text).contains(uri), "{}", both(&text));
}

#[test]
fn cert_inspect_takes_a_uri_with_the_keys_it_has_for_a_file() {
    let (env, hsm) = token_env();
    let uri = format!("{URI}?module-path={MODULE}");
    let output = inspect(&env, &hsm, &uri, PIN);
    assert_eq!(output.status.code(), Some(0), "{}", both(&output));
    let json = json_stdout(&output);
    for key in [
        "thumbprint_sha1",
        "thumbprint_sha256",
        "subject",
        "not_after",
        "findings",
    ] {
        assert!(json.get(key).is_some(), "{key} missing: {json}");
    }
    assert_eq!(json["subject"], "CN=Connector");
    let wrong = inspect(&env, &hsm, &uri, "123");
    assert_eq!(wrong.status.code(), Some(2), "{}", both(&wrong));
}

/// A profile for the sandbox that signs with the token key; its PIN is asked for.
fn token_draft(env: &Env, name: &str, module: &str) -> certconnect::core::draft::ProfileDraft {
    use certconnect::core::draft::CertKind;
    use certconnect::core::profile::PasswordSource;
    let mut draft = env.draft();
    draft.name = name.into();
    draft.cert_kind = CertKind::Pkcs11;
    draft.pkcs11.uri = URI.into();
    draft.pkcs11.module = module.into();
    draft.password = PasswordSource::Ask;
    draft
}

fn save(env: &Env, draft: &certconnect::core::draft::ProfileDraft) {
    env.ws
        .profile_store()
        .save(&draft.parse().unwrap())
        .unwrap();
}

/// Saves [`token_draft`].
fn save_token_profile(env: &Env, name: &str, module: &str) {
    save(env, &token_draft(env, name, module));
}

#[test]
fn test_all_reports_a_token_profile_without_its_pin_as_needing_it() {
    let (env, hsm) = token_env();
    save_token_profile(&env, "token", MODULE);
    let output = run(&env, &hsm, &["test", "--all", "--json"], PIN);
    assert_eq!(output.status.code(), Some(1), "{}", both(&output));
    let report = json_stdout(&output);
    let result = &report["results"][0];
    assert_eq!(result["code"], "password_required", "{report}");
    assert!(
        result["message"]
            .as_str()
            .unwrap()
            .contains("needs its PIN"),
        "{report}"
    );
    assert_eq!(env.token_requests(), 0);
    // Given for the run, the PIN opens the token and the profile connects.
    let output = test_saved(&env, &hsm, None, PIN);
    assert_eq!(output.status.code(), Some(0), "{}", both(&output));
    // A wrong PIN for three profiles on one token is tried once, not three times.
    save_token_profile(&env, "token 2", MODULE);
    save_token_profile(&env, "token 3", MODULE);
    let output = test_saved(&env, &hsm, None, "86420975");
    assert_eq!(output.status.code(), Some(1), "{}", both(&output));
    let messages: Vec<String> = json_stdout(&output)["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["message"].as_str().unwrap().to_owned())
        .collect();
    let tried = messages.iter().filter(|m| m.contains("is wrong")).count();
    let not_tried = messages
        .iter()
        .filter(|m| m.contains("not tried again"))
        .count();
    assert_eq!((tried, not_tried), (1, 2), "{messages:?}");
}

#[test]
fn an_export_carries_the_uri_and_module_never_the_pin_and_an_import_must_be_confirmed() {
    let (env, hsm) = token_env();
    save_token_profile(&env, "token", MODULE);
    // A run with the PIN writes nothing of it anywhere.
    let ok = test_saved(&env, &hsm, Some("token"), PIN);
    assert_eq!(ok.status.code(), Some(0), "{}", both(&ok));
    let out = env.ws.path("shared.ron");
    let export = run(
        &env,
        &hsm,
        &["profile", "export", "token", "--out", s(&out)],
        PIN,
    );
    assert_eq!(export.status.code(), Some(0), "{}", both(&export));
    let exported = std::fs::read_to_string(&out).unwrap();
    assert!(
        exported.contains("pkcs11:token=app-token;object=app-key"),
        "{exported}"
    );
    assert!(exported.contains(MODULE), "{exported}");
    for entry in walk(env.ws.dir()) {
        if let Ok(text) = std::fs::read(&entry) {
            assert!(
                !String::from_utf8_lossy(&text).contains(PIN),
                "the PIN is in {}",
                entry.display()
            );
        }
    }
    // Imported, the profile names a module: native code its author chose, so it waits for
    // confirmation (exit 2) and says which module.
    let import = run(&env, &hsm, &["profile", "import", s(&out)], PIN);
    assert_eq!(import.status.code(), Some(0), "{}", both(&import));
    let unconfirmed = test_saved(&env, &hsm, Some("token (imported)"), PIN);
    assert_eq!(unconfirmed.status.code(), Some(2), "{}", both(&unconfirmed));
    assert!(
        both(&unconfirmed).contains("loads the PKCS#11 module"),
        "{}",
        both(&unconfirmed)
    );
    assert_eq!(env.token_requests(), 1);
}

/// Every file under `dir` (token files included: SoftHSM keeps no PIN in them, only its hash).
fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}

#[test]
fn rotation_makes_the_new_key_on_the_token_and_switches_the_profile_to_it() {
    use crate::support::probe_env::OBJECT_ID;
    let (env, hsm) = token_env();
    let mut draft = token_draft(&env, "token", MODULE);
    draft.object_id = OBJECT_ID.into();
    save(&env, &draft);
    let files_before = walk(env.ws.dir()).len();
    let output = run(
        &env,
        &hsm,
        &[
            "cert",
            "rotate",
            "token",
            "--pin-env",
            "TOKEN_PIN",
            "--json",
        ],
        PIN,
    );
    assert_eq!(output.status.code(), Some(0), "{}", both(&output));
    let answer = json_stdout(&output);
    let rotation = &answer["rotation"];
    let new_uri = rotation["new_token_key"].as_str().unwrap().to_owned();
    assert!(rotation.get("new_pfx").is_none(), "{answer}");
    assert_eq!(rotation["switched"], true, "{answer}");
    // Two keys registered on the app: the old one and the new one, uploaded with a proof signed
    // on the token.
    assert_eq!(env.sandbox.key_credentials(OBJECT_ID).len(), 2);
    // The profile names the new key, and connects with it.
    let profile = env.ws.profile_store().get("token").unwrap().profile;
    let certconnect::core::profile::CertificateSource::Pkcs11 { uri, .. } = profile.certificate()
    else {
        panic!("{profile:?}")
    };
    assert_eq!(*uri, new_uri);
    assert_ne!(uri, URI);
    let test = test_saved(&env, &hsm, Some("token"), PIN);
    assert_eq!(test.status.code(), Some(0), "{}", both(&test));
    // The new private key exists only on the token: made there, never extractable; no key file
    // was written (the token files and the profile's own write aside, nothing new).
    let objects = hsm.objects(&env.ws, "app-token");
    assert!(
        objects.contains("Access:     sensitive, always sensitive, never extractable, local"),
        "{objects}"
    );
    let new_files: Vec<_> = walk(env.ws.dir())
        .into_iter()
        .filter(|p| {
            let name = p.to_string_lossy();
            name.ends_with(".pfx") || name.ends_with(".cer") || name.ends_with(".key")
        })
        .collect();
    assert!(new_files.is_empty(), "{new_files:?}");
    assert!(walk(env.ws.dir()).len() >= files_before);
}
