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

/// A certificate being made (RSA key generation takes a moment, more for 4096 bits).
pub struct NewCertJob {
    rx: Receiver<Result<std::path::PathBuf, String>>,
}

impl NewCertJob {
    /// Makes the key and certificate and writes the files, off the UI thread.
    pub fn spawn(runtime: &Handle, ctx: egui::Context, request: NewCertRequest) -> Self {
        let (tx, rx) = channel();
        runtime.spawn_blocking(move || {
            let result = make_certificate(&request).map(|()| request.pfx.clone());
            if tx.send(result).is_ok() {
                ctx.request_repaint();
            }
        });
        Self { rx }
    }

    /// The PFX path once written, or why not.
    pub fn try_take(&self) -> Option<Result<std::path::PathBuf, String>> {
        match self.rx.try_recv() {
            Ok(result) => Some(result),
            Err(TryRecvError::Empty) => None,
            Err(TryRecvError::Disconnected) => Some(Err("making the certificate stopped".into())),
        }
    }
}

fn make_certificate(request: &NewCertRequest) -> Result<(), String> {
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
    .map_err(|e| e.to_string())
}

/// A certificate being imported into the credential store.
pub struct ImportJob {
    rx: Receiver<Result<crate::secrets::StoredCertificate, String>>,
}

impl ImportJob {
    /// Loads the PFX and stores it (key in the credential store, encrypted file in the data dir).
    pub fn spawn(
        runtime: &Handle,
        ctx: egui::Context,
        vault: std::sync::Arc<crate::secrets::Vault>,
        name: String,
        pfx: std::path::PathBuf,
        password: Option<Secret>,
        alias: Option<String>,
    ) -> Self {
        let (tx, rx) = channel();
        runtime.spawn_blocking(move || {
            let options = LoadOptions {
                key_path: None,
                password: password.as_ref(),
                alias: alias.as_deref(),
            };
            let result = cert::load_file(&pfx, options)
                .map_err(|e| e.to_string())
                .and_then(|credential| vault.import(&name, &credential));
            if tx.send(result).is_ok() {
                ctx.request_repaint();
            }
        });
        Self { rx }
    }

    /// The stored certificate, once done.
    pub fn try_take(&self) -> Option<Result<crate::secrets::StoredCertificate, String>> {
        match self.rx.try_recv() {
            Ok(result) => Some(result),
            Err(TryRecvError::Empty) => None,
            Err(TryRecvError::Disconnected) => Some(Err("the import stopped".into())),
        }
    }
}
