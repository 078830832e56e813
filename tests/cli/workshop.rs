//! The certificate workshop from the command line: make, compare, keystores, expiry watch.

use crate::support;

use support::{Workspace, certconnect, s, stderr, stdout};

const PASSWORD: &str = "New-Cert-Passw0rd";

fn new_cert(ws: &Workspace, extra: &[&str]) -> std::process::Output {
    let mut args = vec![
        "cert",
        "new",
        "--subject",
        "CN=MyClientAppCert, O=Contoso",
        "--out-pfx",
        "app.pfx",
        "--out-cer",
        "app.cer",
        "--out-pem",
        "app.pem",
        "--password-env",
        "PFX_PASSWORD",
    ];
    args.extend_from_slice(extra);
    certconnect(ws, &args, &[("PFX_PASSWORD", PASSWORD)], None)
}

#[test]
fn a_new_certificate_loads_in_openssl_and_in_certconnect() {
    let ws = Workspace::new();
    let before = time::OffsetDateTime::now_utc().date();
    let output = new_cert(&ws, &["--key-bits", "3072", "--years", "2"]);
    let after = time::OffsetDateTime::now_utc().date();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    // Two calendar years: the same date two years on, whatever leap day lies between.
    let end = std::process::Command::new("openssl")
        .args(["x509", "-in", s(&ws.path("app.pem")), "-noout", "-enddate"])
        .args(["-dateopt", "iso_8601"])
        .output()
        .unwrap();
    let end = String::from_utf8_lossy(&end.stdout).into_owned();
    let two_years_on = |date: time::Date| {
        date.replace_year(date.year() + 2)
            .or_else(|_| {
                date.replace_day(28)
                    .and_then(|d| d.replace_year(d.year() + 2))
            })
            .unwrap()
    };
    assert!(
        [two_years_on(before), two_years_on(after)]
            .iter()
            .any(|date| end.contains(&format!("notAfter={date} "))),
        "{end}"
    );
    assert!(!stdout(&output).contains(PASSWORD));
    let sha1 = ws.openssl_sha1(&ws.path("app.pem"));
    assert!(
        stdout(&output).contains(&sha1),
        "the thumbprint to compare with the portal is printed"
    );

    // openssl reads it with the password, and it is AES-256 with PBKDF2.
    let info = std::process::Command::new("openssl")
        .args([
            "pkcs12",
            "-info",
            "-noout",
            "-in",
            s(&ws.path("app.pfx")),
            "-passin",
            &format!("pass:{PASSWORD}"),
        ])
        .output()
        .unwrap();
    assert!(
        info.status.success(),
        "{}",
        String::from_utf8_lossy(&info.stderr)
    );
    let info_text =
        String::from_utf8_lossy(&info.stderr).to_string() + &String::from_utf8_lossy(&info.stdout);
    assert!(
        info_text.contains("PBKDF2") && info_text.contains("AES-256-CBC"),
        "{info_text}"
    );
    ws.openssl(&["x509", "-in", "app.cer", "-inform", "DER", "-noout"]);

    let inspect = certconnect(
        &ws,
        &[
            "cert",
            "inspect",
            "app.pfx",
            "--password-env",
            "P",
            "--json",
        ],
        &[("P", PASSWORD)],
        None,
    );
    assert_eq!(inspect.status.code(), Some(0));
    let json = support::json_stdout(&inspect);
    assert_eq!(json["subject"], "CN=MyClientAppCert, O=Contoso");
    assert_eq!(json["key"]["bits"], 3072);
    assert_eq!(json["signature_algorithm"], "sha256WithRSAEncryption");
    // Two years are 730 or 731 days (a leap day between); a second has passed since.
    let days = (two_years_on(before) - before).whole_days();
    assert!((days - 1..=days).contains(&json["days_left"].as_i64().unwrap()));
    assert_eq!(json["thumbprint_sha1"], sha1);
    let codes: Vec<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["code"].as_str())
        .collect();
    assert_eq!(
        codes,
        ["self_signed"],
        "digitalSignature usage, no other finding"
    );
}

#[test]
fn cert_new_refuses_to_overwrite_or_to_go_without_a_password() {
    let ws = Workspace::new();
    assert_eq!(new_cert(&ws, &[]).status.code(), Some(0));
    let before = std::fs::read(ws.path("app.pfx")).unwrap();
    let again = new_cert(&ws, &[]);
    assert_eq!(again.status.code(), Some(2));
    assert!(stderr(&again).contains("exists"), "{}", stderr(&again));
    assert_eq!(
        std::fs::read(ws.path("app.pfx")).unwrap(),
        before,
        "nothing was lost"
    );
    assert_eq!(new_cert(&ws, &["--force"]).status.code(), Some(0));

    let no_password = certconnect(
        &ws,
        &[
            "cert",
            "new",
            "--subject",
            "CN=x",
            "--out-pfx",
            "b.pfx",
            "--out-cer",
            "b.cer",
        ],
        &[],
        None,
    );
    assert_eq!(no_password.status.code(), Some(2));
    let bad = certconnect(
        &ws,
        &[
            "cert",
            "new",
            "--subject",
            "CN=x",
            "--key-bits",
            "1024",
            "--out-pfx",
            "c.pfx",
            "--out-cer",
            "c.cer",
            "--password-env",
            "P",
        ],
        &[("P", "p")],
        None,
    );
    assert_eq!(bad.status.code(), Some(2));
    assert!(!ws.path("c.pfx").exists());
}

#[test]
fn match_compares_with_the_uploaded_certificate() {
    let ws = Workspace::new();
    new_cert(&ws, &[]);
    let env = [("P", PASSWORD)];
    let same = certconnect(
        &ws,
        &[
            "cert",
            "inspect",
            "app.pfx",
            "--password-env",
            "P",
            "--match",
            "app.cer",
        ],
        &env,
        None,
    );
    assert_eq!(same.status.code(), Some(0), "{}", stdout(&same));
    assert!(stdout(&same).contains("thumbprint_match"));

    let key = ws.rsa_key("other.key", 2048);
    ws.self_signed("other.pem", &key, "/CN=Other", 365);
    let other_sha1 = ws.openssl_sha1(&ws.path("other.pem"));
    let differs = certconnect(
        &ws,
        &[
            "cert",
            "inspect",
            "app.pfx",
            "--password-env",
            "P",
            "--match",
            "other.pem",
        ],
        &env,
        None,
    );
    assert_eq!(differs.status.code(), Some(1));
    let text = stdout(&differs);
    let own_sha1 = ws.openssl_sha1(&ws.path("app.pem"));
    assert!(
        text.contains(&other_sha1) && text.contains(&own_sha1),
        "both thumbprints side by side:\n{text}"
    );
}

#[test]
fn jks_keystores_list_their_aliases_and_load_by_alias() {
    let ws = Workspace::new();
    for (alias, cn) in [("prod", "Prod"), ("backup", "Backup")] {
        ws.jks_key("ks.jks", alias, cn, PASSWORD);
    }
    let env = [("P", PASSWORD)];
    let listed = certconnect(
        &ws,
        &["cert", "inspect", "ks.jks", "--password-env", "P"],
        &env,
        None,
    );
    assert_eq!(listed.status.code(), Some(2));
    assert!(
        stderr(&listed).contains("prod") && stderr(&listed).contains("backup"),
        "{}",
        stderr(&listed)
    );
    let chosen = certconnect(
        &ws,
        &[
            "cert",
            "inspect",
            "ks.jks",
            "--password-env",
            "P",
            "--alias",
            "backup",
            "--json",
        ],
        &env,
        None,
    );
    assert_eq!(chosen.status.code(), Some(0));
    let json = support::json_stdout(&chosen);
    assert_eq!(
        (json["subject"].as_str(), json["format"].as_str()),
        (Some("CN=Backup"), Some("JKS"))
    );
}

#[test]
fn many_files_make_an_expiry_table_and_fail_within_flags_soon_expiring_ones() {
    let ws = Workspace::new();
    let key = ws.rsa_key("k.key", 2048);
    ws.self_signed("year.pem", &key, "/CN=Year", 365);
    ws.self_signed("soon.pem", &key, "/CN=Soon", 20);
    let table = certconnect(&ws, &["cert", "inspect", "year.pem", "soon.pem"], &[], None);
    assert_eq!(table.status.code(), Some(0), "{}", stdout(&table));
    let text = stdout(&table);
    assert!(
        text.contains("DAYS LEFT") && text.contains("CN=Year") && text.contains("CN=Soon"),
        "{text}"
    );

    let watch = certconnect(
        &ws,
        &[
            "cert",
            "inspect",
            "year.pem",
            "soon.pem",
            "--fail-within",
            "30",
            "--json",
        ],
        &[],
        None,
    );
    assert_eq!(watch.status.code(), Some(1));
    let list = support::json_stdout(&watch);
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list[0]["usable"], true);
    assert_eq!(list[1]["findings"][0]["code"], "expires_within_window");

    let with_missing = certconnect(
        &ws,
        &["cert", "inspect", "year.pem", "missing.pfx"],
        &[],
        None,
    );
    assert_eq!(with_missing.status.code(), Some(2));
    assert!(stdout(&with_missing).contains("cannot read"));
}

#[test]
fn cert_new_refuses_one_file_for_two_outputs_and_writes_nothing() {
    let ws = Workspace::new();
    let output = certconnect(
        &ws,
        &[
            "cert",
            "new",
            "--subject",
            "CN=x",
            "--out-pfx",
            "x.pem",
            "--out-cer",
            "x.cer",
            "--out-pem",
            "./x.pem",
            "--password-env",
            "P",
        ],
        &[("P", PASSWORD)],
        None,
    );
    assert_eq!(output.status.code(), Some(2), "{}", stdout(&output));
    assert!(stderr(&output).contains("x.pem"), "{}", stderr(&output));
    let written: Vec<_> = std::fs::read_dir(ws.dir())
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name())
        .collect();
    assert!(written.is_empty(), "nothing was written: {written:?}");
    // Even with --force: the PEM would replace the PFX, the only copy of the key.
    let forced = certconnect(
        &ws,
        &[
            "cert",
            "new",
            "--subject",
            "CN=x",
            "--out-pfx",
            "x.pem",
            "--out-cer",
            "x.pem",
            "--password-env",
            "P",
            "--force",
        ],
        &[("P", PASSWORD)],
        None,
    );
    assert_eq!(forced.status.code(), Some(2));
    assert!(!ws.path("x.pem").exists());
}

#[test]
fn cert_new_never_replaces_an_existing_cer_without_force() {
    let ws = Workspace::new();
    let uploaded = ws.write("app.cer", b"the certificate already uploaded");
    let again = new_cert(&ws, &[]);
    assert_eq!(again.status.code(), Some(2));
    let message = stderr(&again);
    assert!(
        message.contains("app.cer exists; choose another name or add --force"),
        "{message}"
    );
    assert_eq!(
        std::fs::read(&uploaded).unwrap(),
        b"the certificate already uploaded"
    );
    assert!(
        !ws.path("app.pfx").exists() && !ws.path("app.pem").exists(),
        "no other file was written either"
    );
    assert_eq!(new_cert(&ws, &["--force"]).status.code(), Some(0));
    ws.openssl(&["x509", "-in", "app.cer", "-inform", "DER", "-noout"]);
}

/// A name that "does not exist" when checked but is taken when written (a dangling symlink stands
/// in for a file created in between): the write must fail rather than replace it, and the PFX
/// already written by this run is removed again.
#[cfg(unix)]
#[test]
fn cert_new_does_not_replace_a_file_that_appears_after_the_check() {
    let ws = Workspace::new();
    let cer = ws.path("app.cer");
    std::os::unix::fs::symlink(ws.path("elsewhere.cer"), &cer).unwrap();
    assert!(!cer.exists(), "the check sees no file");
    let output = new_cert(&ws, &[]);
    assert_eq!(output.status.code(), Some(2), "{}", stdout(&output));
    assert!(
        stderr(&output).contains("app.cer exists"),
        "{}",
        stderr(&output)
    );
    assert!(
        std::fs::symlink_metadata(&cer)
            .unwrap()
            .file_type()
            .is_symlink(),
        "the taken name was not replaced"
    );
    assert!(
        !ws.path("app.pfx").exists() && !ws.path("app.pem").exists(),
        "the files this run wrote are removed"
    );
    assert!(!ws.path("elsewhere.cer").exists());
}
