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

/// One piece of blocking work (files, crypto, the credential store) done off the UI thread; the
/// result wakes the UI.
pub struct Background<T> {
    rx: Receiver<Result<T, String>>,
}

impl<T: Send + 'static> Background<T> {
    /// Runs `work` on the runtime's blocking pool.
    pub fn spawn(
        runtime: &Handle,
        ctx: egui::Context,
        work: impl FnOnce() -> Result<T, String> + Send + 'static,
    ) -> Self {
        let (tx, rx) = channel();
        runtime.spawn_blocking(move || {
            if tx.send(work()).is_ok() {
                ctx.request_repaint();
            }
        });
        Self { rx }
    }

    /// The result, once it arrived. A vanished worker is an error, not a panic.
    pub fn try_take(&self) -> Option<Result<T, String>> {
        match self.rx.try_recv() {
            Ok(result) => Some(result),
            Err(TryRecvError::Empty) => None,
            Err(TryRecvError::Disconnected) => Some(Err("the background work stopped".into())),
        }
    }
}

/// Loads and inspects a certificate for the summary card.
pub fn load_card(
    path: &std::path::Path,
    key: Option<&std::path::Path>,
    password: Option<&Secret>,
    alias: Option<&str>,
    now: i64,
) -> Result<CertReport, String> {
    let options = LoadOptions {
        key_path: key,
        password,
        alias,
    };
    cert::load_file(path, options)
        .map(|credential| cert::inspect(&credential, now, None))
        .map_err(|e| format!("{e}. {}", e.fix()))
}

/// What the "New certificate" form asks for.
pub struct NewCertRequest {
    /// Parsed subject.
    pub subject: Vec<(String, String)>,
    /// RSA key size.
    pub key_bits: u32,
    /// Validity in days.
    pub days: u32,
    /// The PFX to write; the `.cer` and `.pem` go beside it.
    pub pfx: std::path::PathBuf,
    /// The PFX password.
    pub password: Secret,
}

/// Makes the key and certificate and writes the PFX, `.cer` and `.pem`; returns the PFX path.
pub fn make_certificate(request: &NewCertRequest) -> Result<std::path::PathBuf, String> {
    use crate::cert::generate::{self_signed_with_subject, to_pfx};
    use crate::store::write_atomic;
    let text = |e: openssl::error::ErrorStack| e.to_string();
    let pair =
        self_signed_with_subject(&request.subject, request.key_bits, request.days).map_err(text)?;
    let name = request
        .subject
        .iter()
        .find(|(f, _)| f == "CN")
        .map_or("certconnect", |(_, v)| v.as_str());
    let pfx = to_pfx(&pair, request.password.expose(), name).map_err(text)?;
    write_atomic(&request.pfx, &pfx).map_err(|e| e.to_string())?;
    write_atomic(
        &request.pfx.with_extension("cer"),
        &pair.certificate.to_der().map_err(text)?,
    )
    .map_err(|e| e.to_string())?;
    write_atomic(
        &request.pfx.with_extension("pem"),
        &pair.certificate.to_pem().map_err(text)?,
    )
    .map_err(|e| e.to_string())?;
    Ok(request.pfx.clone())
}
