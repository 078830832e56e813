//! The reqwest adapter: one HTTPS client, a retrying sender, the token request, Graph reads and
//! Graph's app management with an administrator's token.

mod app_management;
mod cause;
mod client;
mod client_cache;
mod graph;
mod key_vault;
mod send;
mod token;
mod unreachable;
mod vault_sign_in;
mod vault_token;

pub use app_management::{GraphAdmin, GraphAdminError, GraphError, Resend};
pub use client::build_client;
pub use client_cache::ClientCache;
pub use graph::{GraphRequest, get_json, post_json};
pub use key_vault::{ListedCertificate, VaultCertificate, VaultClient, VaultError};
pub use send::{Answer, BODY_MAX, RetryContext, cancelled, send};
pub use token::{ASSERTION_TYPE, TokenRequest, request_token};
pub use vault_sign_in::{
    SignInWay, SignedInAs, VaultSignIn, register_vault_sign_in, registered_vault_sign_in,
};
pub use vault_token::{AZ_TIMEOUT, AppOnly, IMDS_ENDPOINT_VAR, TokenError, TokenSource};
