//! A real HTTPS listener on 127.0.0.1 whose certificate names another host, for the hostname
//! mismatch a client must refuse (the sandbox's own certificate covers 127.0.0.1 and localhost,
//! so it cannot show one).

use std::net::SocketAddr;
use std::sync::Arc;

use certconnect::cert::generate::certificate_authority;
use openssl::asn1::Asn1Time;
use openssl::bn::{BigNum, MsbOption};
use openssl::hash::MessageDigest;
use openssl::pkey::PKey;
use openssl::rsa::Rsa;
use openssl::x509::extension::SubjectAlternativeName;
use openssl::x509::{X509Builder, X509NameBuilder};
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::rustls::crypto::ring::default_provider;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

/// A listener that completes TLS handshakes with a certificate for `names` only, signed by a
/// fresh CA; it answers nothing after the handshake.
pub struct TlsServer {
    pub addr: SocketAddr,
    /// The CA to trust (PEM), so that the only problem left is the name.
    pub ca_pem: String,
}

/// Starts the listener on `rt`; it runs as long as the runtime.
pub fn start(rt: &tokio::runtime::Runtime, names: &[&str]) -> TlsServer {
    let ca = certificate_authority("certconnect test CA", 2).expect("CA");
    let key = PKey::from_rsa(Rsa::generate(2048).expect("key")).expect("pkey");
    let mut name = X509NameBuilder::new().expect("name");
    name.append_entry_by_text("CN", names[0]).expect("CN");
    let name = name.build();
    let mut builder = X509Builder::new().expect("builder");
    builder.set_version(2).expect("v3");
    let mut serial = BigNum::new().expect("bn");
    serial.rand(64, MsbOption::MAYBE_ZERO, false).expect("rand");
    builder
        .set_serial_number(&serial.to_asn1_integer().expect("serial"))
        .expect("serial");
    builder.set_subject_name(&name).expect("subject");
    builder
        .set_issuer_name(ca.certificate.subject_name())
        .expect("issuer");
    builder.set_pubkey(&key).expect("pubkey");
    builder
        .set_not_before(&Asn1Time::days_from_now(0).expect("time"))
        .expect("not before");
    builder
        .set_not_after(&Asn1Time::days_from_now(2).expect("time"))
        .expect("not after");
    let mut san = SubjectAlternativeName::new();
    for name in names {
        san.dns(name);
    }
    let san = san
        .build(&builder.x509v3_context(Some(&ca.certificate), None))
        .expect("san");
    builder.append_extension(san).expect("extension");
    builder
        .sign(&ca.key, MessageDigest::sha256())
        .expect("sign");
    let certificate = builder.build();

    let chain = vec![
        CertificateDer::from(certificate.to_der().expect("der")),
        CertificateDer::from(ca.certificate.to_der().expect("der")),
    ];
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(
        key.private_key_to_pkcs8().expect("pkcs8"),
    ));
    let config = ServerConfig::builder_with_provider(Arc::new(default_provider()))
        .with_safe_default_protocol_versions()
        .expect("protocols")
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .expect("server config");
    let acceptor = TlsAcceptor::from(Arc::new(config));
    let listener = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .expect("listen");
    let addr = listener.local_addr().expect("address");
    rt.spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move { acceptor.accept(stream).await.ok() });
        }
    });
    let ca_pem = String::from_utf8(ca.certificate.to_pem().expect("pem")).expect("utf-8");
    TlsServer { addr, ca_pem }
}

/// A port on 127.0.0.1 where nothing listens, for as long as this lives: the socket is bound but
/// never listens, so a connection is refused, and no other socket (another test's sandbox in the
/// same process) can be given the port meanwhile, as it could once a released port was reused.
pub struct ClosedPort {
    /// The port.
    pub port: u16,
    _bound: tokio::net::TcpSocket,
}

/// A port on 127.0.0.1 where nothing listens (see [`ClosedPort`]).
pub fn closed_port() -> ClosedPort {
    let socket = tokio::net::TcpSocket::new_v4().expect("socket");
    socket
        .bind(std::net::SocketAddr::from(([127, 0, 0, 1], 0)))
        .expect("bind");
    let port = socket.local_addr().expect("bound address").port();
    ClosedPort {
        port,
        _bound: socket,
    }
}
