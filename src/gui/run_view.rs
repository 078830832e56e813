//! The state of a test run as the UI shows it, built from events (no egui in here).

use crate::core::draft::ProfileDraft;
use crate::core::event::{Detail, Failure, Step, TestEvent};
use crate::core::profile::Profile;
use crate::probe::{ProbeError, ProbeSummary};
use crate::secret::Secret;

/// Where a step is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StepState {
    /// Not reached.
    Pending,
    /// Running now.
    Running,
    /// Succeeded, with its duration and findings.
    Done {
        duration_ms: u64,
        details: Vec<Detail>,
    },
    /// Failed.
    Failed { duration_ms: u64 },
}

/// How the run ended.
#[derive(Clone, Debug)]
pub enum Verdict {
    /// Connected.
    Connected(ProbeSummary),
    /// Stopped at a step.
    Failed { step: Step, failure: Failure },
}

/// A run, step by step.
#[derive(Clone, Debug)]
pub struct RunView {
    /// Every step and its state, in run order.
    pub steps: Vec<(Step, StepState)>,
    /// Retry and warning lines, in order.
    pub notes: Vec<String>,
    /// Set when the run ended.
    pub verdict: Option<Verdict>,
    /// The settings the run tested.
    tested: Profile,
    /// The typed password it used (compared, never shown).
    password: Option<Secret>,
}

impl RunView {
    /// A run about to test `profile` with the typed `password`.
    pub fn new(profile: Profile, password: Option<Secret>) -> Self {
        Self {
            steps: Step::ALL.iter().map(|s| (*s, StepState::Pending)).collect(),
            notes: Vec::new(),
            verdict: None,
            tested: profile,
            password,
        }
    }

    /// Whether the form now differs from what this run tested (the name and the saved facts of
    /// the certificate aside, which a test does not use).
    pub fn is_stale(&self, draft: &ProfileDraft, password: Option<&Secret>) -> bool {
        let Ok(now) = draft.parse() else {
            return true;
        };
        let comparable = |p: &Profile| Profile {
            id: String::new(),
            name: String::new(),
            certificate_info: None,
            ..p.clone()
        };
        comparable(&now) != comparable(&self.tested) || password != self.password.as_ref()
    }

    fn set(&mut self, step: Step, state: StepState) {
        if let Some(entry) = self.steps.iter_mut().find(|(s, _)| *s == step) {
            entry.1 = state;
        }
    }

    /// Applies one event.
    pub fn apply(&mut self, event: TestEvent) {
        match event {
            TestEvent::Started { step } => self.set(step, StepState::Running),
            TestEvent::Done {
                step,
                duration_ms,
                details,
            } => self.set(
                step,
                StepState::Done {
                    duration_ms,
                    details,
                },
            ),
            TestEvent::Failed {
                step, duration_ms, ..
            } => self.set(step, StepState::Failed { duration_ms }),
            note @ (TestEvent::Retrying { .. } | TestEvent::Warning { .. }) => {
                self.notes.extend(note.note());
            }
        }
    }

    /// Records the end of the run.
    pub fn finish(&mut self, result: Result<ProbeSummary, ProbeError>) {
        for (_, state) in &mut self.steps {
            if *state == StepState::Running {
                *state = StepState::Failed { duration_ms: 0 };
            }
        }
        self.verdict = Some(match result {
            Ok(summary) => Verdict::Connected(summary),
            Err(error) => Verdict::Failed {
                step: error.step,
                failure: error.failure,
            },
        });
    }

    /// The run ended without a result (the worker vanished).
    pub fn abandon(&mut self) {
        let failure = Failure {
            code: "internal".into(),
            message: "the test stopped unexpectedly".into(),
            hint: "Run it again.".into(),
            ..Failure::default()
        };
        let step = self
            .steps
            .iter()
            .find(|(_, s)| *s == StepState::Running)
            .map_or(Step::Profile, |(s, _)| *s);
        self.finish(Err(ProbeError {
            step,
            failure,
            input_error: false,
        }));
    }
}
