//! The sandbox's device sign-in page (`/devicelogin`), the stand-in for Microsoft's: a person
//! finishes the device code flow there as in a browser, with no test hook. Polls are made quick by
//! shrinking the server's second, never by asserting on time.

use crate::support;

use std::time::Duration;

use certconnect::admin_signin::{
    DeviceCodeEvent, PollTiming, SignInSettings, sign_in_with_device_code,
};
use certconnect::core::signin::scopes::{SetupStep, scopes_for};
use certconnect::sandbox::{DEFAULT_PUBLIC_CLIENT_ID, Sandbox, SandboxConfig};
use support::probe_env::runtime;
use tokio_util::sync::CancellationToken;
use url::Url;

const QUICK: PollTiming = PollTiming {
    second: Duration::from_millis(5),
};

/// A browser's client: no proxy, no redirects followed.
fn browser() -> reqwest::Client {
    support::http_client(reqwest::redirect::Policy::none())
}

/// Posts the page's form as a browser does (`application/x-www-form-urlencoded`).
async fn post_code(page: &str, code: &str) -> (u16, String) {
    let response = browser()
        .post(page)
        .form(&[("user_code", code)])
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}

fn start(adjust: impl FnOnce(&mut SandboxConfig)) -> (tokio::runtime::Runtime, Sandbox) {
    let rt = runtime();
    let mut config = SandboxConfig::default();
    adjust(&mut config);
    let sandbox = rt.block_on(Sandbox::start(config)).unwrap();
    (rt, sandbox)
}

#[test]
fn a_person_approves_the_device_code_on_the_page_and_the_client_gets_its_tokens() {
    // The sandbox holds polls to real seconds; these polls are quick, so it asks for none.
    let (rt, sandbox) = start(|c| c.admin.device_code_interval_secs = 0);
    let settings = SignInSettings::new(
        Url::parse(sandbox.base_url()).unwrap(),
        sandbox.tenant_id(),
        Url::parse(&sandbox.graph_url()).unwrap(),
        scopes_for(&[SetupStep::Register]),
    );
    let (prompts, prompted) = std::sync::mpsc::channel();
    let cancel = CancellationToken::new();
    let signing_in = rt.spawn(async move {
        let mut report = move |event: DeviceCodeEvent| {
            if let DeviceCodeEvent::Prompt(prompt) = event {
                prompts.send(prompt).unwrap();
            }
        };
        sign_in_with_device_code(&settings, QUICK, &mut report, &cancel).await
    });
    let prompt = prompted.recv().unwrap();
    assert_eq!(
        prompt.verification_uri,
        format!("{}/devicelogin", sandbox.base_url())
    );
    let session = rt.block_on(async {
        let page = browser()
            .get(&prompt.verification_uri)
            .send()
            .await
            .unwrap();
        assert_eq!(page.status().as_u16(), 200);
        let content_type = page.headers()["content-type"].to_str().unwrap().to_owned();
        assert!(content_type.starts_with("text/html"), "{content_type}");
        let html = page.text().await.unwrap();
        assert!(
            html.contains(r#"<form method="post" action="/devicelogin">"#),
            "{html}"
        );
        assert!(html.contains(r#"name="user_code""#), "{html}");
        assert!(html.contains(">Approve</button>"), "{html}");
        assert!(html.contains("stand-in for Microsoft"), "{html}");
        assert!(!html.contains("<script"), "{html}");

        // A wrong code shows the page again, with the error and the form.
        let (status, html) = post_code(&prompt.verification_uri, "WRONGCODE").await;
        assert_eq!(status, 400);
        assert!(html.contains("That code is not valid"), "{html}");
        assert!(html.contains(r#"name="user_code""#), "{html}");

        // The right code, typed as a person may: lower case, a dash, spaces around.
        let typed = format!(
            " {}-{} ",
            prompt.user_code[..4].to_lowercase(),
            &prompt.user_code[4..]
        );
        let (status, html) = post_code(&prompt.verification_uri, &typed).await;
        assert_eq!(status, 200);
        assert!(html.contains("Approved"), "{html}");
        assert!(html.contains("admin@sandbox.onmicrosoft.com"), "{html}");
        signing_in.await.unwrap()
    });
    let session = session.unwrap();
    assert_eq!(session.upn, "admin@sandbox.onmicrosoft.com");
    assert_eq!(session.tenant_id, sandbox.tenant_id());
    assert_eq!(session.scopes, ["Application.ReadWrite.All"]);
}

#[test]
fn an_expired_code_is_named_expired_on_the_page() {
    let (rt, sandbox) = start(|c| c.admin.device_code_lifetime = Duration::ZERO);
    rt.block_on(async {
        let started = browser()
            .post(format!(
                "{}/{}/oauth2/v2.0/devicecode",
                sandbox.base_url(),
                sandbox.tenant_id()
            ))
            .form(&[
                ("client_id", DEFAULT_PUBLIC_CLIENT_ID),
                ("scope", "Application.ReadWrite.All"),
            ])
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let started: serde_json::Value = serde_json::from_str(&started).unwrap();
        let page = started["verification_uri"].as_str().unwrap();
        let code = started["user_code"].as_str().unwrap();
        let (status, html) = post_code(page, code).await;
        assert_eq!(status, 400);
        assert!(html.contains("That code has expired"), "{html}");
    });
}

#[test]
fn the_page_reads_no_form_larger_than_a_code_needs() {
    let (rt, sandbox) = start(|_| {});
    rt.block_on(async {
        let page = format!("{}/devicelogin", sandbox.base_url());
        let (status, html) = post_code(&page, &"A".repeat(4096)).await;
        assert_eq!(status, 413);
        assert!(html.contains("too large"), "{html}");
    });
}
