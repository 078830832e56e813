//! Test connection: started for the open draft, streamed into its run view, cancelled when another
//! draft is opened, and followed by a password prompt when the certificate needs one.

use tokio_util::sync::CancellationToken;

use super::CertconnectApp;
use super::password::Purpose;
use crate::core::event::Step;
use crate::core::password_ask::PasswordAsk;
use crate::core::profile::Origin;
use crate::gui::inbox::{JobKind, Reach};
use crate::gui::modals::ModalState;
use crate::probe::{self, ProbeError, ProbeJob, ProbeSummary};
use crate::report::RunView;

/// The fix a run that needs the password shows while the password prompt is open.
const PROMPT_OPEN: &str = "Enter the certificate's password in the prompt that is open.";
/// The fix it shows once the prompt was cancelled.
const PROMPT_CLOSED: &str =
    "Press Test connection and enter the certificate's password when asked.";

impl CertconnectApp {
    /// The password prompt a test opened was cancelled: the verdict's fix no longer speaks of an
    /// open prompt.
    pub(super) fn test_password_prompt_closed(&mut self) {
        if let Some(crate::report::Verdict::Failed {
            step: Step::Certificate,
            failure,
        }) = self.run.as_mut().and_then(|run| run.verdict.as_mut())
            && failure.is_password_failure()
        {
            failure.hint = PROMPT_CLOSED.into();
        }
    }

    pub(super) fn start_test(&mut self) {
        if self.is_testing() || self.is_rotating() {
            return;
        }
        // A header row that cannot be written holds the draft back at the last valid headers,
        // which may include a removed row's: the draft alone would look valid.
        if self.dialog.headers.problem.is_some() {
            return;
        }
        let Ok(profile) = self.draft.parse() else {
            return;
        };
        let concerns = crate::core::trust::unconfirmed(&profile, self.given_here());
        if !concerns.is_empty() {
            // An imported profile does nothing its author chose until the admin confirms it.
            return self.modal = Some(ModalState::ConfirmTrust { concerns });
        }
        if self.card.needs_password() && self.card.inputs.as_ref() == Some(&self.cert_inputs()) {
            // The card already found that the certificate needs a password the app does not have.
            return self.ask_password(Purpose::Test, None);
        }
        let profile = if profile.origin().is_local() {
            profile
        } else {
            // An imported profile with nothing to question: its first test is the confirmation
            // its mark promises, the same use case as Trust and test.
            self.confirm_open_profile();
            profile.with_origin(Origin::Local)
        };
        // A line that said what to do next (the demo's "Press Test connection…") is done with; an
        // error stays until the form changes.
        if self.status.as_ref().is_some_and(|status| !status.error) {
            self.status = None;
        }
        let password = self.typed_password();
        let typed = password.is_some();
        let job = ProbeJob {
            profile: profile.clone(),
            password: password.clone(),
            token_only: false,
            timing: self.deps.timing,
            vault: self.deps.vault.as_ref().ok().cloned(),
            clients: None,
            profiles: Some(self.deps.store.clone()),
        };
        self.run = Some(RunView::new(profile, password, probe::system_now()));
        let cancel = CancellationToken::new();
        self.test_cancel = Some(cancel.clone());
        let ticket = self.ticket();
        let reporter = self.inbox.reporter(ticket.clone(), Reach::OpenDraft);
        let runtime = self.inbox.runtime().clone();
        self.running.insert(reporter.job(), (JobKind::Test, ticket));
        runtime.spawn(async move {
            let events = reporter.clone();
            // The run is a task of its own, so a panic inside it ends the test as "stopped
            // unexpectedly" instead of leaving a spinner that never stops.
            let run = tokio::spawn(async move {
                let mut report = move |event| {
                    events.send(move |app: &mut Self, _| {
                        if let Some(run) = &mut app.run {
                            run.apply(event);
                        }
                    });
                };
                probe::run(job, &mut report, &cancel).await
            });
            let result = run.await.ok();
            reporter.finish(move |app: &mut Self, _| app.test_finished(result, typed));
        });
    }

    /// The run ended; `typed` says whether it used a password typed in the app.
    fn test_finished(&mut self, result: Option<Result<ProbeSummary, ProbeError>>, typed: bool) {
        self.test_cancel = None;
        let Some(run) = &mut self.run else { return };
        let Some(mut result) = result else {
            run.abandon();
            return;
        };
        let mut password_failure = None;
        if let Err(error) = &mut result
            && error.step == Step::Certificate
            && let Some(ask) = PasswordAsk::of(&error.failure, typed)
        {
            // The loader's fix speaks of command-line flags; in the app the answer is the prompt,
            // which opens now: the verdict points there instead of repeating what it asks.
            error.failure.hint = PROMPT_OPEN.into();
            password_failure = Some(ask);
        }
        if let Err(error) = &mut result {
            crate::gui::vault_fixes::in_app(&mut error.failure);
        }
        let succeeded = result.is_ok();
        run.finish(result);
        if let Some(ask) = password_failure {
            self.ask_password_because(Purpose::Test, ask);
        } else if succeeded {
            self.password_worked();
        }
    }
}
