//! The reqwest adapter: one HTTPS client, a retrying sender, the token request, Graph reads and
//! Graph's app management with an administrator's token.

mod app_management;
mod cause;
mod client;
mod client_cache;
mod graph;
mod send;
mod token;
mod unreachable;

pub use app_management::{GraphAdmin, GraphAdminError, GraphError, Resend};
pub use client::build_client;
pub use client_cache::ClientCache;
pub use graph::{GraphRequest, get_json, post_json};
pub use send::{Answer, BODY_MAX, RetryContext, cancelled, send};
pub use token::{ASSERTION_TYPE, TokenRequest, request_token};
