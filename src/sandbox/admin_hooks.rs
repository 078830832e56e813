//! What a test (or the demo) does in place of the admin at a sign-in page and of Entra's clock:
//! approve or decline a device code, slow its polling down, count its polls, revoke refresh
//! tokens, end the replication wait.

use super::server::Sandbox;

impl Sandbox {
    /// Approves the device code with this user code, as the admin would on the sign-in page;
    /// false when the sandbox issued none (or it has ended).
    pub fn approve_device_code(&self, user_code: &str) -> bool {
        self.state.sign_in.decide(user_code, true)
    }

    /// Declines the device code with this user code: its next poll gets `authorization_declined`.
    pub fn decline_device_code(&self, user_code: &str) -> bool {
        self.state.sign_in.decide(user_code, false)
    }

    /// Answers the next poll of the device code with this user code `slow_down` (RFC 8628), as
    /// Entra does when a client polls too fast; false when the sandbox issued none.
    pub fn slow_down_device_code(&self, user_code: &str) -> bool {
        self.state.sign_in.slow_down_next(user_code)
    }

    /// How many polls of this device code were answered (a `slow_down` is not counted).
    pub fn device_code_polls(&self, user_code: &str) -> u32 {
        self.state.sign_in.polls(user_code)
    }

    /// Revokes every refresh token the sandbox issued (as an admin's "revoke sessions" does):
    /// the next use of one is refused with `invalid_grant` AADSTS70008.
    pub fn revoke_refresh_tokens(&self) {
        self.state.sign_in.revoke_refresh_tokens();
    }

    /// How many refresh tokens are live: issued with `offline_access`, not used, not revoked.
    pub fn live_refresh_tokens(&self) -> usize {
        self.state.sign_in.live_refresh_tokens()
    }

    /// Ends the replication delay of every application, key, service principal and role
    /// assignment written so far: the token endpoint knows them from its next request.
    pub fn replicate_now(&self) {
        self.state.directory.replicate_now();
    }
}
