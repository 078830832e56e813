//! Bundles: shared certificates travel once and import once, every profile is checked before
//! anything changes, new bundles use PBKDF2 at 600,000 iterations and old ones (2,048) still import.

use std::path::Path;
use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use certconnect::cert::generate::{KeyPair, self_signed, to_pfx};
use certconnect::cert::{Credential, FileFormat};
use certconnect::core::draft::ProfileDraft;
use certconnect::core::profile::{CertificateSource, Origin, Profile};
use certconnect::credential_store::{
    CredentialVault, MemoryBackend, PBKDF2_ITERATIONS, export_bundle, import_bundle,
};
use certconnect::profile_store::ProfileStore;
use certconnect::secret::Secret;

const PASSPHRASE: &str = "correct horse battery staple";

fn profile(name: &str, client_id: &str, entry: &str) -> Profile {
    let mut draft = ProfileDraft {
        name: name.into(),
        tenant: "contoso.onmicrosoft.com".into(),
        client_id: client_id.into(),
        pfx_path: "private_key.pfx".into(),
        ..ProfileDraft::default()
    };
    draft.refresh_token_url();
    draft
        .parse()
        .unwrap()
        .with_certificate(CertificateSource::CredentialStore {
            entry: entry.into(),
        })
        .unwrap()
}

fn credential(pair: &KeyPair) -> Credential {
    Credential {
        certificate: pair.certificate.clone(),
        private_key: Some(pair.key.clone()),
        chain: Vec::new(),
        key_matches: Some(true),
        format: FileFormat::Pkcs12,
        in_place_key: None,
    }
}

fn machine(dir: &Path, name: &str) -> (ProfileStore, CredentialVault) {
    (
        ProfileStore::at(dir.join(format!("{name}-profiles"))),
        CredentialVault::at(
            dir.join(format!("{name}-vault")),
            Arc::new(MemoryBackend::default()),
        ),
    )
}

/// The base64 PKCS#12 blobs of a bundle, in order.
fn pfx_blobs(text: &str) -> Vec<String> {
    text.split("pfx: \"")
        .skip(1)
        .map(|rest| rest.split('"').next().unwrap().to_owned())
        .collect()
}

// Row 16: two profiles sharing one stored certificate.
#[test]
fn profiles_sharing_a_certificate_export_it_once_and_import_whole() {
    let dir = tempfile::tempdir().unwrap();
    let pair = self_signed("Shared", 2048, 30).unwrap();
    let profiles = [
        profile("Prod", "8a2f6a6b-0c1d-4e5f-9a8b-7c6d5e4f3a2b", "shared"),
        profile("Test", "8a2f6a6b-0c1d-4e5f-9a8b-7c6d5e4f3a2c", "shared"),
    ];
    let out = dir.path().join("bundle.ron");
    let passphrase = Secret::new(PASSPHRASE);
    export_bundle(
        &profiles,
        &[credential(&pair), credential(&pair)],
        &passphrase,
        &out,
    )
    .unwrap();
    let text = std::fs::read_to_string(&out).unwrap();
    assert_eq!(pfx_blobs(&text).len(), 1, "one certificate, carried once");

    let (store, vault) = machine(dir.path(), "other");
    let imported = import_bundle(&out, &passphrase, &store, &vault).unwrap();
    assert_eq!(imported.len(), 2);
    assert_eq!(vault.list().len(), 1);
    for name in ["Prod", "Test"] {
        let saved = store.get(name).unwrap().profile;
        assert_eq!(
            *saved.certificate(),
            CertificateSource::CredentialStore {
                entry: "shared".into()
            }
        );
        assert_eq!(
            *saved.origin(),
            Origin::Imported {
                brought_entries: vec!["shared".into()]
            }
        );
    }
    // Imported again: a second copy of the certificate under a free name, profiles renamed.
    import_bundle(&out, &passphrase, &store, &vault).unwrap();
    assert_eq!(vault.list().len(), 2);
    let again = store.get("Prod (imported)").unwrap().profile;
    assert_eq!(
        *again.origin(),
        Origin::Imported {
            brought_entries: vec!["shared-2".into()]
        }
    );
    assert_eq!(
        store.get("Test (imported)").unwrap().profile.certificate(),
        again.certificate()
    );
}

// Row 16: every profile is checked before anything changes.
#[test]
fn a_bundle_with_an_invalid_profile_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let one = self_signed("One", 2048, 30).unwrap();
    let two = self_signed("Two", 2048, 30).unwrap();
    let out = dir.path().join("bundle.ron");
    let passphrase = Secret::new(PASSPHRASE);
    export_bundle(
        &[
            profile("Good", "8a2f6a6b-0c1d-4e5f-9a8b-7c6d5e4f3a2b", "one"),
            profile("Bad", "11111111-0c1d-4e5f-9a8b-7c6d5e4f3a2b", "two"),
        ],
        &[credential(&one), credential(&two)],
        &passphrase,
        &out,
    )
    .unwrap();
    let text = std::fs::read_to_string(&out).unwrap();
    std::fs::write(
        &out,
        text.replace("11111111-0c1d-4e5f-9a8b-7c6d5e4f3a2b", "not a client id"),
    )
    .unwrap();
    let (store, vault) = machine(dir.path(), "other");
    let error = import_bundle(&out, &passphrase, &store, &vault)
        .unwrap_err()
        .to_string();
    assert!(error.contains("Bad"), "{error}");
    assert!(vault.list().is_empty(), "no certificate was stored");
    assert!(store.load_all().profiles.is_empty(), "no profile was saved");
}

// Point 6: new bundles use PBKDF2 with 600,000 iterations; bundles made with 2,048 still import.
#[test]
fn new_bundles_use_600000_iterations_and_old_ones_still_import() {
    assert_eq!(PBKDF2_ITERATIONS, 600_000);
    let dir = tempfile::tempdir().unwrap();
    let pair = self_signed("Iter", 2048, 30).unwrap();
    let out = dir.path().join("bundle.ron");
    let passphrase = Secret::new(PASSPHRASE);
    export_bundle(
        &[profile(
            "Iter",
            "8a2f6a6b-0c1d-4e5f-9a8b-7c6d5e4f3a2b",
            "iter",
        )],
        &[credential(&pair)],
        &passphrase,
        &out,
    )
    .unwrap();
    let text = std::fs::read_to_string(&out).unwrap();
    let blob = pfx_blobs(&text).remove(0);
    let pfx = dir.path().join("iter.pfx");
    std::fs::write(&pfx, STANDARD.decode(&blob).unwrap()).unwrap();
    let info = std::process::Command::new("openssl")
        .args(["pkcs12", "-info", "-noout", "-in"])
        .arg(&pfx)
        .args(["-passin", &format!("pass:{PASSPHRASE}")])
        .output()
        .unwrap();
    let info = format!(
        "{}{}",
        String::from_utf8_lossy(&info.stdout),
        String::from_utf8_lossy(&info.stderr)
    );
    assert!(info.contains("MAC: sha256, Iteration 600000"), "{info}");
    assert!(
        info.contains("PBKDF2") && info.contains("Iteration 600000"),
        "{info}"
    );
    assert!(!info.contains("Iteration 2048"), "{info}");

    // A bundle written before: the same file with a default (2,048-iteration) PKCS#12.
    let old = to_pfx(&pair, PASSPHRASE, "iter").unwrap();
    let old_bundle = dir.path().join("old.ron");
    std::fs::write(&old_bundle, text.replace(&blob, &STANDARD.encode(old))).unwrap();
    let (store, vault) = machine(dir.path(), "other");
    let imported = import_bundle(&old_bundle, &passphrase, &store, &vault).unwrap();
    assert_eq!(imported.len(), 1);
    assert_eq!(
        vault.load("iter").unwrap().certificate.to_der().unwrap(),
        pair.certificate.to_der().unwrap()
    );
}

// Point 6: a bundle holds keys; it is created owner-only.
#[test]
fn bundles_are_created_owner_only() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = tempfile::tempdir().unwrap();
    let pair = self_signed("Mode", 2048, 30).unwrap();
    let out = dir.path().join("bundle.ron");
    export_bundle(
        &[profile(
            "Mode",
            "8a2f6a6b-0c1d-4e5f-9a8b-7c6d5e4f3a2b",
            "mode",
        )],
        &[credential(&pair)],
        &Secret::new(PASSPHRASE),
        &out,
    )
    .unwrap();
    let mode = std::fs::metadata(&out).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600, "{mode:o}");
}
