//! A certificate in Azure Key Vault as the rest of certconnect sees it: a [`Credential`] whose key
//! signs in the vault (`keys/sign` over the SHA-256 digest; the key never leaves it, exportable or
//! not), and the vault's certificate list.
//!
//! **Why a thread of its own.** [`InPlaceKey::sign`] is synchronous: it is called where the
//! assertion is built, inside async code (the probe's step, each token retry). A vault signature
//! is an HTTP call. Each opened vault certificate therefore owns a named thread with a
//! current-thread tokio runtime and its [`VaultClient`] (the token stays there, in memory); `sign`
//! hands it the digest and waits for the answer. The call never needs the caller's runtime, so it
//! cannot deadlock on it, whatever the runtime (the CLI's current-thread one, the app's
//! multi-thread one). On a multi-thread runtime the wait runs in `block_in_place`, so the other
//! tasks of that worker move on; on a current-thread runtime the wait blocks it for the call's
//! duration, which is what the CLI's single run wants anyway (nothing else is due meanwhile). The
//! thread ends when the last handle to the key is dropped.

use std::sync::Arc;
use std::sync::mpsc;

use openssl::hash::{MessageDigest, hash};
use openssl::x509::X509;

use crate::cert::{Credential, FileFormat, InPlaceKey};
use crate::core::event::Failure;
use crate::core::key_vault::{CertificateId, VaultAccess, VaultProblem};
use crate::core::profile::AssertionAlgorithm;
use crate::net::{TokenSource, VaultCertificate, VaultClient, VaultError};

type Job = Box<dyn FnOnce(&tokio::runtime::Runtime, &mut VaultClient) + Send>;

/// A vault client on its own thread and runtime.
struct Session {
    jobs: std::sync::Mutex<mpsc::Sender<Job>>,
}

impl Session {
    fn start(client: VaultClient) -> Result<Self, VaultError> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|_| VaultError::BadAnswer("no runtime for the vault client"))?;
        let (jobs, inbox) = mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name("key-vault".into())
            .spawn(move || {
                let mut client = client;
                while let Ok(job) = inbox.recv() {
                    job(&runtime, &mut client);
                }
            })
            .map_err(|_| VaultError::BadAnswer("no thread for the vault client"))?;
        Ok(Self {
            jobs: std::sync::Mutex::new(jobs),
        })
    }

    /// Runs `work` on the session's thread and waits for its result (see the module's note).
    fn run<T: Send + 'static>(
        &self,
        work: impl AsyncFnOnce(&mut VaultClient) -> T + Send + 'static,
    ) -> Option<T> {
        crate::ui_thread_guard::forbid_on_ui_thread("a Key Vault call");
        let (answer, result) = mpsc::sync_channel(1);
        let job: Job = Box::new(move |runtime, client| {
            answer.send(runtime.block_on(work(client))).ok();
        });
        self.jobs.lock().ok()?.send(job).ok()?;
        let wait = || result.recv().ok();
        match tokio::runtime::Handle::try_current() {
            Ok(handle) if handle.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread => {
                tokio::task::block_in_place(wait)
            }
            _ => wait(),
        }
    }
}

fn stopped() -> VaultError {
    VaultError::BadAnswer("the vault client stopped")
}

/// What a vault source's failure is in a run, and whether the input or access is at fault.
pub fn vault_failure(error: &VaultError) -> (Failure, bool) {
    (error.to_failure(), error.is_refusal())
}

/// A vault's HTTP client: TLS verified, http only to loopback, never through a proxy for it.
fn http_client(vault: &url::Url) -> Result<reqwest::Client, VaultError> {
    crate::net::build_client(None, crate::core::url_rules::is_loopback(vault))
        .map_err(|failure| VaultError::Network(Box::new(failure)))
}

/// An opened vault certificate: the credential to sign with, and what the vault said about it.
pub struct OpenedVaultCertificate {
    /// The certificate and its in-place key.
    pub credential: Credential,
    /// The version used (the current one when the identifier names none).
    pub version: String,
    /// Whether the identifier named no version (so the current one was taken).
    pub current: bool,
    /// The key's identifier.
    pub kid: String,
    /// Whether the key is exportable.
    pub exportable: bool,
    /// The audience the token was for.
    pub audience: String,
    /// Whether the version is enabled (may sign).
    pub enabled: bool,
    /// The retries of a throttled vault while it was reached (`Retrying` events).
    pub retries: Vec<crate::core::event::TestEvent>,
}

/// Opens a vault certificate for signing: a token, then `GET /certificates/{name}[/{version}]`;
/// refuses a disabled or expired version or a non-RSA key before anything is signed. Blocks the
/// calling thread (the probe's certificate loader, or a background job).
pub fn open_key_vault(
    id: &CertificateId,
    source: TokenSource,
    access: &VaultAccess,
    now: i64,
) -> Result<OpenedVaultCertificate, VaultError> {
    let (session, fetched, audience, retries) = fetch(id, source, access)?;
    check_usable(&fetched, now)?;
    let mut opened = opened(session, id, fetched, audience)?;
    opened.retries = retries;
    Ok(opened)
}

/// Reads a vault certificate as it is, for inspection: a disabled or expired version or an EC
/// key is returned too (`enabled` says whether it may sign; the findings say the rest).
pub fn read_key_vault(
    id: &CertificateId,
    source: TokenSource,
    access: &VaultAccess,
) -> Result<OpenedVaultCertificate, VaultError> {
    let (session, fetched, audience, retries) = fetch(id, source, access)?;
    let mut opened = opened(session, id, fetched, audience)?;
    opened.retries = retries;
    Ok(opened)
}

type Fetched = (
    Arc<Session>,
    VaultCertificate,
    String,
    Vec<crate::core::event::TestEvent>,
);

/// A token, then `GET /certificates/{name}[/{version}]`, on a session kept for signing.
fn fetch(
    id: &CertificateId,
    source: TokenSource,
    access: &VaultAccess,
) -> Result<Fetched, VaultError> {
    let client = VaultClient::new(
        http_client(&id.vault)?,
        id.vault.clone(),
        source,
        access.clone(),
    );
    let session = Arc::new(Session::start(client)?);
    let (name, version) = (id.name.clone(), id.version.clone());
    let (fetched, audience, retries) = session
        .run(async move |client: &mut VaultClient| {
            let fetched = client.certificate(&name, version.as_deref()).await;
            let audience = client.audience().unwrap_or_default().to_owned();
            (fetched, audience, client.take_events())
        })
        .ok_or_else(stopped)?;
    Ok((session, fetched?, audience, retries))
}

/// Makes a new version of the certificate `id` names, in the vault (self-signed, RSA 2048, key not
/// exportable, `subject`, valid `months`), waits for the create operation, and opens the new
/// version for signing. Blocks the calling thread. The new version becomes the vault's current one.
pub fn create_key_vault_version(
    id: &CertificateId,
    source: TokenSource,
    access: &VaultAccess,
    subject: &str,
    months: u32,
    now: i64,
) -> Result<OpenedVaultCertificate, VaultError> {
    let client = VaultClient::new(
        http_client(&id.vault)?,
        id.vault.clone(),
        source,
        access.clone(),
    );
    let session = Arc::new(Session::start(client)?);
    let (name, subject) = (id.name.clone(), subject.to_owned());
    let (fetched, audience) = session
        .run(async move |client: &mut VaultClient| {
            let made = async {
                client.create(&name, &subject, months).await?;
                // Key Vault makes a self-signed certificate in seconds; a minute is plenty.
                let mut status = String::new();
                for _ in 0..60 {
                    status = client.pending_status(&name).await?;
                    if status != "inProgress" {
                        break;
                    }
                    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
                }
                if status != "completed" {
                    return Err(VaultError::Unusable(Box::new(VaultProblem::CreateFailed {
                        name: name.clone(),
                        status,
                    })));
                }
                client.certificate(&name, None).await
            };
            let fetched = made.await;
            (fetched, client.audience().unwrap_or_default().to_owned())
        })
        .ok_or_else(stopped)?;
    let fetched = fetched?;
    check_usable(&fetched, now)?;
    let pinned = CertificateId {
        version: Some(fetched.version.clone()),
        ..id.clone()
    };
    opened(session, &pinned, fetched, audience)
}

/// The credential of a fetched version, signing with that very version.
fn opened(
    session: Arc<Session>,
    id: &CertificateId,
    fetched: VaultCertificate,
    audience: String,
) -> Result<OpenedVaultCertificate, VaultError> {
    let certificate = X509::from_der(&fetched.der)
        .map_err(|_| VaultError::BadAnswer("the certificate (cer) is not DER"))?;
    let keeper = format!(
        "Azure Key Vault ({})",
        id.vault.host_str().unwrap_or_default()
    );
    let key = VaultKey {
        session,
        name: id.name.clone(),
        version: fetched.version.clone(),
        keeper,
        retries: std::sync::Mutex::default(),
    };
    Ok(OpenedVaultCertificate {
        credential: Credential {
            certificate,
            private_key: None,
            chain: Vec::new(),
            // The vault links the key to the certificate's version.
            key_matches: Some(true),
            format: FileFormat::KeyVault,
            in_place_key: Some(Arc::new(key)),
        },
        current: id.version.is_none(),
        version: fetched.version,
        kid: fetched.kid,
        exportable: fetched.exportable,
        enabled: fetched.enabled,
        audience,
        retries: Vec::new(),
    })
}

/// A disabled or expired version, or a key Entra cannot use, is refused before any signature.
fn check_usable(fetched: &VaultCertificate, now: i64) -> Result<(), VaultError> {
    let name = fetched.name.clone();
    if !fetched.enabled {
        return Err(VaultError::Unusable(Box::new(VaultProblem::Disabled {
            name,
        })));
    }
    if fetched.expires != 0 && fetched.expires < now {
        return Err(VaultError::Unusable(Box::new(VaultProblem::Expired {
            name,
        })));
    }
    if !fetched.key_type.starts_with("RSA") {
        return Err(VaultError::Unusable(Box::new(VaultProblem::NotRsa {
            name,
            kty: fetched.key_type.clone(),
        })));
    }
    Ok(())
}

/// One row of `cert list --key-vault`: a certificate with an RSA key, its current version.
#[derive(Clone, Debug)]
pub struct VaultListEntry {
    /// The certificate's name.
    pub name: String,
    /// The current version.
    pub version: String,
    /// The certificate (DER), for the thumbprint, subject and expiry.
    pub der: Vec<u8>,
    /// Whether the key is exportable.
    pub exportable: bool,
    /// Whether the version is enabled.
    pub enabled: bool,
}

/// The vault's certificates with an RSA key (their current versions), by name.
pub fn list_key_vault(
    vault: &url::Url,
    source: TokenSource,
    access: &VaultAccess,
) -> Result<Vec<VaultListEntry>, VaultError> {
    let client = VaultClient::new(http_client(vault)?, vault.clone(), source, access.clone());
    let session = Session::start(client)?;
    session
        .run(async move |client: &mut VaultClient| {
            let mut entries = Vec::new();
            for listed in client.list().await? {
                let certificate = client.certificate(&listed.name, None).await?;
                if certificate.key_type.starts_with("RSA") {
                    entries.push(VaultListEntry {
                        name: certificate.name,
                        version: certificate.version,
                        der: certificate.der,
                        exportable: certificate.exportable,
                        enabled: certificate.enabled,
                    });
                }
            }
            entries.sort_by(|a, b| a.name.cmp(&b.name));
            Ok(entries)
        })
        .ok_or_else(stopped)?
}

/// A key that signs in the vault.
struct VaultKey {
    session: Arc<Session>,
    name: String,
    version: String,
    keeper: String,
    /// The retries of the signatures not yet reported.
    retries: std::sync::Mutex<Vec<crate::core::event::TestEvent>>,
}

impl InPlaceKey for VaultKey {
    fn sign(&self, algorithm: AssertionAlgorithm, message: &[u8]) -> Result<Vec<u8>, Failure> {
        let digest = hash(MessageDigest::sha256(), message)
            .map_err(|_| VaultError::BadAnswer("no SHA-256").to_failure())?
            .to_vec();
        let (name, version) = (self.name.clone(), self.version.clone());
        let (signed, retries) = self
            .session
            .run(async move |client: &mut VaultClient| {
                let signed = client.sign(&name, &version, algorithm, &digest).await;
                (signed, client.take_events())
            })
            .ok_or_else(|| stopped().to_failure())?;
        self.retries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .extend(retries);
        signed.map_err(|e| e.to_failure())
    }

    fn take_retries(&self) -> Vec<crate::core::event::TestEvent> {
        std::mem::take(
            &mut *self
                .retries
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        )
    }

    fn supports(&self, _algorithm: AssertionAlgorithm) -> Result<(), Failure> {
        // Key Vault signs RS256 and PS256 with every RSA key; non-RSA keys were refused on open.
        Ok(())
    }

    fn keeper(&self) -> String {
        self.keeper.clone()
    }
}
