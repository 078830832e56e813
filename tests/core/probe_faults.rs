//! Retries, Retry-After, timeouts, broken bodies, TLS and headers, against the sandbox's faults.

use crate::support;

use std::time::Duration;

use certconnect::core::event::{Step, TestEvent};
use certconnect::core::retry::RetryMode;
use certconnect::sandbox::{Fault, FaultKind, FaultTarget};
use support::probe_env::{Env, PASSWORD, failure_code, retries};
use tokio_util::sync::CancellationToken;

fn status(target: FaultTarget, code: u16, retry_after: Option<&str>) -> Fault {
    Fault {
        target,
        kind: FaultKind::Status {
            code,
            retry_after: retry_after.map(str::to_owned),
        },
    }
}

#[test]
fn status_mode_retries_429_503_423_on_token_and_graph() {
    let env = Env::new();
    let mut draft = env.draft();
    draft.retry_max = "3".into();
    for code in [429, 503, 423] {
        env.sandbox
            .push_fault(status(FaultTarget::Token, code, None));
    }
    for code in [429, 503, 423] {
        env.sandbox
            .push_fault(status(FaultTarget::Graph, code, None));
    }
    let (result, events) = env.run(draft.parse().unwrap());
    assert!(result.is_ok(), "{:?}", result.err());
    let steps: Vec<Step> = events
        .iter()
        .filter_map(|e| match e {
            TestEvent::Retrying { step, .. } => Some(*step),
            _ => None,
        })
        .collect();
    assert_eq!(
        steps,
        [
            Step::Token,
            Step::Token,
            Step::Token,
            Step::GraphSite,
            Step::GraphSite,
            Step::GraphSite
        ]
    );
    // Multiply wait: 20, 40, 80 ms per request.
    assert_eq!(retries(&events)[..3], [(1, 20), (2, 40), (3, 80)]);
    assert_eq!(env.token_requests(), 4, "each retry sends a new request");
}

#[test]
fn each_attempt_carries_a_fresh_assertion() {
    let env = Env::new();
    env.sandbox
        .push_fault(status(FaultTarget::Token, 503, None));
    env.run(env.profile()).0.unwrap();
    let jtis: Vec<String> = env
        .sandbox
        .requests()
        .iter()
        .filter(|r| r.path.ends_with("/token"))
        .map(|r| {
            let form: std::collections::HashMap<String, String> =
                url::form_urlencoded::parse(r.form_body.as_bytes())
                    .into_owned()
                    .collect();
            let claims: serde_json::Value =
                certconnect::core::jwt::decode_unverified(&form["client_assertion"]).unwrap();
            claims["jti"].as_str().unwrap().to_owned()
        })
        .collect();
    assert_eq!(jtis.len(), 2);
    assert_ne!(jtis[0], jtis[1]);
}

#[test]
fn status_mode_does_not_retry_codes_outside_the_list() {
    let env = Env::new();
    env.sandbox
        .push_fault(status(FaultTarget::Token, 500, None));
    let (result, events) = env.run(env.profile());
    assert_eq!(result.unwrap_err().failure.status, Some(500));
    assert!(retries(&events).is_empty());
}

#[test]
fn mode_none_never_retries() {
    let env = Env::new();
    let mut draft = env.draft();
    draft.retry_mode = RetryMode::None;
    env.sandbox
        .push_fault(status(FaultTarget::Graph, 429, Some("1")));
    let (result, events) = env.run(draft.parse().unwrap());
    let error = result.unwrap_err();
    assert_eq!(
        (error.step, error.failure.status),
        (Step::GraphSite, Some(429))
    );
    assert_eq!(error.failure.code, "activityLimitReached");
    assert!(retries(&events).is_empty());
}

#[test]
fn retry_any_retries_server_errors_and_dropped_connections() {
    let env = Env::new();
    let mut draft = env.draft();
    draft.retry_mode = RetryMode::RetryAny;
    draft.multiply_wait = false;
    env.sandbox.push_fault(Fault {
        target: FaultTarget::Token,
        kind: FaultKind::Drop,
    });
    env.sandbox
        .push_fault(status(FaultTarget::Token, 502, None));
    env.sandbox
        .push_fault(status(FaultTarget::Graph, 423, None));
    env.sandbox
        .push_fault(status(FaultTarget::Graph, 503, None));
    let (result, events) = env.run(draft.parse().unwrap());
    // 423 is not a server error: RetryAny stops there.
    let error = result.unwrap_err();
    assert_eq!(error.failure.status, Some(423));
    assert_eq!(
        retries(&events),
        [(1, 20), (2, 20)],
        "constant waits without multiply"
    );
}

#[test]
fn the_retry_count_is_a_bound() {
    let env = Env::new();
    let mut draft = env.draft();
    draft.retry_max = "1".into();
    for _ in 0..3 {
        env.sandbox
            .push_fault(status(FaultTarget::Token, 503, None));
    }
    let (result, events) = env.run(draft.parse().unwrap());
    assert_eq!(result.unwrap_err().failure.status, Some(503));
    assert_eq!(retries(&events).len(), 1);
    assert_eq!(
        env.token_requests(),
        2,
        "--retry-max 1 means at most 2 requests"
    );
}

#[test]
fn retry_after_wins_over_backoff_in_seconds_and_as_a_date() {
    let env = Env::new();
    env.sandbox
        .push_fault(status(FaultTarget::Token, 429, Some("1")));
    // Six seconds ahead: about five are left when Graph answers, and the 5 s cap of this run's
    // timing keeps the wait short; a slow machine still gets a wait of whole seconds, far from
    // the 20 ms backoff it would be without Retry-After.
    let date = httpdate::fmt_http_date(std::time::SystemTime::now() + Duration::from_secs(6));
    env.sandbox
        .push_fault(status(FaultTarget::Graph, 503, Some(&date)));
    let (result, events) = env.run(env.profile());
    assert!(result.is_ok(), "{:?}", result.err());
    let waits = retries(&events);
    assert_eq!(waits[0], (1, 1000));
    assert!((3000..=5000).contains(&waits[1].1), "{waits:?}");
}

#[test]
fn retry_after_is_capped() {
    let env = Env::new();
    env.sandbox
        .push_fault(status(FaultTarget::Token, 429, Some("86400")));
    let (result, events) = env.run(env.profile());
    assert!(result.is_ok());
    assert_eq!(retries(&events)[0].1, 5000, "the cap of this run's timing");
}

#[test]
fn the_timeout_bounds_the_whole_run() {
    let env = Env::new();
    let mut draft = env.draft();
    draft.timeout_secs = "1".into();
    env.sandbox.push_fault(Fault {
        target: FaultTarget::Token,
        kind: FaultKind::Slow(Duration::from_secs(30)),
    });
    let (result, _) = env.run(draft.parse().unwrap());
    let error = result.unwrap_err();
    assert_eq!(
        (error.step, error.failure.code.as_str()),
        (Step::Token, "timeout")
    );
}

#[test]
fn a_retry_that_would_pass_the_timeout_is_not_waited_for() {
    let env = Env::new();
    let mut draft = env.draft();
    draft.timeout_secs = "2".into();
    env.sandbox
        .push_fault(status(FaultTarget::Token, 429, Some("30")));
    let (result, events) = env.run(draft.parse().unwrap());
    assert_eq!(failure_code(&result), "timeout");
    assert!(retries(&events).is_empty());
}

#[test]
fn malformed_and_html_bodies_are_clear_errors() {
    let env = Env::new();
    env.sandbox.push_fault(Fault {
        target: FaultTarget::Token,
        kind: FaultKind::Malformed,
    });
    let (result, _) = env.run(env.profile());
    let failure = result.unwrap_err().failure;
    assert_eq!(
        (failure.code.as_str(), failure.status),
        ("not_json", Some(200))
    );

    env.sandbox.push_fault(Fault {
        target: FaultTarget::Token,
        kind: FaultKind::Html,
    });
    let (result, _) = env.run(env.profile());
    let failure = result.unwrap_err().failure;
    assert_eq!(failure.status, Some(502));
    assert!(failure.message.contains("<html>"), "{}", failure.message);

    env.sandbox.push_fault(Fault {
        target: FaultTarget::Graph,
        kind: FaultKind::Html,
    });
    let (result, _) = env.run(env.profile());
    let error = result.unwrap_err();
    assert_eq!(
        (error.step, error.failure.code.as_str()),
        (Step::GraphSite, "http_502")
    );
}

#[test]
fn tls_needs_the_ca_file_and_works_with_it() {
    let env = Env::with(|config| config.tls = true);
    assert!(env.sandbox.base_url().starts_with("https://"));
    let (result, _) = env.run(env.profile());
    let error = result.unwrap_err();
    assert_eq!(
        (error.step, error.failure.code.as_str()),
        (Step::Token, "tls")
    );
    assert!(error.failure.hint.contains("CA file"));

    let ca = env
        .ws
        .write("sandbox-ca.pem", env.sandbox.ca_pem().unwrap().as_bytes());
    let mut draft = env.draft();
    draft.ca_file = ca.display().to_string();
    let (result, _) = env.run(draft.parse().unwrap());
    assert!(result.is_ok(), "{:?}", result.err());
}

#[test]
fn extra_headers_and_prefer_arrive_at_graph_only() {
    let env = Env::new();
    let mut draft = env.draft();
    draft.extra_headers = "X-Tenant-Hint:contoso||X-Trace:abc:def".into();
    draft.non_indexed_search = true;
    env.run(draft.parse().unwrap()).0.unwrap();
    let requests = env.sandbox.requests();
    let graph: Vec<_> = requests
        .iter()
        .filter(|r| r.path.starts_with("/v1.0/"))
        .collect();
    assert_eq!(graph.len(), 3);
    for request in &graph {
        assert_eq!(request.header("x-tenant-hint"), Some("contoso"));
        assert_eq!(request.header("x-trace"), Some("abc:def"));
        assert_eq!(
            request.header("prefer"),
            Some("HonorNonIndexedQueriesWarningMayFailRandomly")
        );
        assert_eq!(request.header("authorization"), Some("Bearer"));
    }
    let token = requests
        .iter()
        .find(|r| r.path.ends_with("/token"))
        .unwrap();
    assert_eq!(token.header("x-tenant-hint"), None);
}

#[test]
fn a_cancelled_run_stops_at_once() {
    let env = Env::new();
    env.sandbox.push_fault(Fault {
        target: FaultTarget::Token,
        kind: FaultKind::Slow(Duration::from_secs(30)),
    });
    let cancel = CancellationToken::new();
    let trigger = cancel.clone();
    std::thread::Builder::new()
        .name("cancel".into())
        .spawn(move || {
            std::thread::sleep(Duration::from_millis(300));
            trigger.cancel();
        })
        .unwrap();
    let (result, _) = env.run_with(env.profile(), Some(PASSWORD), &cancel);
    assert_eq!(failure_code(&result), "cancelled");
}

/// A credential store that takes 30 s to answer (a store waiting for the user to unlock it).
struct StuckStore;

impl certconnect::credential_store::CredentialBackend for StuckStore {
    fn name(&self) -> &str {
        "stuck store"
    }
    fn get(
        &self,
        _entry: &str,
    ) -> Result<Option<Vec<u8>>, certconnect::credential_store::CredentialStoreError> {
        std::thread::sleep(Duration::from_secs(30));
        Ok(None)
    }
    fn set(
        &self,
        _entry: &str,
        _secret: &[u8],
    ) -> Result<(), certconnect::credential_store::CredentialStoreError> {
        Ok(())
    }
    fn delete(
        &self,
        _entry: &str,
    ) -> Result<(), certconnect::credential_store::CredentialStoreError> {
        Ok(())
    }
}

#[test]
fn r002_the_timeout_bounds_the_certificate_step_too() {
    use certconnect::core::draft::CertKind;
    use certconnect::probe::ProbeJob;
    let env = Env::new();
    let profile = env
        .profile()
        .edited(|draft| {
            draft.timeout_secs = "1".into();
            draft.cert_kind = CertKind::CredentialStore;
            draft.store_entry = "stuck".into();
        })
        .unwrap();
    let vault = std::sync::Arc::new(certconnect::credential_store::CredentialVault::at(
        env.ws.path("stuck-vault"),
        std::sync::Arc::new(StuckStore),
    ));
    // The .ccert file exists so the loader reaches the store (which then hangs).
    let other = env.vault.clone();
    let credential = certconnect::cert::load_file(
        &env.pfx,
        certconnect::cert::LoadOptions {
            password: Some(&certconnect::secret::Secret::new(PASSWORD)),
            ..Default::default()
        },
    )
    .unwrap();
    other.import("stuck", &credential).unwrap();
    std::fs::create_dir_all(env.ws.path("stuck-vault")).unwrap();
    std::fs::copy(
        env.ws.path("vault/stuck.ccert"),
        env.ws.path("stuck-vault/stuck.ccert"),
    )
    .unwrap();
    let job = ProbeJob {
        profile,
        password: None,
        token_only: true,
        timing: certconnect::core::retry::RetryTiming::default(),
        vault: Some(vault),
        clients: None,
        profiles: None,
    };
    let started = std::time::Instant::now();
    let result = env.rt.block_on(certconnect::probe::run(
        job,
        &mut |_| {},
        &CancellationToken::new(),
    ));
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "{:?}",
        started.elapsed()
    );
    let error = result.unwrap_err();
    assert_eq!(
        (error.step, error.failure.code.as_str()),
        (Step::Certificate, "timeout"),
        "{:?}",
        error.failure
    );
}
