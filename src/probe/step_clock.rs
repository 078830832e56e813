//! Start / done / failed events for one step, with its duration.

use tokio::time::Instant;

use super::ProbeError;
use crate::core::event::{Detail, Failure, Step, TestEvent};

/// A running step.
pub(crate) struct StepClock {
    step: Step,
    started: Instant,
}

impl StepClock {
    /// Reports the start of `step`.
    pub fn start(step: Step, report: &mut (dyn FnMut(TestEvent) + Send)) -> Self {
        report(TestEvent::Started { step });
        Self {
            step,
            started: Instant::now(),
        }
    }

    fn elapsed_ms(&self) -> u64 {
        u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    /// Reports success with what the step found.
    pub fn done(self, report: &mut (dyn FnMut(TestEvent) + Send), details: Vec<Detail>) {
        report(TestEvent::Done {
            step: self.step,
            duration_ms: self.elapsed_ms(),
            details,
        });
    }

    /// Reports failure and turns it into the run's error.
    pub fn fail(
        &self,
        report: &mut (dyn FnMut(TestEvent) + Send),
        failure: Failure,
        input_error: bool,
    ) -> ProbeError {
        report(TestEvent::Failed {
            step: self.step,
            duration_ms: self.elapsed_ms(),
            failure: failure.clone(),
        });
        ProbeError {
            step: self.step,
            failure,
            input_error,
            certificate_not_after: None,
        }
    }
}
