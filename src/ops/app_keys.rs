//! Changing an app registration's keys with a profile's connection: `cert upload` and
//! `cert remove-key`. The profile's current certificate signs the proof Graph asks for.

use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use crate::core::event::{Detail, Step, TestEvent};
use crate::core::profile::Profile;
use crate::core::retry::RetryTiming;
use crate::probe::{
    Connection, KeyChange, KeyChanged, ProbeError, StepClock, key_client, object_id,
    signing_certificate,
};
use crate::secret::Secret;

/// One key change to make with a profile's connection and current certificate.
pub struct KeyJob {
    /// The connection: token URL, client ID, scope, Graph URL, CA file, timeout, the current
    /// certificate, and the Application object ID (required).
    pub profile: Profile,
    /// The current certificate's password, when one is needed.
    pub password: Option<Secret>,
    /// The credential store, for remembered passwords and stored certificates.
    pub vault: Option<std::sync::Arc<crate::credential_store::CredentialVault>>,
    /// Retry waits (the defaults for real use; tests shorten them).
    pub timing: RetryTiming,
}

/// Loads the profile's current certificate, gets a token with it and makes the change.
pub async fn change_key(
    job: KeyJob,
    change: KeyChange,
    report: &mut (dyn FnMut(TestEvent) + Send),
    cancel: &CancellationToken,
) -> Result<KeyChanged, ProbeError> {
    let profile = &job.profile;
    let deadline =
        Instant::now() + std::time::Duration::from_secs(u64::from(profile.timeout_secs()));
    let clock = StepClock::start(Step::Profile, report);
    let object_id = object_id(profile).map_err(|f| clock.fail(report, f, true))?;
    let client = key_client(profile).map_err(|f| clock.fail(report, f, true))?;
    clock.done(report, settings_details(profile, object_id));

    let (_, signer) = signing_certificate(
        profile,
        job.password.clone(),
        job.vault.clone(),
        deadline,
        cancel,
        report,
    )
    .await?;

    let connection = Connection {
        client: &client,
        profile,
        object_id,
        timing: job.timing,
        deadline,
        cancel,
    };
    let token = connection.token(&signer, report).await?;
    // Once sent, a key change is not abandoned by Ctrl+C: its answer says whether it happened.
    let never = CancellationToken::new();
    let sending = Connection {
        cancel: &never,
        ..connection.reborrow()
    };
    sending.change(&signer, &token, &change, report).await
}

/// The Profile step's details of a key change.
fn settings_details(profile: &Profile, object_id: &str) -> Vec<Detail> {
    vec![
        Detail::new("Token URL", &profile.authority().token_url),
        Detail::new("Client ID", profile.client_id()),
        Detail::new("Object ID", object_id),
        Detail::new("Graph URL", profile.graph_url()),
    ]
}
