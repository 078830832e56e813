//! The HTTP client: TLS verification always on, an optional extra CA, proxies from the environment
//! except for loopback.

use std::path::Path;
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hyper_util::client::proxy::matcher::Matcher;

use crate::bounded_read;
use crate::core::event::Failure;
use crate::core::url_rules::is_loopback;

/// Builds the client for one test connection.
///
/// Certificates are verified against the operating system's trust store; `ca_file` (PEM, one or
/// more certificates) adds roots for networks that inspect TLS. Proxies come from the standard
/// `HTTPS_PROXY` / `HTTP_PROXY` / `NO_PROXY` variables (and the system settings where the platform
/// has them), except for loopback: a request to this machine never goes through a proxy, because
/// plain `http` is allowed only there and would carry the assertion or the bearer token to the
/// proxy in clear text. Redirects are not followed: a token endpoint or Graph that redirects is
/// misconfigured, and following would resend the credentials elsewhere.
///
/// `only_loopback` says every host this client will reach is this machine. Then a `ca_file` is the
/// only trust there is: no public CA certifies 127.0.0.1, and loading the system's roots (a scan of
/// the system certificate directory) was the largest part of a cold local run.
pub fn build_client(
    ca_file: Option<&Path>,
    only_loopback: bool,
) -> Result<reqwest::Client, Failure> {
    // rustls's cryptography: ring (see Cargo.toml). Installing twice is harmless; the first wins.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut builder = reqwest::Client::builder()
        .user_agent(concat!("certconnect/", env!("CARGO_PKG_VERSION")))
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(Duration::from_secs(15))
        .no_proxy()
        .proxy(system_proxy_except_loopback());
    if let Some(path) = ca_file {
        let pem = bounded_read::read_regular(path, bounded_read::CERTIFICATE_FILE_MAX, "CA file")
            .map_err(|e| ca_failure(path, &e.to_string()))?;
        let certs = reqwest::Certificate::from_pem_bundle(&pem)
            .map_err(|e| ca_failure(path, &e.to_string()))?;
        if certs.is_empty() {
            return Err(ca_failure(path, "no PEM certificate in the file"));
        }
        builder = if only_loopback {
            builder.tls_certs_only(certs)
        } else {
            builder.tls_certs_merge(certs)
        };
    }
    builder.build().map_err(|e| Failure {
        code: "client_setup".into(),
        message: format!("the HTTPS client could not be set up: {e}"),
        hint: "Check the CA file and the proxy environment variables.".into(),
        ..Failure::default()
    })
}

/// The proxy the system settings name for `url`, as a URL with its credentials; never one for a
/// loopback URL.
pub(super) fn proxy_for(matcher: &Matcher, url: &reqwest::Url) -> Option<reqwest::Url> {
    if is_loopback(url) {
        return None;
    }
    let uri = url.as_str().parse::<hyper::Uri>().ok()?;
    let intercept = matcher.intercept(&uri)?;
    let mut proxy = reqwest::Url::parse(&intercept.uri().to_string()).ok()?;
    // The credentials come back out of the matcher as they went in (user:password in the proxy
    // variable), so reqwest sends them to the proxy as before.
    let credentials = match (intercept.raw_auth(), intercept.basic_auth()) {
        (Some((user, password)), _) => Some((user.to_owned(), password.to_owned())),
        (None, Some(basic)) => basic
            .to_str()
            .ok()
            .and_then(|v| v.strip_prefix("Basic "))
            .and_then(|b64| STANDARD.decode(b64).ok())
            .and_then(|raw| String::from_utf8(raw).ok())
            .and_then(|pair| {
                let (user, password) = pair.split_once(':')?;
                Some((user.to_owned(), password.to_owned()))
            }),
        (None, None) => None,
    };
    if let Some((user, password)) = credentials {
        proxy.set_username(&user).ok()?;
        proxy.set_password(Some(&password)).ok()?;
    }
    Some(proxy)
}

/// The system proxy settings, read once, with loopback always direct.
fn system_proxy_except_loopback() -> reqwest::Proxy {
    let matcher = Matcher::from_system();
    reqwest::Proxy::custom(move |url| proxy_for(&matcher, url))
}

fn ca_failure(path: &Path, why: &str) -> Failure {
    Failure {
        code: "ca_file".into(),
        message: format!("the CA file {} cannot be used: {why}", path.display()),
        hint: "Give a PEM file with the root certificate of your network's TLS inspection.".into(),
        ..Failure::default()
    }
}
