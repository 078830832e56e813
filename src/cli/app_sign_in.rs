//! The administrator's sign-in for `certconnect app …`: where Entra and Graph are (checked before
//! anything is asked), the browser or device code flow, and how a sign-in that failed is shown.
//! Nothing here prints a token, a code or a verifier: the device code's message (the page and the
//! user code to type) is the only part of a sign-in that reaches the terminal.

use serde_json::{Value, json};
use tokio_util::sync::CancellationToken;
use url::Url;

use super::Outcome;
use super::app_args::{CloudArgs, SignInArgs};
use super::term::{clean, outln};
use crate::admin_signin::{
    AdminSession, DEFAULT_AUTHORITY, DeviceCodeEvent, PollTiming, SignInError, SignInSettings,
    SystemBrowser, sign_in_with_browser, sign_in_with_device_code,
};
use crate::core::authority::{Cloud, Preset};
use crate::core::guid::normalize_guid;
use crate::core::signin::endpoint::{Endpoint, endpoint_url};
use crate::core::signin::scopes::{SetupStep, scopes_for};
use crate::core::url_rules::is_loopback;
use crate::credential_store::{CredentialBackend, open_os_backend};
use crate::ops::remembered_sign_in::{self, RememberEvent};

/// Where the administrator signs in and where Graph is, checked.
pub(super) struct Place {
    /// The sign-in host.
    pub authority: Url,
    /// Graph's URL with its version.
    pub graph_url: Url,
    /// The tenant's token endpoint (for the app's own connection).
    pub token_url: Url,
    /// The tenant, trimmed.
    pub tenant: String,
    /// The public client the admin signs in with, when not the default.
    pub client_id: Option<String>,
}

/// Checks the sign-in flags: Graph's URL (https, plain http only to this machine), the authority
/// (by default the sign-in host of Graph's cloud), the tenant and the sign-in client ID.
pub(super) fn place(tenant: &str, args: &CloudArgs) -> Result<Place, String> {
    let graph_text = args
        .graph_url
        .clone()
        .or_else(|| Preset::SingleTenant.graph_url())
        .unwrap_or_default();
    let graph_url = Url::parse(graph_text.trim())
        .map_err(|e| format!("--graph-url '{graph_text}' is not a web address: {e}"))?;
    match graph_url.scheme() {
        "https" => {}
        "http" if is_loopback(&graph_url) => {}
        _ => {
            return Err(format!(
                "--graph-url must use https (plain http only to this machine): {graph_text}"
            ));
        }
    }
    let authority_text = match &args.authority {
        Some(text) => text.trim().to_owned(),
        None => graph_url
            .host_str()
            .and_then(Cloud::of_graph_host)
            .and_then(|cloud| cloud.presets().first().copied())
            .and_then(Preset::login_host)
            .unwrap_or(DEFAULT_AUTHORITY)
            .to_owned(),
    };
    let authority = Url::parse(&authority_text)
        .map_err(|e| format!("--authority '{authority_text}' is not a web address: {e}"))?;
    let token_url =
        endpoint_url(&authority, tenant, Endpoint::Token).map_err(|e| format!("{e}"))?;
    let client_id =
        match &args.sign_in_client_id {
            Some(text) => Some(normalize_guid(text).ok_or_else(|| {
                format!("--sign-in-client-id: '{text}' is not a client ID (a GUID)")
            })?),
            None => None,
        };
    Ok(Place {
        authority,
        graph_url,
        token_url,
        tenant: tenant.trim().to_owned(),
        client_id,
    })
}

/// The sign-in `place` and `steps` describe.
pub(super) fn settings(place: &Place, steps: &[SetupStep]) -> SignInSettings {
    let mut settings = SignInSettings::new(
        place.authority.clone(),
        &place.tenant,
        place.graph_url.clone(),
        scopes_for(steps),
    );
    if let Some(client_id) = &place.client_id {
        settings.client_id.clone_from(client_id);
    }
    settings
}

/// Signs the administrator in for `steps`: with `--remember-sign-in` the remembered sign-in
/// first, else (or when it is refused) with a device code (its message on standard error) or
/// through the system browser. Says on standard error who signed in, and what became of the
/// remembered sign-in; never the token.
pub(super) async fn sign_in(
    place: &Place,
    args: &SignInArgs,
    steps: &[SetupStep],
    cancel: &CancellationToken,
) -> Result<AdminSession, SignInError> {
    let mut settings = settings(place, steps);
    settings.ca_file.clone_from(&args.ca_file);
    let store = match args.remember_sign_in {
        false => None,
        true => match open_os_backend() {
            Ok(store) => Some(store),
            Err(error) => {
                eprintln!(
                    "This sign-in cannot be remembered: {}",
                    clean(&error.to_string())
                );
                None
            }
        },
    };
    let device_code = args.device_code;
    let tenant = place.tenant.clone();
    let interactive = |settings: SignInSettings| async move {
        if device_code {
            let mut report = |event: DeviceCodeEvent| match event {
                DeviceCodeEvent::Prompt(prompt) => eprintln!("{}", clean(&prompt.message)),
                DeviceCodeEvent::SlowedDown { interval } => eprintln!(
                    "Entra asked to poll less often: every {} s now.",
                    interval.as_secs()
                ),
            };
            sign_in_with_device_code(&settings, PollTiming::default(), &mut report, cancel).await
        } else {
            eprintln!(
                "Opening the browser to sign in as an administrator of {} (where no browser can open, use --device-code).",
                clean(&tenant)
            );
            sign_in_with_browser(&settings, &SystemBrowser, cancel).await
        }
    };
    let mut say = |event: RememberEvent| eprintln!("{}", clean(&event.to_string()));
    let session =
        remembered_sign_in::sign_in(settings, store, interactive, &mut say, cancel).await?;
    eprintln!(
        "Signed in as {} ({}), tenant {}.",
        clean(&session.name),
        clean(&session.upn),
        clean(&session.tenant_id)
    );
    Ok(session)
}

/// `app sign-out`: forgets the remembered sign-in for the tenant, client and cloud given.
pub(super) fn sign_out(args: &super::app_args::SignOutArgs) -> Outcome {
    let place = match place(&args.tenant, &args.cloud) {
        Ok(place) => place,
        Err(message) => {
            eprintln!("error: {}", clean(&message));
            return Outcome::BadInput;
        }
    };
    let forgotten = open_os_backend().and_then(|store: std::sync::Arc<dyn CredentialBackend>| {
        remembered_sign_in::forget(store.as_ref(), &settings(&place, &[]))
            .map(|()| store.name().to_owned())
    });
    match forgotten {
        Ok(store) => {
            outln!(
                "No sign-in to {} is remembered now (the {} holds none).",
                clean(&place.tenant),
                clean(&store)
            );
            Outcome::Ok
        }
        Err(error) => {
            eprintln!(
                "error: the remembered sign-in could not be forgotten: {}",
                clean(&error.to_string())
            );
            Outcome::Failed
        }
    }
}

/// A sign-in that failed, as the step list or the JSON object shows it (`fields` are the command's
/// own keys, empty). Exit 2 when the input was at fault, otherwise 1.
pub(super) fn sign_in_failed(json: bool, error: &SignInError, fields: Value) -> Outcome {
    let input = matches!(
        error,
        SignInError::Endpoint(_)
            | SignInError::GraphUrl(_)
            | SignInError::NoScopes
            | SignInError::ClientSetup { .. }
    );
    let code = match (error.aadsts(), error) {
        (Some(number), _) => format!("AADSTS{number}"),
        (None, SignInError::Cancelled) => crate::core::event::codes::CANCELLED.to_owned(),
        (None, _) if input => "usage".to_owned(),
        (None, _) => "sign_in_failed".to_owned(),
    };
    let hint = match error.aadsts() {
        Some(700016) => {
            "Entra does not know this sign-in client in the tenant: give your organisation's public client with --sign-in-client-id."
        }
        Some(65001) => "Consent was not given: sign in again and accept the permissions asked for.",
        _ if input => "Correct the input and run it again.",
        _ => "Sign in again (with --device-code where no browser can open).",
    };
    let message = error.to_string();
    if json {
        let mut object = json!({
            "ok": false,
            "steps": [],
            "retries": [],
            "warnings": [],
            "error": { "step": "sign_in", "code": code, "message": message, "hint": hint },
        });
        if let (Value::Object(object), Value::Object(fields)) = (&mut object, fields) {
            object.extend(fields);
        }
        super::print::json(&object);
    } else {
        outln!(
            "[FAIL] Sign in as an administrator\n         {}\n         Fix: {}",
            clean(&message),
            clean(hint)
        );
        outln!("Sign-in FAILED ({})", clean(&code));
    }
    if input {
        Outcome::BadInput
    } else {
        Outcome::Failed
    }
}
