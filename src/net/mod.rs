//! The reqwest adapter: one HTTPS client, a retrying sender, the token request and Graph reads.

mod cause;
mod client;
mod client_cache;
mod graph;
mod send;
mod token;
mod unreachable;

pub use client::build_client;
pub use client_cache::ClientCache;
pub use graph::{GraphRequest, get_json, post_json};
pub use send::{Answer, BODY_MAX, RetryContext, cancelled, send};
pub use token::{ASSERTION_TYPE, TokenRequest, request_token};
