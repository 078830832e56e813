//! Certificates in Azure Key Vault through the real binary, against the sandbox's Key Vault
//! stand-in: the assertion signed in the vault (RS256, PS256) and accepted by the token endpoint,
//! the three ways in (another profile, a stand-in `az` on PATH, managed identity), each refusal at
//! its own step before anything reaches the token endpoint, `test --all` with no person,
//! `cert list --key-vault` and `cert inspect URL`.

use crate::support;

use certconnect::core::draft::{CertKind, ProfileDraft};
use certconnect::core::key_vault::VaultAccess;
use certconnect::core::profile::PasswordSource;
use certconnect::sandbox::{Fault, FaultKind, FaultTarget};
use support::key_vault_env::{
    APP_CERT, AZ_USER, CURRENT_VERSION, DISABLED_CERT, EC_CERT, EXPIRED_CERT, IDENTITY_HEADER,
    OLD_VERSION, READ_ONLY_IDENTITY, VAULTER, save_vaulter, with_vault,
};
use support::probe_env::{CLIENT_ID, Env};
use support::{certconnect, json_stdout, stderr, stdout};

fn env() -> Env {
    let env = Env::with(with_vault);
    save_vaulter(&env, &env.ws.profile_store());
    env
}

fn cert_url(env: &Env, name: &str) -> String {
    format!("{}/certificates/{name}", env.sandbox.vault_url())
}

fn test_args(env: &Env, url: &str, access: &str, extra: &[&str]) -> Vec<String> {
    let mut args: Vec<String> = [
        "test",
        "--token-url",
        &env.sandbox.token_url(),
        "--client-id",
        CLIENT_ID,
        "--graph-url",
        &env.sandbox.graph_url(),
        "--key-vault-cert",
        url,
        "--vault-access",
        access,
        "--json",
    ]
    .map(str::to_owned)
    .to_vec();
    args.extend(extra.iter().map(|a| (*a).to_owned()));
    args
}

fn run(env: &Env, args: &[String], vars: &[(&str, &str)]) -> std::process::Output {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    certconnect(&env.ws, &args, vars, None)
}

fn step<'a>(json: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    json["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == name)
        .unwrap_or_else(|| panic!("no step {name} in {json}"))
}

fn vault_requests(env: &Env, what: &str) -> usize {
    env.sandbox
        .requests()
        .iter()
        .filter(|r| r.path.contains(what))
        .count()
}

/// Token requests of the connection itself (the vault's own token, for `profile:`, is one too:
/// it asks for the vault's scope).
fn graph_token_requests(env: &Env) -> usize {
    env.sandbox
        .requests()
        .iter()
        .filter(|r| {
            r.path.ends_with("/oauth2/v2.0/token") && !r.form_body.contains("%2Fvault%2F.default")
        })
        .count()
}

#[test]
fn rs256_and_ps256_are_signed_in_the_vault_and_accepted_by_the_token_endpoint() {
    let env = env();
    for alg in ["RS256", "PS256"] {
        let args = test_args(
            &env,
            &cert_url(&env, APP_CERT),
            &format!("profile:{VAULTER}"),
            &["--alg", alg],
        );
        let output = run(&env, &args, &[]);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{}{}",
            stdout(&output),
            stderr(&output)
        );
        let json = json_stdout(&output);
        assert_eq!(json["ok"], true);
        let names: Vec<&str> = json["steps"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["name"].as_str().unwrap())
            .collect();
        assert_eq!(
            names,
            [
                "profile",
                "reach_key_vault",
                "sign_in_key_vault",
                "token",
                "graph_site",
                "drive",
                "items"
            ]
        );
        let reach = step(&json, "reach_key_vault");
        assert!(reach["duration_ms"].is_u64());
        assert_eq!(reach["label"], "Reach Key Vault");
        let details = reach["details"].to_string();
        assert!(details.contains(CURRENT_VERSION), "{details}");
        assert!(details.contains("the current version"), "{details}");
        assert!(details.contains("never exported"), "{details}");
        assert_eq!(
            step(&json, "sign_in_key_vault")["label"],
            "Sign in Key Vault"
        );
        support::leaks::assert_no_jwt(&stdout(&output), "the output");
    }
    assert_eq!(vault_requests(&env, "/sign?"), 2, "one signature per run");
    // The first vault request went without a token, for the challenge.
    let first = env
        .sandbox
        .requests()
        .into_iter()
        .find(|r| r.path.starts_with("/certificates/"))
        .unwrap();
    assert_eq!(first.header("authorization"), None);
}

#[test]
fn a_named_version_is_used_and_a_version_not_registered_is_refused_by_entra() {
    let env = env();
    let url = format!("{}/{OLD_VERSION}", cert_url(&env, APP_CERT));
    let output = run(
        &env,
        &test_args(&env, &url, &format!("profile:{VAULTER}"), &[]),
        &[],
    );
    let json = json_stdout(&output);
    // The old version signs fine, but only the current one is registered on the app.
    assert_eq!(step(&json, "sign_in_key_vault")["ok"], true);
    assert_eq!(json["error"]["code"], "AADSTS700027");
    assert_eq!(
        output.status.code(),
        Some(1),
        "a connection failing after signing exits 1"
    );
}

#[test]
fn each_refusal_is_named_at_its_step_before_the_token_endpoint() {
    let env = env();
    let cases: [(String, &str, &str, &str); 5] = [
        (
            cert_url(&env, "no-such-cert"),
            "reach_key_vault",
            "key_vault_not_found",
            "cert list",
        ),
        (
            cert_url(&env, DISABLED_CERT),
            "reach_key_vault",
            "key_vault_disabled",
            "Enable",
        ),
        (
            cert_url(&env, EXPIRED_CERT),
            "reach_key_vault",
            "key_vault_expired",
            "Renew",
        ),
        (
            cert_url(&env, EC_CERT),
            "reach_key_vault",
            "key_vault_not_rsa",
            "RSA",
        ),
        (
            format!(
                "{}/certificates/{APP_CERT}/ffffffffffffffffffffffffffffffff",
                env.sandbox.vault_url()
            ),
            "reach_key_vault",
            "key_vault_not_found",
            "version",
        ),
    ];
    for (url, failed_step, code, fix) in cases {
        let output = run(
            &env,
            &test_args(&env, &url, &format!("profile:{VAULTER}"), &[]),
            &[],
        );
        let json = json_stdout(&output);
        assert_eq!(output.status.code(), Some(2), "{url}: {json}");
        assert_eq!(json["error"]["step"], failed_step, "{url}: {json}");
        assert_eq!(json["error"]["code"], code, "{url}: {json}");
        assert!(
            json["error"]["hint"].as_str().unwrap().contains(fix),
            "{url}: {json}"
        );
    }
    assert_eq!(
        graph_token_requests(&env),
        0,
        "nothing reached the token endpoint"
    );
}

#[test]
fn a_missing_permission_names_the_operation_and_the_roles() {
    let env = env();
    let output = run(
        &env,
        &test_args(
            &env,
            &cert_url(&env, APP_CERT),
            &format!("managed-identity:{READ_ONLY_IDENTITY}"),
            &[],
        ),
        &[("CERTCONNECT_IMDS_ENDPOINT", env.sandbox.base_url())],
    );
    let json = json_stdout(&output);
    assert_eq!(output.status.code(), Some(2), "{json}");
    assert_eq!(json["error"]["step"], "sign_in_key_vault");
    assert_eq!(json["error"]["code"], "key_vault_forbidden");
    let hint = json["error"]["hint"].as_str().unwrap();
    assert!(
        hint.contains("keys/sign") && hint.contains("Key Vault Crypto User"),
        "{hint}"
    );
    assert_eq!(graph_token_requests(&env), 0);
}

#[test]
fn a_firewall_refusal_and_a_throttled_vault() {
    let env = env();
    let args = test_args(
        &env,
        &cert_url(&env, APP_CERT),
        &format!("profile:{VAULTER}"),
        &[],
    );
    // The challenge request answers 401 first; the firewall then refuses the authenticated one.
    env.sandbox.push_fault(Fault {
        target: FaultTarget::KeyVault,
        kind: FaultKind::Status {
            code: 403,
            retry_after: None,
        },
    });
    let json = json_stdout(&run(&env, &args, &[]));
    assert_eq!(json["error"]["code"], "key_vault_firewall", "{json}");
    assert!(json["error"]["hint"].as_str().unwrap().contains("Firewall"));
    // 429 with Retry-After: waited for, then the run connects.
    env.sandbox.push_fault(Fault {
        target: FaultTarget::KeyVault,
        kind: FaultKind::Status {
            code: 429,
            retry_after: Some("1".into()),
        },
    });
    let output = run(&env, &args, &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    // The wait is the vault's Retry-After, shown under the step like every retry.
    let json = json_stdout(&output);
    let waits: Vec<u64> = json["retries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["step"] == "reach_key_vault")
        .map(|r| r["wait_ms"].as_u64().unwrap())
        .collect();
    assert_eq!(waits, [1000], "{json}");
    let throttled = env
        .sandbox
        .requests()
        .iter()
        .filter(|r| r.path.starts_with("/certificates/"))
        .count();
    assert!(
        throttled >= 3,
        "the throttled request was sent again ({throttled})"
    );
}

/// A stand-in `az` on PATH that answers as `az account get-access-token --output json` documents,
/// and writes the arguments it was given beside itself.
fn fake_az(env: &Env, token: &str, exit: i32) -> std::path::PathBuf {
    let dir = env.ws.path("bin");
    std::fs::create_dir_all(&dir).unwrap();
    let script = dir.join("az");
    let body = if exit == 0 {
        format!(
            "printf '%s\\n' \"$@\" > \"$(dirname \"$0\")/args\"\ncat <<'EOF'\n{{\n  \"accessToken\": \"{token}\",\n  \"expiresOn\": \"2030-01-01 00:00:00.000000\",\n  \"expires_on\": 1893456000,\n  \"subscription\": \"00000000-0000-0000-0000-000000000000\",\n  \"tenant\": \"11111111-2222-3333-4444-555555555555\",\n  \"tokenType\": \"Bearer\"\n}}\nEOF\n"
        )
    } else {
        "echo \"ERROR: Please run 'az login' to setup account.\" >&2\nexit 1\n".to_owned()
    };
    std::fs::write(&script, format!("#!/bin/sh\n{body}")).unwrap();
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    dir
}

fn with_path(dir: &std::path::Path) -> String {
    format!(
        "{}:{}",
        dir.display(),
        std::env::var("PATH").unwrap_or_default()
    )
}

#[test]
fn the_azure_cli_gives_the_token_for_the_challenges_audience() {
    let env = env();
    let dir = fake_az(&env, &env.sandbox.issue_vault_token(AZ_USER), 0);
    let path = with_path(&dir);
    let output = run(
        &env,
        &test_args(&env, &cert_url(&env, APP_CERT), "cli", &[]),
        &[("PATH", &path)],
    );
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}{}",
        stdout(&output),
        stderr(&output)
    );
    let args = std::fs::read_to_string(dir.join("args")).unwrap();
    let args: Vec<&str> = args.lines().collect();
    assert_eq!(
        args,
        [
            "account",
            "get-access-token",
            "--resource",
            &env.sandbox.vault_audience(),
            "--output",
            "json"
        ]
    );
    support::leaks::assert_no_jwt(&stdout(&output), "the output");
    // A token the vault does not take: 401, named with the way in.
    let dir = fake_az(&env, "not-a-token", 0);
    let output = run(
        &env,
        &test_args(&env, &cert_url(&env, APP_CERT), "cli", &[]),
        &[("PATH", &with_path(&dir))],
    );
    let json = json_stdout(&output);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(json["error"]["code"], "key_vault_unauthorized", "{json}");
    assert!(
        json["error"]["message"]
            .as_str()
            .unwrap()
            .contains("Azure CLI")
    );
    // Not signed in: az's own words and the fix.
    let dir = fake_az(&env, "", 1);
    let output = run(
        &env,
        &test_args(&env, &cert_url(&env, APP_CERT), "cli", &[]),
        &[("PATH", &with_path(&dir))],
    );
    let json = json_stdout(&output);
    assert_eq!(json["error"]["code"], "az_failed", "{json}");
    assert!(json["error"]["hint"].as_str().unwrap().contains("az login"));
    assert_eq!(
        graph_token_requests(&env),
        1,
        "only the connected run asked for a token"
    );
}

#[test]
fn managed_identity_through_imds_and_app_service() {
    let env = env();
    let args = test_args(&env, &cert_url(&env, APP_CERT), "managed-identity", &[]);
    let output = run(
        &env,
        &args,
        &[("CERTCONNECT_IMDS_ENDPOINT", env.sandbox.base_url())],
    );
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}{}",
        stdout(&output),
        stderr(&output)
    );
    let imds = env
        .sandbox
        .requests()
        .into_iter()
        .find(|r| r.path.starts_with("/metadata/identity/oauth2/token"))
        .unwrap();
    assert_eq!(imds.header("metadata"), Some("true"));
    assert!(imds.path.contains("api-version=2018-02-01"));
    let endpoint = format!("{}/msi/token", env.sandbox.base_url());
    let output = run(
        &env,
        &args,
        &[
            ("IDENTITY_ENDPOINT", &endpoint),
            ("IDENTITY_HEADER", IDENTITY_HEADER),
        ],
    );
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}{}",
        stdout(&output),
        stderr(&output)
    );
    assert_eq!(vault_requests(&env, "/msi/token?api-version=2019-08-01"), 1);
    // No identity endpoint at all (nothing listens): the fix says where managed identity works.
    let output = run(
        &env,
        &args,
        &[("CERTCONNECT_IMDS_ENDPOINT", "http://127.0.0.1:9")],
    );
    let json = json_stdout(&output);
    assert_eq!(
        json["error"]["code"], "managed_identity_unreachable",
        "{json}"
    );
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn test_all_reaches_the_vault_with_a_saved_profile_and_no_person() {
    let env = env();
    let draft = vault_draft(
        &env,
        "Nightly vault",
        &cert_url(&env, APP_CERT),
        VaultAccess::Profile(VAULTER.into()),
    );
    env.ws
        .profile_store()
        .save(&draft.parse().unwrap())
        .unwrap();
    let output = certconnect(&env.ws, &["test", "--all", "Nightly*", "--json"], &[], None);
    let json = json_stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{json}{}", stderr(&output));
    assert_eq!(json["summary"]["connected"], 1);
    let listed = certconnect(&env.ws, &["profile", "list"], &[], None);
    let listed = stdout(&listed);
    assert!(
        listed.contains(&format!("Key Vault {}", cert_url(&env, APP_CERT))),
        "{listed}"
    );
    assert!(listed.contains("the profile 'Vaulter'"), "{listed}");
}

#[test]
fn cert_list_and_inspect_read_the_vault() {
    let env = env();
    let access = format!("profile:{VAULTER}");
    let output = certconnect(
        &env.ws,
        &[
            "cert",
            "list",
            "--key-vault",
            env.sandbox.vault_url(),
            "--vault-access",
            &access,
            "--json",
        ],
        &[],
        None,
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let json = json_stdout(&output);
    let names: Vec<&str> = json["certificates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&APP_CERT) && !names.contains(&EC_CERT),
        "{names:?}"
    );
    let app = json["certificates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == APP_CERT)
        .unwrap();
    assert_eq!(app["version"], CURRENT_VERSION);
    assert_eq!(app["exportable"], false);
    assert_eq!(app["thumbprint_sha1"].as_str().unwrap().len(), 40);
    let url = app["url"].as_str().unwrap().to_owned();
    assert_eq!(
        url,
        format!("{}/{CURRENT_VERSION}", cert_url(&env, APP_CERT))
    );
    let output = certconnect(
        &env.ws,
        &["cert", "inspect", &url, "--vault-access", &access, "--json"],
        &[],
        None,
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let report = json_stdout(&output);
    assert_eq!(report["thumbprint_sha1"], app["thumbprint_sha1"]);
    assert_eq!(report["usable"], true);
    let output = certconnect(
        &env.ws,
        &[
            "cert",
            "inspect",
            &cert_url(&env, "missing"),
            "--vault-access",
            &access,
            "--json",
        ],
        &[],
        None,
    );
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(json_stdout(&output)["error"]["code"], "key_vault_not_found");
    let bad = certconnect(
        &env.ws,
        &["cert", "list", "--key-vault", "https://example.com"],
        &[],
        None,
    );
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn an_imported_profile_naming_a_vault_reaches_nothing_until_confirmed() {
    let env = env();
    let draft = vault_draft(
        &env,
        "Shared vault",
        &cert_url(&env, APP_CERT),
        VaultAccess::Profile(VAULTER.into()),
    );
    let imported =
        draft
            .parse()
            .unwrap()
            .with_origin(certconnect::core::profile::Origin::Imported {
                brought_entries: Vec::new(),
            });
    env.ws.profile_store().save(&imported).unwrap();
    let output = certconnect(&env.ws, &["test", "Shared vault"], &[], None);
    assert_eq!(output.status.code(), Some(2));
    let text = stderr(&output);
    assert!(
        text.contains("Key Vault certificate") && text.contains("'Vaulter'"),
        "{text}"
    );
    assert_eq!(env.sandbox.requests().len(), 0, "nothing was sent anywhere");
    let trusted = certconnect(&env.ws, &["profile", "trust", "Shared vault"], &[], None);
    assert_eq!(trusted.status.code(), Some(0), "{}", stderr(&trusted));
    let output = certconnect(&env.ws, &["test", "Shared vault"], &[], None);
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{text}{}", stderr(&output));
    assert!(text.contains("[ ok ] Reach Key Vault"), "{text}");
    assert!(text.contains("[ ok ] Sign in Key Vault"), "{text}");
    assert!(text.contains("never exported"), "{text}");
}

/// A saved vault profile reached through `Vaulter`, with the app's object ID for addKey.
/// A profile named `name` whose certificate is the vault's `url`, reached through `access`.
fn vault_draft(env: &Env, name: &str, url: &str, access: VaultAccess) -> ProfileDraft {
    let mut draft = env.draft();
    draft.name = name.into();
    draft.object_id = support::probe_env::OBJECT_ID.into();
    draft.cert_kind = CertKind::KeyVault;
    draft.key_vault_url = url.into();
    draft.vault_access = access;
    draft.password = PasswordSource::None;
    draft
}

fn save_vault_profile(env: &Env, name: &str, url: &str) {
    let draft = vault_draft(env, name, url, VaultAccess::Profile(VAULTER.into()));
    env.ws
        .profile_store()
        .save(&draft.parse().unwrap())
        .unwrap();
}

#[test]
fn rotation_makes_the_new_version_in_the_vault_and_no_key_file() {
    let env = Env::with(|config| {
        with_vault(config);
        // Entra takes a moment to accept an uploaded key: the rotation waits for it.
        config.key_propagation = std::time::Duration::from_millis(1500);
    });
    save_vaulter(&env, &env.ws.profile_store());
    let pinned = format!("{}/{CURRENT_VERSION}", cert_url(&env, APP_CERT));
    save_vault_profile(&env, "pinned", &pinned);
    let keys_before = env
        .sandbox
        .key_credentials(support::probe_env::OBJECT_ID)
        .len();
    let files_before = std::fs::read_dir(env.ws.dir()).unwrap().count();

    let output = certconnect(&env.ws, &["cert", "rotate", "pinned", "--json"], &[], None);
    let answer = json_stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{answer}{}", stderr(&output));
    let steps: Vec<&str> = answer["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        steps,
        [
            "profile",
            "certificate",
            "new_certificate",
            "token",
            "upload",
            "wait_for_entra",
            "test_new",
            "switch_profile"
        ]
    );
    let new_url = answer["rotation"]["new_vault_certificate"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        new_url.starts_with(&cert_url(&env, APP_CERT)) && new_url != pinned,
        "{new_url}"
    );
    // The pinned profile now names the new version; the app has one key more.
    let saved = env.ws.profile_store().get("pinned").unwrap().profile;
    assert_eq!(
        *saved.certificate(),
        certconnect::core::profile::CertificateSource::KeyVault {
            url: new_url.clone(),
            access: VaultAccess::Profile(VAULTER.into()),
        }
    );
    assert_eq!(
        env.sandbox
            .key_credentials(support::probe_env::OBJECT_ID)
            .len(),
        keys_before + 1
    );
    // No key file was written anywhere in the workspace.
    assert_eq!(
        std::fs::read_dir(env.ws.dir()).unwrap().count(),
        files_before
    );
    // The old version signed in the vault: the token request's assertion and the addKey proof.
    let signed_old = env
        .sandbox
        .requests()
        .iter()
        .filter(|r| {
            r.path
                .contains(&format!("/keys/{APP_CERT}/{CURRENT_VERSION}/sign"))
        })
        .count();
    assert!(signed_old >= 2, "{signed_old}");
    // And the rotated profile connects.
    let output = certconnect(&env.ws, &["test", "pinned"], &[], None);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
}

#[test]
fn inspect_gives_a_vault_certificate_the_findings_and_exit_codes_of_a_file() {
    let env = env();
    let access = format!("profile:{VAULTER}");
    for (name, finding) in [
        (EXPIRED_CERT, "expired"),
        (EC_CERT, "non_rsa_key"),
        (DISABLED_CERT, "key_vault_disabled"),
    ] {
        let output = certconnect(
            &env.ws,
            &[
                "cert",
                "inspect",
                &cert_url(&env, name),
                "--vault-access",
                &access,
                "--json",
            ],
            &[],
            None,
        );
        let report = json_stdout(&output);
        assert_eq!(output.status.code(), Some(1), "{name}: {report}");
        assert_eq!(report["usable"], false);
        let codes: Vec<&str> = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["code"].as_str().unwrap())
            .collect();
        assert!(codes.contains(&finding), "{name}: {codes:?}");
    }
}

/// A sandbox whose administrator may use the vault (granted by object ID, as Key Vault grants a
/// person), whose device codes are approved on the first poll with no wait: the device code
/// sign-in of a run through the real binary ends without a hook to call.
fn sign_in_env() -> Env {
    Env::with(|config| {
        with_vault(config);
        config.admin.device_code_interval_secs = 0;
        config.admin.device_code_approve_on_poll = Some(1);
        let admin = config.admin.admin.object_id.clone();
        config
            .key_vault
            .grants
            .push(certconnect::sandbox::VaultGrant {
                identity: admin,
                permissions: certconnect::sandbox::VaultPermission::CONNECTOR.to_vec(),
            });
    })
}

#[test]
fn a_signed_in_admin_reaches_the_vault_with_a_device_code() {
    let env = sign_in_env();
    let args = test_args(
        &env,
        &cert_url(&env, APP_CERT),
        "sign-in",
        &["--device-code"],
    );
    let output = run(&env, &args, &[]);
    let json = json_stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{json}{}", stderr(&output));
    let details = step(&json, "reach_key_vault")["details"].to_string();
    assert!(details.contains("signed-in admin"), "{details}");
    // The device code's message went to standard error; no token anywhere.
    assert!(
        stderr(&output).contains("enter the code"),
        "{}",
        stderr(&output)
    );
    support::leaks::assert_no_jwt(&stdout(&output), "the output");
    support::leaks::assert_no_jwt(&stderr(&output), "standard error");
    assert_eq!(vault_requests(&env, "/oauth2/v2.0/devicecode"), 1);
    // cert list with the same way in.
    let output = certconnect(
        &env.ws,
        &[
            "cert",
            "list",
            "--key-vault",
            env.sandbox.vault_url(),
            "--vault-access",
            "sign-in",
            "--device-code",
            "--json",
        ],
        &[],
        None,
    );
    let json = json_stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{json}{}", stderr(&output));
    assert!(json["certificates"].to_string().contains(APP_CERT));
}

#[test]
fn test_all_with_a_sign_in_profile_is_told_it_needs_a_person_and_never_prompts() {
    let env = sign_in_env();
    let draft = vault_draft(
        &env,
        "Nightly signed",
        &cert_url(&env, APP_CERT),
        VaultAccess::SignIn,
    );
    env.ws
        .profile_store()
        .save(&draft.parse().unwrap())
        .unwrap();
    let output = certconnect(&env.ws, &["test", "--all", "Nightly*", "--json"], &[], None);
    let json = json_stdout(&output);
    assert_ne!(output.status.code(), Some(0), "{json}");
    assert!(
        json.to_string().contains("vault_sign_in_needs_person"),
        "{json}"
    );
    assert_eq!(vault_requests(&env, "/oauth2/v2.0/devicecode"), 0);
    assert_eq!(vault_requests(&env, "/authorize"), 0);
}

#[test]
fn sign_in_options_are_checked_before_anything_is_asked() {
    let env = sign_in_env();
    let args = test_args(
        &env,
        &cert_url(&env, APP_CERT),
        "sign-in",
        &["--device-code", "--sign-in-client-id", "not-a-guid"],
    );
    let output = run(&env, &args, &[]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stdout(&output).contains("--sign-in-client-id"),
        "{}",
        stdout(&output)
    );
    assert_eq!(vault_requests(&env, "/oauth2/v2.0/devicecode"), 0);
}

#[test]
fn cert_rotate_of_a_profile_reached_by_sign_in_signs_in_once_and_rotates_in_the_vault() {
    let env = Env::with(|config| {
        with_vault(config);
        config.admin.device_code_interval_secs = 0;
        config.admin.device_code_approve_on_poll = Some(1);
        let admin = config.admin.admin.object_id.clone();
        let mut permissions = certconnect::sandbox::VaultPermission::CONNECTOR.to_vec();
        permissions.push(certconnect::sandbox::VaultPermission::CertificatesCreate);
        config
            .key_vault
            .grants
            .push(certconnect::sandbox::VaultGrant {
                identity: admin,
                permissions,
            });
    });
    let draft = vault_draft(
        &env,
        "signed",
        &cert_url(&env, APP_CERT),
        VaultAccess::SignIn,
    );
    env.ws
        .profile_store()
        .save(&draft.parse().unwrap())
        .unwrap();
    let output = certconnect(
        &env.ws,
        &["cert", "rotate", "signed", "--device-code", "--json"],
        &[],
        None,
    );
    let answer = json_stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{answer}{}", stderr(&output));
    assert!(
        answer["rotation"]["new_vault_certificate"].is_string(),
        "{answer}"
    );
    assert_eq!(
        vault_requests(&env, "/oauth2/v2.0/devicecode"),
        1,
        "one sign-in for the whole rotation"
    );
}
