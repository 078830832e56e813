//! The rules of setting up an app registration for an app-only connector: which Microsoft Graph
//! application roles fit the job (`graph_roles`), their IDs as Graph's service principal lists them
//! (`role_ids`), adding a certificate without losing the keys an app has (`key_credentials`), the
//! bodies of the Graph requests that create and grant (`requests`), the directory role an
//! administrator lacks when Graph answers 403 (`admin_roles`), and which setup job fixes a failed
//! test (`setup_fix`).
//!
//! The adapters send the requests; these modules decide what goes in them and what comes back means.

pub mod admin_roles;
pub mod graph_roles;
pub mod key_credentials;
pub mod requests;
pub mod role_ids;
pub mod setup_fix;

/// Microsoft Graph's application ID, the same in every tenant and cloud: the resource whose
/// application roles a connector is granted (`requiredResourceAccess`, the Graph service principal).
pub const GRAPH_APP_ID: &str = "00000003-0000-0000-c000-000000000000";
