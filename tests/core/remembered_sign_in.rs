//! The administrator's sign-in remembered in the credential store (`ops::remembered_sign_in`),
//! against the sandbox's token endpoint and the in-memory credential store: reused without a
//! browser or a code, a refused refresh token forgotten with a fallback to the interactive sign-in,
//! and nothing written or even asked for when the option is off.

use crate::support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use certconnect::admin_signin::{
    AdminSession, DeviceCodeEvent, PollTiming, SignInError, SignInSettings,
    sign_in_with_device_code,
};
use certconnect::core::signin::scopes::{SetupStep, scopes_for};
use certconnect::credential_store::{CredentialBackend, MemoryBackend};
use certconnect::ops::remembered_sign_in::{self, RememberEvent, remembered_entry};
use certconnect::sandbox::{Sandbox, SandboxConfig};
use support::probe_env::runtime;
use tokio_util::sync::CancellationToken;
use url::Url;

const QUICK: PollTiming = PollTiming {
    second: Duration::from_millis(5),
};

struct Env {
    rt: tokio::runtime::Runtime,
    sandbox: Sandbox,
    store: Arc<MemoryBackend>,
    /// How many interactive (device code) sign-ins ran.
    interactive: Arc<AtomicUsize>,
}

impl Env {
    fn new() -> Self {
        let rt = runtime();
        let mut config = SandboxConfig::default();
        config.admin.device_code_interval_secs = 0;
        config.admin.device_code_approve_on_poll = Some(1);
        let sandbox = rt.block_on(Sandbox::start(config)).unwrap();
        Self {
            rt,
            sandbox,
            store: Arc::new(MemoryBackend::default()),
            interactive: Arc::new(AtomicUsize::new(0)),
        }
    }

    fn settings(&self) -> SignInSettings {
        SignInSettings::new(
            Url::parse(self.sandbox.base_url()).unwrap(),
            self.sandbox.tenant_id(),
            Url::parse(&self.sandbox.graph_url()).unwrap(),
            scopes_for(&[SetupStep::Register, SetupStep::Consent]),
        )
    }

    /// Signs in with the option on (`remember`) or off; the interactive sign-in is the device
    /// code flow, approved on its first poll, and `fails` makes it end cancelled instead.
    fn sign_in(
        &self,
        remember: bool,
        fails: bool,
    ) -> (Result<AdminSession, SignInError>, Vec<String>) {
        let store = remember.then(|| Arc::clone(&self.store) as Arc<dyn CredentialBackend>);
        let interactive = Arc::clone(&self.interactive);
        let cancel = CancellationToken::new();
        let mut events = Vec::new();
        let result = self.rt.block_on(async {
            let mut report = |event: RememberEvent| events.push(event.to_string());
            remembered_sign_in::sign_in(
                self.settings(),
                store,
                |settings| async move {
                    interactive.fetch_add(1, Ordering::SeqCst);
                    if fails {
                        return Err(SignInError::Cancelled);
                    }
                    let mut ignore = |_: DeviceCodeEvent| {};
                    sign_in_with_device_code(
                        &settings,
                        QUICK,
                        &mut ignore,
                        &CancellationToken::new(),
                    )
                    .await
                },
                &mut report,
                &cancel,
            )
            .await
        });
        (result, events)
    }

    fn remembered(&self) -> Option<String> {
        self.store
            .get(&remembered_entry(&self.settings()))
            .unwrap()
            .map(|bytes| String::from_utf8(bytes).unwrap())
    }
}

#[test]
fn a_remembered_sign_in_is_used_again_without_a_browser_or_a_code() {
    let env = Env::new();
    let (first, events) = env.sign_in(true, false);
    let first = first.unwrap();
    assert_eq!(env.interactive.load(Ordering::SeqCst), 1);
    assert_eq!(events, ["This sign-in is remembered in the memory."]);
    assert!(
        first.refresh_token.is_none(),
        "the token is in the store only"
    );
    let kept = env.remembered().expect("remembered after the sign-in");

    let (second, events) = env.sign_in(true, false);
    let second = second.unwrap();
    assert_eq!(
        env.interactive.load(Ordering::SeqCst),
        1,
        "no second sign-in"
    );
    assert_eq!(
        events,
        ["Signed in with the sign-in remembered in the memory."]
    );
    assert_eq!(second.upn, "admin@sandbox.onmicrosoft.com");
    assert_eq!(
        second.scopes,
        [
            "Application.ReadWrite.All",
            "AppRoleAssignment.ReadWrite.All"
        ],
        "the same scopes"
    );
    let rotated = env.remembered().unwrap();
    assert_ne!(rotated, kept, "Entra's rotated token is the one kept");
    assert_eq!(
        env.sandbox.live_refresh_tokens(),
        1,
        "the used one is spent"
    );

    // The refresh request was the documented one: a public client, no secret, the same scopes.
    let refresh = env
        .sandbox
        .requests()
        .into_iter()
        .find(|r| r.form_body.contains("grant_type=refresh_token"))
        .expect("a refresh token request");
    let form: Vec<(String, String)> = url::form_urlencoded::parse(refresh.form_body.as_bytes())
        .into_owned()
        .collect();
    let field = |name: &str| {
        form.iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    };
    assert_eq!(field("refresh_token"), Some(kept.as_str()));
    assert!(field("client_secret").is_none() && field("client_assertion").is_none());
    assert!(
        field("scope")
            .unwrap()
            .contains("/Application.ReadWrite.All")
    );
    // No token in what either sign-in says, nor in the sessions' Debug.
    for text in events
        .iter()
        .cloned()
        .chain([format!("{first:?}"), format!("{second:?}")])
    {
        assert!(!text.contains(&kept) && !text.contains(&rotated), "{text}");
    }
}

#[test]
fn a_refused_refresh_token_is_forgotten_and_the_admin_signs_in_again() {
    let env = Env::new();
    env.sign_in(true, false).0.unwrap();
    let revoked = env.remembered().unwrap();
    env.sandbox.revoke_refresh_tokens();

    // The fallback sign-in does not finish: the refused entry is gone all the same.
    let (result, events) = env.sign_in(true, true);
    assert!(matches!(result, Err(SignInError::Cancelled)), "{result:?}");
    assert_eq!(env.interactive.load(Ordering::SeqCst), 2, "fell back");
    assert_eq!(env.remembered(), None, "the refused entry is deleted");
    assert_eq!(events.len(), 1, "{events:?}");
    assert!(
        events[0].starts_with("The remembered sign-in was refused (AADSTS70008:"),
        "{events:?}"
    );
    assert!(events[0].ends_with("so it is forgotten: sign in again."));
    assert!(!events[0].contains(&revoked));

    // The next sign-in is interactive and is remembered again.
    let (again, events) = env.sign_in(true, false);
    again.unwrap();
    assert_eq!(env.interactive.load(Ordering::SeqCst), 3);
    assert_eq!(events, ["This sign-in is remembered in the memory."]);
    assert!(env.remembered().is_some());
}

#[test]
fn with_the_option_off_no_refresh_token_is_asked_for_or_written() {
    let env = Env::new();
    // Even a sign-in remembered earlier is not used while the option is off.
    env.sign_in(true, false).0.unwrap();
    let live = env.sandbox.live_refresh_tokens();
    let before = env.remembered();

    let (session, events) = env.sign_in(false, false);
    session.unwrap();
    assert_eq!(env.interactive.load(Ordering::SeqCst), 2);
    assert!(events.is_empty(), "{events:?}");
    assert_eq!(env.remembered(), before, "the store is untouched");
    assert_eq!(
        env.sandbox.live_refresh_tokens(),
        live,
        "no refresh token was issued: offline_access was not asked"
    );
    let last_poll = env
        .sandbox
        .requests()
        .into_iter()
        .rev()
        .find(|r| r.path.ends_with("/devicecode"))
        .unwrap();
    assert!(!last_poll.form_body.contains("offline_access"));
}
