//! The reqwest adapter: one HTTPS client, a retrying sender, the token request and Graph reads.

mod cause;
mod client;
mod graph;
mod send;
mod token;
mod unreachable;

pub use client::build_client;
pub use graph::{GraphRequest, get_json};
pub use send::{Answer, BODY_MAX, RetryContext, cancelled, send};
pub use token::{ASSERTION_TYPE, TokenRequest, request_token};
