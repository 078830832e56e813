//! Background work for the UI: each job runs on the tokio runtime, sends what it finds over a
//! channel and wakes the UI; the UI drains the channel in `logic` and never waits.

use std::sync::mpsc::{Receiver, TryRecvError, channel};

use tokio::runtime::Handle;
use tokio_util::sync::CancellationToken;

use crate::cert::{self, CertReport, LoadOptions};
use crate::core::event::TestEvent;
use crate::probe::{self, ProbeError, ProbeJob, ProbeSummary};
use crate::secret::Secret;

/// What a test job reports.
pub enum TestMessage {
    /// A step event.
    Event(TestEvent),
    /// The run ended.
    Finished(Result<ProbeSummary, ProbeError>),
}

/// A running test connection.
pub struct TestJob {
    rx: Receiver<TestMessage>,
    cancel: CancellationToken,
}

impl TestJob {
    /// Starts the probe on the runtime; every message wakes the UI.
    pub fn spawn(runtime: &Handle, ctx: egui::Context, job: ProbeJob) -> Self {
        let (tx, rx) = channel();
        let cancel = CancellationToken::new();
        let token = cancel.clone();
        runtime.spawn(async move {
            // Send first, then repaint, so the next frame is sure to see the message.
            let notify = |message| {
                if tx.send(message).is_ok() {
                    ctx.request_repaint();
                }
            };
            let result =
                probe::run(job, &mut |event| notify(TestMessage::Event(event)), &token).await;
            notify(TestMessage::Finished(result));
        });
        Self { rx, cancel }
    }

    /// Asks the run to stop; it reports a "cancelled" failure.
    pub fn cancel(&self) {
        self.cancel.cancel();
    }

    /// The next message, if one arrived. A vanished worker ends the job instead of panicking.
    pub fn try_next(&self) -> Option<Result<TestMessage, ()>> {
        match self.rx.try_recv() {
            Ok(message) => Some(Ok(message)),
            Err(TryRecvError::Empty) => None,
            Err(TryRecvError::Disconnected) => Some(Err(())),
        }
    }
}

/// What loading a certificate for the summary card gives.
pub type CardResult = Result<CertReport, String>;

/// A certificate being loaded for the summary card.
pub struct CardJob {
    rx: Receiver<CardResult>,
}

impl CardJob {
    /// Loads and inspects the file off the UI thread.
    pub fn spawn(
        runtime: &Handle,
        ctx: egui::Context,
        path: std::path::PathBuf,
        key: Option<std::path::PathBuf>,
        password: Option<Secret>,
        now: i64,
    ) -> Self {
        let (tx, rx) = channel();
        runtime.spawn_blocking(move || {
            let options = LoadOptions {
                key_path: key.as_deref(),
                password: password.as_ref(),
                alias: None,
            };
            let result = cert::load_file(&path, options)
                .map(|credential| cert::inspect(&credential, now, None))
                .map_err(|e| format!("{e}. {}", e.fix()));
            if tx.send(result).is_ok() {
                ctx.request_repaint();
            }
        });
        Self { rx }
    }

    /// The result, once it arrived.
    pub fn try_take(&self) -> Option<CardResult> {
        match self.rx.try_recv() {
            Ok(result) => Some(result),
            Err(TryRecvError::Empty) => None,
            Err(TryRecvError::Disconnected) => Some(Err("the certificate loader stopped".into())),
        }
    }
}
