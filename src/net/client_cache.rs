//! HTTP clients shared by many connection tests in one process (`certconnect test --all`).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use super::build_client;
use crate::core::event::Failure;

/// One client per CA file and reach, built on first use.
///
/// A client is only the TLS trust, the proxy rule and the connection pool: nothing of a profile
/// (headers, tokens) lives in it, so profiles with the same trust can share one. Sharing loads the
/// trust roots once instead of once per profile, and reuses the TLS connections to the token
/// endpoint and Graph, which a thousand profiles of one tenant all reach.
#[derive(Default)]
pub struct ClientCache {
    clients: Mutex<HashMap<(Option<PathBuf>, bool), reqwest::Client>>,
}

impl ClientCache {
    /// The client for `build_client(ca_file, only_loopback)`, shared.
    pub fn get(
        &self,
        ca_file: Option<&Path>,
        only_loopback: bool,
    ) -> Result<reqwest::Client, Failure> {
        let key = (ca_file.map(Path::to_path_buf), only_loopback);
        // A poisoned lock only means another run panicked while inserting; the map is still valid.
        let mut clients = self
            .clients
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(client) = clients.get(&key) {
            return Ok(client.clone());
        }
        let client = build_client(ca_file, only_loopback)?;
        clients.insert(key, client.clone());
        Ok(client)
    }
}
