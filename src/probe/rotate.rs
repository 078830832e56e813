//! The protocol step of a rotation that is not a key call: waiting until Entra accepts a newly
//! registered certificate (the rotation itself is `ops::rotate`).

use std::time::Duration;

use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use super::ProbeError;
use super::app_keys::Connection;
use super::step_clock::StepClock;
use crate::assertion::Signer;
use crate::core::event::{Detail, Failure, Step, TestEvent};
use crate::core::retry::RetrySettings;
use crate::core::token_response::AccessToken;

/// How long Entra may take to accept a new key before the rotation gives up waiting.
pub const ENTRA_WAIT_MAX: Duration = Duration::from_secs(60);

/// The failure of a run cancelled before `step`, if it was.
pub(crate) fn cancelled_before(
    cancel: &CancellationToken,
    step: Step,
    report: &mut (dyn FnMut(TestEvent) + Send),
) -> Option<ProbeError> {
    cancel
        .is_cancelled()
        .then(|| StepClock::start(step, report).fail(report, crate::net::cancelled(), false))
}

/// Token requests with the new certificate until Entra accepts it: AADSTS700027 (key not found)
/// is retried with doubling waits for up to [`ENTRA_WAIT_MAX`], each wait reported.
pub(crate) async fn wait_for_entra(
    connection: &Connection<'_>,
    signer: &Signer,
    report: &mut (dyn FnMut(TestEvent) + Send),
) -> Result<AccessToken, ProbeError> {
    let clock = StepClock::start(Step::WaitForEntra, report);
    let started = Instant::now();
    let throttling = RetrySettings::throttling_only();
    let mut retry: u32 = 0;
    loop {
        match connection
            .request_token(signer, &throttling, Step::WaitForEntra, report)
            .await
        {
            Ok(token) => {
                let waited = started.elapsed().as_secs();
                clock.done(
                    report,
                    vec![Detail::new(
                        "Accepted",
                        if retry == 0 {
                            "at once".to_owned()
                        } else {
                            format!("after {waited} s ({} attempts)", retry + 1)
                        },
                    )],
                );
                return Ok(token);
            }
            Err(failure) if failure.is_unknown_key() => {
                retry += 1;
                let doubled = connection
                    .timing
                    .base
                    .saturating_mul(1 << (retry - 1).min(16));
                let left = ENTRA_WAIT_MAX.saturating_sub(started.elapsed());
                let wait = doubled.min(left);
                if wait.is_zero() {
                    let failure = Failure {
                        message: format!(
                            "Entra still does not accept the new certificate after {} s: {}",
                            ENTRA_WAIT_MAX.as_secs(),
                            failure.message
                        ),
                        hint: "The key is registered; Entra can take a few minutes in large tenants. Test the new certificate again later, then switch the profile to it.".into(),
                        ..failure
                    };
                    return Err(clock.fail(report, failure, false));
                }
                report(TestEvent::Retrying {
                    step: Step::WaitForEntra,
                    retry,
                    reason: "Entra does not accept the new certificate yet (AADSTS700027)".into(),
                    wait_ms: u64::try_from(wait.as_millis()).unwrap_or(u64::MAX),
                });
                tokio::select! {
                    () = connection.cancel.cancelled() => {
                        return Err(clock.fail(report, crate::net::cancelled(), false));
                    }
                    () = tokio::time::sleep(wait) => {}
                }
            }
            Err(failure) => return Err(clock.fail(report, failure, false)),
        }
    }
}
