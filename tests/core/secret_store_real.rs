//! The real OS credential store (a Secret Service: GNOME Keyring in a private D-Bus session, set up
//! by scripts/test.sh). Ignored by a plain `cargo test`; run with
//! `dbus-run-session -- scripts/with-keyring.sh cargo test --test secret_store_real -- --ignored`.

use crate::support;

use certconnect::core::draft::CertKind;
use certconnect::credential_store::open_os_backend;
use support::probe_env::{Env, PASSWORD};
use support::{all_files, certconnect, s, stderr, stdout};

#[test]
#[ignore = "needs a Secret Service: run through scripts/test.sh"]
fn the_os_store_is_the_secret_service_and_round_trips() {
    let store = open_os_backend().expect("a credential store");
    assert_eq!(store.name(), "Secret Service");
    let entry = format!("test/{}", uuid::Uuid::new_v4());
    assert_eq!(store.get(&entry).unwrap(), None);
    store.set(&entry, b"first").unwrap();
    store.set(&entry, &[7u8; 6000]).unwrap();
    assert_eq!(store.get(&entry).unwrap().unwrap(), vec![7u8; 6000]);
    store.delete(&entry).unwrap();
    assert_eq!(store.get(&entry).unwrap(), None);
    store.delete(&entry).unwrap();
}

/// Neither the PFX password nor the key appears in a file under `config`, `data` or the export,
/// nor in any of `outputs`; no output holds a token.
fn assert_secrets_nowhere(env: &Env, data: &std::path::Path, outputs: &[std::process::Output]) {
    let password = certconnect::secret::Secret::new(PASSWORD);
    let credential = certconnect::cert::load_file(
        &env.pfx,
        certconnect::cert::LoadOptions {
            key_path: None,
            password: Some(&password),
            alias: None,
        },
    )
    .unwrap();
    let key = credential.private_key.unwrap();
    let pkcs8 = key.private_key_to_pkcs8().unwrap();
    use base64::Engine as _;
    let key_b64 = base64::engine::general_purpose::STANDARD.encode(&pkcs8[..60]);
    let key_pem_line = String::from_utf8(key.private_key_to_pem_pkcs8().unwrap())
        .unwrap()
        .lines()
        .nth(1)
        .unwrap()
        .to_owned();
    let written: Vec<_> = [
        env.ws.path("config"),
        data.to_path_buf(),
        env.ws
            .path("export.ron")
            .parent()
            .unwrap()
            .join("export.ron"),
    ]
    .iter()
    .flat_map(|p| {
        if p.is_dir() {
            all_files(p)
        } else {
            vec![(p.clone(), std::fs::read(p).unwrap())]
        }
    })
    .collect();
    assert!(
        written.len() >= 4,
        "{:?}",
        written.iter().map(|(p, _)| p).collect::<Vec<_>>()
    );
    for (path, bytes) in &written {
        let text = String::from_utf8_lossy(bytes);
        for secret in [PASSWORD, key_b64.as_str(), key_pem_line.as_str()] {
            assert!(
                !text.contains(secret),
                "{} contains a secret",
                path.display()
            );
        }
    }
    for output in outputs {
        let text = format!("{}{}", stdout(output), stderr(output));
        for secret in [PASSWORD, key_b64.as_str(), key_pem_line.as_str()] {
            assert!(
                !text.contains(secret),
                "an output contains a secret:\n{text}"
            );
        }
        support::leaks::assert_no_jwt(&text, "an output");
    }
}

/// Runs the binary with the test's data directory and these extra variables.
type Run<'a> = dyn Fn(&[&str], &[(&str, &str)]) -> std::process::Output + 'a;

/// A bundle moves a connection with its certificate to another machine (another config dir
/// here); a wrong passphrase is refused; no output holds the password, the passphrase or a token.
fn bundle_moves_the_connection(env: &Env, run: &Run<'_>) {
    let phrase = [("PHRASE", "a long bundle passphrase")];
    let bundled = run(
        &[
            "profile",
            "export",
            "Remembered",
            "--out",
            "bundle.ron",
            "--with-certificate",
            "--passphrase-env",
            "PHRASE",
        ],
        &phrase,
    );
    assert_eq!(bundled.status.code(), Some(0), "{}", stderr(&bundled));
    let other = env.ws.path("other-config");
    let other_env = [
        ("PHRASE", "a long bundle passphrase"),
        ("CERTCONNECT_CONFIG_DIR", s(&other)),
    ];
    let wrong = run(
        &[
            "profile",
            "import",
            "bundle.ron",
            "--passphrase-env",
            "WRONG",
        ],
        &[
            ("WRONG", "not the passphrase"),
            ("CERTCONNECT_CONFIG_DIR", s(&other)),
        ],
    );
    assert_eq!(wrong.status.code(), Some(2));
    let moved = run(
        &[
            "profile",
            "import",
            "bundle.ron",
            "--passphrase-env",
            "PHRASE",
        ],
        &other_env,
    );
    assert_eq!(moved.status.code(), Some(0), "{}", stderr(&moved));
    let tested_there = run(&["test", "Remembered"], &other_env);
    assert_eq!(
        tested_there.status.code(),
        Some(0),
        "{}",
        stdout(&tested_there)
    );
    let bundle_text = std::fs::read_to_string(env.ws.path("bundle.ron")).unwrap();
    assert!(!bundle_text.contains(PASSWORD));
    for output in [&bundled, &wrong, &moved, &tested_there] {
        let text = format!("{}{}", stdout(output), stderr(output));
        assert!(
            !text.contains(PASSWORD) && !text.contains("a long bundle passphrase"),
            "{text}"
        );
        support::leaks::assert_no_jwt(&text, "an output");
    }
}

/// A new certificate can go straight into the store, and be shown and removed there.
fn new_certificate_goes_into_the_store(run: &Run<'_>) {
    let new_name = format!("new-{}", &uuid::Uuid::new_v4().to_string()[..8]);
    let made = run(
        &[
            "cert",
            "new",
            "--subject",
            "CN=Straight to the store",
            "--out-pfx",
            "new.pfx",
            "--out-cer",
            "new.cer",
            "--password-env",
            "P",
            "--store-as",
            &new_name,
        ],
        &[("P", PASSWORD)],
    );
    assert_eq!(made.status.code(), Some(0), "{}", stderr(&made));
    let shown = run(&["store", "inspect", &new_name], &[]);
    assert!(
        stdout(&shown).contains("CN=Straight to the store"),
        "{}",
        stdout(&shown)
    );
    assert_eq!(
        run(&["store", "remove", &new_name], &[]).status.code(),
        Some(0)
    );
}

#[test]
#[ignore = "needs a Secret Service: run through scripts/test.sh"]
fn passwords_and_certificates_live_in_the_store_and_nowhere_else() {
    let env = Env::new();
    let data = env.ws.path("data");
    let data_env = s(&data).to_owned();
    let run = |args: &[&str], extra: &[(&str, &str)]| {
        let mut vars = vec![("CERTCONNECT_DATA_DIR", data_env.as_str())];
        vars.extend_from_slice(extra);
        certconnect(&env.ws, args, &vars, None)
    };
    let mut outputs = Vec::new();

    // A certificate kept in the store, used by a profile without any file.
    let name = format!("sandbox-{}", &uuid::Uuid::new_v4().to_string()[..8]);
    let imported = run(
        &[
            "store",
            "import",
            s(&env.pfx),
            "--name",
            &name,
            "--password-env",
            "P",
        ],
        &[("P", PASSWORD)],
    );
    assert_eq!(imported.status.code(), Some(0), "{}", stderr(&imported));
    assert!(stdout(&imported).contains("Secret Service"));
    let listed = run(&["store", "list", "--json"], &[]);
    assert!(stdout(&listed).contains(&name));
    let profiles = env.ws.profile_store();
    let mut stored_draft = env.draft();
    stored_draft.name = "From the store".into();
    stored_draft.cert_kind = CertKind::CredentialStore;
    stored_draft.store_entry = name.clone();
    profiles.save(&stored_draft.parse().unwrap()).unwrap();
    let tested = run(&["test", "From the store"], &[]);
    assert_eq!(tested.status.code(), Some(0), "{}", stdout(&tested));

    // A remembered password: the first test stores it, the second needs no password flag.
    let mut remembered = env.draft();
    remembered.name = "Remembered".into();
    profiles.save(&remembered.parse().unwrap()).unwrap();
    let first = run(
        &["test", "Remembered", "--password-env", "P", "--remember"],
        &[("P", PASSWORD)],
    );
    assert_eq!(
        first.status.code(),
        Some(0),
        "{}{}",
        stdout(&first),
        stderr(&first)
    );
    let second = run(&["test", "Remembered"], &[]);
    assert_eq!(second.status.code(), Some(0), "{}", stdout(&second));
    let profile_text = std::fs::read_to_string(profiles.get("Remembered").unwrap().path).unwrap();
    assert!(profile_text.contains("CredentialStore"), "{profile_text}");

    // Export the profiles too: exports never carry a secret.
    let exported = run(
        &[
            "profile",
            "export",
            "Remembered",
            "From the store",
            "--out",
            "export.ron",
        ],
        &[],
    );
    assert_eq!(exported.status.code(), Some(0));
    outputs.extend([imported, listed, tested, first, second, exported]);

    // The secrets it used appear in no file it wrote and in no output.
    assert_secrets_nowhere(&env, &data, &outputs);

    bundle_moves_the_connection(&env, &run);
    new_certificate_goes_into_the_store(&run);

    // "From the store" still uses it: refused, naming the profile, until forced.
    let refused = run(&["store", "remove", &name], &[]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        stderr(&refused).contains("'From the store'") && stderr(&refused).contains("--force"),
        "{}",
        stderr(&refused)
    );
    assert!(stdout(&run(&["store", "list"], &[])).contains(&name));
    let removed = run(&["store", "remove", &name, "--force"], &[]);
    assert_eq!(removed.status.code(), Some(0), "{}", stderr(&removed));
    assert!(!stdout(&run(&["store", "list"], &[])).contains(&name));
    let store = open_os_backend().unwrap();
    let remembered_id = profiles.get("Remembered").unwrap().profile.id().to_owned();
    store
        .delete(&certconnect::credential_store::password_entry(
            &remembered_id,
        ))
        .unwrap();
}
