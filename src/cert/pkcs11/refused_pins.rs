//! PINs a token refused in this process, so that none is tried twice: a token counts every wrong
//! try and locks after a few, and `test --all` over several profiles on one token (or a retyped
//! typo in the app) would otherwise spend a try each time. Kept as keyed hashes (a key drawn once
//! per process), never as PINs.

use std::collections::HashSet;
use std::sync::{Mutex, OnceLock};

use cryptoki::slot::TokenInfo;
use openssl::hash::{MessageDigest, hash};

use crate::secret::Secret;

fn refused() -> &'static Mutex<HashSet<Vec<u8>>> {
    static REFUSED: OnceLock<Mutex<HashSet<Vec<u8>>>> = OnceLock::new();
    REFUSED.get_or_init(Mutex::default)
}

fn process_key() -> &'static [u8; 32] {
    static KEY: OnceLock<[u8; 32]> = OnceLock::new();
    KEY.get_or_init(|| {
        let mut key = [0u8; 32];
        // Without randomness the key is all zeros: the hashes still never leave the process.
        let _ = openssl::rand::rand_bytes(&mut key);
        key
    })
}

/// Held across one login (check, try, remember), so two runs at once (`test --all` runs several)
/// cannot both try a PIN before either learns it is wrong. Logins are short.
pub(super) fn one_login_at_a_time() -> std::sync::MutexGuard<'static, ()> {
    static LOGIN: Mutex<()> = Mutex::new(());
    LOGIN
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// One login attempt: this token (manufacturer, model, serial, label) and this PIN.
pub(super) struct Attempt(Vec<u8>);

impl Attempt {
    pub(super) fn new(token: &TokenInfo, pin: &Secret) -> Self {
        let mut input = process_key().to_vec();
        for part in [
            token.manufacturer_id(),
            token.model(),
            token.serial_number(),
            token.label(),
        ] {
            input.extend_from_slice(part.trim_end().as_bytes());
            input.push(0);
        }
        input.extend_from_slice(pin.expose().as_bytes());
        let digest = hash(MessageDigest::sha256(), &input)
            .map(|d| d.to_vec())
            .unwrap_or_default();
        zeroize::Zeroize::zeroize(&mut input);
        Self(digest)
    }

    /// Whether the token refused this PIN before in this process.
    pub(super) fn refused_before(&self) -> bool {
        refused()
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .contains(&self.0)
    }

    /// The token refused it.
    pub(super) fn remember(&self) {
        refused()
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(self.0.clone());
    }
}
