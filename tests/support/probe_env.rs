//! A sandbox started in-process on a free port, with certificates made by the openssl CLI, and a
//! way to run the probe against it and keep every event.

use std::path::{Path, PathBuf};
use std::time::Duration;

use certconnect::core::authority::Preset;
use certconnect::core::draft::{CertKind, ProfileDraft};
use certconnect::core::event::TestEvent;
use certconnect::core::profile::{PasswordSource, Profile};
use certconnect::core::retry::RetryTiming;
use certconnect::probe::{self, ProbeError, ProbeJob, ProbeSummary};
use certconnect::sandbox::{RegisteredApp, Sandbox, SandboxConfig};
use certconnect::secret::Secret;
use openssl::x509::X509;
use tokio_util::sync::CancellationToken;

use super::Workspace;

pub const CLIENT_ID: &str = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
/// The app's object id (not its client id), which addKey / removeKey name.
pub const OBJECT_ID: &str = "7e6d5c4b-3a29-4b18-9c07-f6e5d4c3b2a1";
pub const PASSWORD: &str = "Pfx-Passw0rd!";

/// A runtime, a sandbox and a workspace with a registered PFX.
pub struct Env {
    /// A credential store in memory with its vault directory in the workspace.
    pub vault: std::sync::Arc<certconnect::credential_store::CredentialVault>,
    pub rt: tokio::runtime::Runtime,
    pub sandbox: Sandbox,
    pub ws: Workspace,
    pub pfx: PathBuf,
}

pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime")
}

pub fn read_cert(path: &Path) -> X509 {
    let bytes = std::fs::read(path).expect("cert");
    X509::from_pem(&bytes)
        .or_else(|_| X509::from_der(&bytes))
        .expect("certificate")
}

impl Env {
    /// A sandbox where `CLIENT_ID` has `app.pfx` (password `PASSWORD`) registered with read roles.
    pub fn new() -> Self {
        Self::with(|_| {})
    }

    /// Like `new`, with the sandbox configuration adjusted first.
    pub fn with(adjust: impl FnOnce(&mut SandboxConfig)) -> Self {
        Self::with_roles(&["Sites.Read.All", "Files.Read.All"], adjust)
    }

    pub fn with_roles(roles: &[&str], adjust: impl FnOnce(&mut SandboxConfig)) -> Self {
        let ws = Workspace::new();
        let key = ws.rsa_key("app.key", 2048);
        let cert = ws.self_signed("app.pem", &key, "/CN=Connector", 365);
        let pfx = ws.pfx("app.pfx", &key, &cert, PASSWORD, &[]);
        let mut config = SandboxConfig {
            apps: vec![RegisteredApp {
                client_id: CLIENT_ID.into(),
                object_id: OBJECT_ID.into(),
                certificates: vec![read_cert(&cert)],
                roles: roles.iter().map(|r| (*r).to_owned()).collect(),
            }],
            ..SandboxConfig::default()
        };
        adjust(&mut config);
        let rt = runtime();
        let sandbox = rt.block_on(Sandbox::start(config)).expect("sandbox");
        let store = std::sync::Arc::new(certconnect::credential_store::MemoryBackend::default());
        let vault = std::sync::Arc::new(certconnect::credential_store::CredentialVault::at(
            ws.path("vault"),
            store,
        ));
        Self {
            vault,
            rt,
            sandbox,
            ws,
            pfx,
        }
    }

    /// How many requests the sandbox's token endpoint has received.
    pub fn token_requests(&self) -> usize {
        self.sandbox
            .requests()
            .iter()
            .filter(|r| r.path.ends_with("/oauth2/v2.0/token"))
            .count()
    }

    /// A form for this sandbox with the PFX; tests change fields, then `parse`.
    pub fn draft(&self) -> ProfileDraft {
        let mut draft = ProfileDraft {
            name: "test".into(),
            client_id: CLIENT_ID.into(),
            pfx_path: self.pfx.display().to_string(),
            password: PasswordSource::Ask,
            retry_max: "3".into(),
            timeout_secs: "20".into(),
            ..ProfileDraft::default()
        };
        draft.apply_preset(Preset::Custom);
        draft.token_url = self.sandbox.token_url();
        draft.graph_url = self.sandbox.graph_url();
        draft.scope = self.sandbox.scope();
        draft
    }

    pub fn profile(&self) -> Profile {
        self.draft().parse().expect("valid profile")
    }

    /// Runs the probe with the PFX password and short retry waits; returns the result and events.
    pub fn run(&self, profile: Profile) -> (Result<ProbeSummary, ProbeError>, Vec<TestEvent>) {
        self.run_with(profile, Some(PASSWORD), &CancellationToken::new())
    }

    pub fn run_with(
        &self,
        profile: Profile,
        password: Option<&str>,
        cancel: &CancellationToken,
    ) -> (Result<ProbeSummary, ProbeError>, Vec<TestEvent>) {
        let job = ProbeJob {
            profile,
            password: password.map(Secret::new),
            token_only: false,
            timing: RetryTiming {
                base: Duration::from_millis(20),
                cap: Duration::from_secs(5),
            },
            vault: Some(self.vault.clone()),
            clients: None,
            profiles: None,
        };
        let mut events = Vec::new();
        let result = self
            .rt
            .block_on(probe::run(job, &mut |e| events.push(e), cancel));
        (result, events)
    }
}

pub fn pem_draft(draft: &mut ProfileDraft, cert: &Path, key: &Path) {
    draft.cert_kind = CertKind::PemFiles;
    draft.pem_cert_path = cert.display().to_string();
    draft.pem_key_path = key.display().to_string();
}

/// The code of a failed run.
pub fn failure_code(result: &Result<ProbeSummary, ProbeError>) -> String {
    match result {
        Ok(_) => "ok".into(),
        Err(e) => e.failure.code.clone(),
    }
}

pub fn retries(events: &[TestEvent]) -> Vec<(u32, u64)> {
    events
        .iter()
        .filter_map(|e| match e {
            TestEvent::Retrying { retry, wait_ms, .. } => Some((*retry, *wait_ms)),
            _ => None,
        })
        .collect()
}
