//! The vault reached as a signed-in person, and a vault token that expires during a session,
//! against the sandbox: the device code flow moved on by the sandbox's approve hook, its delegated
//! token for the vault's audience taken by the Key Vault stand-in, held for the session; a token
//! refused after it worked is renewed once from the same way in, a second refusal is the vault's.

use crate::support;

use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use certconnect::admin_signin::{
    DeviceCodeEvent, PollTiming, SignInSettings, sign_in_to_resource_with_device_code,
};
use certconnect::core::jwt::decode_unverified;
use certconnect::core::key_vault::{VaultAccess, VaultProblem};
use certconnect::core::profile::AssertionAlgorithm;
use certconnect::net::{SignInWay, TokenSource, VaultClient, VaultError, VaultSignIn};
use certconnect::sandbox::{Fault, FaultKind, FaultTarget, VaultGrant, VaultPermission};
use support::key_vault_env::{APP_CERT, CURRENT_VERSION, app_only, with_vault};
use support::probe_env::Env;
use tokio_util::sync::CancellationToken;
use url::Url;

/// A poll every server "second" takes 5 ms here.
const QUICK: PollTiming = PollTiming {
    second: Duration::from_millis(5),
};

/// A vault whose grants include the sandbox's administrator (by object ID, as Key Vault grants a
/// person), polled with no wait.
fn env() -> Env {
    Env::with(|config| {
        with_vault(config);
        config.admin.device_code_interval_secs = 0;
        let admin = config.admin.admin.object_id.clone();
        config.key_vault.grants.push(VaultGrant {
            identity: admin,
            permissions: VaultPermission::CONNECTOR.to_vec(),
        });
    })
}

/// A device code sign-in whose codes are sent to `codes` (for the approver).
fn device_code_sign_in(codes: mpsc::Sender<String>) -> Arc<VaultSignIn> {
    let codes = Mutex::new(codes);
    let report = move |event: DeviceCodeEvent| {
        if let DeviceCodeEvent::Prompt(prompt) = event {
            codes.lock().unwrap().send(prompt.user_code).unwrap();
        }
    };
    Arc::new(VaultSignIn::new(SignInWay::DeviceCode {
        report: Arc::new(report),
        timing: QUICK,
    }))
}

fn client(env: &Env, source: TokenSource, access: VaultAccess) -> VaultClient {
    VaultClient::new(
        certconnect::net::build_client(None, true).unwrap(),
        Url::parse(env.sandbox.vault_url()).unwrap(),
        source,
        access,
    )
}

fn requests_to(env: &Env, path_end: &str) -> usize {
    env.sandbox
        .requests()
        .iter()
        .filter(|r| {
            r.path
                .split('?')
                .next()
                .unwrap_or_default()
                .ends_with(path_end)
        })
        .count()
}

/// Runs `work` while a thread approves each device code the sign-in shows; returns what it
/// returned and how many codes were approved.
fn with_approver<T>(env: &Env, work: impl FnOnce(Arc<VaultSignIn>) -> T) -> (T, usize) {
    let (send, codes) = mpsc::channel::<String>();
    let sign_in = device_code_sign_in(send);
    std::thread::scope(|scope| {
        let approver = scope.spawn(|| {
            let mut approved = 0;
            for code in codes {
                assert!(env.sandbox.approve_device_code(&code));
                approved += 1;
            }
            approved
        });
        let result = work(sign_in);
        // Dropping the sign-in drops the last sender: the approver ends.
        (result, approver.join().unwrap())
    })
}

#[test]
fn a_signed_in_person_lists_and_signs_with_a_delegated_vault_token_kept_for_the_session() {
    let env = env();
    let ((listed, again, who, held_audience), approved) = with_approver(&env, |sign_in| {
        let mut vault = client(
            &env,
            TokenSource::SignIn(Arc::clone(&sign_in)),
            VaultAccess::SignIn,
        );
        let listed = env.rt.block_on(vault.list()).unwrap();
        // A second client of the same session takes the held token: no second sign-in.
        let mut second = client(
            &env,
            TokenSource::SignIn(Arc::clone(&sign_in)),
            VaultAccess::SignIn,
        );
        let certificate = env.rt.block_on(second.certificate(APP_CERT, None)).unwrap();
        let signature = env
            .rt
            .block_on(second.sign(
                APP_CERT,
                &certificate.version,
                AssertionAlgorithm::Rs256,
                &[7u8; 32],
            ))
            .unwrap();
        assert_eq!(signature.len(), 256);
        let signed = sign_in.signed_in_as().unwrap();
        (listed, certificate.version, signed.who, signed.audience)
    });
    assert!(listed.iter().any(|c| c.name == APP_CERT));
    assert_eq!(again, CURRENT_VERSION);
    assert_eq!(approved, 1, "one sign-in for the whole session");
    assert_eq!(requests_to(&env, "/oauth2/v2.0/devicecode"), 1);
    assert_eq!(who, "admin@sandbox.onmicrosoft.com");
    assert_eq!(held_audience, env.sandbox.vault_audience());
    // The scope asked for is the vault's (the challenge's resource + /.default), in the vault's
    // tenant as its challenge named it.
    let start = env
        .sandbox
        .requests()
        .into_iter()
        .find(|r| r.path.ends_with("/oauth2/v2.0/devicecode"))
        .unwrap();
    assert!(
        start.path.contains(env.sandbox.tenant_id()),
        "{}",
        start.path
    );
}

#[test]
fn the_token_endpoint_issues_a_delegated_token_for_the_vault_audience() {
    let env = env();
    let settings = SignInSettings::new(
        Url::parse(env.sandbox.base_url()).unwrap(),
        env.sandbox.tenant_id(),
        Url::parse(&env.sandbox.vault_audience()).unwrap(),
        Vec::new(),
    );
    let scope = format!("{}/.default", env.sandbox.vault_audience());
    let session = std::thread::scope(|scope_| {
        let (send, codes) = mpsc::channel::<String>();
        let approver = scope_.spawn(|| {
            for code in codes {
                assert!(env.sandbox.approve_device_code(&code));
            }
        });
        let mut report = move |event: DeviceCodeEvent| {
            if let DeviceCodeEvent::Prompt(prompt) = event {
                send.send(prompt.user_code).unwrap();
            }
        };
        let session = env
            .rt
            .block_on(sign_in_to_resource_with_device_code(
                &settings,
                &scope,
                QUICK,
                &mut report,
                &CancellationToken::new(),
            ))
            .unwrap();
        drop(report);
        approver.join().unwrap();
        session
    });
    let claims: serde_json::Value = decode_unverified(session.access_token.expose()).unwrap();
    assert_eq!(claims["aud"], env.sandbox.vault_audience());
    assert_eq!(claims["scp"], "user_impersonation");
    assert_eq!(session.upn, "admin@sandbox.onmicrosoft.com");
    // One resource a token: the vault's scope beside Graph's is refused, as Entra refuses it.
    let mixed = format!("{scope} {}/Application.Read.All", env.sandbox.base_url());
    let mut ignore = |_: DeviceCodeEvent| {};
    let refused = env.rt.block_on(sign_in_to_resource_with_device_code(
        &settings,
        &mixed,
        QUICK,
        &mut ignore,
        &CancellationToken::new(),
    ));
    assert!(refused.is_err());
}

fn unauthorized() -> Fault {
    Fault {
        target: FaultTarget::KeyVault,
        kind: FaultKind::Status {
            code: 401,
            retry_after: None,
        },
    }
}

#[test]
fn a_vault_token_refused_after_it_worked_is_renewed_once_and_the_call_repeated() {
    let env = Env::with(with_vault);
    let mut vault = client(&env, app_only(&env), VaultAccess::Profile("app".into()));
    let certificate = env.rt.block_on(vault.certificate(APP_CERT, None)).unwrap();
    assert_eq!(env.token_requests(), 1);
    // The token expires during the session: the vault refuses it once.
    env.sandbox.push_fault(unauthorized());
    let signature = env.rt.block_on(vault.sign(
        APP_CERT,
        &certificate.version,
        AssertionAlgorithm::Ps256,
        &[1u8; 32],
    ));
    assert!(signature.is_ok(), "{signature:?}");
    assert_eq!(
        env.token_requests(),
        2,
        "one new token from the same way in"
    );
    // Refused again with the new token too: the vault's refusal, in plain words.
    env.sandbox.push_fault(unauthorized());
    env.sandbox.push_fault(unauthorized());
    let refused = env.rt.block_on(vault.sign(
        APP_CERT,
        &certificate.version,
        AssertionAlgorithm::Ps256,
        &[1u8; 32],
    ));
    match refused {
        Err(VaultError::Refused { problem, refusal }) => {
            assert_eq!(refusal.status, 401);
            assert!(matches!(*problem, VaultProblem::Unauthorized { .. }));
            assert!(problem.to_string().contains("did not accept the sign-in"));
        }
        other => panic!("expected the vault's 401, got {other:?}"),
    }
    assert_eq!(env.token_requests(), 3, "renewed once, not again");
}

#[test]
fn a_signed_in_token_refused_mid_session_signs_in_again_once() {
    let env = env();
    let (outcome, approved) = with_approver(&env, |sign_in| {
        let mut vault = client(&env, TokenSource::SignIn(sign_in), VaultAccess::SignIn);
        env.rt.block_on(vault.list()).unwrap();
        env.sandbox.push_fault(unauthorized());
        env.rt
            .block_on(vault.certificate(APP_CERT, None))
            .map(|c| c.version)
    });
    assert_eq!(outcome.unwrap(), CURRENT_VERSION);
    assert_eq!(
        approved, 2,
        "the held token was dropped and a new one signed in for"
    );
}
