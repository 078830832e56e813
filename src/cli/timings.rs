//! `test --timings`: where one run's time goes, from the moment the process reached `main` to the
//! end, in phases. Printed to standard error so that `--json` stays one document on stdout.

use std::sync::OnceLock;
use std::time::Instant;

use crate::core::event::TestEvent;

static STARTED: OnceLock<Instant> = OnceLock::new();

/// Marks the start of the process's own work; the first call wins.
pub(crate) fn mark_start() {
    STARTED.get_or_init(Instant::now);
}

fn since_start() -> f64 {
    STARTED
        .get()
        .map_or(0.0, |start| start.elapsed().as_secs_f64() * 1000.0)
}

/// The phases of one run, as they happen.
#[derive(Default)]
pub(crate) struct Timings {
    phases: Vec<(f64, String)>,
}

impl Timings {
    /// Notes that `what` has just finished.
    pub(crate) fn mark(&mut self, what: impl Into<String>) {
        self.phases.push((since_start(), what.into()));
    }

    /// Notes the end of each step (its own duration is in the event).
    pub(crate) fn event(&mut self, event: &TestEvent) {
        match event {
            TestEvent::Done {
                step, duration_ms, ..
            }
            | TestEvent::Failed {
                step, duration_ms, ..
            } => self.mark(format!("{} ({duration_ms} ms)", step.label())),
            _ => {}
        }
    }

    /// Prints the phases with their time since the start and since the one before.
    pub(crate) fn print(&self) {
        eprintln!("timings (ms since main; ms since the phase before):");
        let mut before = 0.0;
        for (at, what) in &self.phases {
            eprintln!("  {at:8.2}  {:+8.2}  {what}", at - before);
            before = *at;
        }
    }
}
