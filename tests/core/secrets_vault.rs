//! Certificates and passwords in the credential store (an in-memory store here; the real OS store is
//! exercised by `secret_store_real.rs`).

use crate::support;

use std::sync::Arc;

use certconnect::cert::{LoadOptions, load_file};
use certconnect::core::draft::CertKind;
use certconnect::core::profile::PasswordSource;
use certconnect::credential_store::{
    CredentialBackend, CredentialVault, CredentialVaultError, MemoryBackend, password_entry,
};
use certconnect::secret::Secret;
use support::probe_env::{Env, PASSWORD};

fn load_pfx(env: &Env) -> certconnect::cert::Credential {
    let password = Secret::new(PASSWORD);
    load_file(
        &env.pfx,
        LoadOptions {
            key_path: None,
            password: Some(&password),
            alias: None,
        },
    )
    .unwrap()
}

#[test]
fn a_stored_certificate_round_trips_and_its_file_holds_no_key() {
    let env = Env::new();
    let store = Arc::new(MemoryBackend::default());
    let vault = CredentialVault::at(env.ws.path("vault"), store.clone());
    let credential = load_pfx(&env);
    let stored = vault.import("Contoso prod", &credential).unwrap();
    assert_eq!(
        stored.thumbprint_sha1,
        env.ws.openssl_sha1(&env.ws.path("app.pem"))
    );
    assert_eq!(vault.list(), std::slice::from_ref(&stored));

    let loaded = vault.load("Contoso prod").unwrap();
    assert_eq!(loaded.key_matches, Some(true));
    assert_eq!(
        loaded.certificate.to_der().unwrap(),
        credential.certificate.to_der().unwrap()
    );

    let key_der = credential
        .private_key
        .as_ref()
        .unwrap()
        .private_key_to_pkcs8()
        .unwrap();
    let files: Vec<_> = std::fs::read_dir(vault.dir())
        .unwrap()
        .filter_map(Result::ok)
        .collect();
    assert_eq!(files.len(), 1);
    let bytes = std::fs::read(files[0].path()).unwrap();
    let text = String::from_utf8_lossy(&bytes);
    use base64::Engine as _;
    assert!(
        !text.contains(&base64::engine::general_purpose::STANDARD.encode(&key_der[..48])),
        "the key is not in the file"
    );
    assert!(!text.contains("PRIVATE KEY") && !text.contains(PASSWORD));
    assert_eq!(
        store
            .get("certificate/Contoso prod")
            .unwrap()
            .unwrap()
            .len(),
        32,
        "a random AES-256 key, far below the 2,560-byte limit"
    );

    let taken = vault.import("Contoso prod", &credential).unwrap_err();
    assert!(
        matches!(&taken, CredentialVaultError::NameTaken(name) if name == "Contoso prod"),
        "{taken:?}"
    );
    assert!(taken.to_string().contains("already"), "{taken}");
    vault.remove("Contoso prod").unwrap();
    assert!(matches!(
        vault.remove("Contoso prod"),
        Err(CredentialVaultError::NotFound(name)) if name == "Contoso prod"
    ));
    assert!(matches!(
        vault.load("Contoso prod"),
        Err(CredentialVaultError::NotFound(_))
    ));
    assert!(vault.list().is_empty());
    assert_eq!(store.get("certificate/Contoso prod").unwrap(), None);
}

#[test]
fn a_tampered_file_or_a_lost_key_is_a_clear_error() {
    let env = Env::new();
    let store = Arc::new(MemoryBackend::default());
    let vault = CredentialVault::at(env.ws.path("vault"), store.clone());
    vault.import("prod", &load_pfx(&env)).unwrap();
    let path = vault.dir().join("prod.ccert");
    let original = std::fs::read_to_string(&path).unwrap();
    let ciphertext_line = original.lines().find(|l| l.contains("ciphertext")).unwrap();
    let flipped = ciphertext_line
        .replacen('A', "B", 1)
        .replacen("\"B", "\"C", 1);
    std::fs::write(&path, original.replace(ciphertext_line, &flipped)).unwrap();
    let tampered = vault.load("prod").unwrap_err();
    assert!(
        matches!(&tampered, CredentialVaultError::Tampered(name) if name == "prod"),
        "{tampered:?}"
    );
    assert!(tampered.to_string().contains("cannot be decrypted"));
    std::fs::write(&path, &original).unwrap();
    store.delete("certificate/prod").unwrap();
    let lost = vault.load("prod").unwrap_err();
    assert!(
        matches!(&lost, CredentialVaultError::KeyMissing { name, store } if name == "prod" && store == "memory"),
        "{lost:?}"
    );
    assert!(lost.to_string().contains("missing"));
    let evil = vault.import("../evil", &load_pfx(&env)).unwrap_err();
    assert!(
        matches!(&evil, CredentialVaultError::InvalidName(_)),
        "{evil:?}"
    );
    assert!(evil.to_string().contains("not a valid name"));
}

#[test]
fn the_probe_uses_a_stored_certificate_and_a_remembered_password() {
    let env = Env::new();
    env.vault.import("sandbox-cert", &load_pfx(&env)).unwrap();
    let mut draft = env.draft();
    draft.cert_kind = CertKind::CredentialStore;
    draft.store_entry = "sandbox-cert".into();
    let (result, _) = env.run_with(draft.parse().unwrap(), None, &Default::default());
    assert!(result.is_ok(), "{:?}", result.err());

    env.vault
        .store()
        .set(&password_entry("test"), PASSWORD.as_bytes())
        .unwrap();
    let mut draft = env.draft();
    draft.password = PasswordSource::CredentialStore {
        entry: password_entry("test"),
    };
    let (result, _) = env.run_with(draft.parse().unwrap(), None, &Default::default());
    assert!(result.is_ok(), "{:?}", result.err());

    draft.password = PasswordSource::CredentialStore {
        entry: password_entry("nobody"),
    };
    let (result, _) = env.run_with(draft.parse().unwrap(), None, &Default::default());
    let error = result.unwrap_err();
    assert_eq!(error.failure.code, "password_not_available");
    assert!(error.input_error);
}

#[test]
fn a_bundle_moves_profiles_with_their_certificates_under_a_passphrase() {
    use certconnect::credential_store::{export_bundle, import_bundle, is_bundle};
    use certconnect::profile_store::ProfileStore;
    let env = Env::new();
    let profile = env.draft().parse().unwrap();
    let credential = load_pfx(&env);
    let out = env.ws.path("bundle.ron");
    let passphrase = Secret::new("correct horse battery staple");
    assert!(
        export_bundle(
            std::slice::from_ref(&profile),
            std::slice::from_ref(&credential),
            &Secret::new("short"),
            &out
        )
        .unwrap_err()
        .to_string()
        .contains("at least")
    );
    assert_eq!(
        export_bundle(
            std::slice::from_ref(&profile),
            std::slice::from_ref(&credential),
            &passphrase,
            &out
        )
        .unwrap(),
        1
    );
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(is_bundle(&text) && !text.contains(PASSWORD) && !text.contains("PRIVATE KEY"));

    // Another machine: its own profiles and credential store.
    let profiles = ProfileStore::at(env.ws.path("other-profiles"));
    let vault = CredentialVault::at(
        env.ws.path("other-vault"),
        Arc::new(MemoryBackend::default()),
    );
    let wrong = import_bundle(&out, &Secret::new("not the passphrase!"), &profiles, &vault)
        .unwrap_err()
        .to_string();
    assert!(wrong.contains("passphrase"), "{wrong}");
    assert!(
        vault.list().is_empty() && profiles.load_all().profiles.is_empty(),
        "a wrong passphrase changes nothing"
    );

    let imported = import_bundle(&out, &passphrase, &profiles, &vault).unwrap();
    assert_eq!(imported[0].saved_as, "test");
    let moved = profiles.get("test").unwrap().profile;
    let certconnect::core::profile::CertificateSource::CredentialStore { entry } =
        moved.certificate()
    else {
        panic!("{:?}", moved.certificate())
    };
    let loaded = vault.load(entry).unwrap();
    assert_eq!(
        loaded.certificate.to_der().unwrap(),
        credential.certificate.to_der().unwrap()
    );
    assert_eq!(loaded.key_matches, Some(true));
    // The moved profile connects with no file and no password, from the new machine's store.
    let job = certconnect::probe::ProbeJob {
        profile: moved,
        password: None,
        token_only: true,
        timing: Default::default(),
        vault: Some(Arc::new(vault)),
        clients: None,
        profiles: None,
    };
    let connected = env.rt.block_on(certconnect::probe::run(
        job,
        &mut |_| {},
        &Default::default(),
    ));
    assert!(connected.is_ok(), "{:?}", connected.err());

    let plain = env.ws.path("plain.ron");
    certconnect::profile_store::export_profiles(&profiles, &["test".into()], &plain).unwrap();
    assert!(!is_bundle(&std::fs::read_to_string(&plain).unwrap()));
}
