//! The throwaway certificate of the sandbox demo.

use openssl::error::ErrorStack;

use crate::cert::generate::{KeyPair, self_signed};

/// A demo certificate and its key.
pub struct DemoCertificate(pub KeyPair);

impl DemoCertificate {
    /// A PKCS#12 file with an empty password (it only ever talks to the local sandbox).
    pub fn to_pfx(&self) -> Result<Vec<u8>, ErrorStack> {
        crate::cert::generate::to_pfx(&self.0, "", "certconnect sandbox")
    }
}

/// Makes a self-signed RSA 2048 certificate valid for a year, like `New-SelfSignedCertificate`.
pub fn make_demo_certificate(common_name: &str) -> Result<DemoCertificate, ErrorStack> {
    self_signed(common_name, 2048, 365).map(DemoCertificate)
}

/// The demo app registration's client ID.
pub const DEMO_CLIENT_ID: &str = "3f6d0c6e-6a4b-4c1e-9d7a-5e2b8c0a1f42";
/// The demo app registration's object ID (what addKey and removeKey name; not the client ID).
pub const DEMO_OBJECT_ID: &str = "9b2e4f71-3c5d-4e8a-b6f0-2d7c1a9e5b43";
/// Roles granted to the demo app.
pub const DEMO_ROLES: [&str; 2] = ["Sites.Read.All", "Files.Read.All"];

/// A running demo: the sandbox, and a profile that connects to it.
pub struct Demo {
    /// The running sandbox.
    pub sandbox: super::Sandbox,
    /// A profile pointed at it, using the certificate written into the demo directory.
    pub profile: crate::core::profile::Profile,
    /// SHA-1 thumbprint of the demo certificate.
    pub thumbprint: String,
}

/// Makes a demo certificate in `dir` (`sandbox.pfx` without password, `sandbox.cer`, and with TLS
/// `sandbox-ca.pem`), registers it in a new sandbox, and returns a profile for it.
pub async fn start_demo(
    dir: &std::path::Path,
    mut config: super::SandboxConfig,
) -> Result<Demo, String> {
    use crate::core::authority::Preset;
    use crate::core::draft::ProfileDraft;
    use crate::core::profile::PasswordSource;

    let text = |e: openssl::error::ErrorStack| e.to_string();
    let demo = make_demo_certificate("certconnect sandbox app").map_err(text)?;
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let pfx_path = dir.join("sandbox.pfx");
    let write = |path: &std::path::Path, bytes: &[u8]| {
        crate::profile_store::write_atomic(path, bytes).map_err(|e| e.to_string())
    };
    write(&pfx_path, &demo.to_pfx().map_err(text)?)?;
    write(
        &dir.join("sandbox.cer"),
        &demo.0.certificate.to_der().map_err(text)?,
    )?;
    let sha1 = demo
        .0
        .certificate
        .digest(openssl::hash::MessageDigest::sha1())
        .map_err(text)?;
    config.apps.push(super::RegisteredApp {
        client_id: DEMO_CLIENT_ID.into(),
        object_id: DEMO_OBJECT_ID.into(),
        // With a demo vault, its certificates are registered on the demo app too.
        certificates: std::iter::once(demo.0.certificate.clone())
            .chain(
                config
                    .key_vault
                    .certificates
                    .iter()
                    .filter_map(|c| c.versions.last())
                    .map(|v| v.certificate.clone()),
            )
            .collect(),
        roles: DEMO_ROLES.iter().map(|r| (*r).to_owned()).collect(),
    });
    let sandbox = super::Sandbox::start(config).await?;
    let mut draft = ProfileDraft {
        name: "Sandbox demo".into(),
        client_id: DEMO_CLIENT_ID.into(),
        object_id: DEMO_OBJECT_ID.into(),
        pfx_path: pfx_path.display().to_string(),
        password: PasswordSource::None,
        ..ProfileDraft::default()
    };
    draft.apply_preset(Preset::Custom);
    draft.token_url = sandbox.token_url();
    draft.graph_url = sandbox.graph_url();
    draft.scope = sandbox.scope();
    if let Some(ca) = sandbox.ca_pem() {
        let ca_path = dir.join("sandbox-ca.pem");
        write(&ca_path, ca.as_bytes())?;
        draft.ca_file = ca_path.display().to_string();
    }
    let profile = draft.parse().map_err(|errors| {
        errors
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("; ")
    })?;
    Ok(Demo {
        sandbox,
        profile,
        thumbprint: crate::core::thumbprint::to_hex(&sha1),
    })
}
