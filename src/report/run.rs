//! The state of a test run, built from its events: what the app draws and what a report prints.

use crate::core::draft::ProfileDraft;
use crate::core::event::{Detail, Failure, Step, TestEvent};
use crate::core::profile::Profile;
use crate::ops::{RotateError, Rotation};
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
        /// How long it took.
        duration_ms: u64,
        /// What it found.
        details: Vec<Detail>,
    },
    /// Failed (the verdict says why).
    Failed {
        /// How long it ran.
        duration_ms: u64,
    },
}

/// What a note under a step is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoteKind {
    /// A request failed and was tried again.
    Retry,
    /// Something worth knowing that did not fail the step.
    Warning,
}

/// A retry or warning, shown under the step it happened in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note {
    /// Retry or warning.
    pub kind: NoteKind,
    /// What happened, without the step's name (it is shown under the step).
    pub text: String,
}

/// One step of a run with its notes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StepView {
    /// Which step.
    pub step: Step,
    /// Where it is.
    pub state: StepState,
    /// Its retries and warnings, in order.
    pub notes: Vec<Note>,
}

/// How the run ended.
#[derive(Clone, Debug)]
pub enum Verdict {
    /// Connected.
    Connected(ProbeSummary),
    /// The certificate was rotated.
    Rotated(Box<Rotation>),
    /// Stopped at a step.
    Failed {
        /// The step that failed.
        step: Step,
        /// Why.
        failure: Failure,
    },
}

/// What a run does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RunKind {
    /// A test connection.
    Test,
    /// A certificate rotation.
    Rotation,
    /// Setting up a new app registration in Entra.
    Registration,
}

impl RunKind {
    /// Its name as a heading.
    pub fn title(self) -> &'static str {
        match self {
            Self::Test => "Test connection",
            Self::Rotation => "Rotate certificate",
            Self::Registration => "Set up in Entra",
        }
    }
}

/// A run, step by step.
#[derive(Clone, Debug)]
pub struct RunView {
    /// What the run does.
    pub kind: RunKind,
    /// Every step, in run order.
    pub steps: Vec<StepView>,
    /// Set when the run ended.
    pub verdict: Option<Verdict>,
    /// When the run started, Unix seconds.
    started_at: i64,
    /// The settings the run tested.
    tested: Profile,
    /// The typed password it used (compared, never shown).
    password: Option<Secret>,
    /// Whether `tested` is the connection the run tested, to compare the form with: a test's
    /// always, a setup's once it tested the app it saved.
    compares: bool,
    /// The app a setup created or used before it stopped, which the profile does not point at yet.
    pub setup_app: Option<SetupApp>,
    /// That app was put in the form (the panel says it is not saved yet).
    pub setup_app_used: bool,
    /// The wizard's fix for the test a setup ran last, when that test failed where it has one.
    pub setup_fix: Option<crate::core::app_registration::setup_fix::SetupFix>,
}

/// The app a setup that stopped left in the tenant, for "Use this app in the profile".
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SetupApp {
    /// Its Application (client) ID.
    pub client_id: String,
    /// Its object ID.
    pub object_id: String,
}

impl RunView {
    /// A run about to test `profile` with the typed `password`, starting at `started_at` (Unix
    /// seconds; the caller reads the clock).
    pub fn new(profile: Profile, password: Option<Secret>, started_at: i64) -> Self {
        let steps: &[Step] = if matches!(
            profile.certificate(),
            crate::core::profile::CertificateSource::KeyVault { .. }
        ) {
            &Step::KEY_VAULT
        } else {
            &Step::ALL
        };
        Self::of(RunKind::Test, steps, profile, password, started_at)
    }

    /// A rotation of `profile`'s certificate about to start; the step that removes the old key
    /// is listed only when asked for.
    pub fn rotation(
        profile: Profile,
        password: Option<Secret>,
        started_at: i64,
        remove_old: bool,
    ) -> Self {
        let steps: Vec<Step> = Step::ROTATION
            .into_iter()
            .filter(|step| remove_old || *step != Step::RemoveKey)
            .collect();
        Self::of(RunKind::Rotation, &steps, profile, password, started_at)
    }

    /// An app setup for `profile` about to run these `steps` (an existing app's: see
    /// `ops::app_registration::existing_app_steps`).
    /// `password` is the one typed for the certificate (or the new certificate's): the run
    /// compares it with the form's once the setup tested and saved the app.
    pub fn setup(
        profile: Profile,
        password: Option<Secret>,
        started_at: i64,
        steps: &[Step],
    ) -> Self {
        Self::of(RunKind::Registration, steps, profile, password, started_at)
    }

    fn of(
        kind: RunKind,
        steps: &[Step],
        profile: Profile,
        password: Option<Secret>,
        started_at: i64,
    ) -> Self {
        let steps: Vec<StepView> = steps
            .iter()
            .map(|step| StepView {
                step: *step,
                state: StepState::Pending,
                notes: Vec::new(),
            })
            .collect();
        Self {
            kind,
            steps,
            verdict: None,
            started_at,
            tested: profile,
            password,
            compares: kind == RunKind::Test,
            setup_app: None,
            setup_app_used: false,
            setup_fix: None,
        }
    }

    /// What `step` does, for people, in this kind of run.
    pub fn label(&self, step: Step) -> &'static str {
        match self.kind {
            RunKind::Registration => step.setup_label(),
            RunKind::Test | RunKind::Rotation => step.label(),
        }
    }

    /// The settings this run tested.
    pub fn profile(&self) -> &Profile {
        &self.tested
    }

    /// When the run started, Unix seconds.
    pub fn started_at(&self) -> i64 {
        self.started_at
    }

    /// Whether the form now differs from what this run tested (the name and the saved facts of
    /// the certificate aside, which a test does not use).
    /// A rotation changes the profile itself, so it is never stale; a setup is compared once it
    /// tested the app it saved, as a test is.
    pub fn is_stale(&self, draft: &ProfileDraft, password: Option<&Secret>) -> bool {
        if !self.compares {
            return false;
        }
        let Ok(now) = draft.parse() else {
            return true;
        };
        !now.same_connection(&self.tested) || password != self.password.as_ref()
    }

    fn step_mut(&mut self, step: Step) -> Option<&mut StepView> {
        self.steps.iter_mut().find(|s| s.step == step)
    }

    fn set(&mut self, step: Step, state: StepState) {
        if let Some(view) = self.step_mut(step) {
            view.state = state;
        }
    }

    /// Applies one event: a retry or warning goes under the step it happened in.
    pub fn apply(&mut self, event: TestEvent) {
        match event {
            TestEvent::Retrying { .. } => self.add_note(&event, NoteKind::Retry),
            TestEvent::Warning { .. } => self.add_note(&event, NoteKind::Warning),
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
        }
    }

    fn add_note(&mut self, event: &TestEvent, kind: NoteKind) {
        if let (Some(text), Some(view)) = (event.note_text(), self.step_mut(event.step())) {
            view.notes.push(Note { kind, text });
        }
    }

    /// Records the end of the run.
    pub fn finish(&mut self, result: Result<ProbeSummary, ProbeError>) {
        self.end(result.map(Verdict::Connected));
    }

    /// Records the end of a rotation.
    pub fn finish_rotation(&mut self, result: Result<Rotation, RotateError>) {
        self.end(match result {
            Ok(rotation) => Ok(Verdict::Rotated(Box::new(rotation))),
            // The profile was switched and only the removal of the old key failed: the rotation
            // is done, with that loose end (rotated_sentence says it).
            Err(failed) if failed.done.removal_failed.is_some() => {
                Ok(Verdict::Rotated(Box::new(failed.done)))
            }
            Err(failed) => Err(failed.error),
        });
    }

    /// Records the end of a registration: Connected with the roles in the app's token, or the step that
    /// stopped it (what was created is listed under that step, as the run reported it).
    pub fn finish_registration(
        &mut self,
        result: Result<
            crate::ops::app_registration::Registration,
            crate::ops::app_registration::SetupFailed<crate::ops::app_registration::Registration>,
        >,
    ) {
        match &result {
            Ok(registration) => {
                if let Some(saved) = &registration.profile {
                    self.tested = saved.clone();
                    self.compares = true;
                }
            }
            Err(failed) => {
                if let (Some(client_id), Some(object_id)) =
                    (&failed.done.client_id, &failed.done.object_id)
                {
                    self.setup_app = Some(SetupApp {
                        client_id: client_id.clone(),
                        object_id: object_id.clone(),
                    });
                }
                if let crate::ops::app_registration::AppSetupError::TestFailed(probe) =
                    &failed.error
                {
                    self.setup_fix = crate::core::app_registration::setup_fix::setup_fix(
                        probe.step,
                        &probe.failure,
                    );
                }
            }
        }
        self.end(match result {
            // The test connection's summary (the token's lifetime with it), with the roles the
            // token held once Entra accepted the app.
            Ok(registration) => Ok(Verdict::Connected(ProbeSummary {
                roles: registration.token_roles,
                ..registration.summary.unwrap_or_default()
            })),
            Err(failed) => Err(ProbeError {
                step: failed.step,
                failure: failed.failure(),
                input_error: failed.error.is_input_error(),
                certificate_not_after: None,
            }),
        });
    }

    fn end(&mut self, result: Result<Verdict, ProbeError>) {
        for view in &mut self.steps {
            if view.state == StepState::Running {
                view.state = StepState::Failed { duration_ms: 0 };
            }
        }
        self.verdict = Some(match result {
            Ok(verdict) => verdict,
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
            .find(|s| s.state == StepState::Running)
            .map_or(Step::Profile, |s| s.step);
        self.finish(Err(ProbeError {
            step,
            failure,
            input_error: false,
            certificate_not_after: None,
        }));
    }
}
