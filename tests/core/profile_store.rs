//! Profile files on disk: one RON file each, atomic, robust to broken files; export and import.

use certconnect::core::draft::{Field, ProfileDraft};
use certconnect::core::profile::Profile;
use certconnect::profile_store::{
    FORMAT_VERSION, ProfileStore, StoreError, export_profiles, import_file, new_profile_id,
};

fn profile(name: &str) -> Profile {
    let draft = ProfileDraft {
        extra_headers: "H1:AAA||H2:BBB".into(),
        ..ProfileDraft::example(name)
    };
    draft.parse().expect("valid profile")
}

fn names(store: &ProfileStore) -> Vec<String> {
    store
        .load_all()
        .profiles
        .into_iter()
        .map(|p| p.profile.name().to_owned())
        .collect()
}

#[test]
fn saved_profiles_load_back_identical_from_versioned_ron_files() {
    let dir = tempfile::tempdir().unwrap();
    let store = ProfileStore::at(dir.path().join("profiles"));
    let original = store.save(&profile("Contoso Prod / SharePoint")).unwrap();
    let path = store.get(original.name()).unwrap().path;
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
        .save(
            &original
                .edited(|d| d.site_id = "contoso.sharepoint.com:/sites/hr".into())
                .unwrap(),
        )
        .unwrap();
    store.save(&profile("Second")).unwrap();
    let files: Vec<_> = std::fs::read_dir(store.dir())
        .unwrap()
        .filter_map(Result::ok)
        .collect();
    assert_eq!(files.len(), 2, "no temporary files are left behind");
    assert_eq!(
        store.get(original.name()).unwrap().profile.site_id(),
        "contoso.sharepoint.com:/sites/hr"
    );
}

#[test]
fn names_that_slug_alike_get_separate_files() {
    let dir = tempfile::tempdir().unwrap();
    let store = ProfileStore::at(dir.path());
    store.save(&profile("A B")).unwrap();
    store.save(&profile("a-b")).unwrap();
    assert_ne!(
        store.get("A B").unwrap().path,
        store.get("a-b").unwrap().path
    );
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
    assert_eq!(loaded.profiles[0].profile.name(), "Good");
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
fn lists_read_under_the_lock_are_numbered_in_the_order_they_were_read() {
    let dir = tempfile::tempdir().unwrap();
    let store = ProfileStore::at(dir.path().join("profiles"));
    let empty = store.load_locked();
    assert!(empty.profiles.is_empty());
    assert!(
        !store.dir().exists(),
        "reading does not create the directory"
    );
    store.save(&profile("One")).unwrap();
    let first = store.load_locked();
    let second = store.load_locked();
    assert!(first.is_newer_than(&empty) && second.is_newer_than(&first));
    assert!(!first.is_newer_than(&second));
    assert_eq!(first.profiles[0].profile.name(), "One");
    // An unordered read is never newer than an ordered one.
    assert!(!store.load_all().is_newer_than(&empty));
}

#[test]
fn export_then_import_gives_the_same_profiles_without_overwriting() {
    let dir = tempfile::tempdir().unwrap();
    let source = ProfileStore::at(dir.path().join("a"));
    let first = profile("Prod");
    let second = profile("Test")
        .edited(|d| d.drive_id = "b!drive".into())
        .unwrap();
    let first = source.save(&first).unwrap();
    let second = source.save(&second).unwrap();
    let out = dir.path().join("export.ron");
    assert_eq!(
        export_profiles(&source, &["Prod".into(), "Test".into()], &out).unwrap(),
        2
    );

    let target = ProfileStore::at(dir.path().join("b"));
    let report = import_file(&target, &out).unwrap();
    assert_eq!(report.imported.len(), 2);
    // Imported profiles carry no trust: their origin says so, whatever the file said.
    let without_id = |profile: Profile| {
        profile
            .with_id(String::new())
            .with_origin(certconnect::core::profile::Origin::Imported {
                brought_entries: Vec::new(),
            })
    };
    assert_eq!(
        without_id(target.get("Prod").unwrap().profile),
        without_id(first)
    );
    assert_eq!(
        without_id(target.get("Test").unwrap().profile),
        without_id(second)
    );

    // Importing again keeps the originals and adds renamed copies.
    let local_edit = target
        .get("Prod")
        .unwrap()
        .profile
        .edited(|d| d.site_id = "local".into())
        .unwrap();
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
        target.get("Prod").unwrap().profile.site_id(),
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

fn files(store: &ProfileStore) -> Vec<String> {
    let mut files: Vec<String> = std::fs::read_dir(store.dir())
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    files
}

#[test]
fn save_gives_a_new_profile_an_id_that_is_kept_on_reload() {
    let dir = tempfile::tempdir().unwrap();
    let store = ProfileStore::at(dir.path());
    let unsaved = profile("Prod");
    assert!(unsaved.id().is_empty());
    let saved = store.save(&unsaved).unwrap();
    assert_eq!(saved.id().len(), 36, "a hyphenated UUID: {}", saved.id());
    assert_eq!(saved.id(), saved.id().to_lowercase());
    assert_eq!(saved.name(), "Prod");
    assert_eq!(store.get("Prod").unwrap().profile.id(), saved.id());
    assert_eq!(store.get_by_id(saved.id()).unwrap().profile, saved);
    // Saving it again (same id) keeps the id and the file.
    let again = store
        .save(&saved.edited(|d| d.site_id = "other".into()).unwrap())
        .unwrap();
    assert_eq!(again.id(), saved.id());
    assert_eq!(files(&store), ["prod.ron"]);
    // Two new profiles never get the same id.
    assert_ne!(store.save(&profile("Test")).unwrap().id(), saved.id());
    assert_ne!(new_profile_id(), new_profile_id());
}

#[test]
fn a_file_written_before_ids_existed_takes_its_file_name_as_id() {
    let dir = tempfile::tempdir().unwrap();
    let store = ProfileStore::at(dir.path());
    let saved = store.save(&profile("Legacy Prod")).unwrap();
    let path = store.get("Legacy Prod").unwrap().path;
    let text = std::fs::read_to_string(&path).unwrap();
    let id_line = format!("id: \"{}\",", saved.id());
    assert!(text.contains(&id_line), "{text}");
    std::fs::write(&path, text.replace(&id_line, "")).unwrap();

    let legacy = store.get("Legacy Prod").unwrap().profile;
    assert_eq!(legacy.id(), "legacy-prod", "the file's stem");
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        text.replace(&id_line, ""),
        "the id is given in memory only"
    );
    // Renamed, it keeps its file, so it keeps its id.
    store.rename("Legacy Prod", "Renamed").unwrap();
    assert_eq!(store.get("Renamed").unwrap().profile.id(), "legacy-prod");
    assert_eq!(files(&store), ["legacy-prod.ron"]);
}

#[test]
fn saving_under_the_same_id_with_a_new_name_renames_in_the_same_file() {
    let dir = tempfile::tempdir().unwrap();
    let store = ProfileStore::at(dir.path());
    let saved = store.save(&profile("Old name")).unwrap();
    let renamed = store
        .save(&saved.clone().renamed("New name").unwrap())
        .unwrap();
    assert_eq!(renamed.id(), saved.id());
    assert_eq!(files(&store), ["old-name.ron"], "no second file");
    assert_eq!(names(&store), ["New name"]);
    assert!(matches!(
        store.get("Old name"),
        Err(StoreError::NotFound(_))
    ));
    assert_eq!(
        store.get_by_id(saved.id()).unwrap().profile.name(),
        "New name"
    );
}

#[test]
fn another_profile_cannot_take_a_saved_name_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let store = ProfileStore::at(dir.path());
    let first = store.save(&profile("Prod")).unwrap();
    let before = std::fs::read(store.get("Prod").unwrap().path).unwrap();
    let intruder = profile("Prod")
        .edited(|d| d.site_id = "intruder".into())
        .unwrap();
    assert!(matches!(
        store.save(&intruder),
        Err(StoreError::NameTaken(name)) if name == "Prod"
    ));
    let other = store.save(&profile("Test")).unwrap();
    assert!(matches!(
        store.save(&other.clone().renamed("Prod").unwrap()),
        Err(StoreError::NameTaken(_))
    ));
    assert_eq!(files(&store), ["prod.ron", "test.ron"]);
    assert_eq!(
        std::fs::read(store.get("Prod").unwrap().path).unwrap(),
        before
    );
    assert_eq!(store.get("Prod").unwrap().profile.id(), first.id());
    assert_eq!(store.get_by_id(other.id()).unwrap().profile.name(), "Test");
}

#[test]
fn a_second_file_with_the_same_id_is_reported_not_loaded() {
    let dir = tempfile::tempdir().unwrap();
    let store = ProfileStore::at(dir.path());
    let saved = store.save(&profile("Prod")).unwrap();
    let text = std::fs::read_to_string(store.get("Prod").unwrap().path).unwrap();
    std::fs::write(
        dir.path().join("zz-copy.ron"),
        text.replace("\"Prod\"", "\"Copy\""),
    )
    .unwrap();
    let loaded = store.load_all();
    assert_eq!(loaded.profiles.len(), 1);
    assert_eq!(loaded.profiles[0].profile.id(), saved.id());
    assert_eq!(loaded.problems.len(), 1);
    assert_eq!(loaded.problems[0].path.file_name().unwrap(), "zz-copy.ron");
    assert!(
        loaded.problems[0].message.contains("same id"),
        "{}",
        loaded.problems[0].message
    );
}

#[test]
fn get_and_delete_by_id() {
    let dir = tempfile::tempdir().unwrap();
    let store = ProfileStore::at(dir.path());
    let prod = store.save(&profile("Prod")).unwrap();
    store.save(&profile("Test")).unwrap();
    assert!(matches!(
        store.get_by_id("no-such-id"),
        Err(StoreError::UnknownId(_))
    ));
    assert_eq!(store.delete_by_id(prod.id()).unwrap(), prod);
    assert_eq!(names(&store), ["Test"]);
    assert!(matches!(
        store.delete_by_id(prod.id()),
        Err(StoreError::UnknownId(_))
    ));
}

#[test]
fn an_imported_profile_gets_a_fresh_id() {
    let dir = tempfile::tempdir().unwrap();
    let store = ProfileStore::at(dir.path().join("p"));
    let original = store.save(&profile("Prod")).unwrap();
    let out = dir.path().join("export.ron");
    export_profiles(&store, &["Prod".into()], &out).unwrap();
    assert!(
        std::fs::read_to_string(&out)
            .unwrap()
            .contains(original.id()),
        "exports keep the id"
    );

    // Into the same store: a copy with its own id, the original untouched.
    import_file(&store, &out).unwrap();
    let copy = store.get("Prod (imported)").unwrap().profile;
    assert!(!copy.id().is_empty());
    assert_ne!(copy.id(), original.id());
    assert_eq!(store.get("Prod").unwrap().profile, original);

    // Into another store: also a new id, never the exported one.
    let other = ProfileStore::at(dir.path().join("q"));
    import_file(&other, &out).unwrap();
    let imported = other.get("Prod").unwrap().profile;
    assert!(!imported.id().is_empty());
    assert_ne!(imported.id(), original.id());
}

/// A profile read from text that breaks the form's rules: the type cannot be built invalid, but it
/// can still be deserialized.
fn deserialized_invalid() -> Profile {
    let text = ron::to_string(&profile("Prod")).unwrap();
    let bad_name = ron::to_string("Bad\u{7}name").unwrap();
    assert!(text.contains("name:\"Prod\""), "{text}");
    assert!(text.contains("site_id:\"root\""), "{text}");
    let text = text
        .replace("name:\"Prod\"", &format!("name:{bad_name}"))
        .replace("site_id:\"root\"", "site_id:\"a site\"");
    ron::from_str(&text).unwrap()
}

#[test]
fn an_invalid_profile_is_never_written() {
    let dir = tempfile::tempdir().unwrap();
    let store = ProfileStore::at(dir.path().join("profiles"));
    let invalid = deserialized_invalid();
    let fields = |result: Result<Profile, StoreError>| match result {
        Err(StoreError::InvalidProfile { errors, .. }) => {
            errors.iter().map(|e| e.field).collect::<Vec<_>>()
        }
        other => panic!("not refused as invalid: {other:?}"),
    };
    assert_eq!(fields(store.save(&invalid)), [Field::Name, Field::SiteId]);
    assert_eq!(
        fields(store.lock().unwrap().save(&invalid)),
        [Field::Name, Field::SiteId]
    );
    assert!(files(&store).is_empty(), "nothing was written");

    // A saved profile cannot be renamed to a name the form refuses either.
    let saved = store.save(&profile("Prod")).unwrap();
    let before = std::fs::read(store.get("Prod").unwrap().path).unwrap();
    assert!(matches!(
        store.rename("Prod", "tab\there"),
        Err(StoreError::InvalidProfile { errors, .. }) if errors[0].field == Field::Name
    ));
    assert_eq!(store.get_by_id(saved.id()).unwrap().profile, saved);
    assert_eq!(
        std::fs::read(store.get("Prod").unwrap().path).unwrap(),
        before
    );
}
