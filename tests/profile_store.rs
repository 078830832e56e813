//! Profile files on disk: one RON file each, atomic, robust to broken files; export and import.

#![allow(clippy::unwrap_used)] // Test helpers fail loudly by design.
use certconnect::core::draft::ProfileDraft;
use certconnect::core::profile::Profile;
use certconnect::store::{FORMAT_VERSION, ProfileStore, StoreError, export_profiles, import_file};

fn profile(name: &str) -> Profile {
    let mut draft = ProfileDraft {
        name: name.into(),
        tenant: "contoso.onmicrosoft.com".into(),
        client_id: "8a2f6a6b-0c1d-4e5f-9a8b-7c6d5e4f3a2b".into(),
        pfx_path: "certs/private_key.pfx".into(),
        extra_headers: "H1:AAA||H2:BBB".into(),
        ..ProfileDraft::default()
    };
    draft.refresh_token_url();
    draft.parse().expect("valid profile")
}

fn names(store: &ProfileStore) -> Vec<String> {
    store
        .load_all()
        .profiles
        .into_iter()
        .map(|p| p.profile.name)
        .collect()
}

#[test]
fn saved_profiles_load_back_identical_from_versioned_ron_files() {
    let dir = tempfile::tempdir().unwrap();
    let store = ProfileStore::at(dir.path().join("profiles"));
    let original = profile("Contoso Prod / SharePoint");
    let path = store.save(&original).unwrap();
    assert_eq!(path.file_name().unwrap(), "contoso-prod-sharepoint.ron");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        text.contains(&format!("format_version: {FORMAT_VERSION}")),
        "{text}"
    );
    assert_eq!(
        store.get("Contoso Prod / SharePoint").unwrap().profile,
        original
    );

    // Saving again replaces the same file; a second profile gets its own.
    store
        .save(&Profile {
            site_id: "contoso.sharepoint.com:/sites/hr".into(),
            ..original.clone()
        })
        .unwrap();
    store.save(&profile("Second")).unwrap();
    let files: Vec<_> = std::fs::read_dir(store.dir())
        .unwrap()
        .filter_map(Result::ok)
        .collect();
    assert_eq!(files.len(), 2, "no temporary files are left behind");
    assert_eq!(
        store.get(&original.name).unwrap().profile.site_id,
        "contoso.sharepoint.com:/sites/hr"
    );
}

#[test]
fn names_that_slug_alike_get_separate_files() {
    let dir = tempfile::tempdir().unwrap();
    let store = ProfileStore::at(dir.path());
    let a = store.save(&profile("A B")).unwrap();
    let b = store.save(&profile("a-b")).unwrap();
    assert_ne!(a, b);
    assert_eq!(names(&store), ["A B", "a-b"]);
}

#[test]
fn broken_files_are_reported_by_name_left_untouched_and_the_rest_load() {
    let dir = tempfile::tempdir().unwrap();
    let store = ProfileStore::at(dir.path());
    store.save(&profile("Good")).unwrap();
    let garbage = dir.path().join("garbage.ron");
    std::fs::write(&garbage, b"(format_version: 1, profile: (name: \"half").unwrap();
    let newer = dir.path().join("newer.ron");
    let newer_text = std::fs::read_to_string(store.get("Good").unwrap().path)
        .unwrap()
        .replace("format_version: 1", "format_version: 99")
        .replace("\"Good\"", "\"Newer\"");
    std::fs::write(&newer, &newer_text).unwrap();
    let invalid = dir.path().join("invalid.ron");
    let invalid_text = newer_text
        .replace("format_version: 99", "format_version: 1")
        .replace("\"Newer\"", "\"Invalid\"")
        .replace("8a2f6a6b-0c1d-4e5f-9a8b-7c6d5e4f3a2b", "not-a-guid");
    std::fs::write(&invalid, &invalid_text).unwrap();

    let loaded = store.load_all();
    assert_eq!(loaded.profiles.len(), 1);
    assert_eq!(loaded.profiles[0].profile.name, "Good");
    let problems: Vec<_> = loaded
        .problems
        .iter()
        .map(|p| (p.path.file_name().unwrap().to_owned(), p.message.clone()))
        .collect();
    assert_eq!(problems.len(), 3, "{problems:?}");
    assert!(
        problems
            .iter()
            .any(|(f, m)| f == "newer.ron" && m.contains("newer certconnect"))
    );
    assert!(
        problems
            .iter()
            .any(|(f, m)| f == "invalid.ron" && m.contains("Client ID"))
    );
    assert!(problems.iter().any(|(f, _)| f == "garbage.ron"));
    assert_eq!(
        std::fs::read(&garbage).unwrap(),
        b"(format_version: 1, profile: (name: \"half"
    );
    assert_eq!(std::fs::read_to_string(&newer).unwrap(), newer_text);
}

#[test]
fn rename_and_delete() {
    let dir = tempfile::tempdir().unwrap();
    let store = ProfileStore::at(dir.path());
    store.save(&profile("One")).unwrap();
    store.save(&profile("Two")).unwrap();
    assert!(matches!(
        store.rename("One", "Two"),
        Err(StoreError::NameTaken(_))
    ));
    store.rename("One", "Uno").unwrap();
    assert_eq!(names(&store), ["Two", "Uno"]);
    store.delete("Two").unwrap();
    assert_eq!(names(&store), ["Uno"]);
    assert!(matches!(store.delete("Two"), Err(StoreError::NotFound(_))));
}

#[test]
fn export_then_import_gives_the_same_profiles_without_overwriting() {
    let dir = tempfile::tempdir().unwrap();
    let source = ProfileStore::at(dir.path().join("a"));
    let first = profile("Prod");
    let second = Profile {
        drive_id: Some("b!drive".into()),
        ..profile("Test")
    };
    source.save(&first).unwrap();
    source.save(&second).unwrap();
    let out = dir.path().join("export.ron");
    assert_eq!(
        export_profiles(&source, &["Prod".into(), "Test".into()], &out).unwrap(),
        2
    );

    let target = ProfileStore::at(dir.path().join("b"));
    let report = import_file(&target, &out).unwrap();
    assert_eq!(report.imported.len(), 2);
    assert_eq!(target.get("Prod").unwrap().profile, first);
    assert_eq!(target.get("Test").unwrap().profile, second);

    // Importing again keeps the originals and adds renamed copies.
    let local_edit = Profile {
        site_id: "local".into(),
        ..first.clone()
    };
    target.save(&local_edit).unwrap();
    let report = import_file(&target, &out).unwrap();
    let renamed: Vec<_> = report
        .imported
        .iter()
        .map(|i| i.saved_as.as_str())
        .collect();
    assert_eq!(renamed, ["Prod (imported)", "Test (imported)"]);
    import_file(&target, &out).unwrap();
    assert!(target.contains("Prod (imported 2)"));
    assert_eq!(
        target.get("Prod").unwrap().profile.site_id,
        "local",
        "the existing profile was not overwritten"
    );
}

#[test]
fn exporting_an_unknown_name_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let store = ProfileStore::at(dir.path().join("p"));
    store.save(&profile("Prod")).unwrap();
    let out = dir.path().join("export.ron");
    assert!(matches!(
        export_profiles(&store, &["Prod".into(), "Nope".into()], &out),
        Err(StoreError::NotFound(_))
    ));
    assert!(!out.exists());
}

#[test]
fn importing_a_broken_file_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let store = ProfileStore::at(dir.path().join("p"));
    let bad = dir.path().join("bad.ron");
    std::fs::write(&bad, "this is not RON").unwrap();
    let error = import_file(&store, &bad).unwrap_err();
    assert!(
        error.to_string().contains("not a certconnect export"),
        "{error}"
    );
    assert!(names(&store).is_empty());
}
