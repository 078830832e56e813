//! Sign-in values that must never be shown: a PKCE verifier, an authorization code, a device
//! code. Each is a credential for a few minutes (a code or verifier redeems an administrator's
//! token), so none has `Display` or a readable `Debug`, and each is wiped from memory when dropped.

use std::fmt;

use zeroize::Zeroizing;

/// A text that is sent to Entra and nowhere else.
#[derive(Clone, PartialEq, Eq)]
pub struct Hidden(Zeroizing<String>);

impl Hidden {
    /// Wraps a value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(Zeroizing::new(value.into()))
    }

    /// The value itself, for the request body only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Hidden {
    /// Only the length: enough to tell an empty value from a present one in a test failure.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Hidden({} characters)", self.0.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_shows_the_length_and_never_the_value() {
        let hidden = Hidden::new("SplxlOBeZQQYbYS6WxSbIA");
        let shown = format!("{hidden:?}");
        assert_eq!(shown, "Hidden(22 characters)");
        assert!(!shown.contains("Splx"));
        assert_eq!(hidden.expose(), "SplxlOBeZQQYbYS6WxSbIA");
    }
}
