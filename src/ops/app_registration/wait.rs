//! The two waits for Entra's replication: the service principal of an app created moments ago
//! (Graph answers 400 until the app has replicated), and the first app-only token that is issued
//! and holds every granted role. Both back off within the bound the admin chose.

use std::time::Duration;

use serde_json::Value;
use tokio::time::Instant;

use super::{AppSetupError, stop};
use crate::assertion::Signer;
use crate::core::app_registration::requests::service_principal_body;
use crate::core::event::{Detail, Step, TestEvent};
use crate::core::jwt::{AccessTokenClaims, decode_unverified};
use crate::core::retry::{RetrySettings, RetryTiming};
use crate::net::{GraphAdmin, GraphAdminError, GraphError, Resend};
use crate::probe::{Connection, StepClock};

/// Entra's AADSTS numbers that mean "not replicated yet" right after setup: the app unknown, the
/// key unknown, the service principal unknown.
const NOT_YET: [u32; 3] = [700_016, 700_027, 7_000_229];

/// The wait before attempt `retry + 1`: doubling from the base wait, capped, never past the bound.
fn backoff(timing: RetryTiming, retry: u32, left: Duration) -> Duration {
    timing
        .base
        .saturating_mul(1 << (retry.saturating_sub(1)).min(16))
        .min(timing.cap)
        .min(left)
}

/// Sleeps `wait` unless cancelled first (then false).
async fn sleep(cancel: &tokio_util::sync::CancellationToken, wait: Duration) -> bool {
    tokio::select! {
        () = cancel.cancelled() => false,
        () = tokio::time::sleep(wait) => true,
    }
}

/// The Create service principal rung: `POST /servicePrincipals`, again after Graph's 400 (the app
/// has not replicated) with backoff, until `bound` has passed.
pub(super) async fn create_service_principal(
    graph: &GraphAdmin<'_>,
    client_id: &str,
    bound: Duration,
    report: &mut (dyn FnMut(TestEvent) + Send),
) -> Result<String, (Step, AppSetupError)> {
    let step = Step::CreateServicePrincipal;
    let clock = StepClock::start(step, report);
    let started = Instant::now();
    let body = service_principal_body(client_id);
    let mut retry = 0;
    loop {
        let result = GraphAdmin {
            deadline: Instant::now() + super::CALL_TIMEOUT,
            ..graph.clone()
        }
        .post(
            step,
            report,
            "servicePrincipals",
            &body,
            Resend::OnThrottling,
        )
        .await;
        match result {
            Ok(answer) => {
                let id = answer
                    .get("id")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned();
                clock.done(report, vec![Detail::new("Service principal ID", &id)]);
                return Ok(id);
            }
            Err(GraphAdminError::Refused(GraphError { status: 400, .. })) => {
                retry += 1;
                let wait = backoff(graph.timing, retry, bound.saturating_sub(started.elapsed()));
                if wait.is_zero() {
                    let error = AppSetupError::NotReplicated {
                        waited_secs: started.elapsed().as_secs(),
                        still: "Graph does not know the new app yet, so its service principal cannot be created".into(),
                    };
                    return Err(stop(&clock, step, error, report));
                }
                report(TestEvent::Retrying {
                    step,
                    retry,
                    reason: "Entra has not replicated the new app yet (HTTP 400)".into(),
                    wait_ms: u64::try_from(wait.as_millis()).unwrap_or(u64::MAX),
                });
                if !sleep(graph.cancel, wait).await {
                    return Err(stop(&clock, step, AppSetupError::Cancelled, report));
                }
            }
            Err(error) => {
                return Err(stop(
                    &clock,
                    step,
                    AppSetupError::graph(step, error),
                    report,
                ));
            }
        }
    }
}

/// The Wait for Entra rung: app-only token requests with the new certificate (a fresh assertion
/// each time) until one is issued with every role in `granted`, backing off within `bound`.
/// Returns the roles that token holds.
pub(super) async fn until_usable(
    connection: &Connection<'_>,
    signer: &Signer,
    granted: &[String],
    bound: Duration,
    report: &mut (dyn FnMut(TestEvent) + Send),
) -> Result<Vec<String>, (Step, AppSetupError)> {
    let step = Step::WaitForEntra;
    let clock = StepClock::start(step, report);
    let started = Instant::now();
    let throttling = RetrySettings::throttling_only();
    let mut retry = 0;
    loop {
        let still = match connection
            .request_token(signer, &throttling, step, report)
            .await
        {
            Ok(token) => {
                let claims: AccessTokenClaims =
                    decode_unverified(token.expose()).unwrap_or_default();
                let missing: Vec<&str> = granted
                    .iter()
                    .filter(|role| !claims.roles.iter().any(|r| r.eq_ignore_ascii_case(role)))
                    .map(String::as_str)
                    .collect();
                if missing.is_empty() {
                    let waited = if retry == 0 {
                        "at once".to_owned()
                    } else {
                        format!(
                            "after {} s ({} attempts)",
                            started.elapsed().as_secs(),
                            retry + 1
                        )
                    };
                    clock.done(
                        report,
                        vec![
                            Detail::new("Accepted", waited),
                            Detail::new("Roles in the token", claims.roles.join(", ")),
                        ],
                    );
                    return Ok(claims.roles);
                }
                format!("the token does not hold {} yet", missing.join(", "))
            }
            Err(failure) if failure.is_cancelled() => {
                return Err(stop(&clock, step, AppSetupError::Cancelled, report));
            }
            Err(failure) if failure.aadsts().is_some_and(|n| NOT_YET.contains(&n)) => {
                format!(
                    "Entra does not accept the app's certificate yet ({})",
                    failure.code
                )
            }
            Err(failure) => {
                let error = AppSetupError::TestFailed(Box::new(crate::probe::ProbeError {
                    step,
                    failure,
                    input_error: false,
                    certificate_not_after: None,
                }));
                return Err(stop(&clock, step, error, report));
            }
        };
        retry += 1;
        let wait = backoff(
            connection.timing,
            retry,
            bound.saturating_sub(started.elapsed()),
        );
        if wait.is_zero() {
            let error = AppSetupError::NotReplicated {
                waited_secs: started.elapsed().as_secs(),
                still,
            };
            return Err(stop(&clock, step, error, report));
        }
        report(TestEvent::Retrying {
            step,
            retry,
            reason: still,
            wait_ms: u64::try_from(wait.as_millis()).unwrap_or(u64::MAX),
        });
        if !sleep(connection.cancel, wait).await {
            return Err(stop(&clock, step, AppSetupError::Cancelled, report));
        }
    }
}
