//! Real network failures become plain sentences with a fix, and keep the raw error for support:
//! a closed port, a name that cannot resolve, an untrusted certificate, a certificate for another
//! name, a server that never answers, a dropped connection.

use crate::support;

use std::time::Duration;

use certconnect::core::event::{Failure, Step};
use certconnect::core::retry::RetryMode;
use certconnect::sandbox::{Fault, FaultKind, FaultTarget};
use support::probe_env::Env;
use support::tls_server::{self, closed_port};

/// Runs the probe with `token_url` in place of the sandbox's and returns where and why it failed.
fn fail_with_token_url(env: &Env, token_url: &str, ca_pem: Option<&str>) -> (Step, Failure) {
    let mut draft = env.draft();
    draft.token_url = token_url.to_owned();
    if let Some(pem) = ca_pem {
        draft.ca_file = env.ws.write("ca.pem", pem.as_bytes()).display().to_string();
    }
    let (result, _) = env.run(draft.parse().unwrap());
    let error = result.unwrap_err();
    (error.step, error.failure)
}

fn raw(failure: &Failure) -> String {
    failure.raw.as_deref().cloned().unwrap_or_default()
}

#[test]
fn a_closed_port_says_nothing_listens_there() {
    let env = Env::new();
    let closed = closed_port();
    let port = closed.port;
    let url = format!(
        "http://127.0.0.1:{port}/{}/oauth2/v2.0/token",
        env.sandbox.tenant_id()
    );
    let (step, failure) = fail_with_token_url(&env, &url, None);
    assert_eq!((step, failure.code.as_str()), (Step::Token, "network"));
    assert_eq!(
        failure.message,
        format!("nothing is listening on 127.0.0.1:{port}: the connection was refused")
    );
    assert!(
        failure
            .hint
            .starts_with("Check the Token URL's host and port"),
        "{}",
        failure.hint
    );
    assert!(
        raw(&failure).to_lowercase().contains("refused"),
        "{failure:?}"
    );
    assert!(
        !failure.message.contains("client error"),
        "the message is not the raw chain"
    );
}

#[test]
fn a_name_that_cannot_resolve_is_a_dns_failure() {
    let env = Env::new();
    // RFC 6761: .invalid never resolves, and resolvers answer that without asking the network.
    let url = format!(
        "https://login.certconnect.invalid/{}/oauth2/v2.0/token",
        env.sandbox.tenant_id()
    );
    let (step, failure) = fail_with_token_url(&env, &url, None);
    assert_eq!((step, failure.code.as_str()), (Step::Token, "network"));
    assert_eq!(
        failure.message,
        "the name 'login.certconnect.invalid' could not be found (the DNS lookup failed)"
    );
    assert!(
        failure.hint.contains("Token URL's host name"),
        "{}",
        failure.hint
    );
    assert!(raw(&failure).contains("dns error"), "{failure:?}");
}

#[test]
fn an_untrusted_certificate_asks_for_the_ca_file() {
    let env = Env::with(|config| config.tls = true);
    let (step, failure) = fail_with_token_url(&env, &env.sandbox.token_url(), None);
    assert_eq!((step, failure.code.as_str()), (Step::Token, "tls"));
    assert_eq!(
        failure.message,
        "the certificate of 127.0.0.1 is not trusted: it is self-signed or signed by a CA this machine does not know"
    );
    assert!(
        failure.hint.contains("Advanced > CA file"),
        "{}",
        failure.hint
    );
    assert!(raw(&failure).contains("UnknownIssuer"), "{failure:?}");
}

#[test]
fn a_certificate_for_another_name_is_a_hostname_mismatch() {
    let env = Env::new();
    let server = tls_server::start(&env.rt, &["elsewhere.example", "www.elsewhere.example"]);
    let url = format!(
        "https://127.0.0.1:{}/t/oauth2/v2.0/token",
        server.addr.port()
    );
    let (step, failure) = fail_with_token_url(&env, &url, Some(&server.ca_pem));
    assert_eq!((step, failure.code.as_str()), (Step::Token, "tls"));
    assert_eq!(
        failure.message,
        "the certificate of 127.0.0.1 is issued for elsewhere.example, www.elsewhere.example, not '127.0.0.1'"
    );
    assert!(
        failure
            .hint
            .contains("host name the server's certificate names"),
        "{}",
        failure.hint
    );
    assert!(
        raw(&failure).contains("NotValidForName") || raw(&failure).contains("not valid for name"),
        "{failure:?}"
    );
}

#[test]
fn a_server_that_never_answers_times_out_naming_it() {
    let env = Env::new();
    let mut draft = env.draft();
    draft.timeout_secs = "1".into();
    env.sandbox.push_fault(Fault {
        target: FaultTarget::Token,
        kind: FaultKind::Slow(Duration::from_secs(30)),
    });
    let (result, _) = env.run(draft.parse().unwrap());
    let failure = result.unwrap_err().failure;
    assert_eq!(failure.code, "timeout");
    let port = env.sandbox.addr().port();
    assert_eq!(
        failure.message,
        format!(
            "127.0.0.1:{port} did not answer before the test's time ran out (during 'Request access token')"
        )
    );
}

#[test]
fn a_dropped_connection_is_named_and_its_retry_note_is_plain() {
    let env = Env::new();
    let mut draft = env.draft();
    draft.retry_mode = RetryMode::RetryAny;
    draft.retry_max = "1".into();
    for _ in 0..2 {
        env.sandbox.push_fault(Fault {
            target: FaultTarget::Graph,
            kind: FaultKind::Drop,
        });
    }
    let (result, events) = env.run(draft.parse().unwrap());
    let error = result.unwrap_err();
    let port = env.sandbox.addr().port();
    assert_eq!(
        (error.step, error.failure.code.as_str()),
        (Step::GraphSite, "network")
    );
    assert_eq!(
        error.failure.message,
        format!("127.0.0.1:{port} closed the connection before it answered")
    );
    assert!(
        error.failure.hint.contains("firewall"),
        "{}",
        error.failure.hint
    );
    let notes: Vec<String> = events.iter().filter_map(|e| e.note()).collect();
    assert_eq!(
        notes,
        [format!(
            "Read site: connection failed: 127.0.0.1:{port} closed the connection before it answered; retry 1 in 20 ms"
        )]
    );
}
