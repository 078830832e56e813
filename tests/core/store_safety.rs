//! Nothing is lost or replaced: exports never overwrite silently, concurrent and killed imports
//! keep every profile, imported names fit, interrupted imports resume, files are read bounded.
//! Everything runs the real binary against real files, FIFOs, device nodes and processes.

use crate::support;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use certconnect::core::draft::ProfileDraft;
use certconnect::core::profile::{Origin, Profile};
use certconnect::profile_store::{ProfileStore, export_profiles};
use support::{Workspace, certconnect, s, stderr, stdout};

fn profile(name: &str) -> Profile {
    ProfileDraft::example(name).parse().unwrap()
}

fn user_store(ws: &Workspace) -> ProfileStore {
    ws.profile_store()
}

/// An export file of profiles with these names, made through a scratch store.
fn export_file(ws: &Workspace, file: &str, names: &[String]) -> PathBuf {
    let scratch = ProfileStore::at(ws.path(&format!("scratch-{file}")));
    for name in names {
        scratch.save(&profile(name)).unwrap();
    }
    let out = ws.path(file);
    export_profiles(&scratch, names, &out).unwrap();
    out
}

fn numbered(prefix: &str, count: usize) -> Vec<String> {
    (0..count).map(|i| format!("{prefix}{i:04}")).collect()
}

fn spawn(ws: &Workspace, args: &[&str]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_certconnect"))
        .args(args)
        .current_dir(ws.dir())
        .env("CERTCONNECT_CONFIG_DIR", ws.path("config"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

/// Waits for a child, killing it (and failing) if it runs for more than 60 s: a hang is a bug.
fn wait_bounded(mut child: Child) -> std::process::ExitStatus {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if Instant::now() > deadline {
            child.kill().ok();
            panic!("certconnect did not finish within 60 s");
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// `certconnect ARGS` with a 60 s bound, stdout and stderr captured.
fn run_bounded(ws: &Workspace, args: &[&str]) -> std::process::Output {
    run_bounded_env(ws, args, &[])
}

fn run_bounded_env(ws: &Workspace, args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    let child = Command::new(env!("CARGO_BIN_EXE_certconnect"))
        .args(args)
        .envs(env.iter().copied())
        .current_dir(ws.dir())
        .env("CERTCONNECT_CONFIG_DIR", ws.path("config"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name("wait-certconnect".into())
        .spawn(move || tx.send(child.wait_with_output()).ok())
        .unwrap();
    match rx.recv_timeout(Duration::from_secs(60)) {
        Ok(output) => output.unwrap(),
        Err(_) => {
            Command::new("kill")
                .args(["-9", &pid.to_string()])
                .status()
                .ok();
            panic!("certconnect {args:?} hung");
        }
    }
}

fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo").arg(path).status().unwrap();
    assert!(status.success());
}

fn ron_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "ron"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

fn temp_files(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect()
}

// Row 7: an export never replaces a file unless --force, and never a FIFO, a device or a profile.
#[test]
fn export_refuses_existing_files_fifos_devices_and_profile_files() {
    let ws = Workspace::new();
    let store = user_store(&ws);
    store.save(&profile("Prod")).unwrap();
    let existing = ws.path("existing.ron");
    std::fs::write(&existing, "precious").unwrap();

    let output = certconnect(
        &ws,
        &["profile", "export", "Prod", "--out", "existing.ron"],
        &[],
        None,
    );
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).contains("--force"), "{}", stderr(&output));
    assert_eq!(std::fs::read_to_string(&existing).unwrap(), "precious");

    let output = certconnect(
        &ws,
        &[
            "profile",
            "export",
            "Prod",
            "--out",
            "existing.ron",
            "--force",
        ],
        &[],
        None,
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(std::fs::read_to_string(&existing).unwrap().contains("Prod"));

    // A bundle too: refused before any certificate is opened.
    let output = certconnect(
        &ws,
        &[
            "profile",
            "export",
            "Prod",
            "--out",
            "existing.ron",
            "--with-certificate",
            "--passphrase-env",
            "PASS",
        ],
        &[("PASS", "a long bundle passphrase")],
        None,
    );
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).contains("--force"), "{}", stderr(&output));
    assert!(std::fs::read_to_string(&existing).unwrap().contains("Prod"));

    let fifo = ws.path("pipe.ron");
    mkfifo(&fifo);
    for target in [s(&fifo), "/dev/null"] {
        for force in [false, true] {
            let mut args = vec!["profile", "export", "Prod", "--out", target];
            if force {
                args.push("--force");
            }
            let output = run_bounded(&ws, &args);
            assert_eq!(
                output.status.code(),
                Some(2),
                "{args:?}: {}",
                stderr(&output)
            );
            assert!(
                stderr(&output).contains("not a regular file"),
                "{}",
                stderr(&output)
            );
        }
    }
    use std::os::unix::fs::FileTypeExt as _;
    assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo());
    assert!(
        std::fs::metadata("/dev/null")
            .unwrap()
            .file_type()
            .is_char_device()
    );

    let profile_file = ron_files(store.dir()).remove(0);
    let output = certconnect(
        &ws,
        &[
            "profile",
            "export",
            "Prod",
            "--out",
            s(&profile_file),
            "--force",
        ],
        &[],
        None,
    );
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("profile directory"),
        "{}",
        stderr(&output)
    );
    assert_eq!(store.load_all().problems.len(), 0);
    assert_eq!(store.get("Prod").unwrap().profile.name(), "Prod");
}

// Row 8: two outputs on one path are refused before a key is made.
#[test]
fn cert_new_refuses_two_outputs_on_one_path() {
    let ws = Workspace::new();
    let output = certconnect(
        &ws,
        &[
            "cert",
            "new",
            "--subject",
            "CN=Same",
            "--out-pfx",
            "same.pfx",
            "--out-cer",
            "./same.pfx",
            "--password-env",
            "PW",
        ],
        &[("PW", "a long password")],
        None,
    );
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("two outputs"),
        "{}",
        stderr(&output)
    );
    assert!(!ws.path("same.pfx").exists());
}

// Row 7 for `cert new`: never a FIFO or a device, even with --force.
#[test]
fn cert_new_never_replaces_a_fifo_even_with_force() {
    let ws = Workspace::new();
    let fifo = ws.path("key.pfx");
    mkfifo(&fifo);
    let output = run_bounded_env(
        &ws,
        &[
            "cert",
            "new",
            "--subject",
            "CN=Fifo",
            "--out-pfx",
            "key.pfx",
            "--out-cer",
            "key.cer",
            "--password-env",
            "PW",
            "--force",
        ],
        &[("PW", "a long password")],
    );
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("not a regular file"),
        "{}",
        stderr(&output)
    );
    use std::os::unix::fs::FileTypeExt as _;
    assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo());
    assert!(!ws.path("key.cer").exists());
}

// Point 6: files holding keys are created owner-only, whatever the umask.
#[test]
fn key_files_are_created_owner_only_whatever_the_umask() {
    use std::os::unix::fs::PermissionsExt as _;
    let ws = Workspace::new();
    let output = Command::new("sh")
        .arg("-c")
        .arg("umask 000; exec \"$0\" \"$@\"")
        .arg(env!("CARGO_BIN_EXE_certconnect"))
        .args([
            "cert",
            "new",
            "--subject",
            "CN=Mode",
            "--out-pfx",
            "mode.pfx",
            "--out-cer",
            "mode.cer",
            "--password-env",
            "PW",
        ])
        .current_dir(ws.dir())
        .env("CERTCONNECT_CONFIG_DIR", ws.path("config"))
        .env("PW", "a long password")
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let mode = std::fs::metadata(ws.path("mode.pfx"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600, "{mode:o}");
}

// Row 9: a 95-character name imported twice gets a suffix that still fits the name limit.
#[test]
fn a_long_name_imported_twice_is_shortened_to_fit_its_suffix() {
    let ws = Workspace::new();
    let long = "L".repeat(95);
    let file = export_file(&ws, "long.ron", std::slice::from_ref(&long));
    for _ in 0..3 {
        let output = certconnect(&ws, &["profile", "import", s(&file)], &[], None);
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    }
    let output = certconnect(&ws, &["profile", "list"], &[], None);
    assert_eq!(output.status.code(), Some(0));
    assert!(stderr(&output).is_empty(), "{}", stderr(&output));
    let loaded = user_store(&ws).load_all();
    assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
    let mut names: Vec<_> = loaded
        .profiles
        .iter()
        .map(|p| p.profile.name().to_owned())
        .collect();
    names.sort();
    assert_eq!(names.len(), 3);
    assert!(names.iter().all(|n| n.chars().count() <= 100), "{names:?}");
    assert!(names.iter().any(|n| n.ends_with(" (imported)")));
    assert!(names.iter().any(|n| n.ends_with(" (imported 2)")));
}

// Row 10: four concurrent imports of 20 profiles each keep all 80, under 80 distinct names.
#[test]
fn four_concurrent_imports_keep_every_profile() {
    let ws = Workspace::new();
    // The same 20 names in every file: each import must see the others' saves to rename.
    let names = numbered("Shared ", 20);
    let files: Vec<_> = (0..4)
        .map(|i| export_file(&ws, &format!("batch{i}.ron"), &names))
        .collect();
    // Different bytes per file, so each is its own import (not a resume of another).
    for (i, file) in files.iter().enumerate() {
        let mut text = std::fs::read_to_string(file).unwrap();
        text.push_str(&format!("// batch {i}\n"));
        std::fs::write(file, text).unwrap();
    }
    let children: Vec<_> = files
        .iter()
        .map(|f| spawn(&ws, &["profile", "import", s(f)]))
        .collect();
    for child in children {
        assert!(wait_bounded(child).success());
    }
    let loaded = user_store(&ws).load_all();
    assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
    assert_eq!(loaded.profiles.len(), 80);
    let distinct: std::collections::HashSet<_> =
        loaded.profiles.iter().map(|p| p.profile.name()).collect();
    assert_eq!(distinct.len(), 80);
    assert_eq!(ron_files(user_store(&ws).dir()).len(), 80);
}

// Row 11: an interrupted import resumes without duplicates.
#[test]
fn an_interrupted_import_resumes_without_duplicates() {
    let ws = Workspace::new();
    let names = numbered("Bulk ", 300);
    let file = export_file(&ws, "bulk.ron", &names);
    let dir = user_store(&ws).dir().to_path_buf();
    let mut interrupted = false;
    // Killed once some profiles are saved (if the machine is so fast the import finished first,
    // the check below still holds; a second try makes an interruption near certain).
    for _ in 0..3 {
        let mut child = spawn(&ws, &["profile", "import", s(&file)]);
        let deadline = Instant::now() + Duration::from_secs(60);
        while ron_files(&dir).len() < 5 && Instant::now() < deadline {
            if child.try_wait().unwrap().is_some() {
                break;
            }
            std::thread::sleep(Duration::from_millis(1));
        }
        child.kill().ok();
        child.wait().unwrap();
        let saved = ron_files(&dir).len();
        if saved < names.len() {
            interrupted = true;
            break;
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
    assert!(interrupted, "the import was never caught half-way");
    let output = certconnect(&ws, &["profile", "import", s(&file)], &[], None);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        !stdout(&output).contains("(imported"),
        "{}",
        stdout(&output)
    );
    let loaded = user_store(&ws).load_all();
    assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
    let mut got: Vec<_> = loaded
        .profiles
        .into_iter()
        .map(|p| p.profile.name().to_owned())
        .collect();
    got.sort();
    assert_eq!(got, names, "every profile once");
    assert!(
        std::fs::read_dir(&dir)
            .unwrap()
            .filter_map(Result::ok)
            .all(|e| !e.file_name().to_string_lossy().ends_with(".journal")),
        "a completed import leaves no journal"
    );
    // Completed, the same file imports again as copies.
    let output = certconnect(&ws, &["profile", "import", s(&file)], &[], None);
    assert!(stdout(&output).contains("Bulk 0000 (imported)"));
}

// Point 3: a save loop SIGKILLed at random moments leaves only whole profile files.
#[test]
fn saves_killed_at_random_moments_leave_every_profile_file_whole() {
    let ws = Workspace::new();
    let file = export_file(&ws, "loop.ron", &numbered("Loop ", 8));
    let dir = user_store(&ws).dir().to_path_buf();
    // A small xorshift: random moments, reproducible from the printed seed.
    let mut seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
        | 1;
    eprintln!("seed {seed}");
    let mut kills = 0;
    // At least 100 saves killed at random moments; bounded to 400 runs.
    for _ in 0..400 {
        if kills >= 100 {
            break;
        }
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let child = spawn(&ws, &["profile", "import", s(&file)]);
        std::thread::sleep(Duration::from_micros(seed % 40_000));
        let mut child = child;
        if child.try_wait().unwrap().is_none() {
            child.kill().unwrap();
            kills += 1;
        }
        child.wait().unwrap();
    }
    assert!(kills >= 100, "only {kills} saves were killed");
    // One import left to finish resumes what the killed ones began.
    let finished = certconnect(&ws, &["profile", "import", s(&file)], &[], None);
    assert_eq!(finished.status.code(), Some(0), "{}", stderr(&finished));
    // A leftover temporary file is removed by the next load…
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(".certconnect-killed.tmp"), "half a profi").unwrap();
    let output = certconnect(&ws, &["profile", "list"], &[], None);
    assert_eq!(output.status.code(), Some(0));
    assert!(temp_files(&dir).is_empty(), "{:?}", temp_files(&dir));
    // …and every profile file parses.
    assert!(stderr(&output).is_empty(), "{}", stderr(&output));
    let loaded = user_store(&ws).load_all();
    assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
    assert_eq!(loaded.profiles.len(), ron_files(&dir).len());
    assert!(!loaded.profiles.is_empty());
}

// Point 1: a profile, export or bundle that is a FIFO or a symlink to /dev/zero gets a plain
// error, exit 2, at once.
#[test]
fn fifos_and_devices_are_refused_as_imports_and_skipped_as_profiles() {
    let ws = Workspace::new();
    let fifo = ws.path("export.ron");
    mkfifo(&fifo);
    std::os::unix::fs::symlink("/dev/zero", ws.path("zero.ccert")).unwrap();
    for file in ["export.ron", "zero.ccert"] {
        for extra in [&[][..], &["--passphrase-env", "PASS"][..]] {
            let mut args = vec!["profile", "import", file];
            args.extend_from_slice(extra);
            let output = run_bounded(&ws, &args);
            assert_eq!(output.status.code(), Some(2), "{args:?}");
            assert!(
                stderr(&output).contains("not a regular file"),
                "{}",
                stderr(&output)
            );
        }
    }
    let store = user_store(&ws);
    store.save(&profile("Good")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", store.dir().join("zero.ron")).unwrap();
    mkfifo(&store.dir().join("fifo.ron"));
    let output = run_bounded(&ws, &["profile", "list"]);
    assert_eq!(output.status.code(), Some(0));
    assert!(stdout(&output).contains("Good"));
    assert_eq!(stderr(&output).matches("not a regular file").count(), 2);
}

// Point 3: Windows reserved names never become file names.
#[test]
fn reserved_windows_names_do_not_become_file_names() {
    let ws = Workspace::new();
    let store = user_store(&ws);
    for name in ["CON", "nul", "Com1", "LPT9"] {
        store.save(&profile(name)).unwrap();
    }
    let files: Vec<_> = ron_files(store.dir())
        .iter()
        .map(|p| p.file_stem().unwrap().to_string_lossy().to_lowercase())
        .collect();
    for reserved in ["con", "nul", "com1", "lpt9"] {
        assert!(!files.iter().any(|f| f == reserved), "{files:?}");
    }
    assert_eq!(store.load_all().profiles.len(), 4);
}

// Trust: imports are never trusted; `profile trust` confirms one.
#[test]
fn imports_are_untrusted_until_profile_trust() {
    let ws = Workspace::new();
    let scratch = ProfileStore::at(ws.path("scratch"));
    // Whatever the file says, the import is not local.
    scratch.save(&profile("Shared")).unwrap();
    let file = ws.path("shared.ron");
    export_profiles(&scratch, &["Shared".into()], &file).unwrap();
    assert!(!std::fs::read_to_string(&file).unwrap().contains("Imported"));
    let output = certconnect(&ws, &["profile", "import", s(&file)], &[], None);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let store = user_store(&ws);
    assert_eq!(
        *store.get("Shared").unwrap().profile.origin(),
        Origin::Imported {
            brought_entries: Vec::new()
        }
    );
    let output = certconnect(&ws, &["profile", "trust", "Shared"], &[], None);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        *store.get("Shared").unwrap().profile.origin(),
        Origin::Local
    );
    let output = certconnect(&ws, &["profile", "trust", "Nobody"], &[], None);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("Nobody"));
}

// Point 5: a closed pipe ends quietly with exit 0; control characters print escaped.
#[test]
fn a_closed_pipe_ends_quietly_and_control_characters_are_escaped() {
    let ws = Workspace::new();
    let store = user_store(&ws);
    for name in numbered("Piped ", 50) {
        store.save(&profile(&name)).unwrap();
    }
    for args in [
        &["profile", "list"][..],
        &["profile", "show", "Piped 0001"][..],
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_certconnect"))
            .args(args)
            .env("CERTCONNECT_CONFIG_DIR", ws.path("config"))
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // The reader is gone before the first line is written.
        drop(child.stdout.take());
        let output = child.wait_with_output().unwrap();
        assert_eq!(
            output.status.code(),
            Some(0),
            "{args:?}: {}",
            stderr(&output)
        );
        assert!(stderr(&output).is_empty(), "{}", stderr(&output));
    }

    let hostile = "Evil\u{1b}]0;owned\u{7}\u{1b}[2J";
    let output = certconnect(&ws, &["profile", "show", hostile], &[], None);
    assert_eq!(output.status.code(), Some(2));
    assert!(!output.stderr.contains(&0x1b) && !output.stderr.contains(&0x07));
    assert!(stderr(&output).contains("\\u{1b}"), "{}", stderr(&output));

    // An export whose profile name holds ESC: skipped, and the name is shown escaped. A profile
    // cannot be built with such a name, so the name is put into the file's text.
    #[derive(serde::Serialize)]
    struct Export {
        format_version: u32,
        profiles: Vec<Profile>,
    }
    let export = ws.path("hostile.ron");
    let file = Export {
        format_version: 1,
        profiles: vec![profile("Piped 0000")],
    };
    let config = ron::ser::PrettyConfig::new().struct_names(false);
    let text = ron::ser::to_string_pretty(&file, config).unwrap();
    let hostile_name = ron::to_string("Evil\u{1b}[2J\u{7}").unwrap();
    assert!(text.contains("\"Piped 0000\""), "{text}");
    std::fs::write(&export, text.replace("\"Piped 0000\"", &hostile_name)).unwrap();
    let output = certconnect(&ws, &["profile", "import", s(&export)], &[], None);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(!output.stderr.contains(&0x1b), "{}", stderr(&output));
    assert!(!output.stdout.contains(&0x1b), "{}", stdout(&output));
    assert!(stderr(&output).contains("\\u{1b}"), "{}", stderr(&output));
}
