//! The shared profile-secret use cases (`certconnect::ops`): remembered passwords keyed by profile
//! id, forgetting and deleting without touching another profile's entry, and stored certificates
//! that are in use. The credential store is in memory; profiles, certificates and the test
//! connection (against the local sandbox) are real.

use crate::support;

use std::sync::Arc;

use certconnect::cert::{LoadOptions, load_file};
use certconnect::core::draft::CertKind;
use certconnect::core::profile::{PasswordSource, Profile};
use certconnect::credential_store::{
    CredentialBackend, CredentialVault, MemoryBackend, password_entry,
};
use certconnect::ops::{
    delete_profile, forget_password, profiles_using_certificate, remember_password,
    remove_stored_certificate,
};
use certconnect::profile_store::ProfileStore;
use certconnect::secret::Secret;
use support::probe_env::{Env, PASSWORD};

/// A sandbox with a PFX, a profile directory in its workspace, and the in-memory store of its vault.
struct Setup {
    env: Env,
    profiles: ProfileStore,
}

impl Setup {
    fn new() -> Self {
        let env = Env::new();
        let profiles = ProfileStore::at(env.ws.path("profiles"));
        Self { env, profiles }
    }

    fn secrets(&self) -> &dyn CredentialBackend {
        self.env.vault.store().as_ref()
    }

    /// Saves a profile for the sandbox's PFX under `name` with this password source.
    fn save(&self, name: &str, password: PasswordSource) -> Profile {
        let mut draft = self.env.draft();
        draft.name = name.into();
        draft.password = password;
        self.profiles.save(&draft.parse().unwrap()).unwrap()
    }

    fn entry(&self, entry: &str) -> Option<String> {
        self.secrets()
            .get(entry)
            .unwrap()
            .map(|bytes| String::from_utf8(bytes).unwrap())
    }

    /// Whether a test connection with the saved profile succeeds without being given a password.
    fn connects_without_a_password(&self, id: &str) -> Result<(), String> {
        let profile = self.profiles.get_by_id(id).unwrap().profile;
        let (result, _) =
            self.env
                .run_with(profile, None, &tokio_util::sync::CancellationToken::new());
        result.map(drop).map_err(|e| e.failure.code)
    }
}

fn entry_of(profile: &Profile) -> &str {
    match profile.certificate().password() {
        PasswordSource::CredentialStore { entry } => entry,
        other => panic!("the profile remembers no password: {other:?}"),
    }
}

#[test]
fn remember_keeps_the_password_under_the_profile_id_and_the_profile_names_it() {
    let setup = Setup::new();
    let prod = setup.save("Prod", PasswordSource::Ask);
    assert!(
        setup.connects_without_a_password(prod.id()).is_err(),
        "without a remembered password the test needs one"
    );

    let saved = remember_password(
        &setup.profiles,
        setup.secrets(),
        prod.id(),
        &Secret::new(PASSWORD),
    )
    .unwrap();
    let expected = format!("pfx-password/{}", prod.id());
    assert_eq!(password_entry(prod.id()), expected);
    assert_eq!(entry_of(&saved), expected);
    assert_eq!(saved, setup.profiles.get_by_id(prod.id()).unwrap().profile);
    assert_eq!(setup.entry(&expected).as_deref(), Some(PASSWORD));
    setup.connects_without_a_password(prod.id()).unwrap();
    let file = std::fs::read_to_string(setup.profiles.get("Prod").unwrap().path).unwrap();
    assert!(!file.contains(PASSWORD), "the file names the entry only");
}

#[test]
fn a_new_profile_reusing_a_name_never_takes_over_another_profiles_password() {
    let setup = Setup::new();
    let a = setup.save("Prod", PasswordSource::Ask);
    remember_password(
        &setup.profiles,
        setup.secrets(),
        a.id(),
        &Secret::new(PASSWORD),
    )
    .unwrap();
    // The admin renames it and makes a new "Prod" whose PFX has another password. With entries
    // keyed by name, remembering B's password overwrote A's entry and broke A.
    setup.profiles.rename("Prod", "Prod (old)").unwrap();
    let b = setup.save("Prod", PasswordSource::Ask);
    assert_ne!(a.id(), b.id());
    let b = remember_password(
        &setup.profiles,
        setup.secrets(),
        b.id(),
        &Secret::new("B's other password"),
    )
    .unwrap();

    let a = setup.profiles.get_by_id(a.id()).unwrap().profile;
    assert_ne!(
        entry_of(&a),
        entry_of(&b),
        "two profiles never share an entry"
    );
    assert_eq!(setup.entry(entry_of(&a)).as_deref(), Some(PASSWORD));
    assert_eq!(
        setup.entry(entry_of(&b)).as_deref(),
        Some("B's other password")
    );
    setup.connects_without_a_password(a.id()).unwrap();
}

#[test]
fn a_renamed_profile_keeps_its_remembered_password() {
    let setup = Setup::new();
    let prod = setup.save("Prod", PasswordSource::Ask);
    remember_password(
        &setup.profiles,
        setup.secrets(),
        prod.id(),
        &Secret::new(PASSWORD),
    )
    .unwrap();
    setup.profiles.rename("Prod", "Production").unwrap();
    let renamed = setup.profiles.get("Production").unwrap().profile;
    assert_eq!(renamed.id(), prod.id());
    assert_eq!(entry_of(&renamed), password_entry(prod.id()));
    setup.connects_without_a_password(prod.id()).unwrap();
}

#[test]
fn remember_moves_a_name_keyed_entry_to_the_id_and_deletes_it_only_when_unused() {
    let setup = Setup::new();
    let legacy = || PasswordSource::CredentialStore {
        entry: "pfx-password/Prod".into(),
    };
    setup
        .secrets()
        .set("pfx-password/Prod", PASSWORD.as_bytes())
        .unwrap();
    let prod = setup.save("Prod", legacy());
    let copy = setup.save("Prod copy", legacy());
    // A profile written before ids existed still works: its file names the entry.
    setup.connects_without_a_password(prod.id()).unwrap();

    remember_password(
        &setup.profiles,
        setup.secrets(),
        prod.id(),
        &Secret::new(PASSWORD),
    )
    .unwrap();
    assert_eq!(
        setup.entry("pfx-password/Prod").as_deref(),
        Some(PASSWORD),
        "'Prod copy' still names the old entry"
    );
    remember_password(
        &setup.profiles,
        setup.secrets(),
        copy.id(),
        &Secret::new(PASSWORD),
    )
    .unwrap();
    assert_eq!(
        setup.entry("pfx-password/Prod"),
        None,
        "no profile names it any more"
    );
    setup.connects_without_a_password(prod.id()).unwrap();
    setup.connects_without_a_password(copy.id()).unwrap();
}

#[test]
fn forget_keeps_an_entry_that_another_profile_still_names() {
    let setup = Setup::new();
    let shared = || PasswordSource::CredentialStore {
        entry: "pfx-password/Shared".into(),
    };
    setup
        .secrets()
        .set("pfx-password/Shared", PASSWORD.as_bytes())
        .unwrap();
    let a = setup.save("A", shared());
    let b = setup.save("B", shared());

    let forgotten = forget_password(&setup.profiles, setup.secrets(), a.id()).unwrap();
    assert_eq!(forgotten.certificate().password(), &PasswordSource::Ask);
    assert_eq!(
        setup
            .profiles
            .get_by_id(a.id())
            .unwrap()
            .profile
            .certificate()
            .password(),
        &PasswordSource::Ask
    );
    assert_eq!(
        setup.entry("pfx-password/Shared").as_deref(),
        Some(PASSWORD)
    );
    setup.connects_without_a_password(b.id()).unwrap();

    forget_password(&setup.profiles, setup.secrets(), b.id()).unwrap();
    assert_eq!(
        setup.entry("pfx-password/Shared"),
        None,
        "the last user forgot it"
    );
}

#[test]
fn deleting_a_profile_deletes_its_remembered_password_but_not_its_stored_certificate() {
    let setup = Setup::new();
    let prod = setup.save("Prod", PasswordSource::Ask);
    let test = setup.save("Test", PasswordSource::Ask);
    remember_password(
        &setup.profiles,
        setup.secrets(),
        prod.id(),
        &Secret::new(PASSWORD),
    )
    .unwrap();
    remember_password(
        &setup.profiles,
        setup.secrets(),
        test.id(),
        &Secret::new(PASSWORD),
    )
    .unwrap();

    delete_profile(&setup.profiles, Some(setup.secrets()), prod.id()).unwrap();
    assert!(setup.profiles.get("Prod").is_err());
    assert_eq!(setup.entry(&password_entry(prod.id())), None);
    assert_eq!(
        setup.entry(&password_entry(test.id())).as_deref(),
        Some(PASSWORD),
        "another profile's password stays"
    );
    assert!(delete_profile(&setup.profiles, Some(setup.secrets()), prod.id()).is_err());

    // A profile using a stored certificate: the certificate stays for other profiles.
    setup
        .env
        .vault
        .import("prod-cert", &load_pfx(&setup.env))
        .unwrap();
    let mut draft = setup.env.draft();
    draft.name = "Stored".into();
    draft.cert_kind = CertKind::CredentialStore;
    draft.store_entry = "prod-cert".into();
    let stored = setup.profiles.save(&draft.parse().unwrap()).unwrap();
    delete_profile(&setup.profiles, Some(setup.secrets()), stored.id()).unwrap();
    assert_eq!(setup.env.vault.list().len(), 1);
    setup.env.vault.load("prod-cert").unwrap();
}

#[test]
fn remember_needs_a_saved_profile_whose_certificate_takes_a_password() {
    let setup = Setup::new();
    let unsaved = remember_password(
        &setup.profiles,
        setup.secrets(),
        "not-saved",
        &Secret::new(PASSWORD),
    );
    assert!(unsaved.is_err());
    setup
        .env
        .vault
        .import("prod-cert", &load_pfx(&setup.env))
        .unwrap();
    let mut draft = setup.env.draft();
    draft.cert_kind = CertKind::CredentialStore;
    draft.store_entry = "prod-cert".into();
    let stored = setup.profiles.save(&draft.parse().unwrap()).unwrap();
    let error = remember_password(
        &setup.profiles,
        setup.secrets(),
        stored.id(),
        &Secret::new(PASSWORD),
    )
    .unwrap_err()
    .to_string();
    assert!(error.contains("needs no password"), "{error}");
    assert_eq!(
        setup.entry(&password_entry(stored.id())),
        None,
        "nothing written"
    );
}

#[test]
fn a_stored_certificate_in_use_is_only_removed_when_forced() {
    let setup = Setup::new();
    let vault = CredentialVault::at(
        setup.env.ws.path("vault2"),
        Arc::new(MemoryBackend::default()),
    );
    vault.import("shared-cert", &load_pfx(&setup.env)).unwrap();
    for name in ["Prod", "Test"] {
        let mut draft = setup.env.draft();
        draft.name = name.into();
        draft.cert_kind = CertKind::CredentialStore;
        draft.store_entry = "shared-cert".into();
        setup.profiles.save(&draft.parse().unwrap()).unwrap();
    }
    setup.save("Other", PasswordSource::Ask);
    assert_eq!(
        profiles_using_certificate(&setup.profiles.load_all().profiles, "shared-cert"),
        ["Prod", "Test"]
    );

    let error = remove_stored_certificate(&setup.profiles, &vault, "shared-cert", false)
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("'shared-cert' is used by profiles 'Prod', 'Test'"),
        "{error}"
    );
    assert_eq!(vault.list().len(), 1, "still there");
    vault.load("shared-cert").unwrap();

    remove_stored_certificate(&setup.profiles, &vault, "shared-cert", true).unwrap();
    assert!(vault.list().is_empty());
    assert!(remove_stored_certificate(&setup.profiles, &vault, "shared-cert", true).is_err());
}

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
