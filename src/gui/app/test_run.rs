//! Test connection: started for the open draft, streamed into its run view, cancelled when another
//! draft is opened, and followed by a password prompt when the certificate needs one.

use tokio_util::sync::CancellationToken;

use super::CertconnectApp;
use super::password::Purpose;
use crate::core::event::Step;
use crate::gui::inbox::{JobKind, Reach};
use crate::gui::modals::ModalState;
use crate::probe::{self, ProbeError, ProbeJob, ProbeSummary};
use crate::report::RunView;

impl CertconnectApp {
    pub(super) fn start_test(&mut self) {
        if self.is_testing() || self.is_rotating() {
            return;
        }
        let Ok(profile) = self.draft.parse() else {
            return;
        };
        let concerns = crate::core::trust::unconfirmed(&profile, Default::default());
        if !concerns.is_empty() {
            // An imported profile does nothing its author chose until the admin confirms it.
            return self.modal = Some(ModalState::ConfirmTrust { concerns });
        }
        if self.card.needs_password() && self.card.inputs.as_ref() == Some(&self.cert_inputs()) {
            // The card already found that the certificate needs a password the app does not have.
            return self.ask_password(Purpose::Test, None);
        }
        let password = self.typed_password();
        let job = ProbeJob {
            profile: profile.clone(),
            password: password.clone(),
            token_only: false,
            timing: self.deps.timing,
            vault: self.deps.vault.as_ref().ok().cloned(),
            clients: None,
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
            reporter.finish(move |app: &mut Self, _| app.test_finished(result));
        });
    }

    fn test_finished(&mut self, result: Option<Result<ProbeSummary, ProbeError>>) {
        self.test_cancel = None;
        let Some(run) = &mut self.run else { return };
        let Some(mut result) = result else {
            run.abandon();
            return;
        };
        let mut password_failure = None;
        if let Err(error) = &mut result
            && error.step == Step::Certificate
            && error.failure.is_password_failure()
        {
            // The loader's fix speaks of command-line flags; in the app the answer is the prompt.
            error.failure.hint =
                "Press Test connection and enter the certificate's password when asked.".into();
            password_failure = Some(error.failure.message.clone());
        }
        let succeeded = result.is_ok();
        run.finish(result);
        if let Some(reason) = password_failure {
            self.ask_password(Purpose::Test, Some(reason));
        } else if succeeded {
            self.password_worked();
        }
    }
}
