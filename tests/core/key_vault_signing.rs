//! A Key Vault certificate's in-place key, signing where each front end signs: a plain thread,
//! a current-thread runtime (the command line's), a task on a multi-thread runtime and a blocking
//! job beside it (the app's). Each signature is checked with OpenSSL against the vault's
//! certificate, and its assertion is accepted by the sandbox's token endpoint.

use crate::support;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use certconnect::assertion::{Signer, new_jti};
use certconnect::cert::{self};
use certconnect::core::jwt::AssertionClaims;
use certconnect::core::key_vault::{CertificateId, VaultAccess};
use certconnect::core::profile::{AssertionAlgorithm, AssertionOptions};
use certconnect::net::{AppOnly, TokenSource};
use certconnect::probe::system_now;
use openssl::hash::MessageDigest;
use openssl::rsa::Padding;
use openssl::sign::{RsaPssSaltlen, Verifier};
use support::key_vault_env::{APP_CERT, CURRENT_VERSION, app_only, with_vault};
use support::probe_env::{CLIENT_ID, Env};

fn verifies(certificate: &openssl::x509::X509, jws: &str, alg: AssertionAlgorithm) -> bool {
    let (input, signature) = jws.rsplit_once('.').unwrap();
    let signature = URL_SAFE_NO_PAD.decode(signature).unwrap();
    let key = certificate.public_key().unwrap();
    let mut verifier = Verifier::new(MessageDigest::sha256(), &key).unwrap();
    if alg == AssertionAlgorithm::Ps256 {
        verifier.set_rsa_padding(Padding::PKCS1_PSS).unwrap();
        verifier
            .set_rsa_pss_saltlen(RsaPssSaltlen::DIGEST_LENGTH)
            .unwrap();
        verifier.set_rsa_mgf1_md(MessageDigest::sha256()).unwrap();
    }
    verifier.update(input.as_bytes()).unwrap();
    verifier.verify(&signature).unwrap()
}

#[test]
fn the_vault_key_signs_from_every_kind_of_caller() {
    let env = Env::with(with_vault);
    let id = CertificateId::parse(&format!(
        "{}/certificates/{APP_CERT}",
        env.sandbox.vault_url()
    ))
    .unwrap();
    let access = VaultAccess::Profile("app".into());
    // Opened from a plain thread, as the probe's certificate loader does.
    let opened = cert::open_key_vault(&id, app_only(&env), &access, system_now()).unwrap();
    assert_eq!(opened.version, CURRENT_VERSION);
    assert!(opened.current);
    assert!(
        opened.credential.private_key.is_none(),
        "no key leaves the vault"
    );
    assert_eq!(
        opened.credential.in_place_key.as_ref().unwrap().keeper(),
        "Azure Key Vault (127.0.0.1)"
    );
    let certificate = opened.credential.certificate.clone();
    let signer = std::sync::Arc::new(Signer::new(&opened.credential).unwrap());

    // A plain thread.
    let jws = sign_for(&signer, &env.sandbox.token_url(), AssertionAlgorithm::Rs256);
    assert!(verifies(&certificate, &jws, AssertionAlgorithm::Rs256));

    // The command line's current-thread runtime (the vault answers from another runtime).
    let current = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let jws = current
        .block_on(async { sign_for(&signer, &env.sandbox.token_url(), AssertionAlgorithm::Ps256) });
    assert!(verifies(&certificate, &jws, AssertionAlgorithm::Ps256));

    // The thread that drives a multi-thread runtime with block_on (as the core tests run a probe).
    let jws = env
        .rt
        .block_on(async { sign_for(&signer, &env.sandbox.token_url(), AssertionAlgorithm::Rs256) });
    assert!(verifies(&certificate, &jws, AssertionAlgorithm::Rs256));

    // A task on a multi-thread runtime's worker (the app's test run), and a blocking job.
    let token_url = env.sandbox.token_url();
    let (in_task, in_job) = env.rt.block_on(async {
        let task_signer = std::sync::Arc::clone(&signer);
        let url = token_url.clone();
        let task =
            tokio::spawn(async move { sign_for(&task_signer, &url, AssertionAlgorithm::Rs256) });
        let job_signer = std::sync::Arc::clone(&signer);
        let job = tokio::task::spawn_blocking(move || {
            sign_for(&job_signer, &token_url, AssertionAlgorithm::Ps256)
        });
        (task.await.unwrap(), job.await.unwrap())
    });
    assert!(verifies(&certificate, &in_task, AssertionAlgorithm::Rs256));
    assert!(verifies(&certificate, &in_job, AssertionAlgorithm::Ps256));

    // The sandbox's token endpoint accepts an assertion the vault signed.
    let accepted = env.rt.block_on(async {
        let client = certconnect::net::build_client(None, true).unwrap();
        let form = [
            ("grant_type", "client_credentials"),
            ("client_id", CLIENT_ID),
            ("scope", &env.sandbox.scope()),
            ("client_assertion_type", certconnect::net::ASSERTION_TYPE),
            ("client_assertion", &in_task),
        ];
        client
            .post(env.sandbox.token_url())
            .form(&form)
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    });
    assert_eq!(accepted, 200);
    let signatures = env
        .sandbox
        .requests()
        .iter()
        .filter(|r| r.path.contains("/sign?"))
        .count();
    assert_eq!(signatures, 5);
}

fn sign_for(signer: &Signer, token_url: &str, alg: AssertionAlgorithm) -> String {
    let options = AssertionOptions {
        algorithm: alg,
        ..AssertionOptions::default()
    };
    let claims = AssertionClaims::new(CLIENT_ID, token_url, new_jti(), system_now(), 600);
    signer.sign(&claims, &options).unwrap()
}

#[test]
fn the_sandbox_demo_vault_signs_with_a_certificate_registered_on_the_demo_app() {
    let env = Env::new();
    let config = certconnect::sandbox::SandboxConfig {
        key_vault: certconnect::sandbox::demo_vault().unwrap(),
        ..certconnect::sandbox::SandboxConfig::default()
    };
    let demo = env
        .rt
        .block_on(certconnect::sandbox::start_demo(
            &env.ws.path("demo"),
            config,
        ))
        .unwrap();
    let credential = certconnect::probe::open_certificate(demo.profile.certificate(), None, None)
        .map_err(|(f, _)| f.message)
        .unwrap();
    let source = TokenSource::AppOnly(Box::new(AppOnly {
        profile: "Sandbox demo".into(),
        token_url: demo.sandbox.token_url(),
        client_id: certconnect::sandbox::DEMO_CLIENT_ID.into(),
        signer: Signer::new(&credential).unwrap(),
        options: AssertionOptions::default(),
    }));
    let id = CertificateId::parse(&format!(
        "{}/certificates/{}",
        demo.sandbox.vault_url(),
        certconnect::sandbox::DEMO_VAULT_CERTIFICATE
    ))
    .unwrap();
    let access = VaultAccess::Profile("Sandbox demo".into());
    let opened = cert::open_key_vault(&id, source, &access, system_now()).unwrap();
    let signer = Signer::new(&opened.credential).unwrap();
    let options = AssertionOptions::default();
    let claims = AssertionClaims::new(
        certconnect::sandbox::DEMO_CLIENT_ID,
        &demo.sandbox.token_url(),
        new_jti(),
        system_now(),
        600,
    );
    let jws = signer.sign(&claims, &options).unwrap();
    let status = env.rt.block_on(async {
        let client = certconnect::net::build_client(None, true).unwrap();
        let form = [
            ("grant_type", "client_credentials"),
            ("client_id", certconnect::sandbox::DEMO_CLIENT_ID),
            ("scope", &demo.sandbox.scope()),
            ("client_assertion_type", certconnect::net::ASSERTION_TYPE),
            ("client_assertion", &jws),
        ];
        client
            .post(demo.sandbox.token_url())
            .form(&form)
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    });
    assert_eq!(status, 200);
}

/// A run of a vault certificate reached through the saved profile 'Vaulter' (the app's PFX), in
/// the workspace's own store; `on_event` sees each event as it comes.
fn vault_run(
    env: &Env,
    mut on_event: impl FnMut(&certconnect::core::event::TestEvent) + Send,
) -> (
    Result<certconnect::probe::ProbeSummary, certconnect::probe::ProbeError>,
    Vec<certconnect::core::event::TestEvent>,
) {
    let store = env.ws.profile_store();
    support::key_vault_env::save_vaulter(env, &store);
    let mut draft = env.draft();
    draft.cert_kind = certconnect::core::draft::CertKind::KeyVault;
    draft.key_vault_url = format!("{}/certificates/{APP_CERT}", env.sandbox.vault_url());
    draft.vault_access = VaultAccess::Profile("Vaulter".into());
    draft.password = certconnect::core::profile::PasswordSource::None;
    let job = certconnect::probe::ProbeJob {
        profile: draft.parse().unwrap(),
        password: None,
        token_only: true,
        timing: certconnect::core::retry::RetryTiming {
            base: std::time::Duration::from_millis(20),
            cap: std::time::Duration::from_secs(5),
        },
        vault: None,
        clients: None,
        profiles: Some(store),
    };
    let mut events = Vec::new();
    let result = env.rt.block_on(certconnect::probe::run(
        job,
        &mut |event| {
            on_event(&event);
            events.push(event);
        },
        &tokio_util::sync::CancellationToken::new(),
    ));
    (result, events)
}

#[test]
fn a_signature_throttled_by_the_vault_lists_its_retries_under_sign_in_key_vault() {
    use certconnect::core::event::{Step, TestEvent};
    use certconnect::sandbox::{Fault, FaultKind, FaultTarget};
    let env = Env::with(with_vault);
    // Throttled once the signing step starts: the next vault request is the signature.
    let (result, events) = vault_run(&env, |event| {
        if let TestEvent::Started {
            step: Step::SignInKeyVault,
            ..
        } = event
        {
            env.sandbox.push_fault(Fault {
                target: FaultTarget::KeyVault,
                kind: FaultKind::Status {
                    code: 429,
                    retry_after: Some("1".into()),
                },
            });
        }
    });
    assert!(result.is_ok(), "{result:?}");
    let retries: Vec<(Step, u64)> = events
        .iter()
        .filter_map(|e| match e {
            TestEvent::Retrying { step, wait_ms, .. } => Some((*step, *wait_ms)),
            _ => None,
        })
        .collect();
    assert_eq!(
        retries,
        [(Step::SignInKeyVault, 1000)],
        "the vault's Retry-After, under the signing step"
    );
    // Listed before the step is done, as the other steps list theirs.
    let retry_at = events
        .iter()
        .position(|e| matches!(e, TestEvent::Retrying { .. }))
        .unwrap();
    let done_at = events
        .iter()
        .position(|e| {
            matches!(
                e,
                TestEvent::Done {
                    step: Step::SignInKeyVault,
                    ..
                }
            )
        })
        .unwrap();
    assert!(retry_at < done_at);
}
