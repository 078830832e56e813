//! The administrator's sign-in, remembered when the admin asks for it (off by default): the
//! refresh token kept in the OS credential store under the cloud, tenant and sign-in client
//! (`core::signin::refresh::remembered_sign_in_entry`), never in a file, an output or a log.
//!
//! With the option on, a sign-in first redeems the remembered refresh token (no browser, no code);
//! a token Entra refuses for good (expired, revoked) is deleted and the admin signs in as usual,
//! told why. As with a remembered PFX password, the store is written only after a sign-in
//! succeeded, and it then holds the newest refresh token (Entra rotates it on use). With the
//! option off the credential store is not touched at all. The CLI (`--remember-sign-in`,
//! `app sign-out`) and the app (the wizard's checkbox, Forget remembered sign-in) call this.

use std::future::Future;
use std::sync::Arc;

use tokio_util::sync::CancellationToken;
use zeroize::Zeroizing;

use crate::admin_signin::{AdminSession, SignInError, SignInSettings, sign_in_with_refresh_token};
use crate::core::signin::refresh::{refresh_token_spent, remembered_sign_in_entry};
use crate::core::token_response::EntraError;
use crate::credential_store::{CredentialBackend, CredentialStoreError};
use crate::secret::Secret;

/// What happened to the remembered sign-in on the way to a session, for the front end to say.
#[derive(Debug, thiserror::Error)]
pub enum RememberEvent {
    /// The remembered sign-in was used: no browser opened, no code was asked.
    #[error("Signed in with the sign-in remembered in the {store}.")]
    Reused {
        /// The credential store's name.
        store: String,
    },
    /// Entra refused the remembered sign-in for good; it is forgotten, and the admin signs in.
    #[error(
        "The remembered sign-in was refused ({}), so it is forgotten: sign in again.",
        .error.summary()
    )]
    Refused {
        /// Entra's refusal.
        error: Box<EntraError>,
    },
    /// Entra refused the remembered sign-in, and its entry could not be deleted.
    #[error("The remembered sign-in was refused ({}), and it could not be deleted: {reason}", .error.summary())]
    RefusedNotDeleted {
        /// Entra's refusal.
        error: Box<EntraError>,
        /// Why the entry stayed.
        reason: CredentialStoreError,
    },
    /// The remembered sign-in could not be read; the admin signs in.
    #[error("The remembered sign-in could not be read, so you sign in: {0}")]
    Unreadable(CredentialStoreError),
    /// The remembered sign-in could not be tried (Entra unreachable, …); it is kept, the admin
    /// signs in.
    #[error("The remembered sign-in could not be used ({0}); it is kept. Sign in.")]
    NotUsed(SignInError),
    /// The sign-in is remembered now.
    #[error("This sign-in is remembered in the {store}.")]
    Remembered {
        /// The credential store's name.
        store: String,
    },
    /// The sign-in worked and could not be remembered.
    #[error("This sign-in could not be remembered: {0}")]
    NotRemembered(CredentialStoreError),
    /// Entra sent no refresh token to remember.
    #[error("This sign-in could not be remembered: Entra sent no refresh token.")]
    NoRefreshToken,
}

/// The credential-store entry of the sign-in `settings` describe.
pub fn remembered_entry(settings: &SignInSettings) -> String {
    remembered_sign_in_entry(&settings.authority, &settings.tenant, &settings.client_id)
}

/// Signs the administrator in: with `remember` (the credential store), the remembered sign-in
/// first and the new one remembered after; without, just `interactive` (the browser or the device
/// code flow, given the settings to use). The session returned holds no refresh token: it is in
/// the store or nowhere.
pub async fn sign_in<F, Fut>(
    mut settings: SignInSettings,
    remember: Option<Arc<dyn CredentialBackend>>,
    interactive: F,
    report: &mut (dyn FnMut(RememberEvent) + Send),
    cancel: &CancellationToken,
) -> Result<AdminSession, SignInError>
where
    F: FnOnce(SignInSettings) -> Fut,
    Fut: Future<Output = Result<AdminSession, SignInError>>,
{
    let Some(store) = remember else {
        settings.keep_refresh_token = false;
        let mut session = interactive(settings).await?;
        session.refresh_token = None;
        return Ok(session);
    };
    settings.keep_refresh_token = true;
    let entry = remembered_entry(&settings);
    let store_name = store.name().to_owned();
    match blocking(&store, {
        let entry = entry.clone();
        move |store| store.get(&entry)
    })
    .await
    {
        Ok(Some(bytes)) => {
            let bytes = Zeroizing::new(bytes);
            let token = Secret::new(String::from_utf8_lossy(&bytes).into_owned());
            match sign_in_with_refresh_token(&settings, &token, cancel).await {
                Ok(session) => {
                    report(RememberEvent::Reused {
                        store: store_name.clone(),
                    });
                    return keep(&store, entry, session, report, false).await;
                }
                Err(SignInError::TokenRefused { error, .. }) if refresh_token_spent(&error) => {
                    let deleted = blocking(&store, {
                        let entry = entry.clone();
                        move |store| store.delete(&entry)
                    })
                    .await;
                    report(match deleted {
                        Ok(()) => RememberEvent::Refused { error },
                        Err(reason) => RememberEvent::RefusedNotDeleted { error, reason },
                    });
                }
                Err(SignInError::Cancelled) => return Err(SignInError::Cancelled),
                Err(other) => report(RememberEvent::NotUsed(other)),
            }
        }
        Ok(None) => {}
        Err(reason) => report(RememberEvent::Unreadable(reason)),
    }
    let session = interactive(settings).await?;
    keep(&store, entry, session, report, true).await
}

/// Writes the session's refresh token (the newest: Entra rotates it) under `entry`, then drops it
/// from the session. `say` tells the admin it is remembered (not again for a reused sign-in).
async fn keep(
    store: &Arc<dyn CredentialBackend>,
    entry: String,
    mut session: AdminSession,
    report: &mut (dyn FnMut(RememberEvent) + Send),
    say: bool,
) -> Result<AdminSession, SignInError> {
    let Some(token) = session.refresh_token.take() else {
        report(RememberEvent::NoRefreshToken);
        return Ok(session);
    };
    let written = blocking(store, move |store| {
        store.set(&entry, token.expose().as_bytes())
    })
    .await;
    match written {
        Ok(()) if say => report(RememberEvent::Remembered {
            store: store.name().to_owned(),
        }),
        Ok(()) => {}
        Err(reason) => report(RememberEvent::NotRemembered(reason)),
    }
    Ok(session)
}

/// Forgets the remembered sign-in `settings` describe (nothing to forget is no error).
pub fn forget(
    store: &dyn CredentialBackend,
    settings: &SignInSettings,
) -> Result<(), CredentialStoreError> {
    store.delete(&remembered_entry(settings))
}

/// Runs a credential-store call off the async threads (the OS store blocks on D-Bus or IPC).
async fn blocking<T: Send + 'static>(
    store: &Arc<dyn CredentialBackend>,
    call: impl FnOnce(&dyn CredentialBackend) -> Result<T, CredentialStoreError> + Send + 'static,
) -> Result<T, CredentialStoreError> {
    let store = Arc::clone(store);
    let name = store.name().to_owned();
    tokio::task::spawn_blocking(move || call(store.as_ref()))
        .await
        .unwrap_or_else(|_| {
            Err(CredentialStoreError::Platform {
                store: name,
                detail: "the credential store call stopped unexpectedly".into(),
            })
        })
}
