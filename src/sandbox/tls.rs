//! HTTPS for the sandbox: a fresh CA and a server certificate for 127.0.0.1 and localhost.

use std::sync::Arc;

use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::rustls::crypto::ring::default_provider;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

use crate::cert::generate::{certificate_authority, loopback_server};

/// The acceptor and the CA certificate (PEM) a client must trust.
pub(super) fn acceptor() -> Result<(TlsAcceptor, String), String> {
    let text = |e: openssl::error::ErrorStack| e.to_string();
    let ca = certificate_authority("certconnect sandbox CA", 30).map_err(text)?;
    let server = loopback_server(&ca, 30).map_err(text)?;
    let chain = vec![
        CertificateDer::from(server.certificate.to_der().map_err(text)?),
        CertificateDer::from(ca.certificate.to_der().map_err(text)?),
    ];
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(
        server.key.private_key_to_pkcs8().map_err(text)?,
    ));
    let config = ServerConfig::builder_with_provider(Arc::new(default_provider()))
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(|e| e.to_string())?;
    let ca_pem =
        String::from_utf8(ca.certificate.to_pem().map_err(text)?).map_err(|e| e.to_string())?;
    Ok((TlsAcceptor::from(Arc::new(config)), ca_pem))
}
