//! The administrator's delegated sign-in (`admin_signin`) against the sandbox: the browser flow
//! with a test browser that follows the `/authorize` redirect as a browser would, and the device
//! code flow moved on by the sandbox's hooks. Polls are made quick by shrinking the server's
//! second, never by asserting on time.

use crate::support;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use certconnect::admin_signin::{
    AdminSession, BrowserError, BrowserOpener, DeviceCodeEvent, PollTiming, SignInError,
    SignInSettings, sign_in_with_browser, sign_in_with_device_code,
};
use certconnect::core::signin::device_code::DeviceCodeError;
use certconnect::core::signin::pkce::RedirectError;
use certconnect::core::signin::scopes::{SetupStep, scopes_for};
use certconnect::sandbox::{Sandbox, SandboxConfig};
use support::leaks::assert_no_jwt;
use support::probe_env::runtime;
use tokio_util::sync::CancellationToken;
use url::Url;

/// A poll every server "second" takes 5 ms here.
const QUICK: PollTiming = PollTiming {
    second: Duration::from_millis(5),
};

fn start(rt: &tokio::runtime::Runtime, adjust: impl FnOnce(&mut SandboxConfig)) -> Sandbox {
    let mut config = SandboxConfig::default();
    adjust(&mut config);
    rt.block_on(Sandbox::start(config)).unwrap()
}

fn settings(sandbox: &Sandbox) -> SignInSettings {
    let mut settings = SignInSettings::new(
        Url::parse(sandbox.base_url()).unwrap(),
        sandbox.tenant_id(),
        Url::parse(&sandbox.graph_url()).unwrap(),
        scopes_for(&[SetupStep::Register, SetupStep::Consent]),
    );
    // A bound only so a broken test fails instead of hanging; nothing waits for it.
    settings.browser_time_limit = Duration::from_secs(60);
    settings
}

fn client() -> reqwest::Client {
    support::http_client(reqwest::redirect::Policy::none())
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Behaviour {
    /// Ask the listener for /favicon.ico first, as browsers do, then follow.
    FaviconFirst,
    /// Follow, with another state in place of the one Entra sent back.
    WrongState,
    /// Open nothing: the admin never comes back.
    Idle,
}

/// What the test browser saw.
#[derive(Default)]
struct Seen {
    redirect: Option<Url>,
    statuses: Vec<u16>,
    last_page: String,
}

/// A browser that requests the `/authorize` URL without following redirects, then calls the
/// `Location` like a browser does.
struct TestBrowser {
    behaviour: Behaviour,
    seen: Arc<Mutex<Seen>>,
    visit: Mutex<Option<tokio::task::JoinHandle<()>>>,
}

impl TestBrowser {
    fn new(behaviour: Behaviour) -> Self {
        Self {
            behaviour,
            seen: Arc::default(),
            visit: Mutex::default(),
        }
    }

    /// Waits until the browser has read the listener's answer (the sign-in may return first).
    fn finish(&self, rt: &tokio::runtime::Runtime) {
        if let Some(visit) = self.visit.lock().unwrap().take() {
            rt.block_on(visit).unwrap();
        }
    }
}

impl BrowserOpener for TestBrowser {
    fn open(&self, url: &Url) -> Result<(), BrowserError> {
        if self.behaviour == Behaviour::Idle {
            // Only note where the listener is.
            let redirect_uri = url
                .query_pairs()
                .find(|(name, _)| name == "redirect_uri")
                .map(|(_, value)| Url::parse(&value).unwrap());
            self.seen.lock().unwrap().redirect = redirect_uri;
            return Ok(());
        }
        let (url, seen, behaviour) = (url.clone(), self.seen.clone(), self.behaviour);
        let visit = tokio::runtime::Handle::current().spawn(async move {
            let client = client();
            let answer = client.get(url).send().await.unwrap();
            assert_eq!(answer.status().as_u16(), 302);
            let location = answer.headers()["location"].to_str().unwrap().to_owned();
            let mut redirect = Url::parse(&location).unwrap();
            if behaviour == Behaviour::WrongState {
                let pairs: Vec<(String, String)> = redirect
                    .query_pairs()
                    .into_owned()
                    .map(|(n, v)| {
                        if n == "state" {
                            (n, "forged".into())
                        } else {
                            (n, v)
                        }
                    })
                    .collect();
                redirect.query_pairs_mut().clear().extend_pairs(pairs);
            }
            seen.lock().unwrap().redirect = Some(redirect.clone());
            if behaviour == Behaviour::FaviconFirst {
                let mut favicon = redirect.clone();
                favicon.set_path("/favicon.ico");
                favicon.set_query(None);
                let status = client.get(favicon).send().await.unwrap().status().as_u16();
                seen.lock().unwrap().statuses.push(status);
            }
            let answer = client.get(redirect).send().await.unwrap();
            let status = answer.status().as_u16();
            let page = answer.text().await.unwrap();
            let mut seen = seen.lock().unwrap();
            seen.statuses.push(status);
            seen.last_page = page;
        });
        *self.visit.lock().unwrap() = Some(visit);
        Ok(())
    }
}

/// No token, code or verifier in what an error shows.
fn assert_error_shows_no_secret(error: &SignInError) {
    assert_no_jwt(&error.to_string(), "the error's Display");
    assert_no_jwt(&format!("{error:?}"), "the error's Debug");
    // The sandbox's device codes start with DAQAB, its authorization codes with 1.A.
    for secret in ["code_verifier", "device_code", "DAQAB", "1.A"] {
        assert!(!error.to_string().contains(secret), "{error}");
        assert!(!format!("{error:?}").contains(secret), "{error:?}");
    }
}

fn assert_is_the_sandbox_admin(session: &AdminSession, sandbox: &Sandbox) {
    assert_eq!(session.upn, "admin@sandbox.onmicrosoft.com");
    assert_eq!(session.name, "Sandbox Admin");
    assert_eq!(session.tenant_id, sandbox.tenant_id());
    assert_eq!(
        session.scopes,
        [
            "Application.ReadWrite.All",
            "AppRoleAssignment.ReadWrite.All"
        ]
    );
    assert!(session.expires_in > Duration::ZERO);
    let shown = format!("{session:?}");
    assert!(!shown.contains(session.access_token.expose()));
    assert_no_jwt(&shown, "the session's Debug");
}

#[test]
fn the_browser_sign_in_takes_one_redirect_then_closes_the_listener() {
    let rt = runtime();
    let sandbox = start(&rt, |_| {});
    let browser = TestBrowser::new(Behaviour::FaviconFirst);
    let session = rt
        .block_on(sign_in_with_browser(
            &settings(&sandbox),
            &browser,
            &CancellationToken::new(),
        ))
        .unwrap();
    assert_is_the_sandbox_admin(&session, &sandbox);
    assert!(session.refresh_token.is_none(), "offline_access not asked");
    browser.finish(&rt);

    let seen = browser.seen.lock().unwrap();
    let redirect = seen.redirect.clone().unwrap();
    assert_eq!(redirect.host_str(), Some("localhost"));
    assert_eq!(redirect.path(), "/");
    // The favicon got 404 and the listener kept waiting; the redirect got the closing page.
    assert_eq!(seen.statuses, [404, 200]);
    assert!(seen.last_page.contains("You can close this window"));
    assert!(!seen.last_page.contains("code"));
    // Closed afterwards: a second connection is refused on both loopback addresses.
    let port = redirect.port().unwrap();
    assert!(std::net::TcpStream::connect(("127.0.0.1", port)).is_err());
    assert!(std::net::TcpStream::connect(("::1", port)).is_err());
}

#[test]
fn a_redirect_with_another_state_ends_the_sign_in_without_redeeming() {
    let rt = runtime();
    let sandbox = start(&rt, |_| {});
    let browser = TestBrowser::new(Behaviour::WrongState);
    let error = rt
        .block_on(sign_in_with_browser(
            &settings(&sandbox),
            &browser,
            &CancellationToken::new(),
        ))
        .unwrap_err();
    assert!(
        matches!(error, SignInError::Redirect(RedirectError::StateMismatch)),
        "{error:?}"
    );
    assert_error_shows_no_secret(&error);
    browser.finish(&rt);
    assert_eq!(browser.seen.lock().unwrap().statuses, [400]);
    assert!(
        sandbox
            .requests()
            .iter()
            .all(|r| !r.path.ends_with("/token")),
        "the code was not redeemed"
    );
}

#[test]
fn an_unknown_sign_in_client_is_refused_with_its_aadsts_code() {
    let rt = runtime();
    let sandbox = start(&rt, |_| {});
    let mut settings = settings(&sandbox);
    settings.client_id = "00000000-0000-0000-0000-00000000beef".into();
    let error = rt
        .block_on(sign_in_with_device_code(
            &settings,
            QUICK,
            &mut |_| {},
            &CancellationToken::new(),
        ))
        .unwrap_err();
    assert_eq!(error.aadsts(), Some(700016), "{error:?}");
    assert_error_shows_no_secret(&error);
}

#[test]
fn cancelling_the_browser_sign_in_closes_the_listener() {
    let rt = runtime();
    let sandbox = start(&rt, |_| {});
    let cancel = CancellationToken::new();
    let cancel_later = cancel.clone();
    rt.spawn(async move {
        tokio::time::sleep(Duration::from_millis(50)).await;
        cancel_later.cancel();
    });
    let browser = TestBrowser::new(Behaviour::Idle);
    let error = rt
        .block_on(sign_in_with_browser(&settings(&sandbox), &browser, &cancel))
        .unwrap_err();
    assert!(matches!(error, SignInError::Cancelled), "{error:?}");
    let port = browser
        .seen
        .lock()
        .unwrap()
        .redirect
        .clone()
        .unwrap()
        .port()
        .unwrap();
    assert!(std::net::TcpStream::connect(("127.0.0.1", port)).is_err());
}

/// A device code sign-in run against a sandbox that asks for no wait between polls.
struct DeviceRun {
    sandbox: Sandbox,
    result: Result<AdminSession, SignInError>,
    events: Vec<DeviceCodeEvent>,
    // Last: the sandbox is dropped while its runtime still runs.
    _rt: tokio::runtime::Runtime,
}

/// Runs the device code flow against a sandbox (its polling interval 0, then `adjust`ed); each
/// event is handed to `on_event` with the sandbox and the sign-in's cancellation.
fn device_sign_in(
    adjust: impl FnOnce(&mut SandboxConfig),
    mut on_event: impl FnMut(&DeviceCodeEvent, &Sandbox, &CancellationToken) + Send,
) -> DeviceRun {
    let rt = runtime();
    let sandbox = start(&rt, |c| {
        c.admin.device_code_interval_secs = 0;
        adjust(c);
    });
    let settings = settings(&sandbox);
    let cancel = CancellationToken::new();
    let mut events = Vec::new();
    let result = rt.block_on(async {
        let mut report = |event: DeviceCodeEvent| {
            on_event(&event, &sandbox, &cancel);
            events.push(event);
        };
        sign_in_with_device_code(&settings, QUICK, &mut report, &cancel).await
    });
    DeviceRun {
        sandbox,
        result,
        events,
        _rt: rt,
    }
}

fn user_code(event: &DeviceCodeEvent) -> Option<&str> {
    match event {
        DeviceCodeEvent::Prompt(prompt) => Some(&prompt.user_code),
        DeviceCodeEvent::SlowedDown { .. } => None,
    }
}

#[test]
fn the_device_code_sign_in_shows_the_code_and_polls_until_approved() {
    let DeviceRun {
        sandbox,
        result,
        events,
        _rt,
    } = device_sign_in(
        |_| {},
        |event, sandbox, _| {
            if let Some(code) = user_code(event) {
                assert!(sandbox.approve_device_code(code));
            }
        },
    );
    let session = result.unwrap();
    assert_is_the_sandbox_admin(&session, &sandbox);
    let DeviceCodeEvent::Prompt(prompt) = &events[0] else {
        panic!("{events:?}")
    };
    assert!(prompt.message.contains(&prompt.user_code));
    assert!(prompt.verification_uri.ends_with("/devicelogin"));
    assert_eq!(
        sandbox.device_code_polls(&prompt.user_code),
        0,
        "the grant is spent"
    );
}

#[test]
fn slow_down_adds_five_seconds_and_polling_goes_on() {
    let mut code = String::new();
    let DeviceRun {
        result,
        events,
        _rt,
        ..
    } = device_sign_in(
        |_| {},
        |event, sandbox, _| match event {
            DeviceCodeEvent::Prompt(prompt) => {
                code.clone_from(&prompt.user_code);
                assert!(sandbox.slow_down_device_code(&code));
            }
            DeviceCodeEvent::SlowedDown { .. } => assert!(sandbox.approve_device_code(&code)),
        },
    );
    result.unwrap();
    // The sandbox's interval of 0 is read as 1 s (never a busy loop); slow_down adds 5 s.
    assert_eq!(
        events[1],
        DeviceCodeEvent::SlowedDown {
            interval: Duration::from_secs(6)
        }
    );
}

#[test]
fn a_declined_device_code_ends_the_sign_in() {
    let DeviceRun { result, _rt, .. } = device_sign_in(
        |_| {},
        |event, sandbox, _| {
            if let Some(code) = user_code(event) {
                assert!(sandbox.decline_device_code(code));
            }
        },
    );
    let error = result.unwrap_err();
    assert!(
        matches!(error, SignInError::DeviceCode(DeviceCodeError::Declined)),
        "{error:?}"
    );
    assert_error_shows_no_secret(&error);
}

#[test]
fn a_device_code_nobody_approves_expires() {
    let DeviceRun { result, _rt, .. } = device_sign_in(
        |c| c.admin.device_code_lifetime = Duration::from_secs(3),
        |_, _, _| {},
    );
    let error = result.unwrap_err();
    assert!(
        matches!(error, SignInError::DeviceCode(DeviceCodeError::Expired)),
        "{error:?}"
    );
    assert_error_shows_no_secret(&error);
}

#[test]
fn cancelling_the_device_code_sign_in_stops_the_polling() {
    let DeviceRun { result, _rt, .. } = device_sign_in(
        |_| {},
        |event, _, cancel| {
            if user_code(event).is_some() {
                cancel.cancel();
            }
        },
    );
    let error = result.unwrap_err();
    assert!(matches!(error, SignInError::Cancelled), "{error:?}");
}
