//! The hot paths of a test connection: opening a PFX, signing an assertion next to a bare RSA-2048
//! signature of the same bytes with the same library (OpenSSL) and key, one whole token exchange
//! and one whole probe against the local sandbox. Run with `cargo bench --bench hot_paths`, or
//! `scripts/bench.sh`, which prints the signing overhead as a ratio; the README reports the figures.

use std::time::Duration;

use certconnect::assertion::{Signer, new_jti};
use certconnect::cert::load_bytes;
use certconnect::core::event::Step;
use certconnect::core::jwt::AssertionClaims;
use certconnect::core::profile::{AssertionAlgorithm, AssertionOptions};
use certconnect::core::retry::{RetrySettings, RetryTiming};
use certconnect::net::{RetryContext, TokenRequest, build_client, request_token};
use certconnect::probe::{self, ProbeJob, system_now};
use certconnect::sandbox::{
    RegisteredApp, Sandbox, SandboxConfig, make_demo_certificate, start_demo,
};
use criterion::{Criterion, criterion_group, criterion_main};
use tokio_util::sync::CancellationToken;

const CLIENT_ID: &str = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
const TOKEN_URL: &str =
    "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token";

fn hot_paths(c: &mut Criterion) {
    let demo = make_demo_certificate("bench").expect("certificate");
    let pfx = demo.to_pfx().expect("pfx");
    c.bench_function("load PFX (AES-256/PBKDF2, RSA 2048)", |b| {
        b.iter(|| load_bytes(&pfx, None, None, None).expect("load"));
    });

    let credential = load_bytes(&pfx, None, None, None).expect("load");
    let signer = Signer::new(&credential).expect("signer");
    let key = credential.private_key.clone().expect("key");
    for algorithm in [AssertionAlgorithm::Rs256, AssertionAlgorithm::Ps256] {
        let options = AssertionOptions {
            algorithm,
            ..AssertionOptions::default()
        };
        c.bench_function(&format!("sign assertion {algorithm:?}"), |b| {
            b.iter(|| {
                let claims =
                    AssertionClaims::new(CLIENT_ID, TOKEN_URL, new_jti(), system_now(), 600);
                signer.sign(&claims, &options).expect("sign")
            });
        });
        // The floor: the signature alone over a message as long as the assertion's signed part.
        let claims = AssertionClaims::new(CLIENT_ID, TOKEN_URL, new_jti(), system_now(), 600);
        let token = signer.sign(&claims, &options).expect("sign");
        let signed_part = token.rsplit_once('.').expect("jws").0.as_bytes().to_vec();
        c.bench_function(&format!("bare RSA-2048 signature {algorithm:?}"), |b| {
            b.iter(|| bare_signature(&key, algorithm, &signed_part));
        });
    }

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let config = SandboxConfig {
        apps: vec![RegisteredApp {
            client_id: CLIENT_ID.into(),
            object_id: "7e6d5c4b-3a29-4b18-9c07-f6e5d4c3b2a1".into(),
            certificates: vec![credential.certificate.clone()],
            roles: vec!["Sites.Read.All".into(), "Files.Read.All".into()],
        }],
        ..SandboxConfig::default()
    };
    let sandbox = runtime.block_on(Sandbox::start(config)).expect("sandbox");
    let client = build_client(None, true).expect("client");
    let token_url = sandbox.token_url();
    let scope = sandbox.scope();
    let options = AssertionOptions::default();
    let settings = RetrySettings::default();
    let cancel = CancellationToken::new();
    c.bench_function(
        "token exchange against the sandbox (sign + POST + verify + parse)",
        |b| {
            b.iter(|| {
                runtime.block_on(async {
                    let ctx = RetryContext {
                        settings: &settings,
                        timing: RetryTiming::default(),
                        deadline: tokio::time::Instant::now() + Duration::from_secs(10),
                        cancel: &cancel,
                        step: Step::Token,
                        now: &system_now,
                    };
                    let request = TokenRequest {
                        token_url: &token_url,
                        client_id: CLIENT_ID,
                        scope: &scope,
                        signer: &signer,
                        options: &options,
                        // Signing is part of what this bench measures.
                        first_assertion: None,
                    };
                    request_token(&client, &ctx, &mut |_| {}, &request)
                        .await
                        .expect("token")
                })
            });
        },
    );

    // One whole test connection as the app runs it: the PFX read from disk and opened, the
    // assertion, the token, then Graph's site, drive and items (the demo's sandbox and profile).
    let dir = tempfile::tempdir().expect("temporary directory");
    let demo = runtime
        .block_on(start_demo(dir.path(), SandboxConfig::default()))
        .expect("demo");
    let profile = demo.profile.clone();
    c.bench_function(
        "whole probe against the sandbox (PFX, assertion, token, site, drive, items)",
        |b| {
            b.iter(|| {
                let job = ProbeJob {
                    profile: profile.clone(),
                    password: None,
                    token_only: false,
                    timing: RetryTiming::default(),
                    vault: None,
                    clients: None,
                    profiles: None,
                };
                runtime
                    .block_on(probe::run(job, &mut |_| {}, &cancel))
                    .expect("probe")
            });
        },
    );
}

/// One RSA signature with OpenSSL, as a JWS library without certconnect's code would make it.
fn bare_signature(
    key: &openssl::pkey::PKey<openssl::pkey::Private>,
    algorithm: AssertionAlgorithm,
    message: &[u8],
) -> Vec<u8> {
    let mut signer =
        openssl::sign::Signer::new(openssl::hash::MessageDigest::sha256(), key).expect("signer");
    if algorithm == AssertionAlgorithm::Ps256 {
        signer
            .set_rsa_padding(openssl::rsa::Padding::PKCS1_PSS)
            .expect("padding");
        signer
            .set_rsa_pss_saltlen(openssl::sign::RsaPssSaltlen::DIGEST_LENGTH)
            .expect("salt");
        signer
            .set_rsa_mgf1_md(openssl::hash::MessageDigest::sha256())
            .expect("mgf1");
    }
    signer.update(message).expect("update");
    signer.sign_to_vec().expect("sign")
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30).measurement_time(Duration::from_secs(4));
    targets = hot_paths
}
criterion_main!(benches);
