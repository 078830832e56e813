//! What the sandbox knows: its tenant, the registered apps and their certificates, queued faults.

use std::time::Duration;

use openssl::x509::X509;

use super::admin_config::AdminSandboxConfig;

/// An app registration in the sandbox tenant.
#[derive(Clone)]
pub struct RegisteredApp {
    /// Application (client) ID.
    pub client_id: String,
    /// The application object's id (the portal's "Object ID"), which addKey / removeKey name.
    pub object_id: String,
    /// Uploaded certificates (their public part).
    pub certificates: Vec<X509>,
    /// Application permissions granted with admin consent.
    pub roles: Vec<String>,
}

/// Which endpoint a fault applies to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FaultTarget {
    /// The token endpoint.
    Token,
    /// Any Graph endpoint.
    Graph,
    /// The Key Vault stand-in (`/certificates…`, `/keys…`).
    KeyVault,
}

/// A misbehaviour for one request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FaultKind {
    /// Answer with this status (429, 503, 423, …), optionally with a `Retry-After` value.
    Status {
        /// The status.
        code: u16,
        /// The `Retry-After` header value (seconds or an HTTP date).
        retry_after: Option<String>,
    },
    /// Wait this long, then answer normally.
    Slow(Duration),
    /// Answer 200 with a truncated JSON body.
    Malformed,
    /// Answer 502 with an HTML page, as a proxy would.
    Html,
    /// Close the connection without answering.
    Drop,
}

/// One queued fault: the next request to `target` gets `kind`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fault {
    /// Where.
    pub target: FaultTarget,
    /// What.
    pub kind: FaultKind,
}

/// Everything the sandbox needs to start.
#[derive(Clone)]
pub struct SandboxConfig {
    /// The tenant's GUID.
    pub tenant_id: String,
    /// The tenant's verified domain.
    pub tenant_domain: String,
    /// Registered apps.
    pub apps: Vec<RegisteredApp>,
    /// Faults, applied in order to the requests they target.
    pub faults: Vec<Fault>,
    /// Serve HTTPS with a freshly made CA (see `Sandbox::ca_pem`).
    pub tls: bool,
    /// Seconds added to the sandbox's clock, to simulate a machine whose clock is off.
    pub clock_offset_secs: i64,
    /// Port on 127.0.0.1; 0 picks a free one.
    pub port: u16,
    /// How long a client may take to send a request's headers, counted from the first byte it
    /// may send (a kept-alive connection waiting for its next request counts too), and then its
    /// body; a half-sent request is closed after it.
    pub header_read_timeout: Duration,
    /// A connection on which nothing moves (no byte read or written) for this long is closed.
    pub idle_timeout: Duration,
    /// How long a key added with addKey stays unknown to the token endpoint (AADSTS700027), as
    /// Entra's replication takes a moment after an upload.
    pub key_propagation: Duration,
    /// The admin who signs in with a delegated flow, and how Graph's app management behaves.
    pub admin: AdminSandboxConfig,
    /// The Key Vault stand-in's certificates and access, and the managed identities.
    pub key_vault: super::key_vault_config::KeyVaultConfig,
}

/// The largest clock offset the sandbox accepts, either way: 50 years. Far enough for any skew
/// demonstration; near enough that every date it writes stays a real date.
pub const MAX_CLOCK_OFFSET_SECS: i64 = 50 * 365 * 86_400;

impl SandboxConfig {
    /// Checks what could not work before anything starts: an absurd clock offset.
    pub fn check(&self) -> Result<(), String> {
        if self.clock_offset_secs.unsigned_abs() > MAX_CLOCK_OFFSET_SECS.unsigned_abs() {
            return Err(format!(
                "clock offset {} s is out of range: at most {MAX_CLOCK_OFFSET_SECS} s (50 years) either way",
                self.clock_offset_secs
            ));
        }
        if self.header_read_timeout.is_zero() || self.idle_timeout.is_zero() {
            return Err("the sandbox's timeouts must be longer than zero".into());
        }
        Ok(())
    }
}

impl Default for SandboxConfig {
    fn default() -> Self {
        Self {
            tenant_id: "11111111-2222-3333-4444-555555555555".into(),
            tenant_domain: "sandbox.onmicrosoft.com".into(),
            apps: Vec::new(),
            faults: Vec::new(),
            tls: false,
            clock_offset_secs: 0,
            port: 0,
            header_read_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(60),
            key_propagation: Duration::ZERO,
            admin: AdminSandboxConfig::default(),
            key_vault: super::key_vault_config::KeyVaultConfig::default(),
        }
    }
}

/// Parses the `--fault` specs of `sandbox` and `demo` (both binaries); the error names the spec.
pub fn parse_faults<S: AsRef<str>>(specs: &[S]) -> Result<Vec<Fault>, String> {
    specs
        .iter()
        .map(|spec| {
            let spec = spec.as_ref();
            parse_fault(spec).map_err(|message| format!("--fault {spec}: {message}"))
        })
        .collect()
}

/// Parses a fault given on the command line: `token:429`, `graph:503:retry-after=2`, `token:slow=1500`,
/// `graph:malformed`, `token:html`, `graph:drop`.
pub fn parse_fault(text: &str) -> Result<Fault, String> {
    let mut parts = text.split(':');
    let target = match parts.next().unwrap_or_default() {
        "token" => FaultTarget::Token,
        "graph" => FaultTarget::Graph,
        "vault" => FaultTarget::KeyVault,
        other => {
            return Err(format!(
                "'{other}' is not a fault target (token, graph or vault)"
            ));
        }
    };
    let what = parts.next().ok_or("a fault needs a kind, e.g. token:429")?;
    let kind = match what {
        "malformed" => FaultKind::Malformed,
        "html" => FaultKind::Html,
        "drop" => FaultKind::Drop,
        slow if slow.starts_with("slow=") => {
            let ms = slow["slow=".len()..]
                .parse::<u64>()
                .map_err(|_| "slow=MILLISECONDS")?;
            FaultKind::Slow(Duration::from_millis(ms))
        }
        code => {
            let code = code
                .parse::<u16>()
                .map_err(|_| format!("'{code}' is not a fault kind"))?;
            let retry_after = parts
                .next()
                .map(|p| {
                    p.strip_prefix("retry-after=")
                        .map(str::to_owned)
                        .ok_or("expected retry-after=SECONDS")
                })
                .transpose()?;
            FaultKind::Status { code, retry_after }
        }
    };
    Ok(Fault { target, kind })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faults_parse_from_the_command_line() {
        assert_eq!(
            parse_fault("graph:429:retry-after=2"),
            Ok(Fault {
                target: FaultTarget::Graph,
                kind: FaultKind::Status {
                    code: 429,
                    retry_after: Some("2".into())
                }
            })
        );
        assert_eq!(
            parse_fault("token:slow=1500").unwrap().kind,
            FaultKind::Slow(Duration::from_millis(1500))
        );
        assert_eq!(parse_fault("token:drop").unwrap().kind, FaultKind::Drop);
        assert!(parse_fault("x:429").is_err());
        assert!(parse_fault("token").is_err());
        assert!(parse_fault("token:teapot").is_err());
    }

    #[test]
    fn absurd_clock_offsets_are_refused_and_sane_ones_kept() {
        let with = |clock_offset_secs| SandboxConfig {
            clock_offset_secs,
            ..SandboxConfig::default()
        };
        assert!(with(i64::MAX).check().is_err());
        assert!(with(i64::MIN).check().is_err());
        assert!(with(MAX_CLOCK_OFFSET_SECS + 1).check().is_err());
        assert!(with(MAX_CLOCK_OFFSET_SECS).check().is_ok());
        assert!(with(-3600).check().is_ok());
    }
}
