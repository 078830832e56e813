//! The hot paths of a test connection: opening a PFX, signing an assertion, one whole token
//! exchange against the local sandbox. Run with `cargo bench`; the README reports the figures.

use std::time::Duration;

use certconnect::assertion::{Signer, new_jti};
use certconnect::cert::load_bytes;
use certconnect::core::event::Step;
use certconnect::core::jwt::AssertionClaims;
use certconnect::core::profile::{AssertionAlgorithm, AssertionOptions};
use certconnect::core::retry::{RetrySettings, RetryTiming};
use certconnect::net::{RetryContext, TokenRequest, build_client, request_token};
use certconnect::probe::system_now;
use certconnect::sandbox::{RegisteredApp, Sandbox, SandboxConfig, make_demo_certificate};
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
    }

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let config = SandboxConfig {
        apps: vec![RegisteredApp {
            client_id: CLIENT_ID.into(),
            certificates: vec![credential.certificate.clone()],
            roles: vec!["Sites.Read.All".into()],
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
                    };
                    request_token(&client, &ctx, &mut |_| {}, &request)
                        .await
                        .expect("token")
                })
            });
        },
    );
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30).measurement_time(Duration::from_secs(4));
    targets = hot_paths
}
criterion_main!(benches);
