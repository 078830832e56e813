//! The HTTP client: TLS verification always on, an optional extra CA, proxies from the environment.

use std::path::Path;
use std::time::Duration;

use crate::core::event::Failure;

/// Builds the client for one test connection.
///
/// Certificates are verified against the operating system's trust store; `ca_file` (PEM, one or
/// more certificates) adds roots for networks that inspect TLS. Proxies come from the standard
/// `HTTPS_PROXY` / `HTTP_PROXY` / `NO_PROXY` variables (and the system settings where the platform
/// has them). Redirects are not followed: a token endpoint or Graph that redirects is misconfigured,
/// and following would resend the credentials elsewhere.
pub fn build_client(ca_file: Option<&Path>) -> Result<reqwest::Client, Failure> {
    let mut builder = reqwest::Client::builder()
        .user_agent(concat!("certconnect/", env!("CARGO_PKG_VERSION")))
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(Duration::from_secs(15));
    if let Some(path) = ca_file {
        let pem = std::fs::read(path).map_err(|e| ca_failure(path, &e.to_string()))?;
        let certs = reqwest::Certificate::from_pem_bundle(&pem)
            .map_err(|e| ca_failure(path, &e.to_string()))?;
        if certs.is_empty() {
            return Err(ca_failure(path, "no PEM certificate in the file"));
        }
        builder = builder.tls_certs_merge(certs);
    }
    builder.build().map_err(|e| Failure {
        code: "client_setup".into(),
        message: format!("the HTTPS client could not be set up: {e}"),
        hint: "Check the CA file and the proxy environment variables.".into(),
        ..Failure::default()
    })
}

fn ca_failure(path: &Path, why: &str) -> Failure {
    Failure {
        code: "ca_file".into(),
        message: format!("the CA file {} cannot be used: {why}", path.display()),
        hint: "Give a PEM file with the root certificate of your network's TLS inspection.".into(),
        ..Failure::default()
    }
}
