//! The rules of an administrator's delegated sign-in, used to set up an app registration: the
//! authorization code flow with PKCE through the browser (`pkce`), the device code flow where no
//! browser can open (`device_code`), and the scopes each setup step needs (`scopes`).
//!
//! Everything here is pure: the adapters make the random bytes, hash the verifier, listen on the
//! loopback port and talk to Entra; these modules decide what to send and what an answer means.

pub mod device_code;
pub mod endpoint;
pub mod hidden;
pub mod pkce;
pub mod refresh;
pub mod scopes;
