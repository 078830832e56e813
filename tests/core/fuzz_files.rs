//! Property tests (issue 11, point 8) on file parsers: the certificate loaders (PKCS#12, PEM, DER,
//! encrypted PKCS#8, JKS) get real files made by openssl and keytool, cut short at every kind of
//! point or with bytes changed, and random bytes behind each format's magic; the profile import
//! gets random and truncated RON. Nothing may panic. Each property runs at most 256 cases.

use crate::support;

use certconnect::cert::load_bytes;
use certconnect::profile_store::{ProfileStore, import_file};
use certconnect::secret::Secret;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use support::Workspace;

const PASSWORD: &str = "Fuzz-Passw0rd!";

fn runner(cases: u32) -> TestRunner {
    TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    })
}

/// A file's name, its bytes, and the bytes of its separate key file.
type RealFile = (&'static str, Vec<u8>, Option<Vec<u8>>);

/// Real files of every format the loaders read, made once for the whole file (keytool is slow).
fn real_files() -> &'static [RealFile] {
    static FILES: std::sync::OnceLock<Vec<RealFile>> = std::sync::OnceLock::new();
    FILES.get_or_init(|| make_real_files(&Workspace::new()))
}

fn make_real_files(ws: &Workspace) -> Vec<RealFile> {
    let key = ws.rsa_key("app.key", 2048);
    let cert = ws.self_signed("app.pem", &key, "/CN=Fuzz/O=Contoso", 365);
    let pfx = ws.pfx("app.pfx", &key, &cert, PASSWORD, &[]);
    let legacy = ws.pfx("legacy.pfx", &key, &cert, PASSWORD, &["-legacy"]);
    let der = ws.path("app.cer");
    ws.openssl(&[
        "x509",
        "-in",
        support::s(&cert),
        "-outform",
        "DER",
        "-out",
        support::s(&der),
    ]);
    let encrypted = ws.encrypted_pkcs8(&key, PASSWORD, "enc.key");
    ws.jks_key("app.jks", "app", "Fuzz", PASSWORD);
    ws.keytool_key("keytool.p12", "PKCS12", "app", "Fuzz", PASSWORD);
    let read = |p: &std::path::Path| std::fs::read(p).unwrap();
    let mut combined = read(&cert);
    combined.extend_from_slice(&read(&key));
    vec![
        ("pfx", read(&pfx), None),
        ("legacy pfx", read(&legacy), None),
        ("pem cert + key", combined, None),
        ("pem cert, key file", read(&cert), Some(read(&key))),
        (
            "pem cert, encrypted key",
            read(&cert),
            Some(read(&encrypted)),
        ),
        ("der", read(&der), None),
        ("jks", read(&ws.path("app.jks")), None),
        ("keytool p12", read(&ws.path("keytool.p12")), None),
    ]
}

fn load(bytes: &[u8], key: Option<&[u8]>) {
    let password = Secret::new(PASSWORD);
    // Errors are fine; a panic fails the test with the input that caused it.
    let _ = load_bytes(bytes, key, Some(&password), None);
    let _ = load_bytes(bytes, key, None, Some("app"));
}

#[test]
fn real_certificate_files_load_whole() {
    for (name, bytes, key) in real_files() {
        let password = Secret::new(PASSWORD);
        let loaded = load_bytes(bytes, key.as_deref(), Some(&password), None);
        assert!(loaded.is_ok(), "{name}: {:?}", loaded.err());
    }
}

#[test]
fn truncated_certificate_files_never_panic() {
    for (name, bytes, key) in real_files() {
        let len = bytes.len();
        runner(64)
            .run(&(0..len), |cut| {
                load(&bytes[..cut], key.as_deref());
                // The key file cut short, with the whole certificate.
                if let Some(key) = key {
                    load(bytes, Some(&key[..cut.min(key.len())]));
                }
                Ok(())
            })
            .unwrap_or_else(|e| panic!("{name}: {e}"));
    }
}

#[test]
fn corrupted_certificate_files_never_panic() {
    for (name, bytes, key) in real_files() {
        let len = bytes.len();
        let edits = prop::collection::vec((0..len, any::<u8>()), 1..8);
        runner(48)
            .run(&edits, |edits| {
                let mut changed = bytes.clone();
                for (at, value) in edits {
                    changed[at] = value;
                }
                load(&changed, key.as_deref());
                Ok(())
            })
            .unwrap_or_else(|e| panic!("{name}: {e}"));
    }
}

#[test]
fn random_bytes_behind_each_magic_never_panic() {
    let magics: [&[u8]; 7] = [
        b"",
        &[0xFE, 0xED, 0xFE, 0xED, 0, 0, 0, 2],
        &[0xCE, 0xCE, 0xCE, 0xCE, 0, 0, 0, 2],
        b"-----BEGIN CERTIFICATE-----\n",
        b"-----BEGIN ENCRYPTED PRIVATE KEY-----\n",
        &[0x30, 0x82],
        &[0x30, 0x80],
    ];
    let strategy = (
        prop::sample::select(magics.to_vec()),
        prop::collection::vec(any::<u8>(), 0..512),
    );
    runner(256)
        .run(&strategy, |(magic, tail)| {
            let mut bytes = magic.to_vec();
            bytes.extend_from_slice(&tail);
            load(&bytes, None);
            load(b"-----BEGIN CERTIFICATE-----\n", Some(&bytes));
            Ok(())
        })
        .unwrap();
}

/// A RON export with random values in its fields.
fn ron_export() -> impl Strategy<Value = String> {
    let value = prop_oneof![
        any::<String>().prop_map(|s| format!("{s:?}")),
        any::<i64>().prop_map(|n| n.to_string()),
        any::<u32>().prop_map(|n| n.to_string()),
        Just("None".to_owned()),
        Just("Some(\"x\")".to_owned()),
        Just("[]".to_owned()),
        Just("CredentialStore(entry: \"e\")".to_owned()),
        Just("(".to_owned()),
    ];
    let field = prop::sample::select(vec![
        "id",
        "name",
        "preset",
        "tenant",
        "token_url",
        "client_id",
        "scope",
        "certificate",
        "algorithm",
        "graph_url",
        "site_id",
        "retry",
        "extra_headers",
        "timeout_secs",
        "origin",
    ]);
    (
        any::<u32>(),
        prop::collection::vec((field, value), 0..10),
        0usize..3,
    )
        .prop_map(|(version, fields, count)| {
            let body: String = fields.iter().map(|(k, v)| format!("{k}: {v}, ")).collect();
            let profiles = vec![format!("({body})"); count].join(", ");
            format!("(format_version: {version}, profiles: [{profiles}])")
        })
}

#[test]
fn random_and_truncated_ron_imports_never_panic() {
    let ws = Workspace::new();
    // A real export to cut short: the sandbox demo's profile, exported by the store itself.
    let store = ProfileStore::at(ws.path("source"));
    let mut draft = certconnect::core::draft::ProfileDraft {
        name: "Contoso".into(),
        tenant: "11111111-2222-3333-4444-555555555555".into(),
        client_id: "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d".into(),
        pfx_path: "app.pfx".into(),
        extra_headers: "X-A:1||X-B:2".into(),
        ..Default::default()
    };
    draft.refresh_token_url();
    store.save(&draft.parse().unwrap()).unwrap();
    let export = ws.path("export.ron");
    certconnect::profile_store::export_profiles(&store, &["Contoso".to_owned()], &export).unwrap();
    let real = std::fs::read_to_string(&export).unwrap();
    let target = ProfileStore::at(ws.path("target"));
    let file = ws.path("import.ron");
    let strategy = prop_oneof![
        any::<String>(),
        ron_export(),
        (0..real.len()).prop_map(|cut| real[..real.floor_char_boundary(cut)].to_owned()),
    ];
    runner(200)
        .run(&strategy, |text| {
            std::fs::write(&file, &text).unwrap();
            let _ = import_file(&target, &file);
            Ok(())
        })
        .unwrap();
    // Whatever was imported still loads.
    let loaded = target.load_all();
    assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
}
