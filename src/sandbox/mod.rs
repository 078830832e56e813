//! The local sandbox: an Entra-compatible token endpoint and a Graph mock on 127.0.0.1.
//!
//! It checks client assertions the way Entra does — registered certificate by thumbprint, signature
//! (RS256, or PS256 with a 32-byte salt), `aud`, `iss`/`sub`, `nbf`/`exp`, `jti` replay, scope — and
//! answers with Entra's error JSON and real AADSTS codes. Graph endpoints accept only its own tokens
//! and check their roles. Faults (throttling, busy, locked, slow, malformed, dropped) can be queued.
//! Newcomers use it to try the whole flow without a tenant; the project's tests run against it.

mod app_keys;
mod config;
mod demo;
mod entra_error;
mod graph_mock;
mod idle;
mod jws;
mod server;
mod tls;
mod token_endpoint;
mod verify;

pub use app_keys::KeyCredential;
pub use config::{
    Fault, FaultKind, FaultTarget, MAX_CLOCK_OFFSET_SECS, RegisteredApp, SandboxConfig,
    parse_fault, parse_faults,
};
pub use demo::{
    DEMO_CLIENT_ID, DEMO_OBJECT_ID, DEMO_ROLES, Demo, DemoCertificate, make_demo_certificate,
    start_demo,
};
pub use server::{MAX_BODY, REQUEST_LOG_LIMIT, RecordedRequest, Sandbox};
