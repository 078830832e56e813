//! The one inbox of the app's background work.
//!
//! Every job (test run, certificate card, saves, the credential store, imports and exports) runs on
//! the tokio runtime and reports through this inbox. A message carries the [`Ticket`] of the draft
//! it was started for and the change it makes as a closure; the app drains the inbox in `logic`
//! and applies a message only when it is still for the open draft (or, for results that belong to
//! a saved profile rather than to the open form, with that knowledge).

use std::panic::AssertUnwindSafe;
use std::sync::mpsc::{Receiver, Sender, channel};

use tokio::runtime::Handle;

use super::app::CertconnectApp;

/// Whom a background result is for: the profile and the draft generation open when it started.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ticket {
    /// The stable id of the open profile (new drafts get one at once).
    pub profile: String,
    /// Bumped each time another draft is opened (switch, new, duplicate, discard, delete).
    pub generation: u64,
}

/// Which kind of work a job is, for "what is running" questions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JobKind {
    /// A test connection.
    Test,
    /// A certificate rotation.
    Rotate,
    /// An administrator's sign-in for setting up an app registration.
    SignIn,
    /// Registering a new app (Set up in Entra).
    Register,
    /// Loading the certificate for the summary card.
    Card,
    /// Reading a `.cer` to compare thumbprints.
    Compare,
    /// Making a new certificate.
    NewCertificate,
    /// Reading the profile directory.
    Profiles,
    /// Reading the list of certificates kept in the credential store.
    StoredList,
    /// Reading the certificates of a Windows certificate store.
    WindowsStoreList,
    /// Reading the certificates of an Azure Key Vault.
    KeyVaultList,
    /// Listing the tokens of a PKCS#11 module.
    Pkcs11List,
    /// Looking for the usual PKCS#11 modules.
    Pkcs11Modules,
    /// Saving, renaming or deleting a profile, or remembering / forgetting its password.
    Profile,
    /// Importing a certificate into the credential store, or removing one.
    Store,
    /// Exporting or importing profiles.
    Exchange,
    /// Starting the sandbox demo.
    Demo,
    /// A native file dialog.
    Browse,
}

/// A change to the app, made on the UI thread. `current` says whether the message's ticket is the
/// open draft's.
pub type Apply = Box<dyn FnOnce(&mut CertconnectApp, bool) + Send>;

/// Whether a message may change the app once its draft is no longer open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reach {
    /// Only for the open draft: dropped after a switch (test steps, the card, a compare).
    OpenDraft,
    /// Also afterwards: the result belongs to a saved profile or to the store (saves, deletes,
    /// imports); the closure uses `current` to touch the form only when it is still open.
    Anywhere,
}

/// One message from a job.
pub struct AppMsg {
    /// The job it comes from.
    pub job: u64,
    /// Whom it is for.
    pub ticket: Ticket,
    /// Whether it may apply after a switch.
    pub reach: Reach,
    /// The job's last message.
    pub last: bool,
    /// The change it makes.
    pub apply: Apply,
}

/// Sends messages for one job; every send wakes the UI.
#[derive(Clone)]
pub struct Reporter {
    job: u64,
    ticket: Ticket,
    reach: Reach,
    tx: Sender<AppMsg>,
    ctx: egui::Context,
}

impl Reporter {
    /// The job's number.
    pub fn job(&self) -> u64 {
        self.job
    }

    /// Sends a message that is not the last one.
    pub fn send(&self, apply: impl FnOnce(&mut CertconnectApp, bool) + Send + 'static) {
        self.post(false, Box::new(apply));
    }

    /// Sends the job's last message.
    pub fn finish(&self, apply: impl FnOnce(&mut CertconnectApp, bool) + Send + 'static) {
        self.post(true, Box::new(apply));
    }

    fn post(&self, last: bool, apply: Apply) {
        let message = AppMsg {
            job: self.job,
            ticket: self.ticket.clone(),
            reach: self.reach,
            last,
            apply,
        };
        // Send first, then repaint, so the next frame is sure to see the message. A failed send
        // means the app is gone; the work simply ends.
        if self.tx.send(message).is_ok() {
            self.ctx.request_repaint();
        }
    }
}

/// The inbox and the runtime its jobs run on.
pub struct Inbox {
    runtime: Handle,
    ctx: egui::Context,
    tx: Sender<AppMsg>,
    rx: Receiver<AppMsg>,
    next_job: u64,
}

impl Inbox {
    /// An empty inbox whose jobs run on `runtime` and wake `ctx`.
    pub fn new(runtime: Handle, ctx: egui::Context) -> Self {
        let (tx, rx) = channel();
        Self {
            runtime,
            ctx,
            tx,
            rx,
            next_job: 0,
        }
    }

    /// The window's context, for work outside a job (a sign-in's device code) whose result is
    /// read by the next frame: it asks for that frame when it writes.
    pub fn context(&self) -> &egui::Context {
        &self.ctx
    }

    /// The runtime the jobs run on.
    pub fn runtime(&self) -> &Handle {
        &self.runtime
    }

    /// A reporter for a new job.
    pub fn reporter(&mut self, ticket: Ticket, reach: Reach) -> Reporter {
        self.next_job += 1;
        Reporter {
            job: self.next_job,
            ticket,
            reach,
            tx: self.tx.clone(),
            ctx: self.ctx.clone(),
        }
    }

    /// Runs blocking `work` (files, crypto, the credential store) on the runtime's blocking pool;
    /// its result is the job's one message. A panic in `work` becomes an error status, never a
    /// frozen "busy" state. Returns the job's number.
    pub fn blocking(
        &mut self,
        ticket: Ticket,
        reach: Reach,
        work: impl FnOnce() -> Apply + Send + 'static,
    ) -> u64 {
        let reporter = self.reporter(ticket, reach);
        let job = reporter.job;
        self.runtime.spawn_blocking(move || {
            match std::panic::catch_unwind(AssertUnwindSafe(work)) {
                Ok(apply) => reporter.post(true, apply),
                Err(_) => reporter.finish(|app, _| {
                    app.set_status("The background work stopped unexpectedly", true);
                }),
            }
        });
        job
    }

    /// The next message, if one arrived. The inbox holds a sender itself, so it never disconnects.
    pub fn try_next(&self) -> Option<AppMsg> {
        self.rx.try_recv().ok()
    }
}
